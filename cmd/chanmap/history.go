package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/chanmap/chanmap/graph/mapio"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/chanmap/chanmap/cmd/chanmap/internal/storeconfig"
	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/compare"
	"github.com/chanmap/chanmap/render"
	"github.com/chanmap/chanmap/render/scene"
)

func init() {
	subcommands = append(subcommands, newHistoryCmd, newDiffCmd, newRestoreCmd, newUndeleteCmd, newPurgeCmd)
}

// cliAuthor is the author the CLI records with its writes: the OS user's
// name, or "cli" when it cannot be found.
func cliAuthor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "cli"
}

// writeCtx carries the CLI's author and the user's message to the store.
func writeCtx(ctx context.Context, message string) (context.Context, error) {
	wi := graph.WriteInfo{Author: cliAuthor(), Message: message}
	if err := graph.CheckWriteInfo(wi); err != nil {
		return nil, usagef("--message: %v", err)
	}
	return graph.WithWriteInfo(ctx, wi), nil
}

func newHistoryCmd() *cobra.Command {
	var f storeFlags
	var limit int
	var before int64
	var asJSON, deleted bool
	cmd := &cobra.Command{
		Use:   "history MAP_ID | --deleted",
		Short: "List the versions of a stored map, newest first",
		Long: `history lists the versions of a stored map, newest first: version, time,
author, number of changes, node and edge counts, and the message. Every
change set applied to a map is a version; read one with
"chanmap export MAP_ID@VERSION"-style references in "chanmap diff", undo with
"chanmap restore". --deleted lists the deleted maps that can still be
undeleted, and until when.
` + storeEnvHelp,
		Example: `  chanmap history acme-pumps
  chanmap history acme-pumps --limit 10 --before 40 --json
  chanmap history --deleted`,
		Args: func(c *cobra.Command, args []string) error {
			if deleted != (len(args) == 0) || len(args) > 1 {
				return usagef("give one map id, or --deleted alone")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, cfg, err := f.openExisting(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			out := cmd.OutOrStdout()
			if deleted {
				ds, err := s.Deleted(ctx)
				if err != nil {
					return fmt.Errorf("deleted maps in %s: %w", cfg, err)
				}
				if asJSON {
					return writeIndented(out, ds)
				}
				tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "MAP\tVERSION\tDELETED\tBY\tKEPT UNTIL\tTITLE")
				for _, d := range ds {
					fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", d.ID, d.Version, d.Deleted.Format("2006-01-02 15:04"), d.Author, d.Expires.Format("2006-01-02"), d.Title)
				}
				return tw.Flush()
			}
			vs, err := s.Versions(ctx, args[0], before, limit)
			if errors.Is(err, graph.ErrNotFound) {
				return fmt.Errorf("no map %q in %s", args[0], cfg)
			}
			if err != nil {
				return fmt.Errorf("history of %s in %s: %w", args[0], cfg, err)
			}
			if asJSON {
				return writeIndented(out, vs)
			}
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "VERSION\tTIME\tAUTHOR\tCHANGES\tNODES\tEDGES\tMESSAGE")
			for _, v := range vs {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%d\t%s\n", v.Version, v.Time.Format("2006-01-02 15:04:05"), v.Author, v.Changes, v.Nodes, v.Edges, oneLine(v.Message))
			}
			return tw.Flush()
		},
	}
	f.add(cmd)
	cmd.Flags().IntVar(&limit, "limit", graph.DefaultVersionPage, "how many versions to list (at most 1000)")
	cmd.Flags().Int64Var(&before, "before", 0, "list the versions below this one (the next page)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON")
	cmd.Flags().BoolVar(&deleted, "deleted", false, "list the deleted maps that can be undeleted")
	return cmd
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// side is one argument of `chanmap diff`: a map file, MAP@VERSION or a
// stored map's id.
type side struct {
	arg     string
	file    bool
	id      string
	version int64 // 0: the current version
}

func parseSide(arg string) (side, error) {
	ext := strings.ToLower(filepath.Ext(arg))
	if ext == ".yaml" || ext == ".yml" || ext == ".json" || strings.ContainsRune(arg, os.PathSeparator) {
		return side{arg: arg, file: true}, nil
	}
	if _, err := os.Stat(arg); err == nil {
		return side{arg: arg, file: true}, nil
	}
	id, ver, hasVer := strings.Cut(arg, "@")
	if !graph.ValidSlug(id) {
		return side{}, usagef("%q is neither a map file (.yaml, .yml, .json) nor a stored map (MAP_ID or MAP_ID@VERSION)", arg)
	}
	s := side{arg: arg, id: id}
	if hasVer {
		v, err := strconv.ParseInt(ver, 10, 64)
		if err != nil || v < 1 {
			return side{}, usagef("%q: the version after @ must be a whole number from 1", arg)
		}
		s.version = v
	}
	return s, nil
}

func newDiffCmd() *cobra.Command {
	var f storeFlags
	var asJSON bool
	var out, format, side, theme string
	var opt render.Options
	cmd := &cobra.Command{
		Use:   "diff A B",
		Short: "Show what changed between two maps or two versions of a map",
		Long: `diff compares A (before) with B (after) and lists the nodes and edges added,
removed and changed (field by field), the map's own fields that changed, and
the figures that moved: each segment's net revenue, profit and tier, before
and after, and the findings of the analysis that appeared or went away. A and
B are map files (.yaml, .yml, .json), stored maps by id (the current version)
or MAP_ID@VERSION for a past version. Exit code 0 whether or not they differ;
--json writes the same as GET /api/v1/maps/{map}/diff.

-o FILE.svg|pdf|png also draws the change: the union of both maps, laid out
once, additions with a thick solid outline and "+ new", removals dashed and
greyed, changes dotted with what changed written on them, and a legend.
--side before or after draws one map on that same layout, what it lacks
ghosted, so a box keeps its place from one slide to the next; --side all
writes all three pages into one PDF. The drawing is fitted to the page like
any diagram (--page, --min-font, --detail, --theme, --footer).
` + storeEnvHelp,
		Example: `  chanmap diff acme-pumps@3 acme-pumps
  chanmap diff old.yaml new.yaml --json
  chanmap diff acme-pumps@12 acme-pumps@15 --db /srv/chanmap/maps.db
  chanmap diff acme-pumps@12 acme-pumps -o change.png
  chanmap diff old.yaml new.yaml -o before-after.pdf --side all`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			sides, format, err := diffDrawingArgs(out, format, side)
			if err != nil {
				return err
			}
			a, err := parseSide(args[0])
			if err != nil {
				return err
			}
			b, err := parseSide(args[1])
			if err != nil {
				return err
			}
			var s graph.Store
			if !a.file || !b.file {
				s, _, err = f.openExisting(ctx)
				if err != nil {
					return err
				}
				defer s.Close()
			}
			ma, err := loadSide(ctx, s, a)
			if err != nil {
				return err
			}
			mb, err := loadSide(ctx, s, b)
			if err != nil {
				return err
			}
			r, err := compare.Diff(ma, mb)
			if err != nil {
				return err
			}
			r.From.Label, r.To.Label = a.arg, b.arg
			if out != "" {
				opt.Theme = render.Theme(theme)
				data, err := drawDiff(ctx, ma, mb, r, opt, sides, format)
				if err != nil {
					return err
				}
				if err := writeOutput(os.Stdout, out, data); err != nil {
					return err
				}
			}
			if asJSON {
				return writeIndented(cmd.OutOrStdout(), r)
			}
			return writeDiffText(cmd.OutOrStdout(), r)
		},
	}
	f.add(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&asJSON, "json", false, "write JSON")
	fl.StringVarP(&out, "output", "o", "", "also draw the change into this file (.svg, .pdf, .png)")
	fl.StringVar(&format, "format", "", "svg, pdf or png (default: from the -o extension)")
	fl.StringVar(&side, "side", string(render.SideBoth), "both (every change marked), before, after, or all (three PDF pages)")
	fl.StringVar(&opt.Page, "page", "16:9", "16:9, 4:3, a4, a4-landscape, letter or none (natural size)")
	fl.Float64Var(&opt.MinFont, "min-font", render.DefaultMinFont, "smallest text in points at the page's real size")
	fl.BoolVar(&opt.Detail, "detail", false, "draw every node: never fold into the overview")
	fl.StringVar(&theme, "theme", string(render.ThemeDefault), "default, print or dark")
	fl.StringVar(&opt.Footer, "footer", "", "source and date shown at the foot of the page")
	return cmd
}

