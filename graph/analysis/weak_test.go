package analysis

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

func TestReachSupportPreference(t *testing.T) {
	// s1 is reached through r, delivered in store, supported by fix; it prefers
	// field install or pickup: unmet, offered [in_store]. s2 has no edges at all:
	// unreachable, unsupported, and its online preference unmet with nothing
	// offered. s3 is reached directly by courier as it prefers, but nobody
	// supports it. A customer of s1 without own supplies edges is not repeated;
	// one with its own unsupported edge is, unless someone supports its segment.
	s1 := seg("s1", 100, 10)
	s1.Prefers = []string{"pickup", "field_install"}
	s2 := seg("s2", 100, 10)
	s2.Prefers = []string{"online"}
	s3 := seg("s3", 100, 10)
	s3.Prefers = []string{"courier"}
	m := mapOf([]*graph.Node{company("acme"), org("r", graph.KindReseller), org("fix", graph.KindServiceProvider),
		s1, s2, s3,
		{ID: "c1", Kind: graph.KindCustomer}, {ID: "c2", Kind: graph.KindCustomer}, {ID: "c3", Kind: graph.KindCustomer}},
		sup("acme", "r", "d", "freight"), sup("r", "s1", "d", "in_store"), sup("acme", "s3", "d", "courier"),
		supports("fix", "s1"),
		&graph.Edge{From: "c1", To: "s1", Kind: graph.EdgeBelongsTo},
		&graph.Edge{From: "c2", To: "s1", Kind: graph.EdgeBelongsTo}, sup("acme", "c2"),
		&graph.Edge{From: "c3", To: "s3", Kind: graph.EdgeBelongsTo}, sup("acme", "c3"))
	ws := mustAnalyze(t, m).WeakSpots
	if want := []string{"s2"}; !reflect.DeepEqual(ws.Unreachable, want) {
		t.Errorf("unreachable %q, want %q", ws.Unreachable, want)
	}
	if want := []string{"c3", "s2", "s3"}; !reflect.DeepEqual(ws.Unsupported, want) {
		t.Errorf("unsupported %q, want %q", ws.Unsupported, want)
	}
	want := []PreferenceUnmet{
		{Segment: "s1", Prefers: []string{"field_install", "pickup"}, Offered: []string{"in_store"}},
		{Segment: "s2", Prefers: []string{"online"}, Offered: []string{}},
	}
	if !reflect.DeepEqual(ws.PreferenceUnmet, want) {
		t.Errorf("preference unmet %+v, want %+v", ws.PreferenceUnmet, want)
	}
}

func TestSinglePointsOfFailure(t *testing.T) {
	// acme → d → r1 → s and d → r2 → s: d is on both paths, r1 and r2 are not.
	// t only through d → r1: both d and r1. u: direct and through d: none.
	// v: from two companies, one through d: none. w: two companies, both via e: e.
	// x is unreachable: no single point of failure either.
	m := mapOf([]*graph.Node{company("acme"), company("beta"), org("d", graph.KindDistributor), org("e", graph.KindDistributor),
		org("r1", graph.KindReseller), org("r2", graph.KindReseller),
		seg("s", 1000, 0), seg("t", 500, 0), seg("u", 300, 0), seg("v", 200, 0), seg("w", -1, 0), seg("x", 50, 0)},
		sup("acme", "d"), sup("d", "r1"), sup("d", "r2"), sup("r1", "s"), sup("r2", "s"),
		sup("r1", "t"), sup("acme", "u"), sup("d", "u"),
		sup("d", "v"), sup("beta", "v"),
		sup("acme", "e"), sup("beta", "e"), sup("e", "w"))
	got := mustAnalyze(t, m).WeakSpots.SinglePointsOfFailure
	want := []SinglePointOfFailure{
		{Segment: "s", Partner: "d", SpendAtRisk: num(1000)},
		{Segment: "t", Partner: "d", SpendAtRisk: num(500)},
		{Segment: "t", Partner: "r1", SpendAtRisk: num(500)},
		{Segment: "w", Partner: "e", SpendAtRisk: nil}, // no revenue: spend at risk unknown
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("single points of failure:\n%s\nwant\n%s", spofs(got), spofs(want))
	}
}

func spofs(xs []SinglePointOfFailure) string {
	var b strings.Builder
	for _, x := range xs {
		risk := "null"
		if x.SpendAtRisk != nil {
			risk = fmt.Sprint(*x.SpendAtRisk)
		}
		fmt.Fprintf(&b, "  %s via %s at risk %s\n", x.Segment, x.Partner, risk)
	}
	return b.String()
}

