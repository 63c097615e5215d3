package graph_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
)

func fptr(v float64) *float64 { return &v }

func TestCloneIsDeep(t *testing.T) {
	m := sample(t, "hybrid")
	before := writeYAML(t, m)
	c := m.Clone()
	if !graph.Equal(m, c) {
		t.Fatal("clone differs")
	}
	c.Nodes[0].Name = "changed"
	*c.Nodes[12].Revenue = 1
	c.Nodes[12].Scores["growth"] = 1
	c.Nodes[12].Prefers[0] = "other"
	c.Edges[2].Products[0] = "x"
	*c.Edges[2].Margin = 0.5
	c.Classification.Tiers["tier1"] = 0.9
	c.Classification.Scorecard["sales"][0] = "x"
	if !bytes.Equal(before, writeYAML(t, m)) {
		t.Fatal("changing the clone changed the original")
	}
}

func TestApplyChanges(t *testing.T) {
	m := sample(t, "industrial")
	cs := graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpSetMap, Map: &graph.Map{Title: "New title", Currency: "CHF"}},
		{Op: graph.OpAddNode, Node: &graph.Node{ID: "hospitals", Kind: graph.KindSegment, Name: "Hospitals", Revenue: fptr(900000)}},
		{Op: graph.OpAddEdge, Edge: &graph.Edge{From: "isar-pt", To: "hospitals", Kind: graph.EdgeSupplies, Delivery: "courier"}},
		{Op: graph.OpUpdateNode, ID: "maas-pompen", Node: &graph.Node{Kind: graph.KindReseller, Name: "Maas Pompen Rotterdam BV", Region: "West"}},
		{Op: graph.OpUpdateEdge, ID: "brandt--supplies--nordhydro", Edge: &graph.Edge{From: "brandt", To: "nordhydro", Kind: graph.EdgeSupplies, Delivery: "freight", Margin: fptr(0.17)}},
		{Op: graph.OpDeleteEdge, ID: "brandt--partners_with--hydroservice"},
	}}
	got, err := graph.ApplyChanges(m, cs)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "New title" || got.Currency != "CHF" || got.ID != "brandt-pumps" {
		t.Errorf("set_map: %q %q %q", got.ID, got.Title, got.Currency)
	}
	if n := got.Node("hospitals"); n == nil || got.Nodes[len(got.Nodes)-1] != n {
		t.Error("add_node did not append")
	}
	if e := got.Edge("isar-pt--supplies--hospitals"); e == nil {
		t.Error("add_edge missing")
	}
	if n := got.Node("maas-pompen"); n.Name != "Maas Pompen Rotterdam BV" || got.Nodes[13] != n {
		t.Errorf("update_node: %+v (position kept?)", n)
	}
	if e := got.Edge("brandt--supplies--nordhydro"); *e.Margin != 0.17 {
		t.Error("update_edge")
	}
	if got.Edge("brandt--partners_with--hydroservice") != nil || len(got.Edges) != len(m.Edges) {
		t.Error("delete_edge")
	}
	// m is untouched.
	if !graph.Equal(m, sample(t, "industrial")) {
		t.Fatal("ApplyChanges changed its input")
	}
}

