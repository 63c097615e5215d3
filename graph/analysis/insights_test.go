package analysis

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
)

// insightMap: acme sells to city directly and through the marketplace web
// (margin 0.10), both naming seals (a product replaced every 24 months);
// farms buy only through the distributor south (margin 0.20) and prefer
// field installation, south delivers by pickup; nobody reaches lost;
// nobody supports anyone.
func insightMap() *graph.Map {
	farms := seg("farms", 400000, 100000)
	farms.Name = "Farms"
	farms.Prefers = []string{"field_install"}
	city := seg("city", 1000000, 50000)
	city.Name = "City buyers"
	lost := seg("lost", 200000, 300000)
	lost.Name = "Lost landlords"
	south := org("south", graph.KindDistributor)
	south.Name = "Skåne VVS Grossist"
	seals := product("seals", 24)
	seals.Name = "Seals"
	return mapOf([]*graph.Node{company("acme"), south, org("web", graph.KindMarketplace), farms, city, lost, seals},
		sup("acme", "south", "m", 0.2), sup("south", "farms", "d", "pickup"),
		sup("acme", "city", "p", []string{"seals"}), sup("acme", "web", "m", 0.1), sup("web", "city", "p", []string{"seals"}))
}

func TestInsightsRankedByMoney(t *testing.T) {
	r := mustAnalyze(t, insightMap())
	// Net revenue: farms 400,000 · (1 − 0.2) = 320,000; city splits evenly
	// over two unshared edges: 500,000 · 1 + 500,000 · (1 − 0.1) = 950,000;
	// lost 0. Total 1,270,000, so city is 950/1270 = 75 % (flagged).
	// South's edge into farms names no products, so no service opportunity
	// is claimed for farms (only products named on edges are compared).
	want := []struct {
		id       string
		severity string
		atStake  float64
	}{
		{"unsupported:city", SeverityMedium, 1000000},           // city's spend; medium before low on a tie
		{"no_touchpoint:city", SeverityLow, 1000000},            // no uses edge to any touchpoint; low ties go by id
		{"service_opportunity:city", SeverityLow, 1000000},      // city buys seals (24 months), nobody services them
		{"concentration:city", SeverityMedium, 950000},          // the top segment's net revenue
		{"single_point_of_failure:south", SeverityHigh, 400000}, // farms' spend; high first on the tie
		{"unsupported:farms", SeverityMedium, 400000},
		{"no_touchpoint:farms", SeverityLow, 400000},
		{"preference_unmet:farms", SeverityLow, 400000},
		{"money_loser:lost", SeverityHigh, 300000}, // 0 net revenue − 300,000 cost to serve
		{"unreachable:lost", SeverityHigh, 200000}, // its spend goes unserved
		{"unsupported:lost", SeverityMedium, 200000},
		{"no_touchpoint:lost", SeverityLow, 200000},
		{"channel_conflict:city", SeverityMedium, 50000}, // margin pool 1,000,000 − 950,000
	}
	if len(r.Insights) != len(want) {
		for _, in := range r.Insights {
			t.Logf("%s %v", in.ID, stake(in))
		}
		t.Fatalf("%d insights, want %d", len(r.Insights), len(want))
	}
	for i, w := range want {
		got := r.Insights[i]
		if got.ID != w.id || got.Severity != w.severity {
			t.Errorf("insight %d is %s (%s), want %s (%s)", i+1, got.ID, got.Severity, w.id, w.severity)
			continue
		}
		checkNum(t, got.ID+".at_stake", got.AtStake, w.atStake)
		if got.Headline == "" || len(got.Nodes) == 0 || len(got.Figures) == 0 {
			t.Errorf("%s: headline %q, nodes %v, figures %v", got.ID, got.Headline, got.Nodes, got.Figures)
		}
	}
}

