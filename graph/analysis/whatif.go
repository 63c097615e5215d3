package analysis

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// WhatIf is what changes when partners are lost: the JSON of `chanmap
// analyze --without PARTNER --json` and the what_if block of the API's
// analysis with ?without=.
type WhatIf struct {
	Map      string  `json:"map"`
	Currency *string `json:"currency"`
	// Without are the partners taken away, sorted.
	Without []string `json:"without"`
	// Costs says how cost to serve follows the net revenue a segment keeps:
	// "variable" (scaled with it, the default) or "fixed" (kept whole).
	Costs string `json:"costs"`
	// CutOff are the segments (and customers with own supplies edges) that a
	// supply path reached before and none reaches without the partners.
	CutOff []string `json:"cut_off"`
	// Losses are the segments and customers whose net revenue drops, by id.
	Losses []Loss `json:"losses"`
	// NetRevenueLost and ProfitLost add up the losses of the segments (kind
	// segment; customers are detail inside them and not added again).
	NetRevenueLost float64 `json:"net_revenue_lost"`
	ProfitLost     float64 `json:"profit_lost"`
	// NewSinglePointsOfFailure are the single points of failure that exist
	// only without the partners.
	NewSinglePointsOfFailure []SinglePointOfFailure `json:"new_single_points_of_failure"`

	Before *Report `json:"-"`
	After  *Report `json:"-"`
}

// ErrNotPartner is the error of a what-if given an id that names no partner
// (no node, or the company, a segment, a touchpoint...).
var ErrNotPartner = errors.New("not a partner of the map")

// AnalyzeWithout is the report of m as if the partners were gone, with its
// what_if block saying what changed (the API's analysis with ?without=).
func AnalyzeWithout(m *graph.Map, partners []string, opt WhatIfOptions) (*Report, error) {
	w, err := Without(m, partners, opt)
	if err != nil {
		return nil, err
	}
	r := *w.After
	r.WhatIf = w
	return &r, nil
}

// Cost models of a what-if.
const (
	CostsVariable = "variable"
	CostsFixed    = "fixed"
)

// Loss is what one segment or customer loses.
type Loss struct {
	Segment          string   `json:"segment"`
	Kind             string   `json:"kind"`
	NetRevenueBefore float64  `json:"net_revenue_before"`
	NetRevenueAfter  float64  `json:"net_revenue_after"`
	NetRevenueLost   float64  `json:"net_revenue_lost"`
	CostBefore       *float64 `json:"cost_to_serve_before"`
	CostAfter        *float64 `json:"cost_to_serve_after"`
	ProfitBefore     *float64 `json:"profit_before"`
	ProfitAfter      *float64 `json:"profit_after"`
	ProfitLost       *float64 `json:"profit_lost"`
}

// WhatIfOptions tune a what-if.
type WhatIfOptions struct {
	// FixedCosts keeps every segment's cost to serve whole; by default it
	// scales with the net revenue the segment keeps.
	FixedCosts bool
}

// WithoutPartner is Without for one partner with variable costs.
func WithoutPartner(m *graph.Map, partner string) (*WhatIf, error) {
	return Without(m, []string{partner}, WhatIfOptions{})
}

// Without analyses m as if the partners and all their edges were gone, and
// compares with the analysis of m. Every supplies edge keeps the share it
// has in m: the customers who bought through a lost partner are lost, not
// moved to the remaining channels. By default a segment's cost to serve
// scales with the net revenue it keeps (cost · after / before; a segment
// that had no net revenue keeps its cost); opt.FixedCosts keeps it whole.
// An unknown id is an error naming the nearest known ids.
func Without(m *graph.Map, partners []string, opt WhatIfOptions) (*WhatIf, error) {
	if m == nil {
		return nil, fmt.Errorf("what-if: no map")
	}
	if len(partners) == 0 {
		return nil, fmt.Errorf("what-if on %s: no partner to take away", m.ID)
	}
	base, err := newAnalysis(m)
	if err != nil {
		return nil, fmt.Errorf("analyze %s: %w", m.ID, err)
	}
	gone := map[string]bool{}
	for _, partner := range partners {
		v, ok := base.net.index[partner]
		if !ok {
			var known []string
			for _, n := range base.net.nodes {
				if isPartner(n.Kind) {
					known = append(known, n.ID)
				}
			}
			return nil, fmt.Errorf("what-if on %s: no node %q%s: %w", m.ID, partner, graph.DidYouMean(partner, known), ErrNotPartner)
		}
		if k := base.net.nodes[v].Kind; !isPartner(k) {
			return nil, fmt.Errorf("what-if on %s: %s is %s, not a partner (an organisation other than the company): %w", m.ID, partner, graph.KindPhrase(k), ErrNotPartner)
		}
		gone[partner] = true
	}

	share := map[int]float64{} // by the edge's place in m.Edges
	for _, arcs := range base.net.in {
		for _, a := range arcs {
			share[int(a.at)] = a.share
		}
	}
	cut := *m
	cut.Nodes = make([]*graph.Node, 0, len(m.Nodes))
	for _, n := range m.Nodes {
		if !gone[n.ID] {
			cut.Nodes = append(cut.Nodes, n)
		}
	}
	cut.Edges = make([]*graph.Edge, 0, len(m.Edges))
	for i, e := range m.Edges {
		if e == nil || gone[e.From] || gone[e.To] {
			continue
		}
		if s, ok := share[i]; ok {
			c := *e
			c.Share = &s
			e = &c
		}
		cut.Edges = append(cut.Edges, e)
	}
	after, err := newAnalysis(&cut)
	if err != nil {
		return nil, fmt.Errorf("analyze %s without %s: %w", m.ID, strings.Join(partners, ", "), err)
	}
	costs := CostsFixed
	if !opt.FixedCosts {
		costs = CostsVariable
		scaled := scaleCosts(&cut, base.report, after.report)
		if after, err = newAnalysis(scaled); err != nil {
			return nil, fmt.Errorf("analyze %s without %s: %w", m.ID, strings.Join(partners, ", "), err)
		}
	}
	ids := sortedKeys(gone)
	w := compare(base.report, after.report, ids)
	w.Costs = costs
	return w, nil
}

