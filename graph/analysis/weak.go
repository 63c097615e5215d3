package analysis

import (
	"sort"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// weakSpots finds the weak spots of the map. They are looked for in every
// segment and in every customer with its own inbound supplies edges (a
// customer without them shares its segment's paths and so its weak spots).
func (a *analysis) weakSpots() {
	ws := WeakSpots{
		Unreachable:           []string{},
		Unsupported:           []string{},
		PreferenceUnmet:       []PreferenceUnmet{},
		SinglePointsOfFailure: []SinglePointOfFailure{},
		ChannelConflicts:      []ChannelConflict{},
		ServiceOpportunities:  []ServiceOpportunity{},
		NoTouchpoint:          []string{},
		UnaccountedFlow:       []UnaccountedFlow{},
	}
	for _, s := range a.report.Segments {
		v := a.net.index[s.ID]
		node := a.net.nodes[v]
		if node.Kind == graph.KindCustomer && len(a.net.in[v]) == 0 {
			continue
		}
		if !a.net.reach[v] {
			ws.Unreachable = append(ws.Unreachable, s.ID)
		}
		supports := a.supportsOf(v)
		if len(supports) == 0 {
			ws.Unsupported = append(ws.Unsupported, s.ID)
		}
		if pu, ok := a.preferenceUnmet(v); !ok {
			ws.PreferenceUnmet = append(ws.PreferenceUnmet, pu)
		}
		for _, p := range a.net.dominatingPartners(v) {
			ws.SinglePointsOfFailure = append(ws.SinglePointsOfFailure,
				SinglePointOfFailure{Segment: s.ID, Partner: p, SpendAtRisk: copyNum(s.Revenue)})
		}
		a.warnUnnamedProducts(v)
		ws.ChannelConflicts = append(ws.ChannelConflicts, a.conflicts(v)...)
		ws.ServiceOpportunities = append(ws.ServiceOpportunities, a.serviceOpportunities(v, supports)...)
		if !a.usesTouchpoint(v) {
			ws.NoTouchpoint = append(ws.NoTouchpoint, s.ID)
		}
		if f := a.net.lost[v]; f > eps {
			u := UnaccountedFlow{Segment: s.ID, Fraction: f, Nodes: a.net.shortfalls(v)}
			if s.Revenue != nil {
				sp := f * *s.Revenue
				u.Spend = &sp
			}
			ws.UnaccountedFlow = append(ws.UnaccountedFlow, u)
		}
	}
	ws.Concentration = concentration(a.report.Segments)
	a.report.WeakSpots = ws
}

// supportsOf returns the supports edges into v and, for a customer, into the
// segments it belongs to.
func (a *analysis) supportsOf(v int) [][]string {
	es := append([][]string(nil), a.supports[v]...)
	if n := a.net.nodes[v]; n.Kind == graph.KindCustomer {
		for _, s := range a.segOf.of(v) {
			es = append(es, a.supports[int(s)]...)
		}
	}
	return es
}

// preferenceUnmet reports whether v's preferred acquisition methods are met:
// it prefers none, or an inbound supplies edge delivers by one.
func (a *analysis) preferenceUnmet(v int) (PreferenceUnmet, bool) {
	n := a.net.nodes[v]
	if len(n.Prefers) == 0 {
		return PreferenceUnmet{}, true
	}
	offered := map[string]bool{}
	for _, arc := range a.net.in[v] {
		if arc.delivery != "" {
			offered[arc.delivery] = true
		}
	}
	for _, p := range n.Prefers {
		if offered[p] {
			return PreferenceUnmet{}, true
		}
	}
	prefers := append([]string(nil), n.Prefers...)
	sort.Strings(prefers)
	return PreferenceUnmet{Segment: n.ID, Prefers: prefers, Offered: sortedKeys(offered)}, false
}

// productSet is the products edges carry: all of them, or a list.
type productSet struct {
	all bool
	ids map[string]bool
}

func (p *productSet) add(products []string) {
	if len(products) == 0 {
		p.all = true
		return
	}
	p.addNamed(products)
}

// addNamed adds only the products an edge names (none for an edge
// without a product list).
func (p *productSet) addNamed(products []string) {
	if p.ids == nil {
		p.ids = map[string]bool{}
	}
	for _, id := range products {
		p.ids[id] = true
	}
}

func (p *productSet) has(id string) bool { return p.all || p.ids[id] }

// conflicts lists the pairs of sellers (the company included) whose supplies
// edges into v name overlapping products. Edges without a product list are
// not compared (warnUnnamedProducts says so).
func (a *analysis) conflicts(v int) []ChannelConflict {
	sellers := map[string]*productSet{}
	for _, arc := range a.net.in[v] {
		id := a.net.nodes[arc.from].ID
		if sellers[id] == nil {
			sellers[id] = &productSet{}
		}
		sellers[id].addNamed(arc.products)
	}
	ids := sortedKeys(sellers)
	var out []ChannelConflict
	for i := 0; i < len(ids); i++ {
		for j := i + 1; j < len(ids); j++ {
			p, q := sellers[ids[i]], sellers[ids[j]]
			overlap := []string{}
			for id := range p.ids {
				if q.ids[id] {
					overlap = append(overlap, id)
				}
			}
			sort.Strings(overlap)
			if len(overlap) > 0 {
				out = append(out, ChannelConflict{Segment: a.net.nodes[v].ID, Partners: []string{ids[i], ids[j]}, Products: overlap})
			}
		}
	}
	return out
}

// warnUnnamedProducts warns once for v when some of its inbound supplies
// edges name no products and a check needs them: channel conflicts (two
// sellers or more) or service opportunities (products that wear out).
func (a *analysis) warnUnnamedProducts(v int) {
	sellers := map[string]bool{}
	var unnamed []string
	for _, arc := range a.net.in[v] {
		from := a.net.nodes[arc.from].ID
		sellers[from] = true
		if len(arc.products) == 0 {
			unnamed = append(unnamed, from)
		}
	}
	if len(unnamed) == 0 || (len(sellers) < 2 && len(a.replace) == 0) {
		return
	}
	sort.Strings(unnamed)
	a.warn("%s: its supplies from %s name no products, so channel conflicts and service opportunities could not be checked on them",
		a.net.nodes[v].ID, strings.Join(unnamed, ", "))
}

// usesTouchpoint tells whether v, or for a customer one of its segments,
// has a uses edge to a touchpoint.
func (a *analysis) usesTouchpoint(v int) bool {
	if a.uses[v] {
		return true
	}
	if a.net.nodes[v].Kind == graph.KindCustomer {
		for _, s := range a.segOf.of(v) {
			if a.uses[s] {
				return true
			}
		}
	}
	return false
}

// serviceOpportunities lists the products with replacement_months that v buys
// and no supports edge into it covers.
func (a *analysis) serviceOpportunities(v int, supports [][]string) []ServiceOpportunity {
	if len(a.replace) == 0 || len(a.net.in[v]) == 0 {
		return nil
	}
	var bought, covered productSet
	for _, arc := range a.net.in[v] {
		bought.addNamed(arc.products)
	}
	for _, e := range supports {
		covered.add(e)
	}
	var out []ServiceOpportunity
	for _, p := range a.products {
		if a.replace[p] && bought.has(p) && !covered.has(p) {
			out = append(out, ServiceOpportunity{Segment: a.net.nodes[v].ID, Product: p})
		}
	}
	return out
}

// concentration measures how much of the total net revenue over segments
// (kind segment) the largest one and the largest three bring, and the
// Herfindahl index, flagged at top1 ≥ 0.30 or top3 ≥ 0.60.
func concentration(segs []Segment) Concentration {
	var nrs []float64
	total := 0.0
	for _, s := range segs {
		if s.Kind == string(graph.KindSegment) && s.NetRevenue != nil {
			nrs = append(nrs, *s.NetRevenue)
			total += *s.NetRevenue
		}
	}
	if total <= 0 {
		return Concentration{}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(nrs)))
	top1 := nrs[0] / total
	top3, hhi := 0.0, 0.0
	for i, x := range nrs {
		share := x / total
		if i < 3 {
			top3 += share
		}
		hhi += share * share
	}
	return Concentration{Top1: &top1, Top3: &top3, HHI: &hhi, Flagged: top1 >= 0.30-eps || top3 >= 0.60-eps}
}

// eps absorbs rounding in shares that are exactly on a threshold.
const eps = 1e-12

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
