package render

import (
	"math"
	"strconv"

	"github.com/chanmap/chanmap/render/scene"
)

// pageSizes are the page sizes in points (width, height).
var pageSizes = map[string][2]float64{
	"16:9":         {960, 540}, // 13.33 x 7.5 in, a widescreen slide
	"4:3":          {720, 540}, // 10 x 7.5 in
	"a4":           {595.28, 841.89},
	"a4-landscape": {841.89, 595.28},
	"letter":       {612, 792},
	"none":         {0, 0},
}

// PageSize returns the width and height in points of a page name ("none":
// 0, 0, the drawing's natural size).
func PageSize(name string) (w, h float64, err error) {
	s, ok := pageSizes[name]
	if !ok {
		return 0, 0, errorf("unknown page %q (want 16:9, 4:3, a4, a4-landscape, letter or none)", name)
	}
	return s[0], s[1], nil
}

// maxUpscale bounds how much a small drawing is enlarged to fill its page.
const maxUpscale = 1.5

// composed is a page and the scale its drawing was fitted at.
type composed struct {
	page  *scene.Page
	scale float64 // page points per drawing point
	fs    sizes
	w, h  float64 // the drawing's natural size
}

// smallest is the smallest text size on the page in points.
func (c *composed) smallest() float64 { return c.page.SmallestText() }

