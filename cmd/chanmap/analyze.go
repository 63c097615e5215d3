package main

import (
	"errors"
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
	"github.com/chanmap/chanmap/graph/streamjson"
	"github.com/chanmap/chanmap/graph/usecase"
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
	var asJSON, fixedCosts bool
	var without []string
	var store storeFlags
	cmd := &cobra.Command{
		Use:   "analyze MAP.yaml|MAP_ID",
		Short: "Find the profit centres and the weak spots of a channel map",
		Long: `analyze reports, for every segment and customer with figures:
  net revenue   what reaches the company of the segment's spend after every
                channel partner's margin on the way;
  profit        net revenue × gross margin − cost to serve (gross_margin is the
                company's own margin after the cost of the goods; without one,
                profit counts no cost of goods and the report says so);
  margin        profit / net revenue, which sets the tier (1 ideal ... 4 money
                losers);
  level         the value-pyramid level, by rank among the segments (and
                apart among the customers): top 10 %, key 30 %, core 60 %, base;
and the scorecard quadrant and customer quality; for every partner the net
revenue and profit that flow through it; the roll-up by market type; and the
weak spots: segments nobody reaches, supports or talks to (no touchpoint),
unmet acquisition preferences, partners that are single points of failure,
concentration on few segments, channel conflicts and service opportunities
(on the products named on supplies edges), and spend that comes from nowhere
because shares add up to less than 1. Share is the fraction of the buyer's
purchases that come through a supplies edge.

--without PARTNER (repeatable) shows what is lost if those partners go:
segments cut off, net revenue and profit lost, and new single points of
failure. A segment's cost to serve shrinks with the net revenue it keeps;
--fixed-costs keeps it whole.

A MAP_ID (not a .yaml, .yml or .json file) analyses that map of the store,
reading only the fields the analysis needs.` + storeEnvHelp,
		Example: `  chanmap analyze testdata/maps/hybrid.yaml
  chanmap analyze testdata/maps/hybrid.yaml --json > report.json
  chanmap analyze testdata/maps/hybrid.yaml --without hvac-nord
  chanmap analyze testdata/maps/hybrid.yaml --without hvac-nord --fixed-costs
  chanmap analyze voltair --neo4j-uri bolt://localhost:7687 --json`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if !isMapFileName(args[0]) {
				a, err := analyzeStored(cmd, &store, args[0], usecase.AnalyzeOptions{Without: without, FixedCosts: fixedCosts})
				if err != nil {
					return err
				}
				switch {
				case len(without) > 0 && asJSON:
					return writeJSON(out, a.Report.WhatIf)
				case len(without) > 0:
					return writeWhatIf(out, a.Map, a.Name, a.Report.WhatIf)
				case asJSON:
					return writeJSON(out, a.Report)
				}
				return writeReport(out, a.Map, a.Name, a.Report)
			}
			if store.db != "" || store.neo4jURI != "" {
				return usagef("%s is a map file; --db and --neo4j-uri are for a stored map's id", args[0])
			}
			m, err := mapio.ReadFile(args[0])
			if err != nil {
				return err
			}
			if len(without) > 0 {
				w, err := analysis.Without(m, without, analysis.WhatIfOptions{FixedCosts: fixedCosts})
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(out, w)
				}
				return writeWhatIf(out, m, usecase.NameOf(m), w)
			}
			r, err := analysis.AnalyzeOwned(m) // the report's text needs only the nodes' names
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(out, r)
			}
			return writeReport(out, m, usecase.NameOf(m), r)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON (the contract of GET /api/v1/maps/{map}/analysis)")
	cmd.Flags().StringArrayVar(&without, "without", nil, "show what changes if this partner (node id) is lost; repeat for several")
	store.add(cmd)
	cmd.Flags().BoolVar(&fixedCosts, "fixed-costs", false, "with --without: keep each segment's cost to serve whole instead of scaling it with the net revenue it keeps")
	return cmd
}

