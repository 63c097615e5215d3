package render

import (
	"math"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
)

// With --flow every supply line is as wide as the company net revenue that
// flows through it (analysis.SupplyFlows): twice the money, twice the width;
// the legend gives the scale in the map's currency.
func TestFlowWidths(t *testing.T) {
	m := readMap(t, "hybrid")
	flows, err := analysis.SupplyFlows(m)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Build(m, Options{View: ViewSupply, Flow: true})
	if err != nil {
		t.Fatal(err)
	}
	maxFlow, widest := 0.0, ""
	for k, v := range flows {
		if v > maxFlow {
			maxFlow, widest = v, k
		}
	}
	checked := 0
	for _, e := range d.Edges {
		if e.Kind != graph.EdgeSupplies {
			continue
		}
		v := flows[e.Key]
		want := math.Max(flowMinWidth, flowMaxWidth*v/maxFlow)
		if math.Abs(e.Width-want) > 1e-9 {
			t.Errorf("%s carries %.0f: width %.3f, want %.3f", e.Key, v, e.Width, want)
		}
		if e.Key == widest && e.Width != flowMaxWidth {
			t.Errorf("the line with the most net revenue (%s) is %.2f wide, want %g", e.Key, e.Width, flowMaxWidth)
		}
		if v > 0 && !strings.Contains(e.Tooltip, "net revenue through it: EUR") {
			t.Errorf("%s: tooltip %q does not give the flow", e.Key, e.Tooltip)
		}
		checked++
	}
	if checked < 5 {
		t.Fatalf("only %d supply lines drawn", checked)
	}
	var scale []LegendEntry
	for _, le := range d.Legend {
		if le.Kind == LegendLine && strings.Contains(le.Label, "EUR") {
			scale = append(scale, le)
		}
	}
	if len(scale) != 3 || !strings.HasPrefix(scale[0].Label, "Net revenue a year through the line: "+compactMoney("EUR", maxFlow)) ||
		scale[0].Edge.Width != flowMaxWidth || math.Abs(scale[1].Edge.Width-flowMaxWidth/2) > 1e-9 {
		t.Errorf("width legend %+v", scale)
	}

	// Without --flow: one width for all, and no width legend.
	d, err = Build(m, Options{View: ViewSupply})
	if err != nil {
		t.Fatal(err)
	}
	for _, le := range d.Legend {
		if strings.Contains(le.Label, "through the line") {
			t.Error("a width legend without --flow")
		}
	}
	w := -1.0
	for _, e := range d.Edges {
		if e.Kind == graph.EdgeSupplies {
			if w >= 0 && e.Width != w {
				t.Errorf("without --flow supply lines differ in width: %g and %g", w, e.Width)
			}
			w = e.Width
		}
	}
}