func TestInsightHeadlinesInPlainWords(t *testing.T) {
	r := mustAnalyze(t, insightMap())
	by := map[string]Insight{}
	for _, in := range r.Insights {
		by[in.ID] = in
	}
	for id, want := range map[string]string{
		"single_point_of_failure:south": "Skåne VVS Grossist carries every sale to Farms: EUR 400 k at risk",
		"unreachable:lost":              "No channel reaches Lost landlords: EUR 200 k of spend unserved",
		"money_loser:lost":              "Lost landlords lose EUR 300 k a year (tier 4)",
		"concentration:city":            "City buyers bring 75 % of net revenue (EUR 950 k); the top three bring 100 %",
		"preference_unmet:farms":        "Farms prefer field install but get pickup: EUR 400 k of spend",
		"service_opportunity:city":      "Nobody services Seals for City buyers: EUR 1 m of spend on them",
		"channel_conflict:city":         "acme and web compete for City buyers over Seals: EUR 50 k of channel margin contested",
	} {
		if got := by[id].Headline; got != want {
			t.Errorf("%s headline\n got %q\nwant %q", id, got, want)
		}
	}
	// The short form says less, and never the amount: a column shows it
	// beside the amount.
	for id, want := range map[string]string{
		"single_point_of_failure:south": "Skåne VVS Grossist carries every sale to Farms",
		"concentration:city":            "City buyers bring 75 % of net revenue",
		"preference_unmet:farms":        "Farms prefer field install; no channel delivers that way",
		"service_opportunity:city":      "Nobody services Seals for City buyers",
		"channel_conflict:city":         "2 sellers compete for City buyers",
		"money_loser:lost":              "Lost landlords lose money (tier 4)",
		"unsupported:farms":             "Nobody supports Farms",
	} {
		if got := by[id].Short; got != want {
			t.Errorf("%s short\n got %q\nwant %q", id, got, want)
		}
	}
	if n := by["single_point_of_failure:south"].Nodes; strings.Join(n, ",") != "south,farms" {
		t.Errorf("single point of failure nodes %v, want the partner then the segment", n)
	}
}

// A customer inside a segment that the same partner carries is not counted
// twice in the spend at risk.
func TestInsightSpendCountsCustomersOnce(t *testing.T) {
	m := insightMap()
	acct := &graph.Node{ID: "farm-1", Kind: graph.KindCustomer, Name: "Big Farm", Revenue: num(150000), CostToServe: num(10000)}
	m.Nodes = append(m.Nodes, acct)
	m.Edges = append(m.Edges, sup("south", "farm-1"), &graph.Edge{From: "farm-1", To: "farms", Kind: graph.EdgeBelongsTo})
	r := mustAnalyze(t, m)
	for _, in := range r.Insights {
		if in.ID == "single_point_of_failure:south" {
			// farms 400,000; Big Farm's 150,000 is part of the farms segment.
			checkNum(t, "spend at risk", in.AtStake, 400000)
			return
		}
	}
	t.Fatal("no single point of failure for south")
}

func TestInsightsWithoutFigures(t *testing.T) {
	// A segment without revenue nobody reaches: the finding stays, with no
	// amount, and ranks after findings with money.
	m := mapOf([]*graph.Node{company("acme"), seg("ghosts", -1, -1), seg("paying", 1000, 10)}, sup("acme", "paying"))
	r := mustAnalyze(t, m)
	last := r.Insights[len(r.Insights)-1]
	if last.AtStake != nil || len(last.Nodes) != 1 || last.Nodes[0] != "ghosts" || !strings.Contains(last.Headline, "ghosts") {
		t.Errorf("last insight %+v: want a ghosts finding without an amount", last)
	}
	if r.Insights[0].AtStake == nil {
		t.Errorf("first insight %s has no amount but others do", r.Insights[0].ID)
	}
}

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		cur  string
		v    float64
		want string
	}{
		{"EUR", 4800000, "EUR 4.8 m"},
		{"SEK", 400000, "SEK 400 k"},
		{"EUR", 950, "EUR 950"},
		{"EUR", 999.6, "EUR 1 k"},     // rounds up into thousands
		{"EUR", 999600, "EUR 1 m"},    // and into millions
		{"EUR", 6900920, "EUR 6.9 m"}, // one decimal
		{"EUR", 6000000, "EUR 6 m"},   // no trailing .0
		{"USD", 1.26e9, "USD 1.3 bn"},
		{"", 150000, "150 k"},          // no currency
		{"EUR", -150000, "EUR −150 k"}, // a loss keeps its sign
		{"EUR", 0, "EUR 0"},
	} {
		got := Money(c.cur, c.v)
		if got != c.want {
			t.Errorf("Money(%q, %v) = %q, want %q", c.cur, c.v, got, c.want)
		}
	}
	if got := Percent(0.348); got != "35 %" {
		t.Errorf("Percent(0.348) = %q", got)
	}
}

