package chart

import (
	"fmt"
	"math"
	"sort"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render/scene"
)

// flowColumn is the column of a node kind in the revenue flow: the company,
// the layers of partners, the segments.
func flowColumn(k graph.NodeKind) int {
	switch k {
	case graph.KindCompany:
		return 0
	case graph.KindDistributor, graph.KindWholesaler:
		return 1
	case graph.KindSegment:
		return 3
	}
	if k.IsOrg() {
		return 2
	}
	return -1
}

var columnColors = []scene.Color{Blue, Green, Purple, Orange}

type flowNode struct {
	id, name string
	col      int
	value    float64
	y, h     float64
	inOff    float64
	outOff   float64
	members  int // > 0 for a node that sums the smallest of its column
}

// RevenueFlow draws the company's net revenue from the company through each
// layer of partners to the segments, every band as wide as the money it
// carries (Sankey style). When a column has more nodes than the page holds
// at the minimum font, its smallest are summed into one "N more" node.
func RevenueFlow(m *graph.Map, r *analysis.Report, o Options) (*scene.Page, error) {
	d, err := newData(m, r)
	if err != nil {
		return nil, err
	}
	flows, err := analysis.SupplyFlows(m)
	if err != nil {
		return nil, err
	}
	o = o.norm()
	total := 0.0
	for _, s := range d.segments(func(s analysis.Segment) bool { return true }) {
		total += netOf(s)
	}
	sub := fmt.Sprintf("Net revenue %s from the company through its partners to the segments; widths by money", d.money(total))
	f := newFrame("Revenue flow", sub, o)
	if total <= 0 {
		return f.empty("No net revenue reaches the company, so nothing flows."), nil
	}
	fs := f.fs

	// Nodes: every node with a column and money through it.
	nodes := map[string]*flowNode{}
	type band struct {
		from, to string
		value    float64
	}
	var bands []band
	for _, e := range m.Edges {
		v := flows[e.Key()]
		if e.Kind != graph.EdgeSupplies || v <= 0 {
			continue
		}
		from, to := m.Node(e.From), m.Node(e.To)
		if from == nil || to == nil || flowColumn(from.Kind) < 0 || flowColumn(to.Kind) < 0 || flowColumn(to.Kind) <= flowColumn(from.Kind) {
			continue
		}
		for _, n := range []*graph.Node{from, to} {
			if nodes[n.ID] == nil {
				nodes[n.ID] = &flowNode{id: n.ID, name: d.name(n.ID), col: flowColumn(n.Kind)}
			}
		}
		bands = append(bands, band{e.From, e.To, v})
	}
	in, out := map[string]float64{}, map[string]float64{}
	for _, b := range bands {
		out[b.from] += b.value
		in[b.to] += b.value
	}
	cols := make([][]*flowNode, 4)
	for _, n := range nodes {
		n.value = math.Max(in[n.id], out[n.id])
		cols[n.col] = append(cols[n.col], n)
	}
	// Drop empty partner columns so the drawing uses the width.
	var used []int
	for c := range cols {
		if len(cols[c]) > 0 {
			used = append(used, c)
		}
	}
	// At least one box per column: with a very large font even one
	// "N more" box may overflow, which the page's smallest-text note says.
	maxNodes := max(1, int(math.Floor((f.y1-f.y0+6)/(2*fs*scene.LineHeight+4+6))))
	alias := map[string]string{}
	for _, c := range used {
		col := cols[c]
		sort.SliceStable(col, func(i, j int) bool {
			if col[i].value != col[j].value {
				return col[i].value > col[j].value
			}
			return col[i].id < col[j].id
		})
		if len(col) > maxNodes {
			rest := &flowNode{id: fmt.Sprintf("others:%d", c), col: c, members: len(col) - maxNodes + 1}
			rest.name = fmt.Sprintf("%d more", rest.members)
			for _, n := range col[maxNodes-1:] {
				rest.value += n.value
				alias[n.id] = rest.id
			}
			col = append(col[:maxNodes-1:maxNodes-1], rest)
		}
		cols[c] = col
	}
	at := func(id string) string {
		if a, ok := alias[id]; ok {
			return a
		}
		return id
	}
	byID := map[string]*flowNode{}
	for _, c := range used {
		for _, n := range cols[c] {
			byID[n.id] = n
		}
	}
	// Merge bands whose ends were summed.
	merged := map[[2]string]float64{}
	var keys [][2]string
	for _, b := range bands {
		k := [2]string{at(b.from), at(b.to)}
		if _, ok := merged[k]; !ok {
			keys = append(keys, k)
		}
		merged[k] += b.value
	}

	// Vertical scale: the largest for which every column, each node as
	// tall as its band or its label (whichever is taller), fits the height.
	avail := f.y1 - f.y0
	labelH := 2*fs*scene.LineHeight + 4
	colHeight := func(c int, scale float64) float64 {
		h := float64(len(cols[c])-1) * 6
		for _, n := range cols[c] {
			h += math.Max(n.value*scale, labelH)
		}
		return h
	}
	lo, hi := 0.0, avail/total
	for i := 0; i < 60; i++ {
		mid := (lo + hi) / 2
		ok := true
		for _, c := range used {
			ok = ok && colHeight(c, mid) <= avail
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	scale := lo
	// Place nodes: each gets the larger of its band height and its label's
	// height, so labels never overlap; then the column is centred.
	barW := 14.0
	labelW := 0.0
	for _, n := range byID {
		labelW = math.Max(labelW, math.Min(scene.TextWidth(n.name, fs, true, false), 190))
	}
	labelW += 8
	lastLabel := labelW
	colX := map[int]float64{}
	span := f.x1 - f.x0 - lastLabel - barW
	for i, c := range used {
		colX[c] = f.x0
		if len(used) > 1 {
			colX[c] = f.x0 + span*float64(i)/float64(len(used)-1)
		}
	}
	for _, c := range used {
		y := f.y0 + math.Max(0, (avail-colHeight(c, scale))/2)
		for _, n := range cols[c] {
			n.h = n.value * scale
			slotH := math.Max(n.h, labelH)
			n.y = y + (slotH-n.h)/2
			y += slotH + 6
		}
	}
	// Bands, ordered at each end by the other end's position.
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if byID[a[0]].y != byID[b[0]].y {
			return byID[a[0]].y < byID[b[0]].y
		}
		return byID[a[1]].y < byID[b[1]].y
	})
	for _, k := range keys {
		src, dst := byID[k[0]], byID[k[1]]
		w := merged[k] * scale
		y0 := src.y + src.outOff + w/2
		y1 := dst.y + dst.inOff + w/2
		src.outOff += w
		dst.inOff += w
		x0, x1 := colX[src.col]+barW, colX[dst.col]
		mid := (x0 + x1) / 2
		c := columnColors[src.col]
		c.A = 90
		f.add(&scene.Line{ID: "band:" + k[0] + "->" + k[1], Curve: true,
			Points: []scene.Point{{X: x0, Y: y0}, {X: mid, Y: y0}, {X: mid, Y: y1}, {X: x1, Y: y1}},
			Stroke: scene.Stroke{Color: c, Width: math.Max(w, 0.5)}})
	}
	notes := []string{fmt.Sprintf("Revenue flow: net revenue %s in all.", d.money(total))}
	for _, c := range used {
		for _, n := range cols[c] {
			x := colX[c]
			fill := columnColors[c]
			g := &scene.Group{ID: "flow:" + n.id, Title: n.name + ": " + d.money(n.value), Items: []scene.Item{
				&scene.Box{ID: "bar:" + n.id, X: x, Y: n.y, W: barW, H: math.Max(n.h, 1), Fill: fill},
			}}
			// Labels sit on a white plate right of the bar (over the bands
			// leaving it, which stay visible below and above).
			lx, align := x+barW+4, scene.AlignLeft
			w := labelW - 8
			lines := []scene.Span{
				{Text: ellipsize(n.name, fs, true, w), Size: fs, Bold: true, Color: Ink},
				{Text: d.money(n.value) + " · " + percentOf(n.value, total), Size: fs, Color: Ink},
			}
			plateW := math.Max(scene.SpanWidth(lines[0]), scene.SpanWidth(lines[1])) + 6
			cy := n.y + n.h/2
			g.Items = append(g.Items, &scene.Box{ID: "label:" + n.id, X: lx, Y: cy - labelH/2, W: plateW, H: labelH,
				Fill: scene.RGB(0xFF, 0xFF, 0xFF), Lines: lines, Align: align, Padding: 3})
			f.add(g)
			notes = append(notes, fmt.Sprintf("%s: %s (%s)", n.name, d.money(n.value), percentOf(n.value, total)))
		}
	}
	f.page.Desc = sub
	f.page.Notes = fmtNotes(notes)
	return f.page, nil
}