func TestConcentration(t *testing.T) {
	tests := []struct {
		name             string
		nets             []float64
		top1, top3, hhi  float64
		flagged, noTotal bool
	}{
		// 50 + 30 + 15 + 5 = 100: top1 0.5, top3 0.95, HHI 0.25 + 0.09 + 0.0225 + 0.0025 = 0.365.
		{name: "one big segment", nets: []float64{30, 5, 50, 15}, top1: 0.5, top3: 0.95, hhi: 0.365, flagged: true},
		// Ten equal segments: top1 0.1, top3 0.3, HHI 10 · 0.01 = 0.1: spread out.
		{name: "spread", nets: []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, top1: 0.1, top3: 0.3, hhi: 0.1},
		// top1 exactly 0.3 is flagged: 30 of 100 (the other seven 10 each: top3 0.5).
		{name: "top1 on the threshold", nets: []float64{30, 10, 10, 10, 10, 10, 10, 10}, top1: 0.3, top3: 0.5, hhi: 0.09 + 7*0.01, flagged: true},
		// top3 0.6 alone flags: 20 + 20 + 20 of 100, rest 8 × 5: HHI 3·0.04 + 8·0.0025 = 0.14.
		{name: "top3 on the threshold", nets: []float64{20, 20, 20, 5, 5, 5, 5, 5, 5, 5, 5}, top1: 0.2, top3: 0.6, hhi: 0.14, flagged: true},
		// Nothing arrives: no figures, not flagged.
		{name: "no net revenue", nets: []float64{0, 0}, noTotal: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var segs []*graph.Node
			for i, n := range tc.nets {
				segs = append(segs, seg(fmt.Sprintf("s%02d", i), n, 0))
			}
			// A customer with a big figure does not count: segments only.
			segs = append(segs, &graph.Node{ID: "zz", Kind: graph.KindCustomer, Revenue: num(1e6), CostToServe: num(0)})
			c := mustAnalyze(t, directSegments(nil, segs...)).WeakSpots.Concentration
			if tc.noTotal {
				if c.Top1 != nil || c.Top3 != nil || c.HHI != nil || c.Flagged {
					t.Errorf("concentration %+v, want nulls", c)
				}
				return
			}
			checkNum(t, "top1", c.Top1, tc.top1)
			checkNum(t, "top3", c.Top3, tc.top3)
			checkNum(t, "hhi", c.HHI, tc.hhi)
			if c.Flagged != tc.flagged {
				t.Errorf("flagged %v, want %v", c.Flagged, tc.flagged)
			}
		})
	}
}

