package storetest

import (
	"testing"

	"github.com/chanmap/chanmap/graph"
)

var supportTests = []struct {
	name string
	fn   func(t *testing.T, s graph.Store)
}{
	{"SupportThroughCompanies", testSupportThroughCompanies},
}

// testSupportThroughCompanies: a store may walk supply paths differently
// when a map has one company (a path cannot pass through a second) than
// when it has several (one company may supply another). Both must list
// the paths graph.SupportOf lists: with a parent company that supplies the
// company, the paths through both; once the parent is gone, the paths from
// the company alone, however many suppliers feed it.
func testSupportThroughCompanies(t *testing.T, s graph.Store) {
	m := &graph.Map{ID: "companies", Title: "Companies", Nodes: []*graph.Node{
		{ID: "parent", Kind: graph.KindCompany, Name: "Parent"},
		{ID: "co", Kind: graph.KindCompany, Name: "Co"},
		{ID: "sup-1", Kind: graph.KindSupplier, Name: "Supplier 1"},
		{ID: "sup-2", Kind: graph.KindSupplier, Name: "Supplier 2"},
		{ID: "dist", Kind: graph.KindDistributor, Name: "Dist"},
		{ID: "seg", Kind: graph.KindSegment, Name: "Seg"},
		{ID: "ann", Kind: graph.KindCustomer, Name: "Ann"},
		{ID: "bob", Kind: graph.KindCustomer, Name: "Bob"},
	}, Edges: []*graph.Edge{
		{From: "sup-1", To: "parent", Kind: graph.EdgeSupplies, Delivery: "freight"},
		{From: "sup-2", To: "co", Kind: graph.EdgeSupplies, Delivery: "freight"},
		{From: "parent", To: "co", Kind: graph.EdgeSupplies, Delivery: "freight"},
		{From: "parent", To: "seg", Kind: graph.EdgeSupplies, Delivery: "direct"},
		{From: "co", To: "dist", Kind: graph.EdgeSupplies, Delivery: "freight"},
		{From: "dist", To: "seg", Kind: graph.EdgeSupplies, Delivery: "courier"},
		{From: "co", To: "seg", Kind: graph.EdgeSupplies, Delivery: "field_install"},
		{From: "ann", To: "seg", Kind: graph.EdgeBelongsTo},
		{From: "bob", To: "seg", Kind: graph.EdgeBelongsTo},
		{From: "co", To: "bob", Kind: graph.EdgeSupplies, Delivery: "drop_ship"},
	}}
	stored := create(t, s, m)
	snap := get(t, s, stored.ID)
	if want, err := graph.SupportOf(snap, "seg"); err != nil || len(want.Paths) != 5 {
		t.Fatalf("the map does not test what it should: %d paths to seg (want 5), %v", len(want.Paths), err)
	}
	for _, id := range []string{"seg", "ann", "bob"} {
		checkSupport(t, s, snap, id)
	}
	v, err := s.Apply(ctx(t), stored.ID, snap.Version, graph.DeleteNodeCascade(snap, "parent"))
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	snap = get(t, s, stored.ID)
	if snap.Version != v {
		t.Fatalf("read version %d after writing %d", snap.Version, v)
	}
	if want, _ := graph.SupportOf(snap, "seg"); len(want.Paths) != 2 {
		t.Fatalf("without the parent: %d paths to seg, want 2", len(want.Paths))
	}
	for _, id := range []string{"seg", "ann", "bob"} {
		checkSupport(t, s, snap, id)
	}
}