// compose draws the laid-out diagram in natural size and fits it to the
// page: title, subtitle and notes on top, swimlanes with their header row,
// boxes, connectors with their labels, the legend and the footer.
func compose(d *Diagram, p *layoutPlan, pl *placed, opt Options, fs sizes) *composed {
	pal := paletteOf(opt.Theme)
	m := math.Round(fs.name * 0.8) // outer margin
	bp := math.Round(fs.name / 2)  // padding inside the lane bands
	var items []scene.Item

	// Width: the graph, or the title if wider.
	gw := pl.w + 2*bp
	// The column of findings right of the lanes, as wide as gives the page
	// its largest scale (estimated from the title block, the lanes and the
	// legend at each width).
	pw, ph, _ := PageSize(opt.Page)
	side := sideWidth(d, fs, pw, ph, gw, m, m+titleBlockH(d, gw+(sideEms+sideGapEms)*fs.name, fs),
		fs.header*(scene.LineHeight+0.4)+pl.h+2*bp, func(inner float64) float64 {
			var tail []scene.Span
			for _, n := range d.Notes {
				tail = append(tail, scene.Span{Text: n, Size: fs.note})
			}
			if d.Footer != "" {
				tail = append(tail, scene.Span{Text: d.Footer, Size: fs.note})
			}
			_, h := legendItems(nil, d.Legend, tail, m, 0, inner, fs, pal)
			return h
		})
	W := gw + 2*m + side
	titleW := scene.TextWidth(d.Title, fs.title, true, false) + 2*m
	if side > 0 {
		// A finding for a headline is a sentence: it wraps rather than
		// widen the drawing.
		titleW = math.Min(titleW, W)
	}
	W = math.Max(W, titleW)
	W = math.Max(W, 24*fs.legend)
	inner := W - 2*m
	lanesRight := W - m - side

	// Title block.
	y := m
	lastW := 0.0 // the width of the last line written
	text := func(s string, size float64, bold bool, c scene.Color) {
		for _, l := range wrapMeasured(s, size, bold, inner, 3) {
			items = append(items, &scene.Text{X: m, Y: y, Lines: []scene.Span{{Text: l, Size: size, Bold: bold, Color: c}}})
			y += size * scene.LineHeight
			lastW = scene.TextWidth(l, size, bold, false)
		}
	}
	text(d.Title, fs.title, true, pal.title)
	if d.Subtitle != "" {
		text(d.Subtitle, fs.subtitle, false, pal.muted)
	}
	if d.Fit != "" {
		// After the subtitle on its line when there is room: saying how
		// small the text got must not make it smaller still.
		gap := 2 * fs.subtitle
		if fw := scene.TextWidth(d.Fit, fs.subtitle, false, false); d.Subtitle != "" && lastW+gap+fw <= inner {
			y -= fs.subtitle * scene.LineHeight
			items = append(items, &scene.Text{X: m + lastW + gap, Y: y, Lines: []scene.Span{{Text: d.Fit, Size: fs.subtitle, Color: pal.text}}})
			y += fs.subtitle * scene.LineHeight
		} else {
			text(d.Fit, fs.subtitle, false, pal.text)
		}
	}
	notes := d.Notes
	if d.Fit == "" && d.Subtitle != "" && len(notes) > 0 {
		// The first note (what is folded) follows the subtitle on its line
		// when there is room: it is read first there, and costs no row.
		gap := 2 * fs.subtitle
		if nw := scene.TextWidth(notes[0], fs.note, false, false); lastW+gap+nw <= inner {
			y -= fs.subtitle * scene.LineHeight
			items = append(items, &scene.Text{X: m + lastW + gap, Y: y + (fs.subtitle-fs.note)*scene.LineHeight/2, Lines: []scene.Span{{Text: notes[0], Size: fs.note, Color: pal.text}}})
			y += fs.subtitle * scene.LineHeight
			notes = notes[1:]
		}
	}
	y += fs.name * 0.3

	// Lane extents from the boxes they hold.
	laneIx := map[string]int{}
	for i, l := range d.Lanes {
		laneIx[l.ID] = i
	}
	lo := make([]float64, len(d.Lanes))
	hi := make([]float64, len(d.Lanes))
	for i := range lo {
		lo[i], hi[i] = math.Inf(1), math.Inf(-1)
	}
	gx := m + bp // graph origin
	for i, n := range d.Nodes {
		li := laneIx[n.Lane]
		c := pl.nodes[i]
		lo[li] = math.Min(lo[li], gx+c.X-p.boxes[i].w/2)
		hi[li] = math.Max(hi[li], gx+c.X+p.boxes[i].w/2)
	}
	left := make([]float64, len(d.Lanes))
	right := make([]float64, len(d.Lanes))
	for i := range d.Lanes {
		if i == 0 {
			left[i] = m
		} else {
			left[i] = (hi[i-1] + lo[i]) / 2
		}
		if i == len(d.Lanes)-1 {
			right[i] = lanesRight
		} else {
			right[i] = (hi[i] + lo[i+1]) / 2
		}
	}

	// Header row: lane names, wrapped to the band.
	headerLines := make([][]string, len(d.Lanes))
	rows := 1
	for i, l := range d.Lanes {
		headerLines[i] = wrapMeasured(l.Label, fs.header, true, right[i]-left[i]-fs.header, 3)
		rows = max(rows, len(headerLines[i]))
	}
	headerTop := y
	headerH := float64(rows)*fs.header*scene.LineHeight + fs.header*0.4
	gy := headerTop + headerH + bp // graph origin
	bottom := gy + pl.h + bp
	if side > 0 {
		col, colBottom := findingColumn(d.Findings, lanesRight+sideGapEms*fs.name, headerTop, side-sideGapEms*fs.name, fs, pal)
		items = append(items, col...)
		bottom = math.Max(bottom, colBottom)
	}
	for i := range d.Lanes {
		fill := pal.band
		if i%2 == 1 {
			fill = pal.bandAlt
		}
		items = append(items, &scene.Box{ID: "lane:" + d.Lanes[i].ID, Shape: scene.Rect, X: left[i], Y: headerTop, W: right[i] - left[i], H: bottom - headerTop,
			Fill: fill, Stroke: scene.Stroke{Color: pal.bandLine, Width: 0.75}})
		var spans []scene.Span
		for _, l := range headerLines[i] {
			spans = append(spans, scene.Span{Text: l, Size: fs.header, Bold: true, Color: pal.text})
		}
		items = append(items, &scene.Text{X: (left[i] + right[i]) / 2, Y: headerTop + fs.header*0.2, Align: scene.AlignCenter, Lines: spans})
	}
	items = append(items, &scene.Line{Points: []scene.Point{{X: m, Y: headerTop + headerH}, {X: lanesRight, Y: headerTop + headerH}}, Stroke: scene.Stroke{Color: pal.bandLine, Width: 0.75}})

	// Connectors under boxes, labels over both, placed along their line
	// where they cover no box and no other label.
	var labels []*scene.Group
	var taken []rect
	hidden := 0
	var boxes []rect
	for i := range d.Nodes {
		b, c := p.boxes[i], pl.nodes[i]
		boxes = append(boxes, rect{gx + c.X - b.w/2 - 2, gy + c.Y - b.h/2 - 2, b.w + 4, b.h + 4})
	}
	area := rect{m, gy - bp, lanesRight - m, pl.h + 2*bp}
	fp := planFindings(d)
	var marks []scene.Item // findings on supply lines, drawn over the boxes
	for i, e := range d.Edges {
		pts := pl.edges[i]
		if len(pts) < 2 {
			continue
		}
		abs := make([]scene.Point, len(pts))
		for j, q := range pts {
			abs[j] = scene.Point{X: gx + q.X, Y: gy + q.Y}
		}
		col := e.Color
		if !pal.edgeInk.None() && e.Kind != "supplies" {
			col = pal.edgeInk
		}
		if e.Faded {
			col = faint(col, 70)
		}
		ln := &scene.Line{Points: abs, Curve: len(abs) >= 4 && (len(abs)-1)%3 == 0, Stroke: scene.Stroke{Color: col, Width: e.Width, Dash: dashOf(e.Style, e.Width)}, End: e.Arrow}
		g := &scene.Group{Title: e.Tooltip, Items: []scene.Item{ln}}
		if e.Count == 0 && isSlug(e.Key) {
			g.ID = "edge:" + e.Key
		}
		items = append(items, g)
		marks = append(marks, fp.edgeMarkers(e, abs, ln.Curve, boxes, &taken, area, fs, pal)...)
		if e.Label == "" {
			continue
		}
		ems, rows := fs.wrapOf(labelEms, labelRows)
		lines := wrapMeasured(e.Label, fs.label, false, ems*fs.label, rows)
		lw, lh := 0.0, float64(len(lines))*fs.label*scene.LineHeight
		var spans []scene.Span
		for _, l := range lines {
			lw = math.Max(lw, scene.TextWidth(l, fs.label, false, false))
			c := pal.labelText
			if e.Faded {
				c = faint(c, 110)
			}
			spans = append(spans, scene.Span{Text: l, Size: fs.label, Color: c})
		}
		lw += fs.label * 0.4
		r, ok := placeLabel(abs, ln.Curve, lw, lh, boxes, taken, area)
		if !ok {
			hidden++ // no free place on its line: the label stays in the tooltip
			continue
		}
		taken = append(taken, r)
		labels = append(labels, &scene.Group{Title: e.Tooltip, Items: []scene.Item{&scene.Box{Shape: scene.RoundRect, X: r.x, Y: r.y, W: r.w, H: r.h,
			Fill: pal.labelFill, Lines: spans, Align: scene.AlignCenter}}})
	}
	for i, n := range d.Nodes {
		b := p.boxes[i]
		c := pl.nodes[i]
		box := &scene.Box{Shape: n.Shape, X: gx + c.X - b.w/2, Y: gy + c.Y - b.h/2, W: b.w, H: b.h, Fill: n.Fill,
			Stroke: scene.Stroke{Color: n.Stroke, Width: n.PenWidth, Dash: dashOf(n.Dash, n.PenWidth)}, Double: n.Double, Lines: b.spans, Align: scene.AlignCenter}
		if n.Faded {
			box.Fill, box.Stroke.Color = faint(box.Fill, 60), faint(box.Stroke.Color, 80)
			box.Lines = append([]scene.Span(nil), box.Lines...)
			for j := range box.Lines {
				box.Lines[j].Color = faint(box.Lines[j].Color, 110)
			}
		}
		g := &scene.Group{Title: n.Tooltip, Items: []scene.Item{box}}
		if n.Count == 0 && isSlug(n.ID) {
			g.ID = "node:" + n.ID
		}
		g.Items = append(g.Items, fp.nodeMarkers(n, box, fs, pal)...)
		items = append(items, g)
	}
	for _, l := range labels {
		items = append(items, l)
	}
	items = append(items, marks...)

	// Legend rows, then the footer.
	y = bottom + fs.legend*0.8
	// Notes and the footer follow the legend on its last row when they fit.
	var tail []scene.Span
	if hidden > 0 {
		what := "label"
		if hidden > 1 {
			what = "labels"
		}
		notes = append(notes[:len(notes):len(notes)], strconv.Itoa(hidden)+" crowded connector "+what+" only in tooltips.")
	}
	for _, n := range notes {
		tail = append(tail, scene.Span{Text: n, Size: fs.note, Color: pal.text})
	}
	if d.Footer != "" {
		tail = append(tail, scene.Span{Text: d.Footer, Size: fs.note, Color: pal.muted})
	}
	items, y = legendItems(items, d.Legend, tail, m, y, inner, fs, pal)
	H := y + m

	return fit(d, items, W, H, opt, pal, fs)
}

