package render

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/render/scene"
)

// sizes are the font sizes of one drawing in points, before the page scale.
// Every size is at least the minimum font, so a drawing that fits its page
// unscaled keeps every text at or above the minimum.
type sizes struct {
	title, subtitle, note, header, name, detail, label, legend float64
	// narrow (0 < narrow < 1) wraps names, details and labels into
	// narrower blocks, this fraction of the usual width; at 0.75 and
	// below a block may take a line more. A drawing too wide for its page
	// trades width for height.
	narrow float64
}

// narrowed returns fs wrapping text to f of the usual width.
func (fs sizes) narrowed(f float64) sizes {
	fs.narrow = f
	return fs
}

// wrapOf returns the widest line (in ems) and the most lines of a wrapped
// text block at these sizes.
func (fs sizes) wrapOf(ems float64, rows int) (float64, int) {
	switch {
	case fs.narrow <= 0 || fs.narrow >= 1:
		return ems, rows
	case fs.narrow <= 0.75:
		return ems * fs.narrow, rows + 1
	}
	return ems * fs.narrow, rows
}

func sizesFor(minFont float64) sizes {
	return sizes{
		title: minFont * 1.6, subtitle: minFont * 1.1, note: minFont, header: minFont * 1.1,
		name: minFont, detail: minFont, label: minFont, legend: minFont,
	}
}

// Box padding and wrapping widths, in multiples of the name size.
const (
	padX       = 0.6  // left and right padding inside a box
	padY       = 0.25 // top and bottom padding
	nameEms    = 8    // widest name line before wrapping
	nameLines  = 3
	detailEms  = 10
	detailRows = 2
	labelEms   = 5.2 // widest edge label line
	labelRows  = 3
)

// measured is one box with its text wrapped and its size known.
type measured struct {
	spans []scene.Span
	w, h  float64
}

// measureNode wraps a node's lines with the real font's metrics and sizes
// its box so that every line fits inside its shape.
func measureNode(n Node, fs sizes) measured {
	var spans []scene.Span
	for i, l := range n.Lines {
		size, ems, rows := fs.detail, float64(detailEms), detailRows
		if i == 0 && !l.Small {
			size, ems, rows = fs.name, float64(nameEms), nameLines
		}
		if n.Shape == scene.Ellipse {
			ems *= 1.4 // a flatter text block makes a smaller ellipse
		}
		ems, rows = fs.wrapOf(ems, rows)
		for _, t := range wrapMeasured(l.Text, size, l.Bold, ems*size, rows) {
			spans = append(spans, scene.Span{Text: t, Size: size, Bold: l.Bold, Color: n.Text})
		}
	}
	w, h := 0.0, 0.0
	for _, s := range spans {
		w = math.Max(w, scene.SpanWidth(s))
		h += s.Size * scene.LineHeight
	}
	h += 2 * padY * fs.name
	if n.Shape != scene.Ellipse {
		w += 2 * padX * fs.name
	}
	switch n.Shape {
	case scene.Ellipse:
		w, h = ellipseAround(spans, fs)
	case scene.Hexagon, scene.Parallelogram:
		w += h * 0.6
	case scene.Cylinder:
		h += 0.5 * fs.name
	case scene.Folder:
		w += 0.6 * fs.name
	}
	return measured{spans: spans, w: math.Ceil(w), h: math.Ceil(h)}
}

// Ellipse fitting: the padding kept between a line's corners and the
// outline (in name sizes), and the flattest and roundest shapes tried.
const (
	ellPadX, ellPadY  = 0.35, 0.15
	ellFlat, ellRound = 4.5, 1.4
)

