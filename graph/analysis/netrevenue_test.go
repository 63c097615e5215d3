package analysis

import (
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

func TestNetRevenue(t *testing.T) {
	tests := []struct {
		name string
		m    *graph.Map
		seg  string
		want float64 // net revenue
	}{
		{
			// 2,400,000 · (1 − 0.18) = 1,968,000; the edge into the segment carries no margin.
			name: "one distributor",
			m: mapOf([]*graph.Node{company("acme"), org("nordic", graph.KindDistributor), seg("contractors", 2400000, 310000)},
				sup("acme", "nordic", "m", 0.18), sup("nordic", "contractors")),
			seg: "contractors", want: 1968000,
		},
		{
			// Shares on some edges only: r1 has 0.5; r2 and r3 split the other 0.5
			// evenly (0.25 each). 1000 · (0.5·0.8 + 0.25·0.9 + 0.25·1) = 1000 · 0.875 = 875.
			name: "shares on some edges only",
			m: mapOf([]*graph.Node{company("acme"), org("r1", graph.KindReseller), org("r2", graph.KindReseller),
				org("r3", graph.KindReseller), seg("s", 1000, 0)},
				sup("acme", "r1", "m", 0.2), sup("acme", "r2", "m", 0.1), sup("acme", "r3"),
				sup("r1", "s", "s", 0.5), sup("r2", "s"), sup("r3", "s")),
			seg: "s", want: 875,
		},
		{
			// A reseller buying from two distributors: d1 keeps 10 %, d2 20 %, the
			// reseller 25 % on both inbound edges; d1 brings 0.6 of its goods, d2 the
			// remaining 0.4. coef(r) = 0.6·0.75·0.9 + 0.4·0.75·0.8 = 0.405 + 0.24 = 0.645;
			// 10,000 · 0.645 = 6,450.
			name: "reseller from two distributors",
			m:    twoDistributors(),
			seg:  "s", want: 6450,
		},
		{
			// Reached directly (share 0.7) and through a marketplace keeping 15 %
			// (the other 0.3): 2000 · (0.7 + 0.3·0.85) = 2000 · 0.955 = 1,910.
			name: "direct and through a marketplace",
			m:    directAndMarketplace(),
			seg:  "s", want: 1910,
		},
		{
			// Two paths through one distributor that sells to two resellers:
			// coef(d) = 0.9; r1 (share 0.5, margin 0.2) and r2 (0.5, margin 0.4):
			// 100 · 0.9 · (0.5·0.8 + 0.5·0.6) = 100 · 0.9 · 0.7 = 63.
			name: "diamond",
			m: mapOf([]*graph.Node{company("acme"), org("d", graph.KindDistributor), org("r1", graph.KindRetailer),
				org("r2", graph.KindRetailer), seg("s", 100, 0)},
				sup("acme", "d", "m", 0.1), sup("d", "r1", "m", 0.2), sup("d", "r2", "m", 0.4), sup("r1", "s"), sup("r2", "s")),
			seg: "s", want: 63,
		},
		{
			// Shares given on every edge that add up to less than 1: the rest is
			// bought elsewhere. 400 · (0.3 + 0.2·0.5) = 400 · 0.4 = 160.
			name: "shares below 1",
			m: mapOf([]*graph.Node{company("acme"), org("r", graph.KindReseller), seg("s", 400, 0)},
				sup("acme", "r", "m", 0.5), sup("acme", "s", "s", 0.3), sup("r", "s", "s", 0.2)),
			seg: "s", want: 160,
		},
		{
			// A supplier feeding the company is outside the sum; a branch from a
			// supplier that never meets the company brings nothing: the segment's
			// two inbound edges split 0.5/0.5, only acme's half arrives: 100 · 0.5 = 50.
			name: "only paths from the company count",
			m: mapOf([]*graph.Node{org("steel", graph.KindSupplier), company("acme"), org("rival", graph.KindSupplier), seg("s", 100, 0)},
				sup("steel", "acme", "m", 0.3), sup("acme", "s"), sup("rival", "s")),
			seg: "s", want: 50,
		},
		{
			// Unreachable: revenue 500, nothing arrives.
			name: "unreachable",
			m:    mapOf([]*graph.Node{company("acme"), seg("s", 500, 100)}),
			seg:  "s", want: 0,
		},
		{
			// A customer without supplies edges takes its segment's paths:
			// 1000 · (1 − 0.25) = 750.
			name: "customer falls back to its segment",
			m: mapOf([]*graph.Node{company("acme"), org("r", graph.KindReseller), seg("s", 5000, 0),
				{ID: "bigco", Kind: graph.KindCustomer, Name: "BigCo", Revenue: num(1000), CostToServe: num(0)}},
				sup("acme", "r", "m", 0.25), sup("r", "s"),
				&graph.Edge{From: "bigco", To: "s", Kind: graph.EdgeBelongsTo}),
			seg: "bigco", want: 750,
		},
		{
			// A customer with its own supplies edge uses it, not its segment's:
			// bought direct, 1000 · 1 = 1000.
			name: "customer with own supplies",
			m: mapOf([]*graph.Node{company("acme"), org("r", graph.KindReseller), seg("s", 5000, 0),
				{ID: "bigco", Kind: graph.KindCustomer, Name: "BigCo", Revenue: num(1000), CostToServe: num(0)}},
				sup("acme", "r", "m", 0.25), sup("r", "s"), sup("acme", "bigco"),
				&graph.Edge{From: "bigco", To: "s", Kind: graph.EdgeBelongsTo}),
			seg: "bigco", want: 1000,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustAnalyze(t, tc.m)
			checkNum(t, tc.seg+".net_revenue", segOf(t, r, tc.seg).NetRevenue, tc.want)
		})
	}
}

