package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newAnalyzeCmd) }

// tierWords explain the four tiers in the seed article's words.
var tierWords = map[analysis.Tier]string{
	1:                     "Tier 1 — ideal, highly profitable; focus marketing here",
	2:                     "Tier 2 — good revenue, could be more profitable",
	3:                     "Tier 3 — break-even; reduce cost to serve",
	4:                     "Tier 4 — money losers; reprice or drop",
	analysis.Unclassified: "Unclassified — revenue or cost to serve missing",
}

func newAnalyzeCmd() *cobra.Command {
	var asJSON bool
	var without string
	cmd := &cobra.Command{
		Use:   "analyze MAP.yaml",
		Short: "Find the profit centres and the weak spots of a channel map",
		Long: `analyze reports, for every segment and customer with figures, the net revenue
that reaches the company after channel margins, the profit after cost to serve,
the tier (1 ideal ... 4 money losers), the value-pyramid level, the scorecard
quadrant and the customer quality; for every partner the net revenue and
profit that flow through it; and the weak spots: segments nobody reaches or
supports, unmet acquisition preferences, partners that are single points of
failure, concentration on few segments, channel conflicts and service
opportunities.

--without PARTNER shows what is lost if that partner goes: segments cut off,
net revenue and profit lost, and new single points of failure.`,
		Example: `  chanmap analyze testdata/maps/hybrid.yaml
  chanmap analyze testdata/maps/hybrid.yaml --json > report.json
  chanmap analyze testdata/maps/hybrid.yaml --without hvac-nord`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := mapio.ReadFile(args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if without != "" {
				w, err := analysis.WithoutPartner(m, without)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(out, w)
				}
				return writeWhatIf(out, m, w)
			}
			r, err := analysis.Analyze(m)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(out, r)
			}
			return writeReport(out, m, r)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON (the contract of GET /api/v1/maps/{map}/analysis)")
	cmd.Flags().StringVar(&without, "without", "", "show what changes if this partner (node id) is lost")
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// reportWriter writes a readable report with the map's names and currency.
type reportWriter struct {
	w        io.Writer
	m        *graph.Map
	names    map[string]string
	currency string
	err      error
}

func newReportWriter(w io.Writer, m *graph.Map) *reportWriter {
	rw := &reportWriter{w: w, m: m, names: map[string]string{}, currency: m.Currency}
	for _, n := range m.Nodes {
		rw.names[n.ID] = n.Name
	}
	return rw
}

func (rw *reportWriter) printf(format string, a ...any) {
	if rw.err == nil {
		_, rw.err = fmt.Fprintf(rw.w, format, a...)
	}
}

// name is "Name (id)", or the id when the node has no other name.
func (rw *reportWriter) name(id string) string {
	if n := rw.names[id]; n != "" && n != id {
		return n + " (" + id + ")"
	}
	return id
}

func (rw *reportWriter) money(v float64) string { return formatMoney(rw.currency, v) }

func (rw *reportWriter) moneyPtr(p *float64) string {
	if p == nil {
		return "-"
	}
	return rw.money(*p)
}

// table writes an aligned table: right-aligned columns are padded here, the
// rest is lined up by tabwriter.
func (rw *reportWriter) table(header []string, right []bool, rows [][]string) {
	width := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	tw := tabwriter.NewWriter(rw.w, 0, 0, 2, ' ', 0)
	for _, r := range append([][]string{header}, rows...) {
		cells := make([]string, len(r))
		for i, c := range r {
			if right[i] {
				c = strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)) + c
			}
			cells[i] = c
		}
		if rw.err == nil {
			_, rw.err = fmt.Fprintln(tw, "  "+strings.Join(cells, "\t"))
		}
	}
	if err := tw.Flush(); rw.err == nil {
		rw.err = err
	}
}

