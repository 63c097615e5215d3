package analysis

import (
	"math/rand"
	"reflect"
	"testing"
	"testing/quick"

	"github.com/chanmap/chanmap/graph"
)

func TestGrossMargin(t *testing.T) {
	// acme sells direct to three segments (net revenue = revenue).
	// The map's gross margin is 0.4; b has its own 0.25.
	// a: 1,000 · 0.4 − 300 = 100, margin 100 / 1,000 = 10 %: tier 2.
	// b: 1,000 · 0.25 − 300 = −50: tier 4.
	// c: 1,000 · 0.4 − 100 = 300, margin 30 %: tier 1.
	// Without gross margins the same a would be 1,000 − 300 = 700, 70 %, tier 1.
	b := seg("b", 1000, 300)
	b.GrossMargin = num(0.25)
	m := directSegments(&graph.Classification{GrossMargin: num(0.4)}, seg("a", 1000, 300), b, seg("c", 1000, 100))
	r := mustAnalyze(t, m)
	for _, c := range []struct {
		id             string
		g, profit, mgn float64
		tier           Tier
	}{{"a", 0.4, 100, 0.1, 2}, {"b", 0.25, -50, -0.05, 4}, {"c", 0.4, 300, 0.3, 1}} {
		s := segOf(t, r, c.id)
		checkNum(t, c.id+".gross_margin", s.GrossMargin, c.g)
		checkNum(t, c.id+".profit", s.Profit, c.profit)
		checkNum(t, c.id+".margin", s.Margin, c.mgn)
		if s.Tier != c.tier {
			t.Errorf("%s tier %v, want %v", c.id, s.Tier, c.tier)
		}
	}
	if hasWarning(r, "cost of goods") {
		t.Errorf("a warning about cost of goods although every segment has a gross margin: %q", r.Warnings)
	}

	t.Run("none given: the old formula and one warning", func(t *testing.T) {
		r := mustAnalyze(t, directSegments(nil, seg("a", 1000, 300), seg("c", 1000, 100)))
		// a: 1,000 − 300 = 700.
		checkNum(t, "a.profit", segOf(t, r, "a").Profit, 700)
		if segOf(t, r, "a").GrossMargin != nil {
			t.Errorf("gross_margin %v, want null", *segOf(t, r, "a").GrossMargin)
		}
		n := 0
		for _, w := range r.Warnings {
			if w == "no gross margin is given, so profit counts no cost of goods (profit = net revenue − cost to serve); set classification.gross_margin or a node's gross_margin" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("the no-cost-of-goods warning appears %d times, want once: %q", n, r.Warnings)
		}
	})
	t.Run("some given: the others are named", func(t *testing.T) {
		a := seg("a", 1000, 300)
		a.GrossMargin = num(0.5)
		r := mustAnalyze(t, directSegments(nil, a, seg("c", 1000, 100), seg("d", 10, 1)))
		// c: no gross margin anywhere for it: 1,000 − 100 = 900.
		checkNum(t, "c.profit", segOf(t, r, "c").Profit, 900)
		if !hasWarning(r, "c, d: no gross_margin, so profit counts no cost of goods") {
			t.Errorf("warnings %q do not name c, d", r.Warnings)
		}
	})
}

// withGrossMargin returns a copy of m whose classification sets g.
func withGrossMargin(m *graph.Map, g float64) *graph.Map {
	c := *m
	c.Classification = &graph.Classification{GrossMargin: &g}
	return &c
}

func TestPropertyGrossMarginOneIsTheOldFormula(t *testing.T) {
	// With gross margin 1 every figure is the one of a map without any:
	// profit = net revenue · 1 − cost to serve.
	f := func(seed int64) bool {
		m := randomMap(seed, false)
		old, err1 := Analyze(m)
		one, err2 := Analyze(withGrossMargin(m, 1))
		if err1 != nil || err2 != nil {
			return false
		}
		for i := range old.Segments {
			a, b := old.Segments[i], one.Segments[i]
			b.GrossMargin = nil
			if !reflect.DeepEqual(a, b) {
				t.Logf("seed %d: %+v\n!= %+v", seed, a, b)
				return false
			}
		}
		return reflect.DeepEqual(old.Partners, one.Partners) && reflect.DeepEqual(old.WeakSpots, one.WeakSpots) &&
			reflect.DeepEqual(old.Markets, one.Markets)
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 200, Rand: rand.New(rand.NewSource(5))}); err != nil {
		t.Error(err)
	}
}

