package storetest

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

var applyTests = []struct {
	name string
	fn   func(t *testing.T, s graph.Store)
}{
	{"ApplyMatchesMemory", testApplyMatchesMemory},
}

// testApplyMatchesMemory applies a run of change sets, one after another,
// and checks each against graph.ApplyChanges on the map in memory: the same
// map read back (nodes and edges in the same order), the same error for a
// change set that is refused (and nothing written), and the list's and the
// history's counts. The run holds what a store that settles a small change
// set from the part of the map it touches (see graph.ApplyToPart) must get
// right: shares and cycles reaching edges the change does not name, an
// edge id that is another edge's key, deletions, taken ids, and change sets
// that reach further (a node changing kind, set_map). A store that counts
// its overview (graph.OverviewCounter) gives the counts of each result.
func testApplyMatchesMemory(t *testing.T, s graph.Store) {
	m := TestdataMaps(t)["industrial.yaml"].Clone()
	m.ID = FreshID("apply")
	v, err := s.CreateMap(ctx(t), m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Remove(ctx(t), s, m.ID) })
	cur := m.Clone()

	node := func(id string, edit func(n *graph.Node)) *graph.Node {
		n := cur.Node(id).Clone()
		edit(n)
		return n
	}
	edge := func(key string, edit func(e *graph.Edge)) *graph.Edge {
		e := cur.Edge(key).Clone()
		edit(e)
		return e
	}
	supplies := func(from, to string, share float64) *graph.Edge {
		return &graph.Edge{From: from, To: to, Kind: graph.EdgeSupplies, Delivery: "freight", Share: &share}
	}
	steps := []struct {
		name    string
		cs      func() graph.ChangeSet
		refused string // a word the in-memory error must hold; "" when the change set applies
	}{
		{"one field of a node", func() graph.ChangeSet {
			return changes(graph.Change{Op: graph.OpUpdateNode, ID: "water-utilities", Node: node("water-utilities", func(n *graph.Node) { n.Name = "Water utilities (all)" })})
		}, ""},
		{"a reseller moves to another region", func() graph.ChangeSet {
			return changes(graph.Change{Op: graph.OpUpdateNode, ID: "hamburg-ps", Node: node("hamburg-ps", func(n *graph.Node) { n.Region = "West" })})
		}, ""},
		{"two partners move region together", func() graph.ChangeSet {
			return changes(graph.Change{Op: graph.OpUpdateNode, ID: "isar-pt", Node: node("isar-pt", func(n *graph.Node) { n.Region = "East" })},
				graph.Change{Op: graph.OpUpdateNode, ID: "suedtech", Node: node("suedtech", func(n *graph.Node) { n.Region = "East" })})
		}, ""},
		{"one field of an edge", func() graph.ChangeSet {
			k := "hamburg-ps--supplies--water-utilities"
			return changes(graph.Change{Op: graph.OpUpdateEdge, ID: k, Edge: edge(k, func(e *graph.Edge) { e.Share = new(0.3) })})
		}, ""},
		{"a new reseller with its supplies", func() graph.ChangeSet {
			return changes(
				graph.Change{Op: graph.OpAddNode, Node: &graph.Node{ID: "elbe-pumps", Kind: graph.KindReseller, Name: "Elbe Pumpen"}},
				graph.Change{Op: graph.OpAddEdge, Edge: supplies("nordhydro", "elbe-pumps", 0)},
				graph.Change{Op: graph.OpAddEdge, Edge: supplies("elbe-pumps", "water-utilities", 0.1)},
			)
		}, ""},
		{"shares over one with edges the change does not name", func() graph.ChangeSet {
			k := "weser-it--supplies--water-utilities"
			return changes(graph.Change{Op: graph.OpUpdateEdge, ID: k, Edge: edge(k, func(e *graph.Edge) { e.Share = new(0.5) })})
		}, "share"},
		{"a cycle through a stored path", func() graph.ChangeSet {
			return changes(graph.Change{Op: graph.OpAddEdge, Edge: supplies("hamburg-ps", "nordhydro", 0)})
		}, "cycle"},
		{"a cycle through two new edges and stored paths", func() graph.ChangeSet {
			return changes(
				graph.Change{Op: graph.OpAddEdge, Edge: supplies("nordhydro", "suedtech", 0)},
				graph.Change{Op: graph.OpAddEdge, Edge: supplies("isar-pt", "brandt", 0)},
			)
		}, "cycle"},
		{"a node that edges still touch", func() graph.ChangeSet {
			return changes(graph.Change{Op: graph.OpDeleteNode, ID: "maas-pompen"})
		}, "still touch"},
		{"a node deleted with its edges", func() graph.ChangeSet { return graph.DeleteNodeCascade(cur, "kiel-water") }, ""},
		{"a node id that is taken", func() graph.ChangeSet {
			return changes(graph.Change{Op: graph.OpAddNode, Node: &graph.Node{ID: "brandt", Kind: graph.KindReseller, Name: "Again"}})
		}, "exists"},
		{"an edge key that is taken", func() graph.ChangeSet {
			return changes(graph.Change{Op: graph.OpAddEdge, Edge: supplies("brandt", "nordhydro", 0)})
		}, "exists"},
		{"an edge id that is another edge's key", func() graph.ChangeSet {
			e := &graph.Edge{ID: "brandt--supplies--suedtech", From: "hydroservice", To: "food-plants", Kind: graph.EdgeSupports, Why: "on call"}
			return changes(graph.Change{Op: graph.OpAddEdge, Edge: e})
		}, "exists"},
		{"a node whose id holds --", func() graph.ChangeSet {
			return changes(
				graph.Change{Op: graph.OpAddNode, Node: &graph.Node{ID: "ems--weser", Kind: graph.KindReseller, Name: "Ems-Weser Pumpen"}},
				graph.Change{Op: graph.OpAddEdge, Edge: supplies("suedtech", "ems--weser", 0)},
				graph.Change{Op: graph.OpAddEdge, Edge: &graph.Edge{From: "ems--weser", To: "field-visits", Kind: graph.EdgeOperates}},
			)
		}, ""},
		{"its edges changed and deleted by key", func() graph.ChangeSet {
			k := "suedtech--supplies--ems--weser"
			return changes(graph.Change{Op: graph.OpUpdateEdge, ID: k, Edge: edge(k, func(e *graph.Edge) { e.Margin = new(0.2) })},
				graph.Change{Op: graph.OpDeleteEdge, ID: "ems--weser--operates--field-visits"})
		}, ""},
		{"an edge given its own id", func() graph.ChangeSet {
			e := &graph.Edge{ID: "hydro-food", From: "hydroservice", To: "food-plants", Kind: graph.EdgeSupports, Why: "on call"}
			return changes(graph.Change{Op: graph.OpAddEdge, Edge: e})
		}, ""},
		{"the edge with its own id changed", func() graph.ChangeSet {
			return changes(graph.Change{Op: graph.OpUpdateEdge, ID: "hydro-food", Edge: edge("hydro-food", func(e *graph.Edge) { e.Why = "two hours away" })})
		}, ""},
		{"an unknown product", func() graph.ChangeSet {
			return changes(graph.Change{Op: graph.OpUpdateEdge, ID: "hydro-food", Edge: edge("hydro-food", func(e *graph.Edge) { e.Products = []string{"turbines"} })})
		}, "turbines"},
		{"an edge deleted and added again", func() graph.ChangeSet {
			k := "brandt--supplies--benelux-tw"
			return changes(graph.Change{Op: graph.OpDeleteEdge, ID: k}, graph.Change{Op: graph.OpAddEdge, Edge: edge(k, func(e *graph.Edge) { e.Margin = new(0.13) })})
		}, ""},
		{"a node changing kind", func() graph.ChangeSet {
			return changes(graph.Change{Op: graph.OpUpdateNode, ID: "weser-it", Node: node("weser-it", func(n *graph.Node) { n.Kind = graph.KindIntegrator })})
		}, ""},
		{"set_map beside a node", func() graph.ChangeSet {
			return changes(graph.Change{Op: graph.OpSetMap, Map: &graph.Map{Title: "Brandt 2027", Currency: "EUR", Classification: cur.Classification}},
				graph.Change{Op: graph.OpUpdateNode, ID: "ifat", Node: node("ifat", func(n *graph.Node) { n.Name = "IFAT 2027" })})
		}, ""},
		{"a node that is not there", func() graph.ChangeSet {
			return changes(graph.Change{Op: graph.OpUpdateNode, ID: "nobody", Node: &graph.Node{ID: "nobody", Kind: graph.KindReseller, Name: "Nobody"}})
		}, "not found"},
		{"more after all that", func() graph.ChangeSet {
			return changes(
				graph.Change{Op: graph.OpAddNode, Node: &graph.Node{ID: "ems-pumps", Kind: graph.KindReseller, Name: "Ems Pumpen"}},
				graph.Change{Op: graph.OpAddEdge, Edge: supplies("suedtech", "ems-pumps", 0)},
				graph.Change{Op: graph.OpUpdateNode, ID: "elbe-pumps", Node: node("elbe-pumps", func(n *graph.Node) { n.Region = "North" })},
			)
		}, ""},
	}
	for _, st := range steps {
		cs := st.cs()
		want, wantErr := graph.ApplyChanges(cur.Clone(), cs)
		if st.refused == "" && wantErr != nil {
			t.Fatalf("%s: the test's change set is refused in memory: %v", st.name, wantErr)
		}
		if st.refused != "" && (wantErr == nil || !strings.Contains(wantErr.Error(), st.refused)) {
			t.Fatalf("%s: in memory the change set should be refused for %q, got %v", st.name, st.refused, wantErr)
		}
		got, err := s.Apply(ctx(t), m.ID, v, cs)
		switch {
		case wantErr != nil && err == nil:
			t.Fatalf("%s: the store applied a change set refused in memory (%v)", st.name, wantErr)
		case wantErr != nil:
			if !strings.Contains(err.Error(), wantErr.Error()) || errors.Is(err, graph.ErrExists) != errors.Is(wantErr, graph.ErrExists) ||
				errors.Is(err, graph.ErrNotFound) != errors.Is(wantErr, graph.ErrNotFound) {
				t.Fatalf("%s: the store's error\n%v\ndiffers from the one in memory\n%v", st.name, err, wantErr)
			}
			mustEqual(t, st.name+" (refused: nothing written)", get(t, s, m.ID), cur)
			continue
		case err != nil:
			t.Fatalf("%s: %v", st.name, err)
		}
		if got != v+1 {
			t.Fatalf("%s: version %d after %d", st.name, got, v)
		}
		v, cur = got, want
		cur.Version = v
		// Before the map is read back, so a store that holds the snapshot
		// it read does not answer from it.
		if oc, ok := s.(graph.OverviewCounter); ok {
			ov, err := oc.OverviewCounts(ctx(t), m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := graph.CountOverview(cur); !reflect.DeepEqual(ov, want) {
				t.Fatalf("%s: the overview's counts\n%+v\nwant\n%+v", st.name, ov, want)
			}
		}
		mustEqual(t, st.name, get(t, s, m.ID), cur)
		for _, info := range list(t, s) {
			if info.ID == m.ID && (info.Nodes != len(cur.Nodes) || info.Edges != len(cur.Edges) || info.Version != v) {
				t.Fatalf("%s: the map list says version %d, %d nodes, %d edges; want %d, %d, %d",
					st.name, info.Version, info.Nodes, info.Edges, v, len(cur.Nodes), len(cur.Edges))
			}
		}
		vs, err := s.Versions(ctx(t), m.ID, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 1 || vs[0].Version != v || vs[0].Nodes != len(cur.Nodes) || vs[0].Edges != len(cur.Edges) {
			t.Fatalf("%s: the history's newest version is %+v; want version %d with %d nodes, %d edges", st.name, vs, v, len(cur.Nodes), len(cur.Edges))
		}
	}
}

func changes(cs ...graph.Change) graph.ChangeSet { return graph.ChangeSet{Changes: cs} }