func twoDistributors() *graph.Map {
	return mapOf([]*graph.Node{company("acme"), org("d1", graph.KindDistributor), org("d2", graph.KindDistributor),
		org("r", graph.KindReseller), seg("s", 10000, 4000)},
		sup("acme", "d1", "m", 0.1), sup("acme", "d2", "m", 0.2),
		sup("d1", "r", "m", 0.25, "s", 0.6), sup("d2", "r", "m", 0.25), sup("r", "s"))
}

func directAndMarketplace() *graph.Map {
	return mapOf([]*graph.Node{company("acme"), org("mp", graph.KindMarketplace), seg("s", 2000, 955)},
		sup("acme", "s", "s", 0.7), sup("acme", "mp", "m", 0.15), sup("mp", "s"))
}

func TestPartnerCredit(t *testing.T) {
	t.Run("two distributors", func(t *testing.T) {
		// s: net 6,450 (see TestNetRevenue), cost 4,000, profit 2,450, margin 2450/6450.
		// d1 sells 10,000·0.6·0.75 = 4,500 to r, of which 0.9 arrives: 4,050.
		// d2 sells 10,000·0.4·0.75 = 3,000, of which 0.8 arrives: 2,400.
		// r carries all of it: 6,450. Profit in proportion: d1 2450·4050/6450 = 1,538.372…,
		// d2 2450·2400/6450 = 911.627…, r 2,450.
		r := mustAnalyze(t, twoDistributors())
		checkNum(t, "s.profit", segOf(t, r, "s").Profit, 2450)
		for _, c := range []struct {
			id          string
			net, profit float64
		}{{"d1", 4050, 2450.0 * 4050 / 6450}, {"d2", 2400, 2450.0 * 2400 / 6450}, {"r", 6450, 2450}} {
			p := partnerOf(t, r, c.id)
			checkNum(t, c.id+".net_revenue", &p.NetRevenue, c.net)
			checkNum(t, c.id+".profit", &p.Profit, c.profit)
		}
	})
	t.Run("direct and marketplace", func(t *testing.T) {
		// Net 1,910, cost 955, profit 955. Through mp: 2000·0.3 sold, 0.85 arrives = 510;
		// profit credited 955 · 510/1910 = 255. The company's direct edge is no partner.
		r := mustAnalyze(t, directAndMarketplace())
		p := partnerOf(t, r, "mp")
		checkNum(t, "mp.net_revenue", &p.NetRevenue, 510)
		checkNum(t, "mp.profit", &p.Profit, 255)
		if r.Partner("acme") != nil {
			t.Error("the company is listed as a partner")
		}
	})
	t.Run("who is a partner", func(t *testing.T) {
		// steel only sells to the company: upstream, no partner. rival sells to the
		// segment but no company supplies it: no partner. An idle distributor is
		// still listed, carrying nothing.
		m := mapOf([]*graph.Node{org("steel", graph.KindSupplier), company("acme"), org("rival", graph.KindSupplier),
			org("idle", graph.KindDistributor), org("fix", graph.KindServiceProvider), seg("s", 100, 0)},
			sup("steel", "acme"), sup("acme", "s"), sup("rival", "s"), supports("fix", "s"))
		r := mustAnalyze(t, m)
		var ids []string
		for _, p := range r.Partners {
			ids = append(ids, p.ID)
		}
		if len(ids) != 1 || ids[0] != "idle" || r.Partners[0].NetRevenue != 0 {
			t.Errorf("partners %+v, want only idle with 0", r.Partners)
		}
	})
	t.Run("customers are not counted twice", func(t *testing.T) {
		// Segment s (1000, all through r, margin 0.5 → net 500) has a customer with
		// revenue 300 inside it. r carries the segment's 500 only, not 500 + 150.
		m := mapOf([]*graph.Node{company("acme"), org("r", graph.KindReseller), seg("s", 1000, 100),
			{ID: "c", Kind: graph.KindCustomer, Name: "c", Revenue: num(300), CostToServe: num(0)}},
			sup("acme", "r", "m", 0.5), sup("r", "s"), &graph.Edge{From: "c", To: "s", Kind: graph.EdgeBelongsTo})
		r := mustAnalyze(t, m)
		p := partnerOf(t, r, "r")
		checkNum(t, "r.net_revenue", &p.NetRevenue, 500)
		checkNum(t, "r.profit", &p.Profit, 400)
		checkNum(t, "c.net_revenue", segOf(t, r, "c").NetRevenue, 150)
	})
}

