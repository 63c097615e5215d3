package chart

import (
	"fmt"
	"math"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render/scene"
)

// Step is one bar of the margin waterfall: a total (drawn from zero) or a
// change (drawn from the running total).
type Step struct {
	Label string
	Value float64 // the total, or the change (negative: money leaving)
	Total bool
}

// Partner layers of the waterfall, nearest the company first.
var layers = []struct {
	label string
	kinds []graph.NodeKind
}{
	{"Distributors and wholesalers keep", []graph.NodeKind{graph.KindDistributor, graph.KindWholesaler}},
	{"Resellers, retailers, agents, marketplaces and integrators keep",
		[]graph.NodeKind{graph.KindReseller, graph.KindRetailer, graph.KindAgent, graph.KindMarketplace, graph.KindIntegrator}},
	{"Other partners keep", nil},
}

// WaterfallSteps is the way from what end customers spend to the company's
// profit: spend, what each layer of partners keeps, spend no channel brings
// to the company, net revenue, cost to serve, profit. Over segments of kind
// segment, as the report's totals.
func WaterfallSteps(m *graph.Map, r *analysis.Report) ([]Step, error) {
	d, err := newData(m, r)
	if err != nil {
		return nil, err
	}
	keeps, err := analysis.ChannelKeeps(m)
	if err != nil {
		return nil, err
	}
	spend, net, cogs, cts := 0.0, 0.0, 0.0, 0.0
	for _, s := range d.segments(func(s analysis.Segment) bool { return s.Revenue != nil }) {
		spend += *s.Revenue
		net += netOf(s)
		if s.GrossMargin != nil {
			cogs += netOf(s) * (1 - *s.GrossMargin)
		}
		if s.CostToServe != nil {
			cts += *s.CostToServe
		}
	}
	kindOf := map[string]graph.NodeKind{}
	for _, n := range m.Nodes {
		kindOf[n.ID] = n.Kind
	}
	layerKeep := make([]float64, len(layers))
	for id, k := range keeps {
		li := len(layers) - 1
		for i, l := range layers[:len(layers)-1] {
			for _, kind := range l.kinds {
				if kindOf[id] == kind {
					li = i
				}
			}
		}
		layerKeep[li] += k
	}
	steps := []Step{{Label: "End-customer spend", Value: spend, Total: true}}
	kept := 0.0
	for i, l := range layers {
		if layerKeep[i] > 0 {
			steps = append(steps, Step{Label: l.label, Value: -layerKeep[i]})
			kept += layerKeep[i]
		}
	}
	if lost := spend - kept - net; lost > 0.5 {
		steps = append(steps, Step{Label: "Spend no channel brings in", Value: -lost})
	}
	steps = append(steps, Step{Label: "Company net revenue", Value: net, Total: true})
	if cogs > 0.5 {
		steps = append(steps, Step{Label: "Cost of goods", Value: -cogs})
	}
	steps = append(steps, Step{Label: "Cost to serve", Value: -cts})
	steps = append(steps, Step{Label: "Profit", Value: net - cogs - cts, Total: true})
	return steps, nil
}

// Waterfall draws WaterfallSteps as bars: totals in blue from zero, money
// leaving in orange from the running total, each with its amount.
func Waterfall(m *graph.Map, r *analysis.Report, o Options) (*scene.Page, error) {
	d, err := newData(m, r)
	if err != nil {
		return nil, err
	}
	steps, err := WaterfallSteps(m, r)
	if err != nil {
		return nil, err
	}
	o = o.norm()
	spend, profit := steps[0].Value, steps[len(steps)-1].Value
	sub := fmt.Sprintf("Of every %s end customers spend, %s ends as profit", d.money(spend), d.money(profit))
	if spend > 0 {
		sub = fmt.Sprintf("Of %s end customers spend, the company keeps %s as profit (%s)", d.money(spend), d.money(profit), percentOf(profit, spend))
	}
	f := newFrame("Channel margin waterfall", sub, o)
	if spend == 0 {
		return f.empty("No segment has revenue, so no money flows."), nil
	}
	fs := f.fs
	n := len(steps)
	slot := (f.x1 - f.x0) / float64(n)
	barW := slot * 0.62
	labelLines := 3
	py0, py1 := f.y0+fs*scene.LineHeight+4, f.y1-float64(labelLines)*fs*scene.LineHeight-8

	lo, hi, run := 0.0, 0.0, 0.0
	for _, s := range steps {
		if s.Total {
			run = s.Value
		} else {
			run += s.Value
		}
		lo, hi = math.Min(lo, run), math.Max(hi, math.Max(run, s.Value))
	}
	y := func(v float64) float64 { return py1 - (v-lo)/(hi-lo)*(py1-py0) }
	f.add(&scene.Line{ID: "axis:zero", Points: []scene.Point{{X: f.x0, Y: y(0)}, {X: f.x1, Y: y(0)}}, Stroke: scene.Stroke{Color: Muted, Width: 1}})

	notes := []string{"Channel margin waterfall, yearly:"}
	run = 0
	for i, s := range steps {
		from, to := run, run+s.Value
		if s.Total {
			from, to = 0, s.Value
		}
		run = to
		fill := Orange
		if s.Total {
			fill = Blue
			if s.Value < 0 {
				fill = Vermilion
			}
		}
		cx := f.x0 + slot*(float64(i)+0.5)
		top, bot := y(math.Max(from, to)), y(math.Min(from, to))
		id := fmt.Sprintf("step:%d", i+1)
		amount := d.money(s.Value)
		if !s.Total {
			amount = "−" + d.money(-s.Value)
		}
		lines := wrapMax(s.Label, fs, false, slot-6, labelLines)
		g := &scene.Group{ID: id, Title: s.Label + ": " + amount, Items: []scene.Item{
			&scene.Box{ID: id + ":bar", X: cx - barW/2, Y: top, W: barW, H: math.Max(bot-top, 1), Fill: fill},
			&scene.Text{ID: id + ":amount", X: cx, Y: top - fs*scene.LineHeight - 2, Align: scene.AlignCenter,
				Lines: []scene.Span{{Text: ellipsize(amount, fs, true, slot-4), Size: fs, Bold: true, Color: Ink}}},
			&scene.Text{ID: id + ":label", X: cx, Y: py1 + 6, Align: scene.AlignCenter, Lines: spans(lines, fs, false, Ink)},
		}}
		f.add(g)
		if i+1 < n {
			// A thin connector carries the running total to the next bar.
			f.add(&scene.Line{ID: id + ":link", Points: []scene.Point{{X: cx + barW/2, Y: y(run)}, {X: cx + slot - barW/2, Y: y(run)}},
				Stroke: scene.Stroke{Color: Rule, Width: 1, Dash: []float64{3, 2}}})
		}
		notes = append(notes, fmt.Sprintf("%s: %s", s.Label, amount))
	}
	f.page.Desc = sub
	f.page.Notes = fmtNotes(notes)
	return f.page, nil
}