// titleBlockH estimates the height of the title block above the lanes
// (title and subtitle) wrapped to inner.
func titleBlockH(d *Diagram, inner float64, fs sizes) float64 {
	h := float64(len(wrapMeasured(d.Title, fs.title, true, inner, 3))) * fs.title * scene.LineHeight
	if d.Subtitle != "" {
		h += float64(len(wrapMeasured(d.Subtitle, fs.subtitle, false, inner, 3))) * fs.subtitle * scene.LineHeight
	}
	return h + fs.name*0.3
}

// fit scales a drawing of W x H points onto its page: centred across,
// top-aligned (the title stays at the top of the slide), enlarged at most
// maxUpscale times; page "none" keeps the natural size. Both composers
// leave an outer margin of round(0.8 × the name size) on every side.
func fit(d *Diagram, items []scene.Item, W, H float64, opt Options, pal palette, fs sizes) *composed {
	pg := &scene.Page{Title: d.Title, Desc: d.Desc, Background: pal.background}
	pw, ph, _ := PageSize(opt.Page)
	s := 1.0
	if pw == 0 {
		pw, ph = W, H
	} else {
		s = math.Min(maxUpscale, math.Min(pw/W, ph/H))
		// A drawing over its page by less than its outer margin is drawn
		// at full size into part of that margin (at most half of it on
		// either side across, the bottom margin down): the texts keep the
		// minimum size and nothing leaves the page.
		if m := math.Round(fs.name * 0.8); s < 1 && W-m <= pw && H-m <= ph {
			s = 1
		}
	}
	ox := (pw - W*s) / 2
	pg.Width, pg.Height = pw, ph
	for _, it := range items {
		transform(it, s, ox, 0)
	}
	pg.Items = items
	return &composed{page: pg, scale: s, fs: fs, w: W, h: H}
}

