package render

import (
	"fmt"
	"math"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render/scene"
)

// Supply line widths with --flow, in points at the drawing's natural size:
// the widest line carries the most net revenue; every other is as much
// narrower as it carries less, but never thinner than flowMinWidth.
const (
	flowMaxWidth = 10.0
	flowMinWidth = 0.75
)

// flowScale is what --flow draws: the company net revenue over each
// supplies edge (analysis.SupplyFlows) and the largest of them.
type flowScale struct {
	byEdge map[string]float64
	max    float64
}

func newFlowScale(m *graph.Map) (*flowScale, error) {
	flows, err := analysis.SupplyFlows(m)
	if err != nil {
		return nil, fmt.Errorf("render: flow widths: %w", err)
	}
	fs := &flowScale{byEdge: flows}
	for _, v := range flows {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			fs.max = math.Max(fs.max, v)
		}
	}
	return fs, nil
}

// width is the pen width of a line carrying v.
func (f *flowScale) width(v float64) float64 {
	if f.max <= 0 || !(v > 0) {
		return flowMinWidth
	}
	return math.Max(flowMinWidth, flowMaxWidth*math.Min(v, f.max)/f.max)
}

// sum is the flow over several edges (an overview's grouped line).
func (f *flowScale) sum(es []*graph.Edge) float64 {
	t := 0.0
	for _, e := range es {
		t += f.byEdge[e.Key()]
	}
	return t
}

// flowLegend is the width scale: three sample lines, the largest flow, a
// half and a quarter of it, in the map's currency.
func (f *flowScale) flowLegend(currency string, color scene.Color) []LegendEntry {
	if f.max <= 0 {
		return nil
	}
	var out []LegendEntry
	for i, v := range []float64{f.max, f.max / 2, f.max / 4} {
		label := compactMoney(currency, v)
		if i == 0 {
			label = "Net revenue a year through the line: " + label
		}
		out = append(out, LegendEntry{Kind: LegendLine, Label: label,
			Edge: Edge{Kind: graph.EdgeSupplies, Style: Solid, Color: color, Width: f.width(v), Arrow: scene.ArrowNone}})
	}
	return out
}