func TestPropertyWhatIfCosts(t *testing.T) {
	// Fixed costs are the what-if as it was: the cost stays, so every loss of
	// profit is the loss of net revenue times the gross margin (g = 0.4 here).
	// Variable costs scale the cost with the net revenue kept, so a segment
	// keeps its margin: profit after = profit before · after / before.
	f := func(seed int64) bool {
		m := withGrossMargin(randomMap(seed, false), 0.4)
		base, err := Analyze(m)
		if err != nil {
			return false
		}
		for _, p := range base.Partners {
			fixed, err1 := Without(m, []string{p.ID}, WhatIfOptions{FixedCosts: true})
			vari, err2 := Without(m, []string{p.ID}, WhatIfOptions{})
			if err1 != nil || err2 != nil {
				t.Logf("seed %d without %s: %v %v", seed, p.ID, err1, err2)
				return false
			}
			if fixed.Costs != CostsFixed || vari.Costs != CostsVariable || !reflect.DeepEqual(fixed.CutOff, vari.CutOff) {
				return false
			}
			for i, l := range fixed.Losses {
				if l.ProfitLost == nil {
					continue
				}
				if !near(*l.ProfitLost, l.NetRevenueLost*0.4) || !near(*l.CostAfter, *l.CostBefore) {
					t.Logf("seed %d without %s: fixed %+v", seed, p.ID, l)
					return false
				}
				v := vari.Losses[i]
				want := *v.ProfitBefore * v.NetRevenueAfter / v.NetRevenueBefore
				if !near(*v.ProfitAfter, want) {
					t.Logf("seed %d without %s: variable profit after %v, want %v", seed, p.ID, *v.ProfitAfter, want)
					return false
				}
			}
		}
		return true
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 100, Rand: rand.New(rand.NewSource(6))}); err != nil {
		t.Error(err)
	}
}