// legendItems lays out the legend entries in rows across width, from y.
func legendItems(items []scene.Item, entries []LegendEntry, tail []scene.Span, x0, y, width float64, fs sizes, pal palette) ([]scene.Item, float64) {
	if len(entries) == 0 && len(tail) == 0 {
		return items, y
	}
	sw, sh := 2.4*fs.legend, 1.3*fs.legend // swatch size
	gap := fs.legend
	// Each row is as tall as its tallest entry: the colour bar's numbers
	// make only its own row taller.
	baseH := sh + 0.5*fs.legend
	rowH := baseH
	x := x0
	for _, le := range entries {
		label := le.Label
		var parts []scene.Item
		if le.Kind == LegendBar {
			label = le.Label + " (" + le.Unit + "; 0 marked)"
			if le.Unit == "" {
				label = le.Label + " (0 marked)"
			}
		}
		w := sw + 0.4*fs.legend + scene.TextWidth(label, fs.legend, false, false)
		if le.Kind == LegendBar {
			w = 10.6*fs.legend + scene.TextWidth(label, fs.legend, false, false)
		}
		if x > x0 && x+w > x0+width {
			x = x0
			y += rowH
			rowH = baseH
		}
		cy := y + sh/2
		switch le.Kind {
		case LegendBox:
			n := le.Node
			parts = append(parts, &scene.Box{Shape: n.Shape, X: x, Y: y, W: sw, H: sh, Fill: n.Fill,
				Stroke: scene.Stroke{Color: n.Stroke, Width: math.Max(1, n.PenWidth), Dash: dashOf(n.Dash, math.Max(1, n.PenWidth))}, Double: n.Double})
		case LegendLine:
			e := le.Edge
			col := e.Color
			if !pal.edgeInk.None() && e.Kind != "supplies" {
				col = pal.edgeInk
			}
			parts = append(parts, &scene.Line{Points: []scene.Point{{X: x, Y: cy}, {X: x + sw, Y: cy}}, Stroke: scene.Stroke{Color: col, Width: e.Width, Dash: dashOf(e.Style, e.Width)}, End: e.Arrow})
		case LegendBar:
			barW := 10 * fs.legend
			const steps = 20
			for i := 0; i < steps; i++ {
				v := le.Min + (le.Max-le.Min)*(float64(i)+0.5)/steps
				parts = append(parts, &scene.Box{Shape: scene.Rect, X: x + barW*float64(i)/steps, Y: y, W: barW/steps + 0.2, H: sh, Fill: heat(v, le.Max)})
			}
			parts = append(parts, &scene.Box{Shape: scene.Rect, X: x, Y: y, W: barW, H: sh, Stroke: scene.Stroke{Color: lineGrey, Width: 0.5}})
			for _, t := range []struct {
				v     float64
				at    float64
				align scene.Align
			}{{le.Min, 0, scene.AlignLeft}, {0, 0.5, scene.AlignCenter}, {le.Max, 1, scene.AlignRight}} {
				parts = append(parts, &scene.Line{Points: []scene.Point{{X: x + barW*t.at, Y: y + sh}, {X: x + barW*t.at, Y: y + sh + 3}}, Stroke: scene.Stroke{Color: pal.text, Width: 0.75}})
				parts = append(parts, &scene.Text{X: x + barW*t.at, Y: y + sh + 3, Align: t.align,
					Lines: []scene.Span{{Text: compactMoney("", t.v), Size: fs.legend, Color: pal.text}}})
			}
			rowH = math.Max(rowH, sh+3+fs.legend*scene.LineHeight+0.3*fs.legend)
			parts = append(parts, &scene.Text{X: x + barW + 0.6*fs.legend, Y: y + (sh-fs.legend*scene.LineHeight)/2, Lines: []scene.Span{{Text: label, Size: fs.legend, Color: pal.text}}})
			items = append(items, &scene.Group{Title: le.Label, Items: parts})
			x += w + gap
			continue
		}
		parts = append(parts, &scene.Text{X: x + sw + 0.4*fs.legend, Y: y + (sh-fs.legend*scene.LineHeight)/2, Lines: []scene.Span{{Text: label, Size: fs.legend, Color: pal.text}}})
		items = append(items, &scene.Group{Title: le.Label, Items: parts})
		x += w + gap
	}
	for _, sp := range tail {
		for _, l := range wrapMeasured(sp.Text, sp.Size, sp.Bold, width, 4) {
			w := scene.TextWidth(l, sp.Size, sp.Bold, false)
			if x > x0 && x+w > x0+width {
				x = x0
				y += rowH
				rowH = baseH
			}
			line := sp
			line.Text = l
			items = append(items, &scene.Text{X: x, Y: y + (sh-sp.Size*scene.LineHeight)/2, Lines: []scene.Span{line}})
			x += w + 2*gap
		}
	}
	return items, y + rowH
}

