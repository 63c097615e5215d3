package neo4j

import (
	"context"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

// TestSmallChangeReadsPart checks that a small change set applied to a map
// the Store does not hold reads only what it touches, not the whole map,
// and that a change set reaching further, or a map last edited by hand,
// still reads the whole map (and gets the same result as in memory).
func TestSmallChangeReadsPart(t *testing.T) {
	s := openFor(t)
	ctx := context.Background()
	m := storedSample(t, s, "part", nil)
	v := m.Version
	w := watchQueries(t)
	apply := func(name string, cs graph.ChangeSet, wantWhole bool) {
		t.Helper()
		want, err := graph.ApplyChanges(m.Clone(), cs)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		s.forget(m.ID)
		w.reset()
		if v, err = s.Apply(ctx, m.ID, v, cs); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		read, scan := w.any(qSnapshotNodes, qSnapshotEdges), w.any(qPartEdgesScan)
		if read != wantWhole {
			t.Errorf("%s: read the whole map: %v, want %v", name, read, wantWhole)
		}
		if scan {
			// The map has no edge with an id of its own: a new edge's key
			// is looked for from its start node only.
			t.Errorf("%s: looked for an edge key among all the map's relationships", name)
		}
		s.forget(m.ID)
		got, err := s.GetMap(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !graph.Equal(got, want) {
			t.Fatalf("%s: the map read back differs from the change applied in memory", name)
		}
		m = want
	}
	seg := m.Node("water-utilities").Clone()
	seg.Name = "Water utilities (all)"
	apply("one field", graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: seg.ID, Node: seg}}}, false)
	apply("a new reseller and its supplies", graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpAddNode, Node: &graph.Node{ID: "elbe", Kind: graph.KindReseller, Name: "Elbe"}},
		{Op: graph.OpAddEdge, Edge: &graph.Edge{From: "nordhydro", To: "elbe", Kind: graph.EdgeSupplies}},
		{Op: graph.OpAddEdge, Edge: &graph.Edge{From: "elbe", To: "building-services", Kind: graph.EdgeSupplies}},
	}}, false)
	apply("set_map", graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpSetMap, Map: &graph.Map{Title: "Renamed", Currency: m.Currency, Classification: m.Classification}}}}, true)

	// An edit by hand bumps the version (as the package doc asks) but sets
	// no position hints: the next change reads the whole map.
	editByHand(t, s, m.ID, bumpByHand)
	v++
	seg = m.Node("water-utilities").Clone()
	seg.Name = strings.ToUpper(seg.Name)
	apply("after an edit by hand", graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: seg.ID, Node: seg}}}, true)
	seg = seg.Clone()
	seg.Name = "Water"
	apply("and after that change", graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: seg.ID, Node: seg}}}, false)
}

// TestGetEdgeScansOnlyWhenItMust checks that an edge key found nowhere
// between the ends it names is looked for among all the map's
// relationships only when it could be elsewhere: when the map has edges
// with ids of their own, when the key splits into ends in more than one
// way, or when the map was last edited by hand (its hints are stale). A
// new edge's key is checked this way by every POST of an edge on a big map.
func TestGetEdgeScansOnlyWhenItMust(t *testing.T) {
	s := openFor(t)
	ctx := context.Background()
	m := storedSample(t, s, "getedge", func(m *graph.Map) {
		for _, e := range m.Edges {
			e.ID = "" // no edge with an id of its own
		}
	})
	v := m.Version
	w := watchQueries(t)
	var err error
	get := func(name, key string, want *graph.Edge, wantScan bool) {
		t.Helper()
		s.forget(m.ID)
		w.reset()
		e, _, err := s.GetEdge(ctx, m.ID, key)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if (e == nil) != (want == nil) || e != nil && !graph.Equal(&graph.Map{Edges: []*graph.Edge{e}}, &graph.Map{Edges: []*graph.Edge{want}}) {
			t.Errorf("%s: GetEdge(%q) = %+v, want %+v", name, key, e, want)
		}
		if scan := w.any(qEdgeScan); scan != wantScan {
			t.Errorf("%s: looked among all the relationships: %v, want %v", name, scan, wantScan)
		}
	}
	first := m.Edges[0]
	get("an edge", first.Key(), first, false)
	get("a new key", graph.DefaultEdgeID("nordhydro", graph.EdgeSupplies, "water-utilities"), nil, false)
	get("not a key of two ends", "no-such-edge", nil, false)

	// An edge given an id of its own: any key may be it.
	own := &graph.Edge{ID: "own-id", From: "nordhydro", To: "water-utilities", Kind: graph.EdgeSupports}
	if v, err = s.Apply(ctx, m.ID, v, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpAddEdge, Edge: own}}}); err != nil {
		t.Fatal(err)
	}
	if m, err = s.GetMap(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	get("an id of its own", "own-id", m.Edge("own-id"), true)
	get("a new key, with ids of their own in the map", graph.DefaultEdgeID("nordhydro", graph.EdgeSupplies, "water-utilities"), nil, true)
	if _, err = s.Apply(ctx, m.ID, v, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpDeleteEdge, ID: "own-id"}}}); err != nil {
		t.Fatal(err)
	}
	get("none left", graph.DefaultEdgeID("nordhydro", graph.EdgeSupplies, "water-utilities"), nil, false)

	// A key whose ends could be split in two ways.
	get("a key of two splits", "a--supplies--b--supplies--c", nil, true)

	// An edit by hand: the hints no longer say there are no ids of their own.
	editByHand(t, s, m.ID, bumpByHand)
	get("after an edit by hand", graph.DefaultEdgeID("nordhydro", graph.EdgeSupplies, "water-utilities"), nil, true)
}