// diffDrawingArgs checks the drawing flags of diff before any map is read:
// the sides to draw and the format.
func diffDrawingArgs(out, format, side string) ([]render.DiffSide, string, error) {
	if out == "" {
		if format != "" || side != string(render.SideBoth) {
			return nil, "", usagef("--format and --side draw the change: give -o FILE.svg, .pdf or .png")
		}
		return nil, "", nil
	}
	if out == "-" {
		return nil, "", usagef("-o -: the text (or --json) goes to standard output; give the drawing a file name")
	}
	format, err := renderFormat(format, out)
	if err != nil {
		return nil, "", err
	}
	if format == "dot" {
		return nil, "", usagef("the diff is drawn as svg, pdf or png, not dot")
	}
	switch side {
	case "all":
		if format != "pdf" {
			return nil, "", usagef("--side all draws three pages: give -o FILE.pdf, or one side (before, after, both) for %s", format)
		}
		return render.DiffSides, format, nil
	case string(render.SideBoth), string(render.SideBefore), string(render.SideAfter):
		return []render.DiffSide{render.DiffSide(side)}, format, nil
	}
	return nil, "", usagef("unknown --side %q (want both, before, after or all)", side)
}

// drawDiff draws the sides of the change from a to b in format, each side
// a page from the one layout of their union.
func drawDiff(ctx context.Context, a, b *graph.Map, r *compare.Result, opt render.Options, sides []render.DiffSide, format string) ([]byte, error) {
	drs, err := render.DrawDiff(ctx, render.NewInProcess(), a, b, r, opt, sides...)
	if errors.Is(err, render.ErrOptions) {
		return nil, usageError{err}
	}
	if err != nil {
		return nil, fmt.Errorf("drawing the diff: %w", err)
	}
	var buf bytes.Buffer
	switch format {
	case "svg":
		err = render.WriteSVG(&buf, drs[0].Page, false)
	case "png":
		err = render.WritePNG(&buf, drs[0].Page)
	default:
		pages := make([]*scene.Page, len(drs))
		for i, d := range drs {
			pages[i] = d.Page
		}
		err = render.WritePDF(&buf, pages)
	}
	if err != nil {
		return nil, fmt.Errorf("writing the diff as %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

func loadSide(ctx context.Context, s graph.Store, sd side) (*graph.Map, error) {
	if sd.file {
		return mapio.ReadFile(sd.arg)
	}
	var m *graph.Map
	var err error
	if sd.version == 0 {
		m, err = s.GetMap(ctx, sd.id)
	} else {
		m, err = s.GetVersion(ctx, sd.id, sd.version)
	}
	if errors.Is(err, graph.ErrNotFound) {
		return nil, fmt.Errorf("%s: %w", sd.arg, err)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", sd.arg, err)
	}
	return m, nil
}

// writeDiffText writes a diff for people: one line per element, fields
// indented under it, figures last.
func writeDiffText(w io.Writer, r *compare.Result) error {
	fmt.Fprintf(w, "--- %s\n+++ %s\n", r.From.Label, r.To.Label)
	if r.Same {
		fmt.Fprintln(w, "no differences")
	}
	for _, f := range r.Map {
		fmt.Fprintf(w, "~ map %s: %s -> %s\n", f.Field, show(f.Before), show(f.After))
	}
	mark := map[compare.Status]string{compare.Added: "+", compare.Removed: "-", compare.Changed: "~"}
	for _, n := range r.Nodes {
		fmt.Fprintf(w, "%s node %s (%s, %s)\n", mark[n.Status], n.ID, n.Kind, n.Name)
		for _, f := range n.Fields {
			fmt.Fprintf(w, "    %s: %s -> %s\n", f.Field, show(f.Before), show(f.After))
		}
	}
	for _, e := range r.Edges {
		fmt.Fprintf(w, "%s edge %s (%s -> %s)\n", mark[e.Status], e.Key, e.From, e.To)
		for _, f := range e.Fields {
			fmt.Fprintf(w, "    %s: %s -> %s\n", f.Field, show(f.Before), show(f.After))
		}
	}
	c := r.Counts
	fmt.Fprintf(w, "nodes: %d added, %d removed, %d changed; edges: %d added, %d removed, %d changed\n",
		c.NodesAdded, c.NodesRemoved, c.NodesChanged, c.EdgesAdded, c.EdgesRemoved, c.EdgesChanged)
	if len(r.Figures) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SEGMENT\tNET REVENUE\tPROFIT\tTIER")
		for _, f := range r.Figures {
			fmt.Fprintf(tw, "%s\t%s -> %s\t%s -> %s\t%s -> %s\n", f.ID, num(f.Before.NetRevenue), num(f.After.NetRevenue),
				num(f.Before.Profit), num(f.After.Profit), tier(f.Before.Tier), tier(f.After.Tier))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, in := range r.Insights {
		what := "new finding"
		if in.Status == compare.Removed {
			what = "finding gone"
		}
		stake := ""
		if in.AtStake != nil {
			stake = " (" + strconv.FormatFloat(*in.AtStake, 'f', 0, 64) + " at stake)"
		}
		fmt.Fprintf(w, "%s %s: %s%s\n", mark[in.Status], what, in.Headline, stake)
	}
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	return nil
}

func show(v any) string {
	if v == nil {
		return "(none)"
	}
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func num(f *float64) string {
	if f == nil {
		return "-"
	}
	return strconv.FormatFloat(*f, 'f', 0, 64)
}

func tier(t string) string {
	if t == "" {
		return "-"
	}
	return t
}

func newRestoreCmd() *cobra.Command {
	var f storeFlags
	var message string
	cmd := &cobra.Command{
		Use:   "restore MAP_ID VERSION",
		Short: "Make a past version of a stored map its new version",
		Long: `restore writes version VERSION of a stored map as its new version. Nothing is
rewritten: the versions in between stay in the history, and the restore is
itself a version that can be undone. The author is the OS user.
` + storeEnvHelp,
		Example: `  chanmap restore acme-pumps 12 -m "back to the board's version"`,
		Args:    exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := strconv.ParseInt(args[1], 10, 64)
			if err != nil || v < 1 {
				return usagef("VERSION must be a whole number from 1, not %q", args[1])
			}
			ctx, err := writeCtx(cmd.Context(), message)
			if err != nil {
				return err
			}
			return f.withExisting(ctx, func(s graph.Store, cfg storeconfig.Config) error {
				cur, err := s.GetMap(ctx, args[0])
				if err != nil {
					return fmt.Errorf("restore %s in %s: %w", args[0], cfg, err)
				}
				nv, err := s.Restore(ctx, args[0], cur.Version, v)
				if err != nil {
					return fmt.Errorf("restore %s to version %d in %s: %w", args[0], v, cfg, err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "restored map %s to version %d as version %d\n", args[0], v, nv)
				return nil
			})
		},
	}
	f.add(cmd)
	cmd.Flags().StringVarP(&message, "message", "m", "", "why (kept in the history)")
	return cmd
}

func newUndeleteCmd() *cobra.Command {
	var f storeFlags
	cmd := &cobra.Command{
		Use:   "undelete MAP_ID",
		Short: "Bring back a deleted map with its history",
		Long: `undelete brings back a deleted map, with its whole history, as a new version.
Deleted maps are kept for 30 days ("chanmap history --deleted" lists them)
unless purged.
` + storeEnvHelp,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, err := writeCtx(cmd.Context(), "")
			if err != nil {
				return err
			}
			return f.withExisting(ctx, func(s graph.Store, cfg storeconfig.Config) error {
				v, err := s.Undelete(ctx, args[0])
				if err != nil {
					return fmt.Errorf("undelete %s in %s: %w", args[0], cfg, err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "undeleted map %s as version %d\n", args[0], v)
				return nil
			})
		},
	}
	f.add(cmd)
	return cmd
}

func newPurgeCmd() *cobra.Command {
	var f storeFlags
	cmd := &cobra.Command{
		Use:   "purge MAP_ID",
		Short: "Remove a deleted map and its history for good",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return f.withExisting(ctx, func(s graph.Store, cfg storeconfig.Config) error {
				if err := s.Purge(ctx, args[0]); err != nil {
					return fmt.Errorf("purge %s in %s: %w", args[0], cfg, err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "purged deleted map %s\n", args[0])
				return nil
			})
		},
	}
	f.add(cmd)
	return cmd
}
