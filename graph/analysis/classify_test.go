package analysis

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

func TestLevelOf(t *testing.T) {
	// Rank r of n is top when r ≤ ⌈0.1n⌉, key when r ≤ ⌈0.3n⌉, core when
	// r ≤ ⌈0.6n⌉, else base.
	tests := []struct {
		n    int
		want []string // by rank 1..n
	}{
		// ⌈0.1⌉ = 1: the only node is top.
		{1, []string{"top"}},
		// ⌈0.2⌉ = 1 top; ⌈0.6⌉ = 1 key (none left); ⌈1.2⌉ = 2 core.
		{2, []string{"top", "core"}},
		// ⌈0.5⌉ = 1 top; ⌈1.5⌉ = 2 key; ⌈3⌉ = 3 core; 4, 5 base.
		{5, []string{"top", "key", "core", "base", "base"}},
		// ⌈1⌉ = 1 top; ⌈3⌉ = 3 key; ⌈6⌉ = 6 core; 7-10 base.
		{10, []string{"top", "key", "key", "core", "core", "core", "base", "base", "base", "base"}},
		// ⌈1.1⌉ = 2 top; ⌈3.3⌉ = 4 key; ⌈6.6⌉ = 7 core; 8-11 base.
		{11, []string{"top", "top", "key", "key", "core", "core", "core", "base", "base", "base", "base"}},
	}
	for _, tc := range tests {
		var got []string
		for r := 1; r <= tc.n; r++ {
			got = append(got, levelOf(r, tc.n))
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("n = %d: levels %v, want %v", tc.n, got, tc.want)
		}
	}
}

// directSegments builds a map where the company sells straight to segments
// (net revenue = revenue) with the given revenue, cost and scores.
func directSegments(class *graph.Classification, segs ...*graph.Node) *graph.Map {
	nodes := []*graph.Node{company("acme")}
	var edges []*graph.Edge
	for _, s := range segs {
		nodes = append(nodes, s)
		edges = append(edges, sup("acme", s.ID))
	}
	m := mapOf(nodes, edges...)
	m.Classification = class
	return m
}

func scored(n *graph.Node, scores map[string]float64) *graph.Node { n.Scores = scores; return n }