// faint is c at opacity a (of 255): what --fade draws outside the focus.
func faint(c scene.Color, a uint8) scene.Color {
	if c.None() {
		return c
	}
	c.A = a
	return c
}

// dashOf is the dash pattern of a line style at pen width w.
func dashOf(s LineStyle, w float64) []float64 {
	w = math.Max(1, w)
	switch s {
	case Dashed:
		return []float64{5 * w, 3 * w}
	case Dotted:
		return []float64{1.2 * w, 2 * w}
	}
	return nil
}

type rect struct{ x, y, w, h float64 }

func (a rect) overlaps(b rect) bool {
	return a.x < b.x+b.w && b.x < a.x+a.w && a.y < b.y+b.h && b.y < a.y+a.h
}

// placeLabel finds where a label of w x h sits on a line: the point along
// the line nearest its middle where the label stays inside area and covers
// no box and no label placed before; the middle when there is none.
func placeLabel(pts []scene.Point, curve bool, w, h float64, boxes, taken []rect, area rect) (rect, bool) {
	samples := sampleLine(pts, curve)
	at := func(c scene.Point) rect { return rect{c.X - w/2, c.Y - h/2, w, h} }
	fits := func(r rect) bool {
		if r.x < area.x || r.y < area.y || r.x+r.w > area.x+area.w || r.y+r.h > area.y+area.h {
			return false
		}
		for _, o := range boxes {
			if r.overlaps(o) {
				return false
			}
		}
		for _, o := range taken {
			if r.overlaps(o) {
				return false
			}
		}
		return true
	}
	mid := len(samples) / 2
	for k := 0; k <= mid+1; k++ {
		for _, i := range []int{mid - k, mid + k} {
			if i < 0 || i >= len(samples) || (k == 0 && i != mid) {
				continue
			}
			r := at(samples[i])
			if !fits(r) {
				r.y -= h*0.6 + 2 // just above the line
				if !fits(r) {
					r.y += 2 * (h*0.6 + 2) // just below it
				}
			}
			if r.x < area.x || r.y < area.y || r.x+r.w > area.x+area.w || r.y+r.h > area.y+area.h {
				continue
			}
			ok := true
			for _, o := range boxes {
				ok = ok && !r.overlaps(o)
			}
			for _, o := range taken {
				ok = ok && !r.overlaps(o)
			}
			if ok {
				return r, true
			}
		}
	}
	return rect{}, false
}