// scaleCosts returns cut with the cost to serve of every segment and
// customer scaled by the net revenue it keeps: cost · after / before, where
// before is its net revenue in the whole map and after in cut. A node that
// had no net revenue keeps its cost.
func scaleCosts(cut *graph.Map, before, after *Report) *graph.Map {
	bs, as := byID(before), byID(after)
	out := *cut
	out.Nodes = make([]*graph.Node, len(cut.Nodes))
	for i, n := range cut.Nodes {
		out.Nodes[i] = n
		if n == nil || n.CostToServe == nil {
			continue
		}
		b, a := bs[n.ID], as[n.ID]
		if b == nil || a == nil || b.NetRevenue == nil || a.NetRevenue == nil || *b.NetRevenue <= 0 {
			continue
		}
		c := *n
		cost := *n.CostToServe * *a.NetRevenue / *b.NetRevenue
		c.CostToServe = &cost
		out.Nodes[i] = &c
	}
	return &out
}

func compare(before, after *Report, partners []string) *WhatIf {
	w := &WhatIf{
		Map: before.Map, Currency: before.Currency, Without: partners,
		CutOff: []string{}, Losses: []Loss{}, NewSinglePointsOfFailure: []SinglePointOfFailure{},
		Before: before, After: after,
	}
	wasUnreachable := map[string]bool{}
	for _, id := range before.WeakSpots.Unreachable {
		wasUnreachable[id] = true
	}
	for _, id := range after.WeakSpots.Unreachable {
		if !wasUnreachable[id] {
			w.CutOff = append(w.CutOff, id)
		}
	}
	afterByID := byID(after)
	for _, b := range before.Segments {
		a := afterByID[b.ID]
		if a == nil || b.NetRevenue == nil || a.NetRevenue == nil || *a.NetRevenue >= *b.NetRevenue {
			continue
		}
		l := Loss{Segment: b.ID, Kind: b.Kind, NetRevenueBefore: *b.NetRevenue, NetRevenueAfter: *a.NetRevenue,
			NetRevenueLost: *b.NetRevenue - *a.NetRevenue, CostBefore: copyNum(b.CostToServe), CostAfter: copyNum(a.CostToServe),
			ProfitBefore: copyNum(b.Profit), ProfitAfter: copyNum(a.Profit)}
		if b.Profit != nil && a.Profit != nil {
			p := *b.Profit - *a.Profit
			l.ProfitLost = &p
		}
		w.Losses = append(w.Losses, l)
		if b.Kind == string(graph.KindSegment) {
			w.NetRevenueLost += l.NetRevenueLost
			if l.ProfitLost != nil {
				w.ProfitLost += *l.ProfitLost
			}
		}
	}
	had := map[[2]string]bool{}
	for _, s := range before.WeakSpots.SinglePointsOfFailure {
		had[[2]string{s.Segment, s.Partner}] = true
	}
	for _, s := range after.WeakSpots.SinglePointsOfFailure {
		if !had[[2]string{s.Segment, s.Partner}] {
			w.NewSinglePointsOfFailure = append(w.NewSinglePointsOfFailure, s)
		}
	}
	sort.Strings(w.CutOff)
	for i := range w.Losses {
		l := &w.Losses[i]
		for _, p := range []*float64{&l.NetRevenueBefore, &l.NetRevenueAfter, &l.NetRevenueLost, l.CostBefore, l.CostAfter, l.ProfitBefore, l.ProfitAfter, l.ProfitLost} {
			cleanNum(p)
		}
	}
	cleanNum(&w.NetRevenueLost)
	cleanNum(&w.ProfitLost)
	return w
}

// byID indexes the segments and customers of r by id.
func byID(r *Report) map[string]*Segment {
	m := make(map[string]*Segment, len(r.Segments))
	for i := range r.Segments {
		m[r.Segments[i].ID] = &r.Segments[i]
	}
	return m
}