func TestValuePyramid(t *testing.T) {
	t.Run("weights and missing scores", func(t *testing.T) {
		// Default weights profit 0.5, growth 0.3, payment 0.2. Profits 1000, 500, 0
		// normalise to 100, 50, 0.
		// p: 0.5·100 + 0.3·80 + 0.2·40 = 50 + 24 + 8 = 82
		// q: 0.5·50 + 0.3·20 + 0.2·100 = 25 + 6 + 20 = 51
		// r: no scores, counted 0: 0.5·0 = 0, two warnings.
		// n = 3: ⌈0.3⌉ = 1 top, ⌈0.9⌉ = 1 key (none left), ⌈1.8⌉ = 2 core:
		// ranks 1, 2, 3 are top, core, base.
		m := directSegments(nil,
			scored(seg("p", 1000, 0), map[string]float64{"growth": 80, "payment": 40}),
			scored(seg("q", 700, 200), map[string]float64{"growth": 20, "payment": 100}),
			seg("r", 100, 100), seg("u", -1, 5))
		r := mustAnalyze(t, m)
		for _, c := range []struct {
			id    string
			value float64
			level string
		}{{"p", 82, "top"}, {"q", 51, "core"}, {"r", 0, "base"}} {
			s := segOf(t, r, c.id)
			checkNum(t, c.id+".value", s.Value, c.value)
			if s.Level == nil || *s.Level != c.level {
				t.Errorf("%s.level = %v, want %s", c.id, s.Level, c.level)
			}
		}
		u := segOf(t, r, "u")
		if u.Value != nil || u.Level != nil {
			t.Errorf("unclassified u has value %v, level %v", u.Value, u.Level)
		}
		for _, w := range []string{"r: no score for growth (counted 0)", "r: no score for payment (counted 0)"} {
			if !hasWarning(r, w) {
				t.Errorf("no warning %q in %q", w, r.Warnings)
			}
		}
	})

	t.Run("levels at n = 5 from revenue", func(t *testing.T) {
		// Only revenue counts: 100..500 normalise to 0, 25, 50, 75, 100.
		// Ranked e, d, c, b, a: top, key, core, base, base (see TestLevelOf).
		class := &graph.Classification{Indicators: map[string]float64{"revenue": 1}}
		var segs []*graph.Node
		for i, id := range []string{"a", "b", "c", "d", "e"} {
			segs = append(segs, seg(id, float64(100*(i+1)), 0))
		}
		r := mustAnalyze(t, directSegments(class, segs...))
		want := map[string]struct {
			v float64
			l string
		}{"a": {0, "base"}, "b": {25, "base"}, "c": {50, "core"}, "d": {75, "key"}, "e": {100, "top"}}
		for id, w := range want {
			s := segOf(t, r, id)
			checkNum(t, id+".value", s.Value, w.v)
			if *s.Level != w.l {
				t.Errorf("%s.level = %s, want %s", id, *s.Level, w.l)
			}
		}
	})

	t.Run("ties share the better level", func(t *testing.T) {
		// Ten segments; "b" and "a" share the best revenue (both 100 after
		// normalisation), so both take rank 1 (top) whatever their order in
		// the map. The rest: 8 of them at 100..800 → ranks 3-10.
		class := &graph.Classification{Indicators: map[string]float64{"revenue": 1}}
		segs := []*graph.Node{seg("b", 900, 0), seg("a", 900, 0)}
		for i := 0; i < 8; i++ {
			segs = append(segs, seg(fmt.Sprintf("s%d", i), float64(100*(i+1)), 0))
		}
		r := mustAnalyze(t, directSegments(class, segs...))
		if l := *segOf(t, r, "a").Level; l != "top" {
			t.Errorf("a.level = %s, want top", l)
		}
		if l := *segOf(t, r, "b").Level; l != "top" {
			t.Errorf("b.level = %s, want top (tied with a)", l)
		}
		// ⌈1⌉ = 1 top, ⌈3⌉ = 3 key, ⌈6⌉ = 6 core: s7 (800) rank 3 key; s6
		// rank 4 and s4 rank 6 core; s3 rank 7 and s0 (100) rank 10 base.
		for id, want := range map[string]string{"s7": "key", "s6": "core", "s4": "core", "s3": "base", "s0": "base"} {
			if l := *segOf(t, r, id).Level; l != want {
				t.Errorf("%s.level = %s, want %s", id, l, want)
			}
		}
	})

	t.Run("one segment", func(t *testing.T) {
		// n = 1: every built-in is at once min and max and scores 100; rank 1
		// of 1 ≤ ⌈0.1⌉ = 1: top.
		class := &graph.Classification{Indicators: map[string]float64{"profit": 1}}
		r := mustAnalyze(t, directSegments(class, seg("only", 100, 90)))
		s := segOf(t, r, "only")
		checkNum(t, "only.value", s.Value, 100)
		if *s.Level != "top" {
			t.Errorf("level %s, want top", *s.Level)
		}
	})

	t.Run("segments and customers ranked apart", func(t *testing.T) {
		// The customer's revenue is tiny next to the segments', but it is the only
		// customer: revenue 100 on its own scale. The segments: 0 and 100.
		class := &graph.Classification{Indicators: map[string]float64{"revenue": 1}}
		c := &graph.Node{ID: "c", Kind: graph.KindCustomer, Revenue: num(5), CostToServe: num(1)}
		m := directSegments(class, seg("big", 1000, 0), seg("small", 500, 0), c)
		r := mustAnalyze(t, m)
		checkNum(t, "c.value", segOf(t, r, "c").Value, 100)
		checkNum(t, "small.value", segOf(t, r, "small").Value, 0)
	})
}

