package mapio_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/testdata"
)

// baseMap is a small valid map; each rule case replaces or appends one line
// and expects a problem on that line.
var baseMap = []string{
	"id: t",                                 // 1
	"currency: EUR",                         // 2
	"nodes:",                                // 3
	"  - {id: co, kind: company, name: Co}", // 4
	"  - {id: dist, kind: distributor, name: Dist}",          // 5
	"  - {id: seg, kind: segment, name: Seg}",                // 6
	"  - {id: tp, kind: touchpoint, name: Tp, channel: web}", // 7
	"  - {id: pr, kind: product, name: Pr}",                  // 8
	"edges:",                                                 // 9
	"  - {from: co, to: dist, kind: supplies, margin: 0.2}",  // 10
	"  - {from: dist, to: seg, kind: supplies}",              // 11
}

// withLine returns baseMap with line n (1-based) replaced by text, or text
// appended when n is one past the end.
func withLine(n int, text string) string {
	lines := append([]string(nil), baseMap...)
	if n == len(lines)+1 {
		lines = append(lines, text)
	} else {
		lines[n-1] = text
	}
	return strings.Join(lines, "\n") + "\n"
}

func problemsOf(t *testing.T, err error) []graph.Problem {
	t.Helper()
	if err == nil {
		t.Fatal("want a *ValidationError, got nil")
	}
	var verr *graph.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("want a *ValidationError, got %T: %v", err, err)
	}
	return verr.Problems
}

func TestBaseMapIsValid(t *testing.T) {
	m, err := mapio.Read([]byte(withLine(2, "currency: EUR")), "base.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Nodes) != 5 || len(m.Edges) != 2 {
		t.Fatalf("got %d nodes %d edges", len(m.Nodes), len(m.Edges))
	}
}