func TestApplyChangesErrors(t *testing.T) {
	m := sample(t, "industrial")
	before := writeYAML(t, m)
	ok := graph.Change{Op: graph.OpDeleteEdge, ID: "brandt--partners_with--hydroservice"}
	cases := []struct {
		name    string
		change  graph.Change
		is      error  // errors.Is target, or nil for *ValidationError
		pointer string // for *ValidationError
		msg     string
	}{
		{"unknown op", graph.Change{Op: "explode"}, nil, "/changes/1/op", `unknown change op "explode"`},
		{"add without node", graph.Change{Op: graph.OpAddNode}, nil, "/changes/1/node", "needs a node"},
		{"add existing", graph.Change{Op: graph.OpAddNode, Node: &graph.Node{ID: "brandt", Kind: graph.KindCompany, Name: "X"}}, graph.ErrExists, "", `add_node "brandt"`},
		{"update unknown", graph.Change{Op: graph.OpUpdateNode, ID: "ghost", Node: &graph.Node{Kind: graph.KindSegment, Name: "G"}}, graph.ErrNotFound, "", `node "ghost"`},
		{"delete unknown", graph.Change{Op: graph.OpDeleteNode, ID: "ghost"}, graph.ErrNotFound, "", "delete_node"},
		{"delete edge unknown", graph.Change{Op: graph.OpDeleteEdge, ID: "a--supplies--b"}, graph.ErrNotFound, "", "delete_edge"},
		{"update edge unknown", graph.Change{Op: graph.OpUpdateEdge, ID: "a--supplies--b", Edge: &graph.Edge{}}, graph.ErrNotFound, "", "update_edge"},
		{"delete touched node", graph.Change{Op: graph.OpDeleteNode, ID: "nordhydro"}, nil, "/changes/1/id", "edge(s) still touch it"},
		{"rename referenced", graph.Change{Op: graph.OpUpdateNode, ID: "nordhydro", Node: &graph.Node{ID: "nordhydro2", Kind: graph.KindDistributor, Name: "N"}}, nil, "/changes/1/node/id", "still point at it"},
		{"add existing edge", graph.Change{Op: graph.OpAddEdge, Edge: &graph.Edge{From: "brandt", To: "nordhydro", Kind: graph.EdgeSupplies}}, graph.ErrExists, "", "add_edge"},
		{"invalid result", graph.Change{Op: graph.OpAddEdge, Edge: &graph.Edge{From: "brandt", To: "nowhere", Kind: graph.EdgeSupplies}}, nil, "/edges/", "names no node"},
		{"invalid margin", graph.Change{Op: graph.OpUpdateEdge, ID: "brandt--supplies--nordhydro", Edge: &graph.Edge{From: "brandt", To: "nordhydro", Kind: graph.EdgeSupplies, Margin: fptr(1.5)}}, nil, "/edges/2/margin", "margin must be"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := graph.ApplyChanges(m, graph.ChangeSet{Changes: []graph.Change{ok, c.change}})
			if err == nil || got != nil {
				t.Fatalf("want an error and no map, got %v", err)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q does not say %q", err, c.msg)
			}
			if c.is != nil {
				if !errors.Is(err, c.is) {
					t.Errorf("error %v is not %v", err, c.is)
				}
			} else {
				var verr *graph.ValidationError
				if !errors.As(err, &verr) || !strings.HasPrefix(verr.Problems[0].Pointer, c.pointer) {
					t.Errorf("want *ValidationError at %s, got %#v", c.pointer, err)
				}
			}
			if !bytes.Equal(before, writeYAML(t, m)) {
				t.Fatal("a failed change set changed the input")
			}
		})
	}
}

func TestDeleteNodeCascade(t *testing.T) {
	m := sample(t, "industrial")
	cs := graph.DeleteNodeCascade(m, "hamburg-ps")
	// nordhydro->hamburg, hamburg->water, hamburg->building (supplies),
	// hamburg supports building, hamburg operates field-visits, then the node.
	if len(cs.Changes) != 6 || cs.Changes[5].Op != graph.OpDeleteNode {
		t.Fatalf("changes %+v", cs.Changes)
	}
	got, err := graph.ApplyChanges(m, cs)
	if err != nil {
		t.Fatal(err)
	}
	if got.Node("hamburg-ps") != nil || len(got.Nodes) != len(m.Nodes)-1 || len(got.Edges) != len(m.Edges)-5 {
		t.Fatalf("%d nodes %d edges", len(got.Nodes), len(got.Edges))
	}
	for _, e := range got.Edges {
		if e.From == "hamburg-ps" || e.To == "hamburg-ps" {
			t.Fatalf("edge %s left", e.Key())
		}
	}
}