func TestScorecard(t *testing.T) {
	class := &graph.Classification{
		Indicators: map[string]float64{"profit": 1},
		Scorecard: map[string][]string{"financial": {"profit"}, "sales": {"revenue"},
			"customer": {"growth"}, "service": {"payment"}},
	}
	// Profits: k 1000, h 0, g 0, r 0 → 100, 0, 0, 0. Revenues 1000, 1000, 0, 500 → 100, 100, 0, 50.
	// k: actual (100+100)/2 = 100, potential (60+40)/2 = 50 → keep (50 counts as high)
	// h: actual (0+100)/2 = 50, potential (10+20)/2 = 15 → harvest
	// g: actual (0+0)/2 = 0, potential (90+70)/2 = 80 → grow
	// r: actual (0+50)/2 = 25, potential 0 → reconsider
	m := directSegments(class,
		scored(seg("k", 1000, 0), map[string]float64{"growth": 60, "payment": 40}),
		scored(seg("h", 1000, 1000), map[string]float64{"growth": 10, "payment": 20}),
		scored(seg("g", 0, 0), map[string]float64{"growth": 90, "payment": 70}),
		scored(seg("r", 500, 500), map[string]float64{"growth": 0, "payment": 0}),
		seg("u", 500, -1))
	r := mustAnalyze(t, m)
	for _, c := range []struct {
		id                string
		actual, potential float64
		quadrant          string
	}{{"k", 100, 50, "keep"}, {"h", 50, 15, "harvest"}, {"g", 0, 80, "grow"}, {"r", 25, 0, "reconsider"}} {
		s := segOf(t, r, c.id)
		if s.Scorecard == nil {
			t.Fatalf("%s: no scorecard", c.id)
		}
		checkNum(t, c.id+".actual", s.Actual, c.actual)
		checkNum(t, c.id+".potential", s.Potential, c.potential)
		if s.Quadrant == nil || *s.Quadrant != c.quadrant {
			t.Errorf("%s.quadrant = %v, want %s", c.id, s.Quadrant, c.quadrant)
		}
	}
	// Unclassified: the keys are there, null.
	b, _ := json.Marshal(segOf(t, r, "u"))
	if !strings.Contains(string(b), `"actual":null,"potential":null,"quadrant":null`) {
		t.Errorf("unclassified segment JSON %s lacks null scorecard keys", b)
	}

	// Without a scorecard block, no scorecard keys at all.
	r = mustAnalyze(t, directSegments(nil, seg("k", 1000, 0)))
	b, _ = json.Marshal(r)
	if strings.Contains(string(b), `"actual"`) || strings.Contains(string(b), `"quadrant"`) {
		t.Errorf("report without scorecard block has scorecard keys: %s", b)
	}
}

func TestQuality(t *testing.T) {
	full := map[string]float64{"focus": 5, "value_add": 4, "payment": 2, "stability": 3,
		"innovation": 4, "integrity": 5, "team": 3, "relationship": 4}
	good := map[string]float64{}
	for k, v := range full {
		good[k] = v
	}
	good["payment"] = 3
	tests := []struct {
		name    string
		quality map[string]float64
		want    *float64
		flags   []string
		warned  string
	}{
		// 5+4+2+3+4+5+3+4 = 30, mean 3.75, × 20 = 75; payment 2 ≤ 2: payment risk.
		{name: "all eight, payment risk", quality: full, want: num(75), flags: []string{"payment_risk"}},
		// 31 / 8 = 3.875 × 20 = 77.5; payment 3: no flag.
		{name: "good payer", quality: good, want: num(77.5), flags: []string{}},
		// Only two given: (5 + 1) / 2 = 3 × 20 = 60, the rest named in a warning.
		{name: "partial", quality: map[string]float64{"focus": 5, "payment": 1}, want: num(60), flags: []string{"payment_risk"},
			warned: "s: no quality score for value_add, stability, innovation, integrity, team, relationship (quality is the mean of the 2 given)"},
		{name: "none", quality: nil, want: nil, flags: []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := seg("s", 100, 10)
			n.Quality = tc.quality
			r := mustAnalyze(t, directSegments(nil, n))
			s := segOf(t, r, "s")
			if tc.want == nil {
				checkNull(t, "quality", s.Quality)
			} else {
				checkNum(t, "quality", s.Quality, *tc.want)
			}
			if !reflect.DeepEqual(s.Flags, tc.flags) {
				t.Errorf("flags %q, want %q", s.Flags, tc.flags)
			}
			if tc.warned != "" && !hasWarning(r, tc.warned) {
				t.Errorf("no warning %q in %q", tc.warned, r.Warnings)
			}
		})
	}
}

