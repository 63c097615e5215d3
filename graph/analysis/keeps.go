package analysis

import (
	"fmt"

	"github.com/chanmap/chanmap/graph"
)

// ChannelKeeps returns, for every partner, the channel margin it keeps of
// the segments' spend (kind segment, as partner credit counts): of value V
// it sells through a supplies edge with share s and margin m it keeps V·s·m,
// counted only for the part of that value whose upstream path reaches a
// company. So total spend = Σ keeps + company net revenue + the spend no
// path brings to the company (unreached segments, shares that leave part of
// a buyer's purchases outside the map, paths that end elsewhere).
func ChannelKeeps(m *graph.Map) (map[string]float64, error) {
	if m == nil {
		return nil, fmt.Errorf("channel keeps: no map")
	}
	net, err := supplyNetOf(m)
	if err != nil {
		return nil, fmt.Errorf("channel keeps of %s: %w", m.ID, err)
	}
	n := len(net.nodes)
	// reached is the fraction of a node's purchases whose path upstream
	// ends at a company (shares only, no margins).
	reached := make([]float64, n)
	for _, v := range net.order {
		if net.company[v] {
			reached[v] = 1
			continue
		}
		for _, a := range net.in[v] {
			reached[v] += a.share * reached[a.from]
		}
	}
	sold := make([]float64, n)
	for v, node := range net.nodes {
		if node.Kind == graph.KindSegment && node.Revenue != nil {
			sold[v] = *node.Revenue
		}
	}
	net.credit(sold)
	keeps := map[string]float64{}
	for v, node := range net.nodes {
		if net.company[v] || !isPartner(node.Kind) {
			continue
		}
		k := 0.0
		for _, a := range net.in[v] {
			k += sold[v] * a.share * a.margin * reached[a.from]
		}
		if k != 0 {
			cleanNum(&k)
			keeps[node.ID] = k
		}
	}
	return keeps, nil
}

// SupplyFlows returns, for every supplies edge (by key) on a path from a
// company, the company net revenue from segments (kind segment) that flows
// over it: the value its buyer sells, times the edge's share and (1 −
// margin), times the fraction of the seller's value that reaches a company.
// What flows into a segment adds up to its net revenue; what leaves the
// company adds up to the total.
func SupplyFlows(m *graph.Map) (map[string]float64, error) {
	if m == nil {
		return nil, fmt.Errorf("supply flows: no map")
	}
	net, err := supplyNetOf(m)
	if err != nil {
		return nil, fmt.Errorf("supply flows of %s: %w", m.ID, err)
	}
	sold := make([]float64, len(net.nodes))
	for v, node := range net.nodes {
		if node.Kind == graph.KindSegment && node.Revenue != nil {
			sold[v] = *node.Revenue
		}
	}
	net.credit(sold)
	flows := map[string]float64{}
	for v := range net.nodes {
		if net.company[v] {
			continue
		}
		for _, a := range net.in[v] {
			if f := sold[v] * a.weight() * net.coef[a.from]; f != 0 {
				cleanNum(&f)
				flows[m.Edges[a.at].Key()] = f
			}
		}
	}
	return flows, nil
}