// TestInsightAmountsOnTheSamples checks the amount at stake of every kind of
// finding against its definition in the README, on the samples, with the
// figures worked out by hand from the map files.
func TestInsightAmountsOnTheSamples(t *testing.T) {
	for _, c := range []struct {
		sample, id string
		want       float64
	}{
		// Single point of failure: the spend of the segments only it
		// reaches. Developers 4.8 m; NordBau (a customer inside it) is not
		// counted again.
		{"hybrid", "single_point_of_failure:hvac-nord", 4800000},
		{"hybrid", "single_point_of_failure:export-agent", 1500000},
		// Unreachable and unsupported: the segment's spend.
		{"hybrid", "unreachable:landlords", 900000},
		{"hybrid", "unsupported:export", 1500000},
		{"industrial", "unsupported:food-plants", 2100000},
		// Money loser: its loss. Installers' net revenue is 5.6 m ·
		// (0.35 · 0.7 · 0.84 + 0.65 · 0.82) = 4,137,280; profit
		// 4,137,280 · 0.42 − 1,900,000 = −162,342.4.
		{"hybrid", "money_loser:installers", 162342.4},
		// Landlords: no net revenue, 150,000 cost to serve.
		{"hybrid", "money_loser:landlords", 150000},
		// Food plants: 2.1 m · (0.7 · 0.77 · 0.84 + 0.3 · 0.8 · 0.88) =
		// 1,394,316 net; 1,394,316 · 0.45 − 1,150,000 = −522,557.8.
		{"industrial", "money_loser:food-plants", 522557.8},
		// Concentration: the top segment's net revenue. Homeowners:
		// 9.2 m · (0.25 + 0.15 · 0.85 + 0.6 · (0.6 · 0.75 · 0.82 + 0.4 · 0.75 · 0.84)) = 6,900,920.
		{"hybrid", "concentration:homeowners", 6900920},
		// Water utilities: 6.8 m · (0.4 · 0.78 · 0.85 + 0.25 · 0.8 · 0.85 + 0.35 · 0.9) = 5,101,360.
		{"industrial", "concentration:water-utilities", 5101360},
		// Channel conflict: spend − net revenue. Homeowners 9.2 m − 6,900,920;
		// public buyers 3.9 m − 3.9 m · (0.7 + 0.3 · 0.621).
		{"hybrid", "channel_conflict:homeowners", 2299080},
		{"hybrid", "channel_conflict:public-buyers", 443430},
		// Service opportunity: the spend on the products nobody services,
		// each supplies edge's share split over the products it names.
		// Homeowners buy filters on two edges of two products each:
		// 9.2 m · (0.25/2 + 0.15/2) = 1.84 m, not their whole 9.2 m.
		{"hybrid", "service_opportunity:homeowners", 1840000},
		// Public buyers: thermostats on the direct edge (0.7, two products).
		{"hybrid", "service_opportunity:public-buyers", 1365000},
		// Export: heat pumps on its only edge, the only product named.
		{"hybrid", "service_opportunity:export", 1500000},
		// Unmet preference and no interaction point: the segment's spend.
		{"hybrid", "preference_unmet:landlords", 900000},
		{"industrial", "preference_unmet:chem-plants", 5200000},
		{"industrial", "no_touchpoint:food-plants", 2100000},
	} {
		r := sampleReport(t, c.sample)
		found := false
		for _, in := range r.Insights {
			if in.ID == c.id {
				found = true
				checkNum(t, c.sample+" "+c.id+".at_stake", in.AtStake, c.want)
			}
		}
		if !found {
			t.Errorf("%s: no finding %s", c.sample, c.id)
		}
	}
}

