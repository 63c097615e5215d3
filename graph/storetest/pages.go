package storetest

import (
	"testing"

	"github.com/chanmap/chanmap/graph"
)

// testPagesAfterDeletes: a page of nodes is the same slice of the map in
// map order at every offset, on a map as written and after a change set
// that deleted nodes from its middle (a store that numbers its elements
// then has gaps in the numbering) and added others at its end.
func testPagesAfterDeletes(t *testing.T, s graph.Store) {
	er := graph.ElementsOf(s)
	m := create(t, s, TestdataMaps(t)["industrial.yaml"])
	checkPages(t, er, m)
	cs := graph.ChangeSet{}
	for _, i := range []int{1, len(m.Nodes) / 2, len(m.Nodes)/2 + 1} {
		cs.Changes = append(cs.Changes, graph.DeleteNodeCascade(m, m.Nodes[i].ID).Changes...)
	}
	cs.Changes = append(cs.Changes,
		graph.Change{Op: graph.OpAddNode, Node: &graph.Node{ID: "st-page-new-1", Kind: graph.KindReseller, Name: "New 1"}},
		graph.Change{Op: graph.OpAddNode, Node: &graph.Node{ID: "st-page-new-2", Kind: graph.KindSegment, Name: "New 2"}})
	if _, err := s.Apply(ctx(t), m.ID, m.Version, cs); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	next := get(t, s, m.ID)
	if len(next.Nodes) != len(m.Nodes)-1 {
		t.Fatalf("after deleting 3 nodes and adding 2: %d nodes, want %d", len(next.Nodes), len(m.Nodes)-1)
	}
	checkPages(t, er, next)
}

// checkPages reads pages of 5 nodes at every offset and one past the end.
func checkPages(t *testing.T, er graph.ElementReader, m *graph.Map) {
	t.Helper()
	for off := 0; off <= len(m.Nodes)+1; off++ {
		page, v, err := er.ListNodes(ctx(t), m.ID, off, 5)
		if err != nil || v != m.Version {
			t.Fatalf("ListNodes(%d, 5): version %d, %v; want version %d", off, v, err, m.Version)
		}
		want := graph.Page(m.Nodes, off, 5)
		if len(page) != len(want) {
			t.Fatalf("ListNodes(%d, 5) at version %d: %d nodes, want %d", off, v, len(page), len(want))
		}
		for i := range want {
			if !graph.EqualNode(page[i], want[i]) {
				t.Fatalf("ListNodes(%d, 5) at version %d: node %d is %s, want %s", off, v, i, page[i].ID, want[i].ID)
			}
		}
	}
}
