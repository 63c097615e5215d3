package neo4j

import (
	"context"
	"strings"
	"sync"
	"testing"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/storetest"
)

// TestSmallChangeReadsPart checks that a small change set applied to a map
// the Store does not hold reads only what it touches, not the whole map,
// and that a change set reaching further, or a map last edited by hand,
// still reads the whole map (and gets the same result as in memory).
func TestSmallChangeReadsPart(t *testing.T) {
	s := open(t)
	defer s.Close()
	ctx := context.Background()
	m := storetest.TestdataMaps(t)["industrial.yaml"].Clone()
	m.ID = storetest.FreshID("part")
	v, err := s.CreateMap(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	defer storetest.Remove(ctx, s, m.ID)

	var mu sync.Mutex
	var whole, scanned bool
	queryHook = func(q string, _ map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		whole = whole || q == qSnapshotNodes || q == qSnapshotEdges
		scanned = scanned || q == qPartEdgesScan
	}
	defer func() { queryHook = nil }()
	apply := func(name string, cs graph.ChangeSet, wantWhole bool) {
		t.Helper()
		want, err := graph.ApplyChanges(m.Clone(), cs)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		s.forget(m.ID)
		mu.Lock()
		whole, scanned = false, false
		mu.Unlock()
		if v, err = s.Apply(ctx, m.ID, v, cs); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		mu.Lock()
		read, scan := whole, scanned
		mu.Unlock()
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
	err = s.write(ctx, func(tx driver.ManagedTransaction) error {
		_, err := run(ctx, tx, "MATCH (m:ChannelMap {id: $map}) SET m.version = m.version + 1", map[string]any{"map": m.ID})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	v++
	seg = m.Node("water-utilities").Clone()
	seg.Name = strings.ToUpper(seg.Name)
	apply("after an edit by hand", graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: seg.ID, Node: seg}}}, true)
	seg = seg.Clone()
	seg.Name = "Water"
	apply("and after that change", graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: seg.ID, Node: seg}}}, false)
}