func TestDiffRoundTrip(t *testing.T) {
	base := sample(t, "hybrid")
	edited := base.Clone()
	edited.Title = "Edited"
	edited.Nodes[3].Name = "Renamed product"
	edited.Nodes = append(edited.Nodes[:10], edited.Nodes[11:]...) // drop export-agent ...
	var kept []*graph.Edge
	for _, e := range edited.Edges {
		if e.From != "export-agent" && e.To != "export-agent" {
			kept = append(kept, e)
		}
	}
	edited.Edges = kept
	edited.Edges[0].Delivery = "courier"
	edited.Nodes = append(edited.Nodes, &graph.Node{ID: "schools", Kind: graph.KindSegment, Name: "Schools", Market: "government"})
	edited.Edges = append(edited.Edges, &graph.Edge{From: "voltair", To: "schools", Kind: graph.EdgeSupplies, Delivery: "direct"})
	if err := graph.Validate(edited); err != nil {
		t.Fatal(err)
	}
	cs := graph.Diff(base, edited)
	// set_map, 2 edge deletes, 1 node delete, 1 update, 1 add node, 1 edge update, 1 edge add.
	if len(cs.Changes) != 8 {
		t.Errorf("diff has %d changes: %+v", len(cs.Changes), cs.Changes)
	}
	got, err := graph.ApplyChanges(base, cs)
	if err != nil {
		t.Fatal(err)
	}
	if !graph.Equal(got, edited) {
		t.Fatal("ApplyChanges(old, Diff(old, new)) != new")
	}
	if len(graph.Diff(base, base.Clone()).Changes) != 0 {
		t.Error("diff of equal maps is not empty")
	}
}

// Reordered or unrelated maps still diff correctly (by rebuilding).
func TestDiffUnrelatedMaps(t *testing.T) {
	a, b := gen.Generate(200, 1), gen.Generate(300, 2)
	b.ID = a.ID
	got, err := graph.ApplyChanges(a, graph.Diff(a, b))
	if err != nil {
		t.Fatal(err)
	}
	if !graph.Equal(got, b) {
		t.Fatal("diff of unrelated maps did not reproduce the new map")
	}
	r := a.Clone()
	r.Nodes[0], r.Nodes[1] = r.Nodes[1], r.Nodes[0]
	got, err = graph.ApplyChanges(a, graph.Diff(a, r))
	if err != nil || !graph.Equal(got, r) {
		t.Fatalf("reordered nodes: %v", err)
	}
}

func TestEqualTreatsNilAndEmptyAlike(t *testing.T) {
	a := &graph.Map{ID: "e", Nodes: []*graph.Node{{ID: "s", Kind: graph.KindSegment, Name: "S"}}}
	b := &graph.Map{ID: "e", Version: 9, Edges: []*graph.Edge{}, Classification: &graph.Classification{},
		Nodes: []*graph.Node{{ID: "s", Kind: graph.KindSegment, Name: "S", Tags: []string{}, Scores: map[string]float64{}, Attrs: map[string]any{}}}}
	if !graph.Equal(a, b) {
		t.Fatal("nil and empty differ")
	}
	b.Nodes[0].Attrs["x"] = 1 // an int equals the float64 a reader makes
	a.Nodes[0].Attrs = map[string]any{"x": 1.0}
	if !graph.Equal(a, b) {
		t.Fatal("1 and 1.0 differ")
	}
	b.Nodes[0].Tags = []string{"t"}
	if graph.Equal(a, b) {
		t.Fatal("different tags are equal")
	}
}

// Reordering edges only rebuilds the edges, not the nodes.
func TestDiffReorderedEdges(t *testing.T) {
	a := sample(t, "industrial")
	b := a.Clone()
	b.Edges[0], b.Edges[1] = b.Edges[1], b.Edges[0]
	b.Nodes[2].Name = "Brandt Pumpen GmbH"
	cs := graph.Diff(a, b)
	for _, c := range cs.Changes {
		if c.Op == graph.OpDeleteNode || c.Op == graph.OpAddNode {
			t.Fatalf("node rebuilt: %+v", c)
		}
	}
	if want := 2*len(a.Edges) + 1; len(cs.Changes) != want {
		t.Errorf("%d changes, want %d", len(cs.Changes), want)
	}
	got, err := graph.ApplyChanges(a, cs)
	if err != nil || !graph.Equal(got, b) {
		t.Fatalf("ApplyChanges(a, Diff(a, b)) != b: %v", err)
	}
}
