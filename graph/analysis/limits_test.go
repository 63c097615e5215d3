package analysis

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

// twoSegments is a company selling directly to two segments with the given
// revenue each.
func twoSegments(revenue float64) *graph.Map {
	r, c := revenue, 0.0
	return &graph.Map{ID: "big", Nodes: []*graph.Node{
		{ID: "co", Kind: graph.KindCompany, Name: "Co"},
		{ID: "a", Kind: graph.KindSegment, Name: "A", Revenue: &r, CostToServe: &c},
		{ID: "b", Kind: graph.KindSegment, Name: "B", Revenue: &r, CostToServe: &c},
	}, Edges: []*graph.Edge{
		{From: "co", To: "a", Kind: graph.EdgeSupplies},
		{From: "co", To: "b", Kind: graph.EdgeSupplies},
	}}
}

func TestFiguresNeverOverflow(t *testing.T) {
	// At the top of the range every figure stays finite and the report is JSON.
	rep, err := Analyze(twoSegments(graph.MaxFigure))
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatalf("report at MaxFigure is not JSON: %v", err)
	}
	if strings.Contains(string(js), "Inf") || strings.Contains(string(js), "NaN") {
		t.Fatalf("report holds Inf or NaN: %s", js)
	}
	// Past it (a map stored before the limit), no report with +Inf: an error
	// that names the figure.
	rep, err = Analyze(twoSegments(1.7e308))
	if err == nil || !strings.Contains(err.Error(), "range of figures") {
		t.Fatalf("revenues of 1.7e308: report %v, error %v", rep, err)
	}
	if big := 1.7e308; !math.IsInf(big+big, 1) {
		t.Fatal("the example no longer overflows")
	}
}