func TestWithoutSeveral(t *testing.T) {
	// Without both distributors the reseller has nothing: s is cut off,
	// all 6,450 of net revenue lost. Variable costs: cost 4,000 · 0 / 6,450 = 0,
	// profit 2,450 → 0.
	w, err := Without(twoDistributors(), []string{"d2", "d1"}, WhatIfOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(w.Without, []string{"d1", "d2"}) || !reflect.DeepEqual(w.CutOff, []string{"s"}) {
		t.Errorf("without %q, cut off %q", w.Without, w.CutOff)
	}
	checkNum(t, "net lost", &w.NetRevenueLost, 6450)
	checkNum(t, "profit lost", &w.ProfitLost, 2450)
	r, err := AnalyzeWithout(twoDistributors(), []string{"d1"}, WhatIfOptions{})
	if err != nil || r.WhatIf == nil || r.Segment("s") == nil || !near(*r.Segment("s").NetRevenue, 2400) {
		t.Errorf("AnalyzeWithout: %v, %+v", err, r)
	}
}

func TestUnaccountedFlow(t *testing.T) {
	// acme → aqua (share 0.6: meant as "60 % of our sales", read as 60 % of
	// aqua's purchases), acme → blue (no share: all of blue's). Both sell to s
	// (no shares: half each). aqua: 40 % of its sales come from nowhere; s buys
	// half through aqua: 0.5 · 0.4 = 0.2 of its 1,000 spend = 200 unaccounted.
	// t buys only through blue: nothing missing.
	m := mapOf([]*graph.Node{company("acme"), org("aqua", graph.KindDistributor), org("blue", graph.KindDistributor),
		seg("s", 1000, 0), seg("t", 500, 0)},
		sup("acme", "aqua", "s", 0.6), sup("acme", "blue"), sup("aqua", "s"), sup("blue", "s"), sup("blue", "t"))
	r := mustAnalyze(t, m)
	want := []UnaccountedFlow{{Segment: "s", Fraction: 0.2, Spend: num(200), Nodes: []string{"aqua"}}}
	if !reflect.DeepEqual(r.WeakSpots.UnaccountedFlow, want) {
		t.Errorf("unaccounted flow %+v, want %+v", r.WeakSpots.UnaccountedFlow, want)
	}
	// s's net revenue is what does arrive: 0.5 · 0.6 + 0.5 · 1 = 0.8 of 1,000.
	checkNum(t, "s.net_revenue", segOf(t, r, "s").NetRevenue, 800)
	if !hasWarning(r, "aqua: its inbound shares sum to 0.6, so 40 % of its sales come from nowhere") {
		t.Errorf("no share warning in %q", r.Warnings)
	}
}

func TestNoTouchpoint(t *testing.T) {
	// s uses the web shop; u uses nothing; customer c of u uses nothing either
	// but has its own supplies edge, so it is looked at: reported. Customer k of
	// s talks to us through its segment: not reported.
	m := mapOf([]*graph.Node{company("acme"), {ID: "web", Kind: graph.KindTouchpoint, Name: "web"},
		seg("s", 1, 1), seg("u", 1, 1),
		{ID: "c", Kind: graph.KindCustomer, Name: "c"}, {ID: "k", Kind: graph.KindCustomer, Name: "k"}},
		sup("acme", "s"), sup("acme", "u"), sup("acme", "c"), sup("acme", "k"),
		&graph.Edge{From: "s", To: "web", Kind: graph.EdgeUses},
		&graph.Edge{From: "c", To: "u", Kind: graph.EdgeBelongsTo},
		&graph.Edge{From: "k", To: "s", Kind: graph.EdgeBelongsTo})
	got := mustAnalyze(t, m).WeakSpots.NoTouchpoint
	if want := []string{"c", "u"}; !reflect.DeepEqual(got, want) {
		t.Errorf("no touchpoint %q, want %q", got, want)
	}
}

func TestMarkets(t *testing.T) {
	// Direct sales, gross margin 0.5. Producers p1 (1,000, cost 100: profit 400)
	// and p2 (3,000, cost 500: profit 1,000): revenue 4,000, profit 1,400,
	// margin 1,400 / 4,000 = 35 %. Consumer k (2,000 without cost: no profit):
	// revenue 2,000, profit and margin null. x names no market: unknown.
	// The customer is detail and not counted.
	p1, p2, k, x := seg("p1", 1000, 100), seg("p2", 3000, 500), seg("k", 2000, -1), seg("x", 10, 0)
	p1.Market, p2.Market, k.Market = "producer", "producer", "consumer"
	cust := &graph.Node{ID: "cu", Kind: graph.KindCustomer, Name: "cu", Market: "producer", Revenue: num(99), CostToServe: num(1)}
	r := mustAnalyze(t, directSegments(&graph.Classification{GrossMargin: num(0.5)}, p1, p2, k, x, cust))
	want := []Market{
		{Market: "consumer", Count: 1, Revenue: 2000, NetRevenue: 2000},
		{Market: "producer", Count: 2, Revenue: 4000, NetRevenue: 4000, Profit: num(1400), Margin: num(0.35)},
		{Market: "unknown", Count: 1, Revenue: 10, NetRevenue: 10, Profit: num(5), Margin: num(0.5)},
	}
	if !reflect.DeepEqual(r.Markets, want) {
		t.Errorf("markets %+v, want %+v", r.Markets, want)
	}
}

func TestLevelsPerKind(t *testing.T) {
	// Two segments and two customers, ranked apart by revenue: each group has
	// n = 2 (rank 1 ≤ ⌈0.2⌉ = 1 top, rank 2 ≤ ⌈1.2⌉ = 2 core), so the
	// customer with the larger revenue is top although the segments dwarf it.
	class := &graph.Classification{Indicators: map[string]float64{"revenue": 1}}
	c1 := &graph.Node{ID: "c1", Kind: graph.KindCustomer, Name: "c1", Revenue: num(50), CostToServe: num(1)}
	c2 := &graph.Node{ID: "c2", Kind: graph.KindCustomer, Name: "c2", Revenue: num(40), CostToServe: num(1)}
	r := mustAnalyze(t, directSegments(class, seg("big", 1000, 0), seg("small", 500, 0), c1, c2))
	for id, want := range map[string]string{"big": "top", "small": "core", "c1": "top", "c2": "core"} {
		if l := segOf(t, r, id).Level; l == nil || *l != want {
			t.Errorf("%s level %v, want %s", id, l, want)
		}
	}
}