// ellipseAround is the smallest ellipse (by area) that holds every line of
// a centred text block with its corners inside the outline: each line is
// as wide as its own text, so a block whose widest lines sit near the
// middle gets a much smaller ellipse than its bounding rectangle would.
// Narrowed sizes prefer the rounder of two near-equal shapes.
func ellipseAround(spans []scene.Span, fs sizes) (w, h float64) {
	total := 0.0
	for _, s := range spans {
		total += s.Size * scene.LineHeight
	}
	// Corners of each line's box, relative to the centre, padded.
	type corner struct{ x, y float64 }
	var cs []corner
	top := -total / 2
	for _, s := range spans {
		bot := top + s.Size*scene.LineHeight
		cs = append(cs, corner{scene.SpanWidth(s)/2 + ellPadX*fs.name, math.Max(math.Abs(top), math.Abs(bot)) + ellPadY*fs.name})
		top = bot
	}
	if len(cs) == 0 {
		return 2 * fs.name * ellRound, 2 * fs.name
	}
	best := math.Inf(1)
	for k := ellRound; k <= ellFlat+1e-9; k += 0.05 {
		// W = k*H; a corner (x, y) is inside when (2x/W)² + (2y/H)² <= 1.
		hk := 0.0
		for _, c := range cs {
			hk = math.Max(hk, 2*math.Hypot(c.x/k, c.y))
		}
		area := k * hk * hk
		if fs.narrow > 0 {
			area *= math.Sqrt(k) // rounder: less width for a little more height
		}
		if area < best-1e-9 {
			best, w, h = area, k*hk, hk
		}
	}
	return w, h
}

