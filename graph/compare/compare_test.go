package compare

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph/mapio"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
)

const base = `id: acme
title: ACME
currency: EUR
nodes:
  - {id: acme, kind: company, name: ACME}
  - {id: nordic, kind: distributor, name: Nordic, region: North}
  - {id: fixit, kind: service_provider, name: FixIt}
  - {id: shops, kind: segment, name: Shops, revenue: 1000, cost_to_serve: 450, scores: {growth: 40}}
edges:
  - {from: acme, to: nordic, kind: supplies, delivery: freight, margin: 0.2}
  - {from: nordic, to: shops, kind: supplies, delivery: pickup}
`

func read(t *testing.T, src string) *graph.Map {
	t.Helper()
	m, err := mapio.Read([]byte(src), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func apply(t *testing.T, m *graph.Map, cs ...graph.Change) *graph.Map {
	t.Helper()
	out, err := graph.ApplyChanges(m, graph.ChangeSet{Changes: cs})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDiffNodesEdgesAndFigures(t *testing.T) {
	a := read(t, base)
	shops := *a.Node("shops")
	shops.Name = "Small shops"
	shops.Scores = map[string]float64{"growth": 60}
	link := *a.Edge("acme--supplies--nordic")
	half := 0.5
	link.Margin = &half
	b := apply(t, a,
		graph.Change{Op: graph.OpUpdateNode, ID: "shops", Node: &shops},
		graph.Change{Op: graph.OpUpdateEdge, ID: link.Key(), Edge: &link},
		graph.Change{Op: graph.OpAddNode, Node: &graph.Node{ID: "web", Kind: graph.KindTouchpoint, Name: "Web", Channel: "web"}},
		graph.Change{Op: graph.OpAddEdge, Edge: &graph.Edge{From: "acme", To: "web", Kind: graph.EdgeOperates}},
		graph.Change{Op: graph.OpDeleteNode, ID: "fixit"},
		graph.Change{Op: graph.OpSetMap, Map: &graph.Map{Title: "ACME 2027", Currency: "EUR"}},
	)
	r, err := Diff(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if r.Same {
		t.Fatal("Diff says the maps are the same")
	}
	want := Counts{NodesAdded: 1, NodesRemoved: 1, NodesChanged: 1, EdgesAdded: 1, EdgesChanged: 1}
	if r.Counts != want {
		t.Errorf("counts = %+v, want %+v", r.Counts, want)
	}
	got := map[string]NodeChange{}
	for _, n := range r.Nodes {
		got[n.ID] = n
	}
	if got["web"].Status != Added || got["fixit"].Status != Removed || got["shops"].Status != Changed {
		t.Errorf("node statuses = %+v", r.Nodes)
	}
	fields := fmt.Sprint(got["shops"].Fields)
	if wantF := "[{name Shops Small shops} {scores.growth 40 60}]"; fields != wantF {
		t.Errorf("shops changed fields = %s, want %s", fields, wantF)
	}
	var edge EdgeChange
	for _, e := range r.Edges {
		if e.Key == "acme--supplies--nordic" {
			edge = e
		}
	}
	if edge.Status != Changed || fmt.Sprint(edge.Fields) != "[{margin 0.2 0.5}]" {
		t.Errorf("edge change = %+v, want margin 0.2 -> 0.5", edge)
	}
	if fmt.Sprint(r.Map) != "[{title ACME ACME 2027}]" {
		t.Errorf("map changes = %v, want the title", r.Map)
	}
	// Net revenue 1000·0.8 = 800 -> 1000·0.5 = 500; profit 350 -> 50;
	// margin 0.44 (tier 1) -> 0.10 (tier 2).
	if len(r.Figures) != 1 {
		t.Fatalf("figures = %+v, want shops only", r.Figures)
	}
	f := r.Figures[0]
	if f.ID != "shops" || *f.Before.NetRevenue != 800 || *f.After.NetRevenue != 500 || *f.Before.Profit != 350 || *f.After.Profit != 50 || f.Before.Tier != "1" || f.After.Tier != "2" {
		t.Errorf("shops figures = %+v -> %+v, want net revenue 800 -> 500, profit 350 -> 50, tier 1 -> 2", f.Before, f.After)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("the result does not encode as JSON: %v", err)
	}
}

func TestDiffSameMap(t *testing.T) {
	a := read(t, base)
	r, err := Diff(a, a.Clone())
	if err != nil {
		t.Fatal(err)
	}
	if !r.Same || len(r.Nodes)+len(r.Edges)+len(r.Figures)+len(r.Map) != 0 {
		t.Errorf("Diff of a map with itself = %+v, want nothing", r)
	}
}

func TestUnion(t *testing.T) {
	a := read(t, base)
	shops := *a.Node("shops")
	shops.Name = "Small shops"
	b := apply(t, a,
		graph.Change{Op: graph.OpDeleteEdge, ID: "nordic--supplies--shops"},
		graph.Change{Op: graph.OpUpdateNode, ID: "shops", Node: &shops},
		graph.Change{Op: graph.OpAddEdge, Edge: &graph.Edge{From: "acme", To: "shops", Kind: graph.EdgeSupplies, Delivery: "online"}},
	)
	u := UnionOf(a, b)
	if len(u.Map.Nodes) != 4 || len(u.Map.Edges) != 3 {
		t.Fatalf("union has %d nodes and %d edges, want 4 and 3", len(u.Map.Nodes), len(u.Map.Edges))
	}
	checks := map[string]Status{"nordic--supplies--shops": Removed, "acme--supplies--shops": Added, "acme--supplies--nordic": Same}
	for k, want := range checks {
		if u.Edges[k] != want {
			t.Errorf("edge %s is %q, want %q", k, u.Edges[k], want)
		}
	}
	if u.Nodes["shops"] != Changed || u.Nodes["acme"] != Same {
		t.Errorf("node statuses = %v", u.Nodes)
	}
	if u.Map.Node("shops").Name != "Small shops" {
		t.Errorf("a changed node in the union is %q, want the after side", u.Map.Node("shops").Name)
	}
	// The union keeps the first map's order, so a layout of it places
	// every node of either map.
	if u.Map.Edges[1].Key() != "nordic--supplies--shops" {
		t.Errorf("union edge order = %v", u.Map.Edges)
	}
}

// BenchmarkDiff10000 compares two versions of a 10,000-node map that differ
// by a few edits.
func BenchmarkDiff10000(b *testing.B) {
	a := gen.Generate(10000, 7)
	segs := a.NodesOfKind(graph.KindSegment)
	var cs graph.ChangeSet
	for i := 0; i < 10; i++ {
		n := *a.Node(segs[i])
		n.Name += " (renamed)"
		cs.Changes = append(cs.Changes, graph.Change{Op: graph.OpUpdateNode, ID: n.ID, Node: &n})
	}
	next, err := graph.ApplyChanges(a, cs)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu := selfCPU()
	for i := 0; i < b.N; i++ {
		r, err := Diff(a, next)
		if err != nil || r.Counts.NodesChanged != 10 {
			b.Fatalf("Diff: %v, %+v", err, r.Counts)
		}
	}
	b.ReportMetric(float64(selfCPU()-cpu)/1e6/float64(b.N), "cpu-ms/op")
}

// The findings that appear with a change are listed as added, and the same
// change undone lists them as removed: the hybrid sample a year on adds a
// hotel segment that one installer network alone serves.
func TestDiffInsights(t *testing.T) {
	a, err := mapio.ReadFile("../../testdata/maps/hybrid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := mapio.ReadFile("../../testdata/diff/hybrid-next.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fwd, err := Diff(a, b)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Diff(b, a)
	if err != nil {
		t.Fatal(err)
	}
	added := map[string]InsightChange{}
	for _, in := range fwd.Insights {
		if in.Status == Added {
			added[in.ID] = in
		}
	}
	var hotels int
	for id, in := range added {
		if strings.Contains(id, "hotels") {
			hotels++
			if !strings.Contains(in.Headline, "Hotels and guest houses") || in.AtStake == nil || *in.AtStake <= 0 {
				t.Errorf("finding %s: %q at stake %v, want the hotel segment named and an amount", id, in.Headline, in.AtStake)
			}
		}
	}
	if hotels == 0 {
		t.Fatalf("no finding about the new hotel segment appeared: %+v", fwd.Insights)
	}
	removed := map[string]bool{}
	for _, in := range back.Insights {
		if in.Status == Removed {
			removed[in.ID] = true
		}
	}
	for id := range added {
		if !removed[id] {
			t.Errorf("finding %s appeared with the change but does not go away when it is undone", id)
		}
	}
	same, err := Diff(a, a.Clone())
	if err != nil || len(same.Insights) != 0 {
		t.Errorf("a map compared with itself lists findings that moved: %+v (%v)", same.Insights, err)
	}
}
