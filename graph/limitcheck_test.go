package graph_test

import (
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
)

// pieceLimits checks m piece by piece, as a reader of a stream does.
func pieceLimits(m *graph.Map) error {
	c := graph.NewLimitCheck()
	head := *m
	head.Nodes, head.Edges = nil, nil
	c.Head(&head)
	for i, n := range m.Nodes {
		c.Node(i, n)
	}
	for i, e := range m.Edges {
		c.Edge(i, e)
	}
	return c.Err()
}

// TestLimitCheckIsCheckLimits: a map checked piece by piece gets the error
// CheckLimits gives on the whole map, with every problem in document
// order, wherever the problems are: the map's own fields, its
// classification, a node, a node's free attribute, an edge.
func TestLimitCheckIsCheckLimits(t *testing.T) {
	m := gen.Generate(300, 1)
	if err := pieceLimits(m); err != nil {
		t.Fatalf("a generated map is within the limits, yet: %v", err)
	}
	long := strings.Repeat("x", graph.MaxNameLen+1)
	huge := 2 * graph.MaxFigure
	m.Title = strings.Repeat("t", graph.MaxNameLen+1)
	m.Classification = &graph.Classification{Scorecard: map[string][]string{long: {"growth"}}}
	m.Nodes[3].Name = long
	m.Nodes[5].Attrs = map[string]any{"note": strings.Repeat("n", graph.MaxTextLen+1)}
	m.Edges[7].Delivery = long
	m.Edges[9].Share = nil
	m.Edges[9].Margin = &huge
	want := graph.CheckLimits(m)
	if want == nil {
		t.Fatal("CheckLimits found nothing past the limits")
	}
	got := pieceLimits(m)
	if got == nil || got.Error() != want.Error() {
		t.Fatalf("piece by piece: %v\nCheckLimits: %v", got, want)
	}
	for _, ptr := range []string{"/title", "/classification/scorecard", "/nodes/3/name", "/nodes/5/note", "/edges/7/delivery"} {
		if !strings.Contains(got.Error(), ptr+":") {
			t.Errorf("no problem at %s in %v", ptr, got)
		}
	}
}