// wrapMeasured breaks text into lines no wider than maxW points at size, at
// spaces, keeping at most rows lines. Text left over ends the last line in
// "…" after a whole word: a word is never cut, unless one word alone is
// wider than twice maxW.
func wrapMeasured(text string, size float64, bold bool, maxW float64, rows int) []string {
	words := strings.FieldsFunc(cleanText(text, true), func(r rune) bool { return r != '\u00a0' && unicode.IsSpace(r) })
	width := func(s string) float64 { return scene.TextWidth(s, size, bold, false) }
	var lines []string
	cur := ""
	for _, w := range words {
		if cur != "" && width(cur+" "+w) <= maxW {
			cur += " " + w
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		cur = w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	lines = dropBreakDots(lines)
	for i, l := range lines {
		if width(l) > 2*maxW {
			lines[i] = cutTo(l, size, bold, 2*maxW)
		}
	}
	if len(lines) > rows {
		last := lines[rows-1]
		for last != "" && width(last+" …") > maxW {
			i := strings.LastIndexByte(last, ' ')
			if i < 0 {
				break
			}
			last = last[:i]
		}
		lines = append(lines[:rows-1], last+" …")
	}
	return lines
}

// dropBreakDots removes the "·" separators that a wrap left at the start or
// end of a line, or alone on one: the line break separates the parts
// already ("field install" / "share 60 %", not a lone "·" between them).
func dropBreakDots(lines []string) []string {
	out := lines[:0]
	for _, l := range lines {
		l = strings.TrimSuffix(strings.TrimPrefix(l, "· "), " ·")
		if l != "" && l != "·" {
			out = append(out, l)
		}
	}
	return out
}

// cutTo shortens one overlong word to maxW points, ending it in "…".
func cutTo(s string, size float64, bold bool, maxW float64) string {
	rs := []rune(s)
	for len(rs) > 1 && scene.TextWidth(string(rs)+"…", size, bold, false) > maxW {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

// layoutPlan says how the boxes are put into Graphviz ranks: each lane is
// one or more columns (a long lane wraps into sub-columns).
type layoutPlan struct {
	columns  [][]int // node indexes per column, left to right
	laneOf   []int   // lane index (into Diagram.Lanes) per column
	ranksep  float64 // points between columns
	nodesep  float64 // points between boxes in a column
	boxes    []measured
	estW     float64
	estH     float64
	maxLabel float64 // widest edge label placed, points
	// compressH asks Graphviz to pack the columns tighter, towards this
	// height in points (ratio=compress); 0 lays out as usual.
	compressH float64
	rev       []bool // per edge: laid out from its head to its tail
}

// plan measures the boxes and splits long lanes into sub-columns so that
// the drawing's shape comes close to the page's aspect ratio (aspect <= 0:
// no splitting).
func plan(d *Diagram, fs sizes, aspect, furnitureH float64) *layoutPlan {
	p := &layoutPlan{nodesep: math.Round(fs.name * 0.6)}
	idx := map[string]int{}
	for i, n := range d.Nodes {
		p.boxes = append(p.boxes, measureNode(n, fs))
		idx[n.ID] = i
	}
	labelW := 0.0
	for _, e := range d.Edges {
		if e.Label != "" {
			ems, rows := fs.wrapOf(labelEms, labelRows)
			for _, l := range wrapMeasured(e.Label, fs.label, false, ems*fs.label, rows) {
				labelW = math.Max(labelW, scene.TextWidth(l, fs.label, false, false))
			}
		}
	}
	p.maxLabel = labelW
	ems, _ := fs.wrapOf(labelEms, labelRows)
	gap := 3.0 // ems between ranks: room for arrowheads and labels
	if labelW == 0 {
		gap = 2.5 // no labels: arrowheads only
	}
	p.ranksep = math.Max(gap*fs.name, math.Min(labelW, ems*fs.label)+fs.name*0.6)
	p.ranksep = math.Ceil(p.ranksep)
	byLane := make([][]int, len(d.Lanes))
	laneIx := map[string]int{}
	for i, l := range d.Lanes {
		laneIx[l.ID] = i
	}
	for i, n := range d.Nodes {
		li := laneIx[n.Lane]
		byLane[li] = append(byLane[li], i)
	}
	stack := func(ids []int) (h, w float64) {
		for _, i := range ids {
			h += p.boxes[i].h + p.nodesep
			w = math.Max(w, p.boxes[i].w)
		}
		return h, w
	}
	tallest := 0.0
	for _, ids := range byLane {
		h, _ := stack(ids)
		tallest = math.Max(tallest, h)
	}
	split := func(limitOf func(li int) float64) ([][]int, []int, float64, float64) {
		var cols [][]int
		var laneOfCol []int
		totalW, maxH := 0.0, 0.0
		wrap := func(li int, ids []int) {
			limit := limitOf(li)
			h, _ := stack(ids)
			k := 1
			if limit > 0 {
				k = max(1, int(math.Ceil(h/limit-1e-9)))
			}
			per := int(math.Ceil(float64(len(ids)) / float64(k)))
			for start := 0; start < len(ids); start += per {
				col := ids[start:min(len(ids), start+per)]
				ch, cw := stack(col)
				cols = append(cols, col)
				laneOfCol = append(laneOfCol, li)
				totalW += cw
				maxH = math.Max(maxH, ch)
			}
		}
		for li, ids := range byLane {
			// A long customers lane wraps its segments and their accounts
			// apart: segments first, the accounts in columns right of
			// them, each next to its segment (belongs_to is laid out
			// from the segment to the account).
			if h, _ := stack(ids); limitOf(li) > 0 && h > limitOf(li)+1e-9 {
				var segs, accts []int
				for _, i := range ids {
					if d.Nodes[i].Kind == graph.KindCustomer {
						accts = append(accts, i)
					} else {
						segs = append(segs, i)
					}
				}
				if len(segs) > 0 && len(accts) > 0 {
					wrap(li, segs)
					wrap(li, accts)
					continue
				}
			}
			wrap(li, ids)
		}
		totalW += float64(len(cols)-1) * p.ranksep
		return cols, laneOfCol, totalW, maxH
	}
	best := -1.0
	// The scale at which a shape fits a page of the aspect ratio
	// (Graphviz spreads a column about a quarter more than its boxes).
	score := func(w, h float64) float64 { return math.Min(aspect/w, 1/(1.25*h+furnitureH)) }
	for k := 1; k <= 8; k++ {
		limit := tallest / float64(k)
		if aspect <= 0 && k > 1 {
			break
		}
		cols, lo, w, h := split(func(int) float64 { return limit })
		if aspect <= 0 {
			p.columns, p.laneOf, p.estW, p.estH = cols, lo, w, h
			break
		}
		if sc := score(w, h); sc > best*1.02 {
			best = sc
			p.columns, p.laneOf, p.estW, p.estH = cols, lo, w, h
		}
	}
	if aspect > 0 && len(byLane) > 0 {
		// Wrapping every lane over one height also wraps lanes that are
		// only a little tall; wrapping the tallest lane alone, one column
		// more at a time, often fits the page better (a focus view with
		// one long lane of partners).
		laneH := make([]float64, len(byLane))
		ks := make([]int, len(byLane))
		for li, ids := range byLane {
			laneH[li], _ = stack(ids)
			ks[li] = 1
		}
		limitOf := func(li int) float64 { return laneH[li] / float64(ks[li]) }
		for range 8 {
			top := 0
			for li := range ks {
				if limitOf(li) > limitOf(top) {
					top = li
				}
			}
			if len(byLane[top]) <= ks[top] {
				break
			}
			ks[top]++
			cols, lo, w, h := split(limitOf)
			if sc := score(w, h); sc > best*1.02 {
				best = sc
				p.columns, p.laneOf, p.estW, p.estH = cols, lo, w, h
			}
		}
	}
	p.reverse(d)
	return p
}

// reverse marks the belongs_to edges that run from an account to a segment
// in an earlier column: Graphviz lays them out from the segment, so that
// they pull each account next to its segment (as a backward edge they
// would not constrain the layout at all). readPlain turns them back.
func (p *layoutPlan) reverse(d *Diagram) {
	colOf := make([]int, len(d.Nodes))
	for c, ids := range p.columns {
		for _, i := range ids {
			colOf[i] = c
		}
	}
	idx := map[string]int{}
	for i, n := range d.Nodes {
		idx[n.ID] = i
	}
	p.rev = make([]bool, len(d.Edges))
	for i, e := range d.Edges {
		f, t := idx[e.From], idx[e.To]
		p.rev[i] = e.Kind == graph.EdgeBelongsTo && colOf[f] > colOf[t]
	}
}

// layoutDOT writes the DOT that Graphviz lays out: boxes of fixed size with
// no labels (chanmap draws every text itself), one rank per column, columns
// chained in lane order, and no edge label (labels are placed after layout).
func layoutDOT(d *Diagram, p *layoutPlan) []byte {
	var b bytes.Buffer
	in := func(pt float64) string { return strconv.FormatFloat(pt/72, 'f', 4, 64) }
	fmt.Fprintf(&b, "digraph L {\n\tgraph [rankdir=LR, ranksep=%s, nodesep=%s, splines=true, mclimit=0.5, pad=0, margin=0];\n", in(p.ranksep), in(p.nodesep))
	if p.compressH > 0 {
		// Only the drawing's height is asked for: the width is ranks and
		// their separation, which compressing must not touch. Graphviz
		// packs as far as the boxes allow and reports the positions
		// unscaled, so a height it cannot reach is harmless.
		fmt.Fprintf(&b, "\tgraph [ratio=compress, size=\"1000,%s\"];\n", in(p.compressH))
	}
	b.WriteString("\tnode [label=\"\", fixedsize=true, shape=box];\n\tedge [arrowhead=none, arrowtail=none];\n")
	colOf := make([]int, len(d.Nodes))
	for c, ids := range p.columns {
		b.WriteString("\t{ rank=same;")
		for _, i := range ids {
			colOf[i] = c
			shape := ""
			if d.Nodes[i].Shape == scene.Ellipse {
				shape = ", shape=ellipse"
			}
			fmt.Fprintf(&b, " n%d [width=%s, height=%s%s];", i, in(p.boxes[i].w), in(p.boxes[i].h), shape)
		}
		b.WriteString(" }\n")
	}
	if d.SegmentOrder {
		// Segments top to bottom in their order: a flat invisible edge
		// between two boxes of one rank puts its tail above its head.
		for _, ids := range p.columns {
			prev := -1
			for _, i := range ids {
				if d.Nodes[i].Kind != graph.KindSegment {
					continue
				}
				if prev >= 0 {
					fmt.Fprintf(&b, "\tn%d -> n%d [style=invis];\n", prev, i)
				}
				prev = i
			}
		}
	}
	for c := 1; c < len(p.columns); c++ {
		fmt.Fprintf(&b, "\tn%d -> n%d [style=invis, weight=0];\n", p.columns[c-1][0], p.columns[c][0])
	}
	idx := map[string]int{}
	for i, n := range d.Nodes {
		idx[n.ID] = i
	}
	for k, e := range d.Edges {
		f, t := idx[e.From], idx[e.To]
		if k < len(p.rev) && p.rev[k] {
			f, t = t, f
		}
		attrs := ""
		if colOf[f] >= colOf[t] || e.Kind == "partners_with" {
			attrs = " [constraint=false]"
		}
		fmt.Fprintf(&b, "\tn%d -> n%d%s;\n", f, t, attrs)
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// placed is the layout Graphviz returned, in points with y downwards.
type placed struct {
	w, h  float64
	nodes []scene.Point   // centres, by node index
	edges [][]scene.Point // Bézier chains, by edge index (nil: not routed)
}

// readPlain reads Graphviz's "plain" output for a layout DOT of d.
func readPlain(d *Diagram, p *layoutPlan, plain []byte) (*placed, error) {
	pl := &placed{nodes: make([]scene.Point, len(d.Nodes)), edges: make([][]scene.Point, len(d.Edges))}
	idx := map[string]int{}
	for i, n := range d.Nodes {
		idx[n.ID] = i
	}
	// Edges come back in DOT order; several edges may join the same pair.
	pending := map[[2]int][]int{}
	rev := func(i int) bool { return i < len(p.rev) && p.rev[i] }
	for i, e := range d.Edges {
		k := [2]int{idx[e.From], idx[e.To]}
		if rev(i) {
			k[0], k[1] = k[1], k[0]
		}
		pending[k] = append(pending[k], i)
	}
	seen := make([]bool, len(d.Nodes))
	sc := bufio.NewScanner(bytes.NewReader(plain))
	sc.Buffer(make([]byte, 64<<10), maxFrame)
	num := func(s string) (float64, error) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("%w: bad number %q in the layout", ErrLayout, s)
		}
		return v, nil
	}
	node := func(s string) (int, bool) {
		i, err := strconv.Atoi(strings.TrimPrefix(s, "n"))
		return i, err == nil && strings.HasPrefix(s, "n") && i >= 0 && i < len(d.Nodes)
	}
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "graph":
			if len(f) < 4 {
				return nil, fmt.Errorf("%w: short graph line in the layout", ErrLayout)
			}
			w, err := num(f[2])
			if err != nil {
				return nil, err
			}
			h, err := num(f[3])
			if err != nil {
				return nil, err
			}
			pl.w, pl.h = w*72, h*72
		case "node":
			if len(f) < 4 {
				return nil, fmt.Errorf("%w: short node line in the layout", ErrLayout)
			}
			i, ok := node(f[1])
			if !ok {
				return nil, fmt.Errorf("%w: unknown node %q in the layout", ErrLayout, f[1])
			}
			x, err := num(f[2])
			if err != nil {
				return nil, err
			}
			y, err := num(f[3])
			if err != nil {
				return nil, err
			}
			pl.nodes[i] = scene.Point{X: x * 72, Y: pl.h - y*72}
			seen[i] = true
		case "edge":
			if len(f) < 4 {
				return nil, fmt.Errorf("%w: short edge line in the layout", ErrLayout)
			}
			a, ok1 := node(f[1])
			b, ok2 := node(f[2])
			n, err := strconv.Atoi(f[3])
			if !ok1 || !ok2 || err != nil || n < 0 || len(f) < 4+2*n {
				return nil, fmt.Errorf("%w: bad edge line in the layout", ErrLayout)
			}
			q := pending[[2]int{a, b}]
			if len(q) == 0 || len(f) >= 6+2*n && f[len(f)-2] == "invis" {
				continue // an ordering edge
			}
			pending[[2]int{a, b}] = q[1:]
			pts := make([]scene.Point, n)
			for j := range pts {
				x, err := num(f[4+2*j])
				if err != nil {
					return nil, err
				}
				y, err := num(f[5+2*j])
				if err != nil {
					return nil, err
				}
				pts[j] = scene.Point{X: x * 72, Y: pl.h - y*72}
			}
			if rev(q[0]) {
				slices.Reverse(pts)
			}
			pl.edges[q[0]] = pts
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: reading the layout: %v", ErrLayout, err)
	}
	for i, ok := range seen {
		if !ok {
			return nil, fmt.Errorf("%w: node %q missing from the layout", ErrLayout, d.Nodes[i].ID)
		}
	}
	// The y axis is flipped after the graph line; plain output puts it first.
	return pl, nil
}
