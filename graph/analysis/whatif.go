package analysis

import (
	"fmt"
	"sort"

	"github.com/chanmap/chanmap/graph"
)

// WhatIf is what changes when one partner is lost: the JSON of `chanmap
// analyze --without PARTNER --json`.
type WhatIf struct {
	Map      string  `json:"map"`
	Currency *string `json:"currency"`
	Without  string  `json:"without"`
	// CutOff are the segments (and customers with own supplies edges) that a
	// supply path reached before and none reaches without the partner.
	CutOff []string `json:"cut_off"`
	// Losses are the segments and customers whose net revenue drops, by id.
	Losses []Loss `json:"losses"`
	// NetRevenueLost and ProfitLost add up the losses of the segments (kind
	// segment; customers are detail inside them and not added again).
	NetRevenueLost float64 `json:"net_revenue_lost"`
	ProfitLost     float64 `json:"profit_lost"`
	// NewSinglePointsOfFailure are the single points of failure that exist
	// only without the partner.
	NewSinglePointsOfFailure []SinglePointOfFailure `json:"new_single_points_of_failure"`

	Before *Report `json:"-"`
	After  *Report `json:"-"`
}

// Loss is what one segment or customer loses.
type Loss struct {
	Segment          string   `json:"segment"`
	Kind             string   `json:"kind"`
	NetRevenueBefore float64  `json:"net_revenue_before"`
	NetRevenueAfter  float64  `json:"net_revenue_after"`
	NetRevenueLost   float64  `json:"net_revenue_lost"`
	ProfitBefore     *float64 `json:"profit_before"`
	ProfitAfter      *float64 `json:"profit_after"`
	ProfitLost       *float64 `json:"profit_lost"`
}

// WithoutPartner analyses m as if the partner and all its edges were gone,
// and compares with the analysis of m. Every supplies edge keeps the share it
// has in m: the customers who bought through the lost partner are lost, not
// moved to the remaining channels.
func WithoutPartner(m *graph.Map, partner string) (*WhatIf, error) {
	if m == nil {
		return nil, fmt.Errorf("what-if: no map")
	}
	base, err := newAnalysis(m)
	if err != nil {
		return nil, fmt.Errorf("analyze %s: %w", m.ID, err)
	}
	v, ok := base.net.index[partner]
	if !ok {
		return nil, fmt.Errorf("what-if on %s: no node %q", m.ID, partner)
	}
	if k := base.net.nodes[v].Kind; !isPartner(k) {
		return nil, fmt.Errorf("what-if on %s: %s is a %s, not a partner (an organisation other than the company)", m.ID, partner, k)
	}

	share := map[*graph.Edge]float64{}
	for _, arcs := range base.net.in {
		for _, a := range arcs {
			share[a.edge] = a.share
		}
	}
	cut := *m
	cut.Nodes = make([]*graph.Node, 0, len(m.Nodes))
	for _, n := range m.Nodes {
		if n.ID != partner {
			cut.Nodes = append(cut.Nodes, n)
		}
	}
	cut.Edges = make([]*graph.Edge, 0, len(m.Edges))
	for _, e := range m.Edges {
		if e == nil || e.From == partner || e.To == partner {
			continue
		}
		if s, ok := share[e]; ok {
			c := *e
			c.Share = &s
			e = &c
		}
		cut.Edges = append(cut.Edges, e)
	}
	after, err := newAnalysis(&cut)
	if err != nil {
		return nil, fmt.Errorf("analyze %s without %s: %w", m.ID, partner, err)
	}
	return compare(base.report, after.report, partner), nil
}

func compare(before, after *Report, partner string) *WhatIf {
	w := &WhatIf{
		Map: before.Map, Currency: before.Currency, Without: partner,
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
	for _, b := range before.Segments {
		a := after.Segment(b.ID)
		if a == nil || b.NetRevenue == nil || a.NetRevenue == nil || *a.NetRevenue >= *b.NetRevenue {
			continue
		}
		l := Loss{Segment: b.ID, Kind: b.Kind, NetRevenueBefore: *b.NetRevenue, NetRevenueAfter: *a.NetRevenue,
			NetRevenueLost: *b.NetRevenue - *a.NetRevenue, ProfitBefore: copyNum(b.Profit), ProfitAfter: copyNum(a.Profit)}
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
	return w
}
