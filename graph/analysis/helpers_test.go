package analysis

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/graph/mapio"
)

// Small builders for hand-made maps.

func num(v float64) *float64 { return &v }

func org(id string, k graph.NodeKind) *graph.Node { return &graph.Node{ID: id, Kind: k, Name: id} }

func company(id string) *graph.Node { return org(id, graph.KindCompany) }

// seg is a segment with revenue and cost_to_serve; a negative value leaves
// the figure out.
func seg(id string, revenue, cost float64) *graph.Node {
	n := &graph.Node{ID: id, Kind: graph.KindSegment, Name: id}
	if revenue >= 0 {
		n.Revenue = num(revenue)
	}
	if cost >= 0 {
		n.CostToServe = num(cost)
	}
	return n
}

func product(id string, replacementMonths float64) *graph.Node {
	n := &graph.Node{ID: id, Kind: graph.KindProduct, Name: id}
	if replacementMonths > 0 {
		n.ReplacementMonths = num(replacementMonths)
	}
	return n
}

// sup is a supplies edge; opts set margin ("m"), share ("s").
func sup(from, to string, opts ...any) *graph.Edge {
	e := &graph.Edge{From: from, To: to, Kind: graph.EdgeSupplies}
	for i := 0; i+1 < len(opts); i += 2 {
		switch opts[i] {
		case "m":
			e.Margin = num(opts[i+1].(float64))
		case "s":
			e.Share = num(opts[i+1].(float64))
		case "d":
			e.Delivery = opts[i+1].(string)
		case "p":
			e.Products = opts[i+1].([]string)
		}
	}
	return e
}

func supports(from, to string, products ...string) *graph.Edge {
	return &graph.Edge{From: from, To: to, Kind: graph.EdgeSupports, Products: products}
}

func mapOf(nodes []*graph.Node, edges ...*graph.Edge) *graph.Map {
	return &graph.Map{ID: "t", Currency: "EUR", Nodes: nodes, Edges: edges}
}

func mustAnalyze(t *testing.T, m *graph.Map) *Report {
	t.Helper()
	r, err := Analyze(m)
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	return r
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func checkNum(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = null, want %v", what, want)
	} else if !near(*got, want) {
		t.Errorf("%s = %v, want %v", what, *got, want)
	}
}

func checkNull(t *testing.T, what string, got *float64) {
	t.Helper()
	if got != nil {
		t.Errorf("%s = %v, want null", what, *got)
	}
}

func segOf(t *testing.T, r *Report, id string) *Segment {
	t.Helper()
	s := r.Segment(id)
	if s == nil {
		t.Fatalf("no segment %q in report", id)
	}
	return s
}

func partnerOf(t *testing.T, r *Report, id string) *Partner {
	t.Helper()
	p := r.Partner(id)
	if p == nil {
		t.Fatalf("no partner %q in report", id)
	}
	return p
}

func hasWarning(r *Report, sub string) bool {
	for _, w := range r.Warnings {
		if strings.Contains(w, sub) {
			return true
		}
	}
	return false
}

// variedMaps are maps of every shape the analysis meets: the samples,
// generated maps, random layered maps, the insights map, and a customer
// inside its segment with its own supplies edge (the partner's amount at
// stake counts its spend once).
func variedMaps(t *testing.T) map[string]*graph.Map {
	t.Helper()
	cust := seg("acct", 300000, 1000)
	cust.Kind = graph.KindCustomer
	memberOf := &graph.Edge{From: "acct", To: "homes", Kind: graph.EdgeBelongsTo}
	detail := mapOf([]*graph.Node{company("acme"), org("hub", graph.KindDistributor), seg("homes", 900000, 1000), cust},
		sup("acme", "hub"), sup("hub", "homes"), sup("hub", "acct"), memberOf)
	maps := map[string]*graph.Map{"insightMap": insightMap(), "customer inside its segment": detail}
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "maps", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		m, err := mapio.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		maps[filepath.Base(p)] = m
	}
	for seed := range int64(4) {
		maps[fmt.Sprintf("generated %d", seed)] = gen.Generate(3000, seed)
		maps[fmt.Sprintf("random %d", seed)] = randomMap(seed, false)
	}
	return maps
}