func TestReportJSON(t *testing.T) {
	// The contract's shape on a tiny map: acme sells through nordic (18 %) to
	// contractors; households have no figures and nobody reaches them.
	// contractors: net 2,400,000 · 0.82 = 1,968,000, profit 1,968,000 − 310,000 =
	// 1,658,000, margin 1,658,000 / 1,968,000 = 0.842479674796748 (15 digits).
	// n = 1 in the pyramid: profit scores 100; growth 70, payment 40 given:
	// value 0.5·100 + 0.3·70 + 0.2·40 = 79, rank 1 of 1: level top.
	// No gross margin anywhere: gross_margin null and one warning. Nobody
	// uses a touchpoint; both segments have no market: one "unknown" row.
	c := seg("contractors", 2400000, 310000)
	c.Scores = map[string]float64{"growth": 70, "payment": 40}
	m := mapOf([]*graph.Node{company("acme"), org("nordic", graph.KindDistributor), c, seg("households", -1, -1)},
		sup("acme", "nordic", "m", 0.18), sup("nordic", "contractors", "d", "pickup"))
	m.ID = "acme-pumps"
	r := mustAnalyze(t, m)
	got, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"map":"acme-pumps","currency":"EUR",
	"segments":[
	 {"id":"contractors","kind":"segment","revenue":2400000,"net_revenue":1968000,"cost_to_serve":310000,
	  "gross_margin":null,"profit":1658000,"margin":0.842479674796748,"tier":1,"tier_source":"computed","value":79,"level":"top",
	  "quality":null,"flags":[]},
	 {"id":"households","kind":"segment","revenue":null,"net_revenue":null,"cost_to_serve":null,"gross_margin":null,"profit":null,
	  "margin":null,"tier":"unclassified","tier_source":"computed","value":null,"level":null,"quality":null,"flags":[]}],
	"partners":[{"id":"nordic","net_revenue":1968000,"profit":1658000}],
	"weak_spots":{"unreachable":["households"],"unsupported":["contractors","households"],"preference_unmet":[],
	 "single_points_of_failure":[{"segment":"contractors","partner":"nordic","spend_at_risk":2400000}],
	 "concentration":{"top1":1,"top3":1,"hhi":1,"flagged":true},
	 "channel_conflicts":[],"service_opportunities":[],"no_touchpoint":["contractors","households"],"unaccounted_flow":[]},
	"markets":[{"market":"unknown","count":2,"revenue":2400000,"net_revenue":1968000,"profit":1658000,"margin":0.842479674796748}],
	"warnings":["households: no revenue and no cost_to_serve, so unclassified",
	 "no gross margin is given, so profit counts no cost of goods (profit = net revenue − cost to serve); set classification.gross_margin or a node's gross_margin"]}`
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	delete(g.(map[string]any), "insights") // insights_test.go checks them
	if !reflect.DeepEqual(g, w) {
		t.Errorf("report JSON\n%s\nwant\n%s", got, want)
	}
	var back Report
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("report does not read back: %v", err)
	}
	if back.Segments[1].Tier != Unclassified || back.Segments[0].Tier != 1 {
		t.Errorf("tiers read back as %v, %v", back.Segments[0].Tier, back.Segments[1].Tier)
	}
}