func writeReport(w io.Writer, m *graph.Map, r *analysis.Report) error {
	rw := newReportWriter(w, m)
	rw.header()

	rw.printf("\nSEGMENTS AND CUSTOMERS\n")
	if len(r.Segments) == 0 {
		rw.printf("  The map has no segments.\n")
	} else {
		scorecard := false
		for _, s := range r.Segments {
			scorecard = scorecard || s.Scorecard != nil
		}
		header := []string{"ID", "KIND", "REVENUE", "NET REVENUE", "COST TO SERVE", "PROFIT", "MARGIN", "TIER", "LEVEL", "VALUE"}
		right := []bool{false, false, true, true, true, true, true, false, false, true}
		if scorecard {
			header = append(header, "QUADRANT")
			right = append(right, false)
		}
		header = append(header, "QUALITY", "FLAGS")
		right = append(right, true, false)
		var rows [][]string
		for _, s := range r.Segments {
			tier := s.Tier.String()
			if s.TierSource == analysis.TierManual {
				tier += " (manual)"
			}
			row := []string{s.ID, s.Kind, rw.moneyPtr(s.Revenue), rw.moneyPtr(s.NetRevenue), rw.moneyPtr(s.CostToServe),
				rw.moneyPtr(s.Profit), percent(s.Margin), tier, str(s.Level), decimal(s.Value)}
			if scorecard {
				q := "-"
				if s.Scorecard != nil && s.Quadrant != nil {
					q = fmt.Sprintf("%s (%.0f/%.0f)", *s.Quadrant, *s.Actual, *s.Potential)
				}
				row = append(row, q)
			}
			flags := strings.ReplaceAll(strings.Join(s.Flags, ", "), "_", " ")
			if flags == "" {
				flags = "-"
			}
			rows = append(rows, append(row, decimal(s.Quality), flags))
		}
		rw.table(header, right, rows)

		rw.printf("\nTIERS\n")
		for _, t := range []analysis.Tier{1, 2, 3, 4, analysis.Unclassified} {
			var ids []string
			for _, s := range r.Segments {
				if s.Tier == t {
					id := s.ID
					if s.TierSource == analysis.TierManual {
						id += " (manual)"
					}
					ids = append(ids, id)
				}
			}
			if len(ids) > 0 {
				rw.printf("  %s: %s\n", tierWords[t], strings.Join(ids, ", "))
			}
		}
	}

	rw.printf("\nPARTNERS (company net revenue and segment profit that flow through each)\n")
	if len(r.Partners) == 0 {
		rw.printf("  The company sells through no partner.\n")
	} else {
		var rows [][]string
		for _, p := range r.Partners {
			rows = append(rows, []string{p.ID, rw.names[p.ID], rw.money(p.NetRevenue), rw.money(p.Profit)})
		}
		rw.table([]string{"ID", "NAME", "NET REVENUE", "PROFIT"}, []bool{false, false, true, true}, rows)
	}

	rw.printf("\nWEAK SPOTS\n")
	rw.weakSpots(r.WeakSpots)

	if len(r.Warnings) > 0 {
		rw.printf("\nWARNINGS (missing data)\n")
		for _, w := range r.Warnings {
			rw.printf("  - %s\n", w)
		}
	}
	return rw.err
}

func (rw *reportWriter) header() {
	title := rw.m.Title
	if title == "" {
		title = rw.m.ID
	} else {
		title += " (" + rw.m.ID + ")"
	}
	rw.printf("%s\n", title)
	if rw.currency != "" {
		rw.printf("Yearly figures in %s.\n", rw.currency)
	}
}

