package analysis

import (
	"sort"

	"github.com/chanmap/chanmap/graph"
)

// Market is the roll-up of the segments of one market type.
type Market struct {
	// Market is consumer, producer, intermediary, government, international,
	// or unknown for segments without a market.
	Market string `json:"market"`
	// Count is the number of segments (kind segment) of the market.
	Count int `json:"count"`
	// Revenue and NetRevenue add up the segments that have them.
	Revenue    float64 `json:"revenue"`
	NetRevenue float64 `json:"net_revenue"`
	// Profit adds up the segments with a profit (null when none has one);
	// Margin is that profit over the net revenue of the same segments (null
	// when it is 0).
	Profit *float64 `json:"profit"`
	Margin *float64 `json:"margin"`
}

// UnknownMarket is the market of segments that name none.
const UnknownMarket = "unknown"

// markets rolls the segments (kind segment; customers are detail inside them)
// up by market (marketOf gives a node's, "" for none), in the order of
// graph.Markets with unknown last.
func markets(segs []Segment, marketOf func(id string) string) []Market {
	by := map[string]*Market{}
	nrOfProfit := map[string]float64{}
	for _, s := range segs {
		if s.Kind != string(graph.KindSegment) {
			continue
		}
		k := marketOf(s.ID)
		if k == "" {
			k = UnknownMarket
		}
		r := by[k]
		if r == nil {
			r = &Market{Market: k}
			by[k] = r
		}
		r.Count++
		if s.Revenue != nil {
			r.Revenue += *s.Revenue
		}
		if s.NetRevenue != nil {
			r.NetRevenue += *s.NetRevenue
		}
		if s.Profit != nil {
			if r.Profit == nil {
				r.Profit = new(float64)
			}
			*r.Profit += *s.Profit
			nrOfProfit[k] += *s.NetRevenue
		}
	}
	out := []Market{}
	for k, r := range by {
		if r.Profit != nil && nrOfProfit[k] != 0 {
			mg := *r.Profit / nrOfProfit[k]
			r.Margin = &mg
		}
		out = append(out, *r)
	}
	rank := func(k string) int {
		for i, x := range graph.Markets {
			if x == k {
				return i
			}
		}
		return len(graph.Markets)
	}
	sort.Slice(out, func(i, j int) bool {
		ri, rj := rank(out[i].Market), rank(out[j].Market)
		if ri != rj {
			return ri < rj
		}
		return out[i].Market < out[j].Market
	})
	return out
}
