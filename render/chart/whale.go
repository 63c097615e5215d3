package chart

import (
	"fmt"
	"math"
	"sort"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render/scene"
)

// WhaleCurve draws cumulative profit against the segments ranked by profit,
// most profitable first: the curve climbs above the total while segments
// earn and falls back as the money losers give profit away.
func WhaleCurve(m *graph.Map, r *analysis.Report, o Options) (*scene.Page, error) {
	d, err := newData(m, r)
	if err != nil {
		return nil, err
	}
	o = o.norm()
	segs := d.segments(func(s analysis.Segment) bool { return s.Profit != nil })
	sort.SliceStable(segs, func(i, j int) bool {
		if *segs[i].Profit != *segs[j].Profit {
			return *segs[i].Profit > *segs[j].Profit
		}
		return segs[i].ID < segs[j].ID
	})
	cum := make([]float64, len(segs)+1)
	peak := 0
	for i, s := range segs {
		cum[i+1] = cum[i] + *s.Profit
		if cum[i+1] > cum[peak] {
			peak = i + 1
		}
	}
	total := cum[len(segs)]
	sub := "Cumulative profit, segments ranked by profit"
	if len(segs) > 0 && cum[peak] > total && total > 0 {
		sub = fmt.Sprintf("The top %d of %d segments earn %s, %s of the total %s; the rest give back %s",
			peak, len(segs), d.money(cum[peak]), percentOf(cum[peak], total), d.money(total), d.money(cum[peak]-total))
	} else if len(segs) > 0 {
		sub = fmt.Sprintf("Cumulative profit of %d segments ranked by profit: total %s", len(segs), d.money(total))
	}
	f := newFrame("Whale curve: where the profit comes from", sub, o)
	if len(segs) == 0 {
		return f.empty("No segment has revenue and cost to serve, so there is no profit to rank."), nil
	}

	lo, hi := math.Min(0, minOf(cum)), math.Max(0, maxOf(cum))
	ticks := niceTicks(lo, hi, 4)
	lo, hi = math.Min(lo, ticks[0]), math.Max(hi, ticks[len(ticks)-1])
	fs := f.fs
	axisW := 0.0
	for _, t := range ticks {
		axisW = math.Max(axisW, scene.TextWidth(d.money(t), fs, false, false))
	}
	px0, px1 := f.x0+axisW+8, f.x1
	// Room below the plot for the segment names: two lines when each slot
	// holds a readable name, else the rank numbers.
	n := len(segs)
	slot := (px1 - px0) / (float64(n) + 0.5) // half a slot spare so the last name fits
	named := slot >= 70
	labelLines := 1
	if named {
		labelLines = 2
	}
	py0, py1 := f.y0+fs, f.y1-float64(labelLines)*fs*scene.LineHeight-8
	y := func(v float64) float64 { return py1 - (v-lo)/(hi-lo)*(py1-py0) }
	x := func(i int) float64 { return px0 + float64(i)*slot } // after i segments

	for _, t := range ticks {
		f.add(&scene.Line{ID: fmt.Sprintf("grid:%g", t), Points: []scene.Point{{X: px0, Y: y(t)}, {X: x(n), Y: y(t)}},
			Stroke: scene.Stroke{Color: Rule, Width: 0.75}})
		f.add(&scene.Text{ID: fmt.Sprintf("tick:%g", t), X: px0 - 6, Y: y(t) - fs*0.6, Align: scene.AlignRight,
			Lines: []scene.Span{{Text: d.money(t), Size: fs, Color: Muted}}})
	}
	f.add(&scene.Line{ID: "axis:zero", Points: []scene.Point{{X: px0, Y: y(0)}, {X: px1, Y: y(0)}}, Stroke: scene.Stroke{Color: Muted, Width: 1}})
	// The total, dashed, labelled at the right end above the line.
	f.add(&scene.Line{ID: "total", Points: []scene.Point{{X: px0, Y: y(total)}, {X: px1, Y: y(total)}},
		Stroke: scene.Stroke{Color: Vermilion, Width: 1.5, Dash: []float64{6, 4}}})
	totalLabel := "Total profit " + d.money(total)
	f.add(&scene.Text{ID: "total-label", X: px1, Y: y(total) + 4, Align: scene.AlignRight,
		Lines: []scene.Span{{Text: totalLabel, Size: fs, Bold: true, Color: scene.RGB(0xA3, 0x3F, 0x00)}}})

	pts := make([]scene.Point, n+1)
	for i := range cum {
		pts[i] = scene.Point{X: x(i), Y: y(cum[i])}
	}
	f.add(&scene.Line{ID: "curve", Points: pts, Stroke: scene.Stroke{Color: Blue, Width: 3}})
	var notes []string
	notes = append(notes, fmt.Sprintf("Whale curve: %d segments ranked by profit; total profit %s.", n, d.money(total)))
	for i, s := range segs {
		dot := 8.0
		g := &scene.Group{ID: "segment:" + s.ID, Title: d.name(s.ID), Items: []scene.Item{
			&scene.Box{ID: "point:" + s.ID, Shape: scene.Ellipse, X: x(i+1) - dot/2, Y: y(cum[i+1]) - dot/2, W: dot, H: dot,
				Fill: Blue, Stroke: scene.Stroke{Color: White, Width: 1}},
		}}
		label := fmt.Sprint(i + 1)
		var lines []string
		if named {
			lines = wrapMax(d.name(s.ID), fs, false, slot-4, 2)
		} else if i == 0 || i == n-1 || n <= 20 || (i+1)%10 == 0 {
			lines = []string{label}
		}
		if len(lines) > 0 {
			g.Items = append(g.Items, &scene.Text{ID: "label:" + s.ID, X: x(i + 1), Y: py1 + 6, Align: scene.AlignCenter,
				Lines: spans(lines, fs, false, Ink)})
		}
		f.add(g)
		notes = append(notes, fmt.Sprintf("%d. %s: profit %s, cumulative %s", i+1, d.name(s.ID), d.money(*s.Profit), d.money(cum[i+1])))
	}
	if !named {
		f.add(&scene.Text{ID: "x-caption", X: px1, Y: py1 + 6 + fs*scene.LineHeight, Align: scene.AlignRight,
			Lines: []scene.Span{{Text: "segments ranked by profit", Size: fs, Color: Muted}}})
	}
	f.page.Desc = sub
	f.page.Notes = fmtNotes(notes)
	return f.page, nil
}

func minOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = math.Min(m, x)
	}
	return m
}

func maxOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = math.Max(m, x)
	}
	return m
}