var sampleReports = map[string]*Report{}

func sampleReport(t *testing.T, name string) *Report {
	t.Helper()
	if r := sampleReports[name]; r != nil {
		return r
	}
	m, err := mapio.ReadFile(filepath.Join("..", "..", "testdata", "maps", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r := mustAnalyze(t, m)
	sampleReports[name] = r
	return r
}

// TestInsightsFromTheAnalysisMatchTheMap checks that the findings Analyze
// computes from its own tables are those Insights computes from the map
// and the report: every name, segment, belongs_to and supplies edge looked
// up the same way, on the samples, generated maps and random maps (with
// shares that leave flow unaccounted and customers in several segments).
func TestInsightsFromTheAnalysisMatchTheMap(t *testing.T) {
	maps := variedMaps(t)
	for name, m := range maps {
		r, err := Analyze(m)
		if err != nil {
			continue // the samples that the analysis refuses are tested elsewhere
		}
		if len(r.Insights) == 0 && strings.HasPrefix(name, "generated") {
			t.Fatalf("%s: no insights, so nothing is compared", name)
		}
		if got := Insights(r, m); !reflect.DeepEqual(got, r.Insights) {
			for i := range min(len(got), len(r.Insights)) {
				if !reflect.DeepEqual(got[i], r.Insights[i]) {
					t.Fatalf("%s: insight %d: from the map %+v, from the analysis %+v", name, i, got[i], r.Insights[i])
				}
			}
			t.Fatalf("%s: %d insights from the map, %d from the analysis", name, len(got), len(r.Insights))
		}
	}
}

// TestPermute checks that permute puts xs[idx[i]] at i for every
// permutation of a few sizes, cycles of every length among them.
func TestPermute(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 40 {
		for range 20 {
			idx := rng.Perm(n)
			xs := make([]string, n)
			for i := range xs {
				xs[i] = fmt.Sprint("x", i)
			}
			want := make([]string, n)
			for i, k := range idx {
				want[i] = xs[k]
			}
			permute(xs, slices.Clone(idx))
			if !slices.Equal(xs, want) {
				t.Fatalf("permute by %v: got %v, want %v", idx, xs, want)
			}
		}
	}
}

// TestAnalyzeOwnedIsAnalyze checks that a map handed over gets the report
// Analyze gives, and is left with its nodes, its edges let go.
func TestAnalyzeOwnedIsAnalyze(t *testing.T) {
	for name, m := range variedMaps(t) {
		want, werr := Analyze(m)
		owned := m.Clone()
		got, err := AnalyzeOwned(owned)
		if (err != nil) != (werr != nil) || err != nil && err.Error() != werr.Error() {
			t.Fatalf("%s: AnalyzeOwned error %v, Analyze %v", name, err, werr)
		}
		if err != nil {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: AnalyzeOwned's report differs from Analyze's", name)
		}
		if len(owned.Edges) != 0 || !graph.Equal(&graph.Map{Nodes: owned.Nodes}, &graph.Map{Nodes: m.Nodes}) {
			t.Fatalf("%s: the map handed over keeps %d edges and %d nodes, want none and its %d nodes", name, len(owned.Edges), len(owned.Nodes), len(m.Nodes))
		}
	}
}
