package render

import (
	"math"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/render/scene"
)

// composeGrid draws the touchpoints view as a grid instead of lines: one row
// per segment or customer, one column per touchpoint (its operators named
// in the header), a mark where the segment uses the touchpoint. Nothing
// crosses, and no layout engine is needed.
func composeGrid(d *Diagram, opt Options, fs sizes) *composed {
	pal := paletteOf(opt.Theme)
	m := math.Round(fs.name * 0.8)
	gap := math.Round(fs.name * 0.5)
	var rows, cols []int
	for i, n := range d.Nodes {
		switch {
		case n.Kind.IsCustomer():
			rows = append(rows, i)
		case n.Kind == graph.KindTouchpoint:
			cols = append(cols, i)
		}
	}
	idx := map[string]int{}
	for i, n := range d.Nodes {
		idx[n.ID] = i
	}
	operators := map[string][]string{}
	uses := map[[2]int]Edge{}
	for _, e := range d.Edges {
		switch e.Kind {
		case graph.EdgeOperates:
			operators[e.To] = append(operators[e.To], d.Nodes[idx[e.From]].Lines[0].Text)
		case graph.EdgeUses:
			uses[[2]int{idx[e.From], idx[e.To]}] = e
		}
	}
	// Rows without a mark show nothing about touchpoints: leave them out.
	kept := rows[:0]
	for _, i := range rows {
		for _, j := range cols {
			if _, ok := uses[[2]int{i, j}]; ok {
				kept = append(kept, i)
				break
			}
		}
	}
	rows = kept
	// Measure the row labels and the column headers as boxes.
	boxes := make(map[int]measured)
	rowW, rowH := 0.0, 0.0
	for _, i := range rows {
		b := measureNode(d.Nodes[i], fs)
		boxes[i] = b
		rowW, rowH = math.Max(rowW, b.w), math.Max(rowH, b.h)
	}
	colW, headH := 0.0, 0.0
	heads := map[int]Node{}
	for _, i := range cols {
		n := d.Nodes[i]
		n.Lines = append([]Line(nil), n.Lines...)
		if ops := operators[n.ID]; len(ops) > 0 {
			n.Lines = append(n.Lines, Line{Text: "run by " + listOf(ops, 2), Small: true})
		}
		heads[i] = n
		b := measureNode(n, fs)
		boxes[i] = b
		colW, headH = math.Max(colW, b.w), math.Max(headH, b.h)
	}
	var items []scene.Item
	W := 2*m + rowW + float64(len(cols))*(colW+gap)
	W = math.Max(W, scene.TextWidth(d.Title, fs.title, true, false)+2*m)
	W = math.Max(W, 24*fs.legend)
	inner := W - 2*m
	y := m
	text := func(s string, size float64, bold bool, c scene.Color) {
		for _, l := range wrapMeasured(s, size, bold, inner, 3) {
			items = append(items, &scene.Text{X: m, Y: y, Lines: []scene.Span{{Text: l, Size: size, Bold: bold, Color: c}}})
			y += size * scene.LineHeight
		}
	}
	text(d.Title, fs.title, true, pal.title)
	if d.Subtitle != "" {
		text(d.Subtitle, fs.subtitle, false, pal.muted)
	}
	y += fs.name * 0.3
	top := y
	gridH := headH + gap + float64(len(rows))*(rowH+gap)
	items = append(items, &scene.Box{Shape: scene.Rect, X: m, Y: top, W: inner, H: gridH, Fill: pal.band, Stroke: scene.Stroke{Color: pal.bandLine, Width: 0.75}})
	colX := func(c int) float64 { return m + rowW + gap + float64(c)*(colW+gap) }
	nodeGroup := func(i int, x, y float64) {
		n, b := d.Nodes[i], boxes[i]
		if h, ok := heads[i]; ok {
			n = h
		}
		box := &scene.Box{Shape: n.Shape, X: x, Y: y, W: b.w, H: b.h, Fill: n.Fill,
			Stroke: scene.Stroke{Color: n.Stroke, Width: n.PenWidth, Dash: dashOf(n.Dash, n.PenWidth)}, Double: n.Double, Lines: b.spans, Align: scene.AlignCenter}
		g := &scene.Group{Title: n.Tooltip, Items: []scene.Item{box}}
		if n.Count == 0 && isSlug(n.ID) {
			g.ID = "node:" + n.ID
		}
		items = append(items, g)
	}
	for c, i := range cols {
		nodeGroup(i, colX(c)+(colW-boxes[i].w)/2, top+(headH-boxes[i].h)/2)
	}
	mark := math.Round(fs.name * 0.9)
	for r, i := range rows {
		ry := top + headH + gap + float64(r)*(rowH+gap)
		items = append(items, &scene.Line{Points: []scene.Point{{X: m, Y: ry - gap/2}, {X: W - m, Y: ry - gap/2}}, Stroke: scene.Stroke{Color: pal.bandLine, Width: 0.75}})
		nodeGroup(i, m+(rowW-boxes[i].w)/2, ry+(rowH-boxes[i].h)/2)
		for c, j := range cols {
			e, ok := uses[[2]int{i, j}]
			if !ok {
				continue
			}
			dot := &scene.Box{Shape: scene.Ellipse, X: colX(c) + (colW-mark)/2, Y: ry + (rowH-mark)/2, W: mark, H: mark, Fill: e.Color}
			g := &scene.Group{Title: e.Tooltip, Items: []scene.Item{dot}}
			if e.Count == 0 && isSlug(e.Key) {
				g.ID = "edge:" + e.Key
			}
			items = append(items, g)
		}
	}
	y = top + gridH + fs.legend*0.8
	var legend []LegendEntry
	for _, le := range d.Legend {
		if le.Kind == LegendLine && (le.Edge.Kind == graph.EdgeOperates || le.Edge.Kind == graph.EdgeUses) {
			continue
		}
		if le.Kind == LegendBox && le.Node.Kind.IsOrg() && le.Node.Dash == Solid && !le.Node.Double {
			continue // operators are named in the headers, not drawn
		}
		legend = append(legend, le)
	}
	if len(uses) > 0 {
		legend = append(legend, LegendEntry{Kind: LegendBox, Label: "uses (purpose in the tooltip)", Node: Node{Shape: scene.Ellipse, Fill: edgeStyles[graph.EdgeUses].color}})
	}
	var tail []scene.Span
	for _, n := range append(d.Notes[:len(d.Notes):len(d.Notes)], d.Fit) {
		if n != "" {
			tail = append(tail, scene.Span{Text: n, Size: fs.note, Color: pal.text})
		}
	}
	if d.Footer != "" {
		tail = append(tail, scene.Span{Text: d.Footer, Size: fs.note, Color: pal.muted})
	}
	items, y = legendItems(items, legend, tail, m, y, inner, fs, pal)
	H := y + m
	return fit(d, items, W, H, opt, pal, fs)
}
