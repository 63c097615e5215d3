package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newSupportCmd) }

func newSupportCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "support MAP.yaml SEGMENT",
		Short: "Show how a segment gets the products and who supports it",
		Long: `support answers two questions for one segment or customer of a map, after
saying what it needs (its reasons for purchase, the map's needs field):

How does it get the products? Every supply path from the company to it, hop
by hop with the delivery method, margin and share of each hop, the key
players on those paths, and whether its preferred acquisition method is
offered at all. Share is the fraction of the buyer's purchases that come
through a supplies edge. A customer without supplies edges of its own gets the paths
of the segment it belongs to.

Who supports it? The organisations that support it, with what they do, for
which products and why the customer goes to them, and the touchpoints it
uses with who runs each.`,
		Example: `  chanmap support testdata/maps/industrial.yaml water-utilities
  chanmap support testdata/maps/hybrid.yaml homeowners --json`,
		Args: func(c *cobra.Command, args []string) error {
			switch len(args) {
			case 0:
				return usagef("missing MAP.yaml and SEGMENT: give a map file and the id of a segment or customer")
			case 1:
				return usagef("missing SEGMENT: give the id of a segment or customer of %s after the map file", args[0])
			}
			return exactArgs(2)(c, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := mapio.ReadFile(args[0])
			if err != nil {
				return err
			}
			s, err := graph.SupportOf(m, args[1])
			if err != nil {
				if errors.Is(err, graph.ErrNotFound) {
					known := m.NodesOfKind(graph.KindSegment, graph.KindCustomer)
					return fmt.Errorf("%w%s; segments and customers on %s: %s", err, graph.DidYouMean(args[1], known), args[0],
						strings.Join(known, ", "))
				}
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(s)
			}
			return writeSupport(out, m, s)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the answer as JSON (the contract of GET /api/v1/maps/{map}/segments/{id}/support)")
	return cmd
}

// writeSupport prints the answer for a reader: names first, ids in brackets.
func writeSupport(w io.Writer, m *graph.Map, s *graph.Support) error {
	ix := graph.NewIndex(m)
	name := func(id string) string {
		if n := ix.Nodes[id]; n != nil && n.Name != "" {
			return n.Name
		}
		return id
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s, %s) on map %s\n", s.Name, s.Segment, s.Kind, s.Map)
	if s.Needs != "" {
		fmt.Fprintf(&b, "Needs: %s\n", s.Needs)
	} else {
		b.WriteString("Needs: not given (the map's needs field says why this segment buys)\n")
	}

	b.WriteString("\nHow it gets the products\n")
	switch len(s.Paths) {
	case 0:
		b.WriteString("  No supply path reaches it: nobody sells it the products.\n")
	case 1:
		b.WriteString("  1 supply path:\n")
	default:
		fmt.Fprintf(&b, "  %d supply paths:\n", len(s.Paths))
	}
	var via []string
	for _, p := range s.Paths {
		if end := p.Nodes[len(p.Nodes)-1]; end != s.Segment && !slices.Contains(via, end) {
			via = append(via, end)
		}
	}
	if len(via) > 0 {
		fmt.Fprintf(&b, "  It is supplied through the segment it belongs to: %s.\n", supportNamed(via, name))
	}
	for i, p := range s.Paths {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, strings.Join(p.Nodes, " -> "))
		for _, h := range p.Hops {
			var facts []string
			if h.Delivery != "" {
				facts = append(facts, h.Delivery)
			} else {
				facts = append(facts, "delivery not given")
			}
			if h.Margin != nil {
				facts = append(facts, "margin "+supportPercent(*h.Margin))
			}
			if h.Share != nil {
				facts = append(facts, "share "+supportPercent(*h.Share))
			}
			if len(h.Products) > 0 {
				facts = append(facts, "only "+supportNames(h.Products, name))
			}
			fmt.Fprintf(&b, "       %s -> %s: %s\n", name(h.From), name(h.To), strings.Join(facts, ", "))
		}
	}
	if len(s.KeyPlayers) > 0 {
		fmt.Fprintf(&b, "  Key players: %s\n", supportNamed(s.KeyPlayers, name))
	}

	b.WriteString("\nAcquisition preference\n")
	offered := "nothing"
	if len(s.Offered) > 0 {
		offered = strings.Join(s.Offered, ", ")
	}
	switch {
	case len(s.Prefers) == 0:
		fmt.Fprintf(&b, "  No preference given (offered: %s).\n", offered)
	case s.PreferenceMet:
		fmt.Fprintf(&b, "  Prefers %s: met (offered: %s).\n", strings.Join(s.Prefers, " or "), offered)
	default:
		fmt.Fprintf(&b, "  Prefers %s: NOT met (offered: %s).\n", strings.Join(s.Prefers, " or "), offered)
	}

	b.WriteString("\nWho supports it\n")
	if len(s.Supporters) == 0 {
		b.WriteString("  Nobody supports it.\n")
	}
	for _, sp := range s.Supporters {
		fmt.Fprintf(&b, "  %s (%s, %s)\n", sp.Name, sp.ID, sp.Kind)
		if len(sp.Services) > 0 {
			fmt.Fprintf(&b, "    does: %s\n", strings.Join(sp.Services, ", "))
		}
		if len(sp.Products) > 0 {
			fmt.Fprintf(&b, "    for:  %s\n", supportNames(sp.Products, name))
		} else {
			b.WriteString("    for:  all products\n")
		}
		if sp.Why != "" {
			fmt.Fprintf(&b, "    why:  %s\n", sp.Why)
		}
	}

	b.WriteString("\nWhere it talks to whom\n")
	if len(s.Touchpoints) == 0 {
		b.WriteString("  It uses no touchpoint on this map.\n")
	}
	for _, t := range s.Touchpoints {
		line := fmt.Sprintf("  %s (%s", t.Name, t.ID)
		if t.Channel != "" {
			line += ", " + t.Channel
		}
		line += ")"
		if t.Purpose != "" {
			line += ": " + t.Purpose
		}
		if len(t.Operators) > 0 {
			line += "; run by " + supportNames(t.Operators, name)
		} else {
			line += "; nobody runs it"
		}
		b.WriteString(line + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func supportPercent(f float64) string {
	return strconv.FormatFloat(math.Round(f*10000)/100, 'f', -1, 64) + "%"
}

func supportNames(ids []string, name func(string) string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = name(id)
	}
	return strings.Join(out, ", ")
}

func supportNamed(ids []string, name func(string) string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fmt.Sprintf("%s (%s)", name(id), id)
	}
	return strings.Join(out, ", ")
}