// sampleLine returns points along a polyline or Bézier chain, in order.
func sampleLine(pts []scene.Point, curve bool) []scene.Point {
	var out []scene.Point
	if !curve {
		for i := 0; i+1 < len(pts); i++ {
			for k := 0; k < 8; k++ {
				t := float64(k) / 8
				out = append(out, scene.Point{X: pts[i].X + (pts[i+1].X-pts[i].X)*t, Y: pts[i].Y + (pts[i+1].Y-pts[i].Y)*t})
			}
		}
		return append(out, pts[len(pts)-1])
	}
	for i := 0; i+3 < len(pts); i += 3 {
		p0, p1, p2, p3 := pts[i], pts[i+1], pts[i+2], pts[i+3]
		for k := 0; k < 8; k++ {
			t := float64(k) / 8
			u := 1 - t
			a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
			out = append(out, scene.Point{X: a*p0.X + b*p1.X + c*p2.X + d*p3.X, Y: a*p0.Y + b*p1.Y + c*p2.Y + d*p3.Y})
		}
	}
	return append(out, pts[len(pts)-1])
}

// transform scales an item by s about the origin and moves it by (ox, oy).
func transform(it scene.Item, s, ox, oy float64) {
	spans := func(ss []scene.Span) {
		for i := range ss {
			ss[i].Size *= s
		}
	}
	stroke := func(st *scene.Stroke) {
		st.Width *= s
		d := make([]float64, len(st.Dash))
		for i, v := range st.Dash {
			d[i] = v * s
		}
		if len(d) > 0 {
			st.Dash = d
		}
	}
	switch v := it.(type) {
	case *scene.Group:
		for _, c := range v.Items {
			transform(c, s, ox, oy)
		}
	case *scene.Box:
		v.X, v.Y, v.W, v.H = v.X*s+ox, v.Y*s+oy, v.W*s, v.H*s
		v.Padding *= s
		stroke(&v.Stroke)
		v.Lines = append([]scene.Span(nil), v.Lines...)
		spans(v.Lines)
	case *scene.Line:
		pts := make([]scene.Point, len(v.Points))
		for i, p := range v.Points {
			pts[i] = scene.Point{X: p.X*s + ox, Y: p.Y*s + oy}
		}
		v.Points = pts
		stroke(&v.Stroke)
	case *scene.Text:
		v.X, v.Y = v.X*s+ox, v.Y*s+oy
		v.Lines = append([]scene.Span(nil), v.Lines...)
		spans(v.Lines)
	}
}

// formatPt writes a size in points with one decimal.
func formatPt(v float64) string {
	return strconv.FormatFloat(math.Floor(v*10)/10, 'f', -1, 64) + " pt"
}