// analyzeStored analyses map id of the store the flags point at, from
// the fields the analysis reads (usecase.Analyze).
func analyzeStored(cmd *cobra.Command, f *storeFlags, id string, opt usecase.AnalyzeOptions) (*usecase.Analysis, error) {
	ctx := cmd.Context()
	s, cfg, err := f.openExisting(ctx) // reading must not leave an empty store file behind
	if err != nil {
		return nil, err
	}
	defer s.Close()
	a, err := usecase.Analyze(ctx, s, id, opt)
	var ue *usecase.UnanalysableError
	switch {
	case errors.As(err, &ue):
		return nil, ue.Err
	case errors.Is(err, graph.ErrNotFound):
		return nil, fmt.Errorf("no map %q in %s", id, cfg)
	case err != nil:
		return nil, fmt.Errorf("%w (from %s)", err, cfg)
	}
	return a, nil
}

// writeJSON writes v indented, as it encodes it (a big report is never
// held encoded).
func writeJSON(w io.Writer, v any) error {
	if err := streamjson.EncodeIndent(w, v, "  "); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// reportWriter writes a readable report with the map's names and currency.
type reportWriter struct {
	w        io.Writer
	m        *graph.Map             // the map's head: title, id, currency, source
	names    func(id string) string // a node's name, "" for none
	currency string
	err      error
}

func newReportWriter(w io.Writer, m *graph.Map, name func(id string) string) *reportWriter {
	return &reportWriter{w: w, m: m, names: name, currency: m.Currency}
}

func (rw *reportWriter) printf(format string, a ...any) {
	if rw.err == nil {
		_, rw.err = fmt.Fprintf(rw.w, format, a...)
	}
}

// name is "Name (id)", or the id when the node has no other name.
func (rw *reportWriter) name(id string) string {
	if n := rw.names(id); n != "" && n != id {
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

func writeReport(w io.Writer, m *graph.Map, name func(id string) string, r *analysis.Report) error {
	rw := newReportWriter(w, m, name)
	rw.header()
	rw.insights(r.Insights)

	var segs, custs []analysis.Segment
	for _, s := range r.Segments {
		if s.Kind == string(graph.KindCustomer) {
			custs = append(custs, s)
		} else {
			segs = append(segs, s)
		}
	}
	rw.printf("\nSEGMENTS\n")
	if len(segs) == 0 {
		rw.printf("  The map has no segments.\n")
	} else {
		rw.segmentTable(segs)
	}
	if len(custs) > 0 {
		rw.printf("\nCUSTOMERS (named accounts, ranked among themselves)\n")
		rw.segmentTable(custs)
	}
	if len(r.Segments) > 0 {
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

	if len(r.Markets) > 0 {
		rw.printf("\nMARKETS (segments rolled up by market type)\n")
		var rows [][]string
		for _, k := range r.Markets {
			rows = append(rows, []string{k.Market, strconv.Itoa(k.Count), rw.money(k.Revenue), rw.money(k.NetRevenue),
				rw.moneyPtr(k.Profit), percent(k.Margin)})
		}
		rw.table([]string{"MARKET", "SEGMENTS", "REVENUE", "NET REVENUE", "PROFIT", "MARGIN"},
			[]bool{false, true, true, true, true, true}, rows)
	}

	rw.printf("\nPARTNERS (company net revenue and segment profit that flow through each)\n")
	if len(r.Partners) == 0 {
		rw.printf("  The company sells through no partner.\n")
	} else {
		var rows [][]string
		for _, p := range r.Partners {
			rows = append(rows, []string{p.ID, rw.names(p.ID), rw.money(p.NetRevenue), rw.money(p.Profit)})
		}
		rw.table([]string{"ID", "NAME", "NET REVENUE", "PROFIT"}, []bool{false, false, true, true}, rows)
	}

	rw.printf("\nWEAK SPOTS\n")
	rw.weakSpots(r.WeakSpots)

	if len(r.Warnings) > 0 {
		rw.printf("\nWARNINGS (missing or doubtful data)\n")
		for _, w := range r.Warnings {
			rw.printf("  - %s\n", w)
		}
	}
	return rw.err
}

// segmentTable writes the figures of segments of one kind, ranked among
// themselves in the pyramid: the header says how many were ranked.
func (rw *reportWriter) segmentTable(segs []analysis.Segment) {
	ranked, scorecard := 0, false
	for _, s := range segs {
		scorecard = scorecard || s.Scorecard != nil
		if s.Level != nil {
			ranked++
		}
	}
	header := []string{"ID", "REVENUE", "NET REVENUE", "GROSS MARGIN", "COST TO SERVE", "PROFIT", "MARGIN", "TIER", "LEVEL", "VALUE"}
	right := []bool{false, true, true, true, true, true, true, false, false, true}
	if scorecard {
		header = append(header, "QUADRANT")
		right = append(right, false)
	}
	header = append(header, "QUALITY", "FLAGS")
	right = append(right, true, false)
	var rows [][]string
	for _, s := range segs {
		tier := s.Tier.String()
		if s.TierSource == analysis.TierManual {
			tier += " (manual)"
		}
		gm := "-"
		if s.GrossMargin != nil {
			gm = percent(s.GrossMargin)
		}
		row := []string{s.ID, rw.moneyPtr(s.Revenue), rw.moneyPtr(s.NetRevenue), gm, rw.moneyPtr(s.CostToServe),
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
	rw.printf("  Levels rank these %d with revenue and cost to serve: top ≤ 10 %%, key ≤ 30 %%, core ≤ 60 %%, base the rest.\n", ranked)
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
	switch m := rw.m; {
	case m.Source != "" && m.AsOf != "":
		rw.printf("Source: %s, as of %s.\n", m.Source, m.AsOf)
	case m.Source != "":
		rw.printf("Source: %s.\n", m.Source)
	case m.AsOf != "":
		rw.printf("As of %s.\n", m.AsOf)
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
	for _, id := range ws.NoTouchpoint {
		add("No interaction point: nobody knows how %s talks to us (it uses no touchpoint).", rw.name(id))
	}
	for _, u := range ws.UnaccountedFlow {
		spend := ""
		if u.Spend != nil {
			spend = " (" + rw.money(*u.Spend) + ")"
		}
		add("%s of the spend of %s%s comes from nowhere: inbound shares add up to less than 1 at %s.",
			percent(&u.Fraction), rw.name(u.Segment), spend, strings.Join(u.Nodes, ", "))
	}
	if len(lines) == 0 {
		rw.printf("  None found.\n")
	}
	for _, l := range lines {
		rw.printf("  - %s\n", l)
	}
}

func writeWhatIf(w io.Writer, m *graph.Map, name func(id string) string, wi *analysis.WhatIf) error {
	rw := newReportWriter(w, m, name)
	rw.header()
	names := make([]string, len(wi.Without))
	for i, id := range wi.Without {
		names[i] = rw.name(id)
	}
	rw.printf("\nWITHOUT %s\n", strings.Join(names, ", "))
	if wi.Costs == analysis.CostsFixed {
		rw.printf("  Cost to serve is kept whole (--fixed-costs): a segment that loses sales keeps all its costs.\n")
	} else {
		rw.printf("  Cost to serve shrinks with the net revenue a segment keeps (variable costs; --fixed-costs keeps it whole).\n")
	}
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
				rw.money(l.NetRevenueLost), rw.moneyPtr(l.CostAfter), rw.moneyPtr(l.ProfitBefore), rw.moneyPtr(l.ProfitAfter)})
		}
		rw.table([]string{"ID", "KIND", "NET BEFORE", "NET AFTER", "NET LOST", "COST AFTER", "PROFIT BEFORE", "PROFIT AFTER"},
			[]bool{false, false, true, true, true, true, true, true}, rows)
		rw.printf("\n  Lost over all segments: %s of net revenue, %s of profit.\n", rw.money(wi.NetRevenueLost), rw.money(wi.ProfitLost))
		rw.printf("  (Customers who bought through %s are counted as lost, not moved to other channels.)\n", strings.Join(wi.Without, ", "))
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