func TestValidationRules(t *testing.T) {
	cases := []struct {
		rule  string
		line  int
		text  string
		msg   string // substring of the problem's message
		value string
		atVal bool // the column is where the value starts on the line
	}{
		{"unknown top-level key", 2, "colour: red", `unknown top-level key "colour"`, "colour", false},
		{"map id not a slug", 1, "id: Acme Pumps", "not a slug", "Acme Pumps", false},
		{"currency code", 2, "currency: euro", "three-letter", "euro", false},
		{"unknown node kind", 5, "  - {id: dist, kind: distributer, name: Dist}", `unknown node kind "distributer"`, "distributer", true},
		{"missing node kind", 8, "  - {id: pr, name: Pr}", "has no kind", "", false},
		{"duplicate node id", 8, "  - {id: seg, kind: product, name: Pr}", `duplicate node id "seg" (first used by /nodes/2 on line 6)`, "seg", false},
		{"bad slug upper case", 8, "  - {id: Pr, kind: product, name: Pr}", "not a slug", "Pr", false},
		{"bad slug leading underscore", 8, "  - {id: _pr, kind: product, name: Pr}", "not a slug", "_pr", false},
		{"bad slug space", 8, "  - {id: p r, kind: product, name: Pr}", "not a slug", "p r", false},
		{"empty name", 8, `  - {id: pr, kind: product, name: ""}`, "has no name", "", false},
		{"blank name", 8, `  - {id: pr, kind: product, name: "  "}`, "has no name", "  ", false},
		{"missing id", 8, "  - {kind: product, name: Pr}", "node has no id", "", false},
		{"unknown market", 6, "  - {id: seg, kind: segment, name: Seg, market: aliens}", `unknown market "aliens"`, "aliens", false},
		{"unknown preference", 6, "  - {id: seg, kind: segment, name: Seg, prefers: [online, telepathy]}", `unknown acquisition method "telepathy"`, "telepathy", false},
		{"unknown channel", 7, "  - {id: tp, kind: touchpoint, name: Tp, channel: pigeon}", `unknown touchpoint channel "pigeon"`, "pigeon", false},
		{"negative revenue", 6, "  - {id: seg, kind: segment, name: Seg, revenue: -5}", "revenue must not be negative", "-5", false},
		{"negative cost", 6, "  - {id: seg, kind: segment, name: Seg, cost_to_serve: -1.5}", "cost_to_serve must not be negative", "-1.5", false},
		{"negative customers", 6, "  - {id: seg, kind: segment, name: Seg, customers: -3}", "customers must not be negative", "-3", false},
		{"score over 100", 6, "  - {id: seg, kind: segment, name: Seg, scores: {growth: 120}}", "score growth must be between 0 and 100", "120", false},
		{"score below 0", 6, "  - {id: seg, kind: segment, name: Seg, scores: {payment: -1}}", "score payment must be between 0 and 100", "-1", false},
		{"quality over 5", 6, "  - {id: seg, kind: segment, name: Seg, quality: {payment: 7}}", "quality score payment must be between 1 and 5", "7", false},
		{"quality below 1", 6, "  - {id: seg, kind: segment, name: Seg, quality: {team: 0}}", "quality score team must be between 1 and 5", "0", false},
		{"unknown quality criterion", 6, "  - {id: seg, kind: segment, name: Seg, quality: {speed: 3}}", `unknown quality criterion "speed"`, "speed", false},
		{"tier 5", 6, "  - {id: seg, kind: segment, name: Seg, tier: 5}", "tier must be between 1 and 4", "5", false},
		{"tier 0", 6, "  - {id: seg, kind: segment, name: Seg, tier: 0}", "tier must be between 1 and 4", "0", false},
		{"tier fraction", 6, "  - {id: seg, kind: segment, name: Seg, tier: 2.5}", "tier must be a whole number", "2.5", false},
		{"replacement months zero", 8, "  - {id: pr, kind: product, name: Pr, replacement_months: 0}", "replacement_months must be above 0", "0", false},
		{"number as text", 6, "  - {id: seg, kind: segment, name: Seg, revenue: lots}", "revenue must be a number, not a string", "lots", false},
		{"quoted number", 10, `  - {from: co, to: dist, kind: supplies, margin: "0.2"}`, "margin must be a number", "0.2", false},
		{"list where text", 8, "  - {id: pr, kind: product, name: [a, b]}", "name must be a string, not a list", "a list", false},
		{"nested unknown node field", 8, "  - {id: pr, kind: product, name: Pr, extra: {a: 1}}", `unknown node field "extra" holding a mapping`, "extra", true},
		{"nested unknown edge field", 11, "  - {from: dist, to: seg, kind: supplies, extra: [1]}", `unknown edge field "extra" holding a list`, "extra", false},
		{"node not a mapping", 8, "  - just a string", "a node must be a mapping", "just a string", false},
		{"unknown edge kind", 11, "  - {from: dist, to: seg, kind: sells}", `edge dist--sells--seg: unknown edge kind "sells"`, "sells", false},
		{"dangling edge end", 11, "  - {from: dist, to: nowhere, kind: supplies}", "edge dist--supplies--nowhere: to names no node on this map", "nowhere", false},
		{"dangling edge start", 11, "  - {from: ghost, to: seg, kind: supplies}", "from names no node", "ghost", false},
		{"edge without to", 11, "  - {from: dist, kind: supplies}", "has no to", "", false},
		{"segment supplies", 11, "  - {from: seg, to: dist, kind: supplies}", "edge seg--supplies--dist: a segment cannot supply a distributor", "supplies", false},
		{"touchpoint supports", 11, "  - {from: tp, to: seg, kind: supports}", "edge tp--supports--seg: a touchpoint cannot support a segment", "supports", false},
		{"product uses", 12, "  - {from: pr, to: tp, kind: uses}", "edge pr--uses--tp: a product cannot use a touchpoint", "uses", false},
		{"segment belongs to", 12, "  - {from: seg, to: seg, kind: belongs_to}", "a segment cannot belong to a segment", "belongs_to", false},
		{"unknown delivery", 11, "  - {from: dist, to: seg, kind: supplies, delivery: teleport}", `unknown delivery method "teleport"`, "teleport", false},
		{"unknown product", 11, "  - {from: dist, to: seg, kind: supplies, products: [pr, widget]}", `"widget" is not a product on this map (no such node)`, "widget", false},
		{"product id of another kind", 11, "  - {from: dist, to: seg, kind: supplies, products: [seg]}", "(it is a segment)", "seg", false},
		{"margin 1", 10, "  - {from: co, to: dist, kind: supplies, margin: 1}", "margin must be at least 0 and below 1", "1", true},
		{"margin negative", 10, "  - {from: co, to: dist, kind: supplies, margin: -0.1}", "margin must be at least 0 and below 1", "-0.1", false},
		{"share over 1", 11, "  - {from: dist, to: seg, kind: supplies, share: 1.5}", "share must be between 0 and 1", "1.5", false},
		{"share negative", 11, "  - {from: dist, to: seg, kind: supplies, share: -0.2}", "share must be between 0 and 1", "-0.2", false},
		{"shares sum over 1", 12, "  - {from: co, to: seg, kind: supplies, share: 0.7, products: [pr]}\n  - {from: co, to: seg, kind: supplies, id: direct-2, share: 0.4}", "the shares of the supplies edges into seg add up to more than 1", "", false},
		{"supplies cycle", 12, "  - {from: dist, to: co, kind: supplies}", "supplies cycle co -> dist -> co", "co", false},
		{"self supply", 12, "  - {from: dist, to: dist, kind: supplies, id: loop}", "supplies cycle dist -> dist", "dist", false},
		{"two edges need ids", 12, "  - {from: dist, to: seg, kind: supplies}", "two supplies edges from dist to seg: give them ids", "dist--supplies--seg", false},
		{"duplicate edge id", 12, "  - {id: dist--supplies--seg, from: co, to: seg, kind: supplies}", `duplicate edge id "dist--supplies--seg"`, "dist--supplies--seg", false},
		{"edge id not a slug", 12, "  - {id: Direct Line, from: co, to: seg, kind: supplies}", `edge id "Direct Line" is not a slug`, "Direct Line", false},
		{"unknown classification key", 12, "classification: {weights: {a: 1}}", `unknown classification key "weights"`, "weights", false},
		{"unknown tier threshold", 12, "classification: {tiers: {tier9: 0.1}}", `unknown tier threshold "tier9"`, "tier9", false},
		{"unknown scorecard group", 12, "classification: {scorecard: {money: [profit]}}", `unknown scorecard group "money"`, "money", false},
		{"gross margin over 1", 6, "  - {id: seg, kind: segment, name: Seg, gross_margin: 1.5}", "gross_margin must be between 0 and 1 (the company's gross margin on its net price for this segment)", "1.5", false},
		{"gross margin as percent number", 6, "  - {id: seg, kind: segment, name: Seg, gross_margin: 35}", `for 35 % write 0.35 or "35 %"`, "35", false},
		{"map gross margin", 12, "classification: {gross_margin: -0.1}", "gross_margin must be between 0 and 1", "-0.1", false},
		{"margin as percent number", 10, "  - {from: co, to: dist, kind: supplies, margin: 15}", `margin must be at least 0 and below 1 (the fraction of its selling price the buyer keeps); for 15 % write 0.15 or "15 %"`, "15", false},
		{"as_of not a date", 2, "as_of: 31.12.2025", "as_of (the date the figures hold for) must be a date like 2026-03-31", "31.12.2025", false},
		{"near-miss top-level key", 2, "titel: T", `unknown top-level key "titel"; did you mean title?`, "titel", false},
		{"near-miss classification key", 12, "classification: {gross_margn: 0.3}", `unknown classification key "gross_margn"; did you mean gross_margin?`, "gross_margn", false},
		{"fractional customers", 6, "  - {id: seg, kind: segment, name: Seg, customers: 1.2}", "customers is a count and must be a whole number", "1.2", false},
		{"negative indicator weight", 12, "classification: {indicators: {profit: -1}}", "indicator weight profit must not be negative", "-1", false},
		{"infinite number", 6, "  - {id: seg, kind: segment, name: Seg, revenue: .inf}", "revenue must be a finite number", ".inf", false},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			src := withLine(c.line, c.text)
			_, err := mapio.Read([]byte(src), "rule.yaml")
			ps := problemsOf(t, err)
			var found *graph.Problem
			for i := range ps {
				if strings.Contains(ps[i].Message, c.msg) {
					found = &ps[i]
					break
				}
			}
			if found == nil {
				t.Fatalf("no problem says %q; got:\n%v", c.msg, err)
			}
			wantLine := c.line
			if c.rule == "shares sum over 1" {
				wantLine = c.line + 1 // the second edge tips the sum over 1
				c.value = "1.1"
			}
			if found.Line != wantLine || found.File != "rule.yaml" {
				t.Errorf("located at %s:%d, want rule.yaml:%d (%s)", found.File, found.Line, wantLine, found)
			}
			if want := strings.Index(c.text, " "+c.value) + 2; c.atVal && found.Col != want {
				t.Errorf("column %d, want %d (%s)", found.Col, want, found)
			}
			if found.Value != c.value {
				t.Errorf("value %q, want %q", found.Value, c.value)
			}
			if found.Field == "" && c.rule != "node not a mapping" {
				t.Errorf("no field named: %+v", *found)
			}
			if found.Pointer == "" || found.Pointer[0] != '/' {
				t.Errorf("pointer %q is not a JSON pointer", found.Pointer)
			}
		})
	}
}