func (rw *reportWriter) weakSpots(ws analysis.WeakSpots) {
	var lines []string
	add := func(format string, a ...any) { lines = append(lines, fmt.Sprintf(format, a...)) }
	for _, id := range ws.Unreachable {
		add("%s is not reached by any supply path from the company.", rw.name(id))
	}
	for _, id := range ws.Unsupported {
		add("Nobody supports %s.", rw.name(id))
	}
	for _, p := range ws.PreferenceUnmet {
		offered := "nothing"
		if len(p.Offered) > 0 {
			offered = strings.Join(p.Offered, ", ")
		}
		add("%s prefers %s but is offered %s.", rw.name(p.Segment), strings.Join(p.Prefers, " or "), offered)
	}
	for _, s := range ws.SinglePointsOfFailure {
		risk := "spend unknown"
		if s.SpendAtRisk != nil {
			risk = rw.money(*s.SpendAtRisk) + " of spend at risk"
		}
		add("%s is on every supply path to %s: a single point of failure (%s).", rw.name(s.Partner), rw.name(s.Segment), risk)
	}
	if c := ws.Concentration; c.Top1 != nil {
		verdict := "spread well enough"
		if c.Flagged {
			verdict = "too concentrated: losing one or two segments would hurt"
		}
		add("The largest segment brings %s of net revenue, the largest three %s (HHI %.3f): %s.",
			percent(c.Top1), percent(c.Top3), *c.HHI, verdict)
	}
	for _, c := range ws.ChannelConflicts {
		what := "everything"
		if len(c.Products) > 0 {
			what = strings.Join(c.Products, ", ")
		}
		add("Channel conflict in %s: %s and %s both sell %s.", rw.name(c.Segment), rw.name(c.Partners[0]), rw.name(c.Partners[1]), what)
	}
	for _, s := range ws.ServiceOpportunities {
		add("Service opportunity: %s buys %s, which wears out, and nobody supports it on that product.", rw.name(s.Segment), rw.name(s.Product))
	}
	if len(lines) == 0 {
		rw.printf("  None found.\n")
	}
	for _, l := range lines {
		rw.printf("  - %s\n", l)
	}
}

func writeWhatIf(w io.Writer, m *graph.Map, wi *analysis.WhatIf) error {
	rw := newReportWriter(w, m)
	rw.header()
	rw.printf("\nWITHOUT %s\n", rw.name(wi.Without))
	if len(wi.CutOff) == 0 {
		rw.printf("  No segment is cut off.\n")
	} else {
		names := make([]string, len(wi.CutOff))
		for i, id := range wi.CutOff {
			names[i] = rw.name(id)
		}
		rw.printf("  Cut off (no supply path left): %s.\n", strings.Join(names, ", "))
	}
	if len(wi.Losses) == 0 {
		rw.printf("  No net revenue is lost.\n")
	} else {
		rw.printf("\n")
		var rows [][]string
		for _, l := range wi.Losses {
			rows = append(rows, []string{l.Segment, l.Kind, rw.money(l.NetRevenueBefore), rw.money(l.NetRevenueAfter),
				rw.money(l.NetRevenueLost), rw.moneyPtr(l.ProfitBefore), rw.moneyPtr(l.ProfitAfter)})
		}
		rw.table([]string{"ID", "KIND", "NET BEFORE", "NET AFTER", "NET LOST", "PROFIT BEFORE", "PROFIT AFTER"},
			[]bool{false, false, true, true, true, true, true}, rows)
		rw.printf("\n  Lost over all segments: %s of net revenue, %s of profit.\n", rw.money(wi.NetRevenueLost), rw.money(wi.ProfitLost))
		rw.printf("  (Customers who bought through %s are counted as lost, not moved to other channels.)\n", wi.Without)
	}
	if len(wi.NewSinglePointsOfFailure) == 0 {
		rw.printf("  No new single point of failure.\n")
	} else {
		rw.printf("\n  New single points of failure:\n")
		for _, s := range wi.NewSinglePointsOfFailure {
			risk := "spend unknown"
			if s.SpendAtRisk != nil {
				risk = rw.money(*s.SpendAtRisk) + " of spend at risk"
			}
			rw.printf("  - %s would be on every supply path to %s: %s.\n", rw.name(s.Partner), rw.name(s.Segment), risk)
		}
	}
	return rw.err
}

// formatMoney writes v rounded to whole units with thousands separators,
// after the currency code when there is one: "EUR 1,771,200", "EUR -310,000".
func formatMoney(currency string, v float64) string {
	r := math.Round(v)
	if r == 0 {
		r = 0 // no "-0"
	}
	s := strconv.FormatFloat(math.Abs(r), 'f', 0, 64)
	var b strings.Builder
	if r < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if currency == "" {
		return b.String()
	}
	return currency + " " + b.String()
}

// percent writes a fraction as a percentage with one decimal: "82.5 %".
func percent(p *float64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatFloat(*p*100, 'f', 1, 64) + " %"
}

func decimal(p *float64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatFloat(*p, 'f', 1, 64)
}

func str(p *string) string {
	if p == nil {
		return "-"
	}
	return *p
}