func TestChannelConflicts(t *testing.T) {
	// Into s: the company direct (pumps, seals), r1 (seals, valves) over two edges
	// (seals; valves), r2 (valves). Pairs: acme/r1 share seals; acme/r2 nothing;
	// r1/r2 share valves. Into u: r1 and r2 with no product list: they are not
	// compared (no conflict line) and u gets one warning instead.
	m := mapOf([]*graph.Node{company("acme"), org("r1", graph.KindReseller), org("r2", graph.KindReseller),
		product("pumps", 60), product("seals", 0), product("valves", 0), seg("s", 1, 1), seg("u", 1, 1)},
		sup("acme", "r1"), sup("acme", "r2"),
		sup("acme", "s", "p", []string{"seals", "pumps"}), sup("r1", "s", "p", []string{"seals"}),
		&graph.Edge{ID: "r1-valves", From: "r1", To: "s", Kind: graph.EdgeSupplies, Products: []string{"valves"}},
		sup("r2", "s", "p", []string{"valves"}), sup("r1", "u"), sup("r2", "u"))
	r := mustAnalyze(t, m)
	got := r.WeakSpots.ChannelConflicts
	want := []ChannelConflict{
		{Segment: "s", Partners: []string{"acme", "r1"}, Products: []string{"seals"}},
		{Segment: "s", Partners: []string{"r1", "r2"}, Products: []string{"valves"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("conflicts %+v, want %+v", got, want)
	}
	w := "u: its supplies from r1, r2 name no products, so channel conflicts and service opportunities could not be checked on them"
	if !hasWarning(r, w) {
		t.Errorf("no warning %q in %q", w, r.Warnings)
	}
	for _, x := range r.Warnings {
		if strings.HasPrefix(x, "s: its supplies") {
			t.Errorf("s names products on every inbound edge, yet: %q", x)
		}
	}
}

func TestServiceOpportunities(t *testing.T) {
	// pumps wear out (60 months), filters too (6), seals have no cycle.
	// s buys pumps and filters from acme; fix supports s on filters: pumps
	// uncovered. u buys pumps only and a supports edge without products covers
	// all: none. v buys seals only: no replacement cycle, nothing to service.
	// w buys from acme with no product list: not checked, a warning instead.
	m := mapOf([]*graph.Node{company("acme"), org("fix", graph.KindServiceProvider),
		product("pumps", 60), product("filters", 6), product("seals", 0), seg("s", 1, 1), seg("u", 1, 1), seg("v", 1, 1), seg("w", 1, 1)},
		sup("acme", "s", "p", []string{"pumps", "filters"}), supports("fix", "s", "filters"),
		sup("acme", "u", "p", []string{"pumps"}), supports("fix", "u"),
		sup("acme", "v", "p", []string{"seals"}), sup("acme", "w"))
	r := mustAnalyze(t, m)
	got := r.WeakSpots.ServiceOpportunities
	want := []ServiceOpportunity{{Segment: "s", Product: "pumps"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("service opportunities %+v, want %+v", got, want)
	}
	if w := "w: its supplies from acme name no products, so channel conflicts and service opportunities could not be checked on them"; !hasWarning(r, w) {
		t.Errorf("no warning %q in %q", w, r.Warnings)
	}
}

func TestWithoutPartner(t *testing.T) {
	t.Run("one of two distributors, variable costs", func(t *testing.T) {
		// Without d1 the reseller keeps only d2's frozen 0.4 share:
		// coef(r) = 0.4 · 0.75 · 0.8 = 0.24, net 2,400 (was 6,450): 4,050 lost.
		// Cost 4,000 scales with the net kept: 4,000 · 2,400 / 6,450 = 1,488.372…;
		// profit 2,400 − 1,488.372… = 911.627… (= 2,450 · 2,400 / 6,450): the
		// margin stays 2,450 / 6,450 = 38 %, tier 1; 1,538.372… lost.
		w, err := WithoutPartner(twoDistributors(), "d1")
		if err != nil {
			t.Fatal(err)
		}
		if w.Costs != CostsVariable || len(w.Losses) != 1 {
			t.Fatalf("costs %q, losses %+v", w.Costs, w.Losses)
		}
		l := w.Losses[0]
		checkNum(t, "net lost", &l.NetRevenueLost, 4050)
		checkNum(t, "cost after", l.CostAfter, 4000*2400/6450.0)
		checkNum(t, "profit after", l.ProfitAfter, 2450*2400/6450.0)
		checkNum(t, "total profit lost", &w.ProfitLost, 2450-2450*2400/6450.0)
		if tier := w.After.Segment("s").Tier; tier != 1 {
			t.Errorf("s after: tier %v, want 1 (its margin is unchanged)", tier)
		}
	})
	t.Run("one of two distributors, fixed costs", func(t *testing.T) {
		// As before but cost stays 4,000: profit 2,450 → 2,400 − 4,000 = −1,600:
		// 4,050 lost, which is what d1 carried.
		// d2 becomes a single point of failure of s (r already was one).
		w, err := Without(twoDistributors(), []string{"d1"}, WhatIfOptions{FixedCosts: true})
		if err != nil {
			t.Fatal(err)
		}
		if w.Costs != CostsFixed {
			t.Errorf("costs %q, want fixed", w.Costs)
		}
		if len(w.CutOff) != 0 {
			t.Errorf("cut off %q, want none", w.CutOff)
		}
		if len(w.Losses) != 1 || w.Losses[0].Segment != "s" {
			t.Fatalf("losses %+v, want one for s", w.Losses)
		}
		l := w.Losses[0]
		checkNum(t, "net before", &l.NetRevenueBefore, 6450)
		checkNum(t, "net after", &l.NetRevenueAfter, 2400)
		checkNum(t, "net lost", &l.NetRevenueLost, 4050)
		checkNum(t, "profit after", l.ProfitAfter, -1600)
		checkNum(t, "profit lost", l.ProfitLost, 4050)
		checkNum(t, "total net lost", &w.NetRevenueLost, 4050)
		checkNum(t, "total profit lost", &w.ProfitLost, 4050)
		want := []SinglePointOfFailure{{Segment: "s", Partner: "d2", SpendAtRisk: num(10000)}}
		if !reflect.DeepEqual(w.NewSinglePointsOfFailure, want) {
			t.Errorf("new single points of failure %s, want %s", spofs(w.NewSinglePointsOfFailure), spofs(want))
		}
		if w.After.Segment("s").Tier != 4 {
			t.Errorf("s after: tier %v, want 4 (it now loses money)", w.After.Segment("s").Tier)
		}
	})
	t.Run("the only reseller", func(t *testing.T) {
		w, err := WithoutPartner(twoDistributors(), "r")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(w.CutOff, []string{"s"}) {
			t.Errorf("cut off %q, want [s]", w.CutOff)
		}
		checkNum(t, "total net lost", &w.NetRevenueLost, 6450)
	})
	t.Run("shares stay frozen", func(t *testing.T) {
		// The marketplace's 0.3 does not move to the direct channel: without mp the
		// segment keeps 2000 · 0.7 = 1,400 (not 2,000): 510 lost.
		w, err := WithoutPartner(directAndMarketplace(), "mp")
		if err != nil {
			t.Fatal(err)
		}
		checkNum(t, "net after", &w.Losses[0].NetRevenueAfter, 1400)
		checkNum(t, "total net lost", &w.NetRevenueLost, 510)
	})
	for _, bad := range []struct{ id, want string }{
		{"ghost", `no node "ghost"`},
		{"acme", "acme is a company, not a partner"},
		{"s", "s is a segment, not a partner"},
	} {
		if _, err := WithoutPartner(twoDistributors(), bad.id); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("without %s: error %v, want %q", bad.id, err, bad.want)
		}
	}
}