// The same rules hold for a map built in code: Validate names the pointer,
// the field and the value.
func TestValidatePointers(t *testing.T) {
	m, err := mapio.Read([]byte(withLine(2, "currency: EUR")), "base.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bad := 1.2
	m.Edges[0].Margin = &bad
	m.Nodes[3].Channel = "pigeon"
	ps := problemsOf(t, graph.Validate(m))
	if len(ps) != 2 {
		t.Fatalf("want 2 problems, got %v", ps)
	}
	// Sorted by pointer: nodes before edges.
	if ps[0].Pointer != "/nodes/3/channel" || ps[0].Field != "channel" || ps[0].Value != "pigeon" || ps[0].Line != 0 {
		t.Errorf("first problem %+v", ps[0])
	}
	if ps[1].Pointer != "/edges/0/margin" || ps[1].Field != "margin" || ps[1].Value != "1.2" {
		t.Errorf("second problem %+v", ps[1])
	}
}

func TestAllProblemsAtOnceSortedByLine(t *testing.T) {
	src := `id: t
nodes:
  - {id: co, kind: company, name: Co}
  - {id: seg, kind: segment, name: Seg, market: mars}
  - {id: Bad, kind: wizard, name: ""}
edges:
  - {from: co, to: seg, kind: supplies, margin: 2, delivery: teleport}
  - {from: co, to: nowhere, kind: supplies}
bogus: 1
`
	ps := problemsOf(t, func() error { _, err := mapio.Read([]byte(src), "many.yaml"); return err }())
	wantLines := []int{4, 5, 5, 5, 7, 7, 8, 9}
	if len(ps) != len(wantLines) {
		t.Fatalf("want %d problems, got %d:\n%v", len(wantLines), len(ps), &graph.ValidationError{Problems: ps})
	}
	for i, p := range ps {
		if p.Line != wantLines[i] {
			t.Errorf("problem %d on line %d, want %d: %s", i, p.Line, wantLines[i], p)
		}
		if i > 0 && ps[i-1].Line == p.Line && ps[i-1].Col > p.Col && ps[i-1].Pointer == p.Pointer {
			t.Errorf("problems %d and %d out of order", i-1, i)
		}
	}
}

func TestFreeScalarAttributes(t *testing.T) {
	m, err := mapio.Read([]byte(withLine(8, "  - {id: pr, kind: product, name: Pr, sku: P-100, weight_kg: 12.5, hazardous: false, code: '007'}")), "a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := m.Nodes[4].Attrs
	want := map[string]any{"sku": "P-100", "weight_kg": 12.5, "hazardous": false, "code": "007"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("attrs %v, want %v", got, want)
	}
}

func TestValidSlug(t *testing.T) {
	for s, want := range map[string]bool{
		"acme": true, "a": true, "0": true, "acme-pumps_2": true, "9to5": true,
		"": false, "-a": false, "_a": false, "Acme": false, "a b": false, "a.b": false, "ü": false, "a/b": false,
	} {
		if got := graph.ValidSlug(s); got != want {
			t.Errorf("ValidSlug(%q) = %v, want %v", s, got, want)
		}
	}
}

// Validation of big maps is linear: a 100k-node chain with a cycle at the
// far end still reports it (the benchmark measures the time).
func TestLongChainCycle(t *testing.T) {
	const n = 100000
	m := &graph.Map{ID: "chain"}
	m.Nodes = append(m.Nodes, &graph.Node{ID: "co", Kind: graph.KindCompany, Name: "Co"})
	prev := "co"
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("d%d", i)
		m.Nodes = append(m.Nodes, &graph.Node{ID: id, Kind: graph.KindDistributor, Name: id})
		m.Edges = append(m.Edges, &graph.Edge{From: prev, To: id, Kind: graph.EdgeSupplies})
		prev = id
	}
	m.Edges = append(m.Edges, &graph.Edge{From: prev, To: "d0", Kind: graph.EdgeSupplies})
	ps := problemsOf(t, graph.Validate(m))
	if len(ps) != 1 || !strings.HasPrefix(ps[0].Message, "supplies cycle d0 -> d1 -> ") || !strings.HasSuffix(ps[0].Message, fmt.Sprintf("d%d -> d0", n-1)) {
		t.Fatalf("got %d problems, first %.200s", len(ps), ps[0].Message)
	}
}

// Problems in block-style nodes point at the line of the field.
func TestBlockStylePositions(t *testing.T) {
	src := string(testdata.Sample("hybrid"))
	lineOf := func(s, sub string) int { return strings.Count(s[:strings.Index(s, sub)], "\n") + 1 }
	src = strings.Replace(src, "    market: government\n    customers: 120", "    market: moon\n    customers: 120", 1)
	src = strings.Replace(src, "    quality: {focus: 4, value_add: 4, payment: 2,", "    quality: {focus: 4, value_add: 9, payment: 2,", 1)
	src = strings.Replace(src, "    tier: 3\n", "    tier: 3\n    extra:\n      nested: true\n", 1)
	_, err := mapio.Read([]byte(src), "hybrid.yaml")
	ps := problemsOf(t, err)
	want := []struct {
		line  int
		col   int
		value string
	}{
		{lineOf(src, "value_add: 9"), strings.Index("    quality: {focus: 4, value_add: 9", "9") + 1, "9"},
		{lineOf(src, "market: moon"), 13, "moon"},
		{lineOf(src, "    extra:"), 5, "extra"},
	}
	if len(ps) != len(want) {
		t.Fatalf("got %v", err)
	}
	for i, w := range want {
		if ps[i].Line != w.line || ps[i].Col != w.col || ps[i].Value != w.value {
			t.Errorf("problem %d at %d:%d value %q, want %d:%d %q", i, ps[i].Line, ps[i].Col, ps[i].Value, w.line, w.col, w.value)
		}
	}
}