func TestProfitAndTier(t *testing.T) {
	tiers := func(t1, t2, t3 float64) *graph.Classification {
		return &graph.Classification{Tiers: map[string]float64{"tier1": t1, "tier2": t2, "tier3": t3}}
	}
	manual := func(n *graph.Node, tier int) *graph.Node { n.Tier = &tier; return n }
	tests := []struct {
		name           string
		node           *graph.Node
		class          *graph.Classification
		net, profit    *float64
		margin         *float64
		tier           Tier
		source, warned string
	}{
		// Direct sales, so net = revenue. 1000 − 700 = 300, 300/1000 = 0.30 ≥ 0.20: tier 1.
		{name: "tier 1", node: seg("s", 1000, 700), net: num(1000), profit: num(300), margin: num(0.3), tier: 1, source: TierComputed},
		// Exactly on the threshold counts for the higher tier: 200/1000 = 0.20: tier 1.
		{name: "on the tier1 threshold", node: seg("s", 1000, 800), net: num(1000), profit: num(200), margin: num(0.2), tier: 1, source: TierComputed},
		// 100/1000 = 0.10, in [0.05, 0.20): tier 2.
		{name: "tier 2", node: seg("s", 1000, 900), net: num(1000), profit: num(100), margin: num(0.1), tier: 2, source: TierComputed},
		// 20/1000 = 0.02 < 0.05: tier 3.
		{name: "tier 3", node: seg("s", 1000, 980), net: num(1000), profit: num(20), margin: num(0.02), tier: 3, source: TierComputed},
		// 1000 − 1200 = −200 < 0: tier 4, margin −0.2.
		{name: "tier 4", node: seg("s", 1000, 1200), net: num(1000), profit: num(-200), margin: num(-0.2), tier: 4, source: TierComputed},
		// Custom thresholds 0.5/0.3/0.1: 0.4 is tier 2, 0.2 tier 3, 0.05 < 0.1 tier 4.
		{name: "custom tier2", node: seg("s", 1000, 600), class: tiers(0.5, 0.3, 0.1), net: num(1000), profit: num(400), margin: num(0.4), tier: 2, source: TierComputed},
		{name: "custom tier3", node: seg("s", 1000, 800), class: tiers(0.5, 0.3, 0.1), net: num(1000), profit: num(200), margin: num(0.2), tier: 3, source: TierComputed},
		{name: "custom tier4", node: seg("s", 1000, 950), class: tiers(0.5, 0.3, 0.1), net: num(1000), profit: num(50), margin: num(0.05), tier: 4, source: TierComputed},
		// Zero revenue, zero cost: profit 0, margin undefined (null), break-even: tier 3.
		{name: "zero revenue, zero cost", node: seg("s", 0, 0), net: num(0), profit: num(0), tier: 3, source: TierComputed},
		// Zero revenue, cost 500: profit −500, a money loser: tier 4.
		{name: "zero revenue with cost", node: seg("s", 0, 500), net: num(0), profit: num(-500), tier: 4, source: TierComputed},
		// Missing figures are never guessed.
		{name: "no revenue", node: seg("s", -1, 500), tier: Unclassified, source: TierComputed, warned: "s: no revenue, so unclassified"},
		{name: "no cost", node: seg("s", 1000, -1), net: num(1000), tier: Unclassified, source: TierComputed, warned: "s: no cost_to_serve, so unclassified"},
		{name: "no figures", node: seg("s", -1, -1), tier: Unclassified, source: TierComputed, warned: "s: no revenue and no cost_to_serve"},
		// A manual tier overrides the computed tier 1 (and an unclassified node).
		{name: "manual", node: manual(seg("s", 1000, 700), 3), net: num(1000), profit: num(300), margin: num(0.3), tier: 3, source: TierManual},
		{name: "manual without figures", node: manual(seg("s", -1, -1), 2), tier: 2, source: TierManual},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mapOf([]*graph.Node{company("acme"), tc.node}, sup("acme", "s"))
			m.Classification = tc.class
			r := mustAnalyze(t, m)
			s := segOf(t, r, "s")
			for _, f := range []struct {
				what      string
				got, want *float64
			}{{"net_revenue", s.NetRevenue, tc.net}, {"profit", s.Profit, tc.profit}, {"margin", s.Margin, tc.margin}} {
				if f.want == nil {
					checkNull(t, f.what, f.got)
				} else {
					checkNum(t, f.what, f.got, *f.want)
				}
			}
			if s.Tier != tc.tier || s.TierSource != tc.source {
				t.Errorf("tier = %v (%s), want %v (%s)", s.Tier, s.TierSource, tc.tier, tc.source)
			}
			if tc.warned != "" && !hasWarning(r, tc.warned) {
				t.Errorf("no warning %q in %q", tc.warned, r.Warnings)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	tier := 7
	tests := []struct {
		name string
		m    *graph.Map
		want string
	}{
		{
			name: "cycle",
			m: mapOf([]*graph.Node{company("acme"), org("b", graph.KindDistributor), org("a", graph.KindDistributor), seg("s", 1, 1)},
				sup("acme", "a"), sup("a", "b"), sup("b", "a"), sup("b", "s")),
			want: "supplies cycle: a -> b -> a",
		},
		{
			name: "self loop",
			m:    mapOf([]*graph.Node{company("acme"), org("d", graph.KindDistributor)}, sup("acme", "d"), sup("d", "d")),
			want: "supplies cycle: d -> d",
		},
		{
			name: "shares over 1",
			m: mapOf([]*graph.Node{company("acme"), org("r", graph.KindReseller), seg("s", 1, 1)},
				sup("acme", "r"), sup("acme", "s", "s", 0.7), sup("r", "s", "s", 0.6)),
			want: "s: the shares of its inbound supplies edges add up to 1.3, more than 1",
		},
		{
			name: "dangling edge",
			m:    mapOf([]*graph.Node{company("acme")}, sup("acme", "ghost")),
			want: `edge acme--supplies--ghost: no node "ghost"`,
		},
		{
			name: "segment that supplies",
			m:    mapOf([]*graph.Node{company("acme"), seg("s", 1, 1), seg("u", 1, 1)}, sup("s", "u")),
			want: "edge s--supplies--u: a segment cannot supply a segment",
		},
		{
			name: "manual tier out of range",
			m:    mapOf([]*graph.Node{company("acme"), {ID: "s", Kind: graph.KindSegment, Tier: &tier}}),
			want: "s: tier 7 is not 1-4",
		},
		{
			name: "tier thresholds out of order",
			m: &graph.Map{ID: "t", Nodes: []*graph.Node{company("acme")},
				Classification: &graph.Classification{Tiers: map[string]float64{"tier1": 0.01}}},
			want: "want tier1 ≥ tier2 ≥ tier3",
		},
		{
			name: "weights add up to 0",
			m: &graph.Map{ID: "t", Nodes: []*graph.Node{company("acme")},
				Classification: &graph.Classification{Indicators: map[string]float64{"profit": 0}}},
			want: "classification.indicators: the weights add up to 0",
		},
		{
			name: "unknown scorecard group",
			m: &graph.Map{ID: "t", Nodes: []*graph.Node{company("acme")},
				Classification: &graph.Classification{Scorecard: map[string][]string{"finance": {"profit"}}}},
			want: `classification.scorecard: unknown group "finance"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Analyze(tc.m)
			if err == nil {
				t.Fatalf("no error; report %+v", r)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if r != nil {
				t.Error("a report came back with the error")
			}
		})
	}
}
