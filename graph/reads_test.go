package graph_test

import (
	"reflect"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

// Nodes are counted by kind and region, edges by the groups of their ends
// and their kind, in a fixed order.
func TestCountOverview(t *testing.T) {
	m := &graph.Map{ID: "m", Version: 3, Nodes: []*graph.Node{
		{ID: "co", Kind: graph.KindCompany},
		{ID: "d1", Kind: graph.KindDistributor, Region: "North"},
		{ID: "d2", Kind: graph.KindDistributor, Region: "North"},
		{ID: "d3", Kind: graph.KindDistributor, Region: "South"},
	}, Edges: []*graph.Edge{
		{From: "co", To: "d1", Kind: graph.EdgeSupplies},
		{From: "co", To: "d2", Kind: graph.EdgeSupplies},
		{From: "co", To: "d3", Kind: graph.EdgeSupplies},
		{From: "d1", To: "d3", Kind: graph.EdgePartnersWith},
	}}
	want := &graph.Overview{Version: 3,
		Groups: []graph.GroupCount{{graph.KindCompany, "", 1}, {graph.KindDistributor, "North", 2}, {graph.KindDistributor, "South", 1}},
		Links: []graph.LinkCount{
			{graph.KindCompany, "", graph.EdgeSupplies, graph.KindDistributor, "North", 2},
			{graph.KindCompany, "", graph.EdgeSupplies, graph.KindDistributor, "South", 1},
			{graph.KindDistributor, "North", graph.EdgePartnersWith, graph.KindDistributor, "South", 1},
		}}
	if got := graph.CountOverview(m); !reflect.DeepEqual(got, want) {
		t.Errorf("CountOverview = %+v\nwant %+v", got, want)
	}
}

// A page is clipped to the list and never nil.
func TestPage(t *testing.T) {
	xs := []int{0, 1, 2, 3, 4}
	for _, c := range []struct{ off, lim, first, n int }{{0, -1, 0, 5}, {1, 2, 1, 2}, {4, 10, 4, 1}, {5, 1, 0, 0}, {9, 1, 0, 0}, {0, 0, 0, 0}} {
		p := graph.Page(xs, c.off, c.lim)
		if p == nil || len(p) != c.n || c.n > 0 && p[0] != c.first {
			t.Errorf("Page(%d, %d) = %v", c.off, c.lim, p)
		}
	}
}
