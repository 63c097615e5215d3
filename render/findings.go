package render

import (
	"math"
	"slices"
	"strconv"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render/scene"
)

// Finding is one of the report's top findings numbered on the drawing
// (--insights): a marker with its number on every drawn node or supply line
// it concerns, and a row in the side column with its short form and the
// amount at stake.
type Finding struct {
	N        int      // 1 for the top finding
	Headline string   // one sentence in plain words (the page's headline for the top one)
	Short    string   // the same in fewer words, without the amount: the column's row
	Amount   string   // "EUR 400 k at stake"; empty when the map gives no figure
	Nodes    []string // the node ids it concerns, the main one first
	// Lines are the supply lines it is about, as (from, to) node ids: a
	// channel conflict's sellers into the segment, a single point of
	// failure into the segments only it reaches. Their markers go on the
	// drawn lines; the nodes at the ends of a marked line carry none of it.
	Lines [][2]string
}

// DefaultInsights is how many findings --insights numbers when not told.
const DefaultInsights = 5

// findingsOf takes the opt.Insights top findings of the report.
func findingsOf(opt Options) []Finding {
	r := opt.Report
	if opt.Insights <= 0 || r == nil {
		return nil
	}
	currency := ""
	if r.Currency != nil {
		currency = *r.Currency
	}
	var out []Finding
	for i, in := range r.Insights[:min(opt.Insights, len(r.Insights))] {
		f := Finding{N: i + 1, Headline: cleanText(in.Headline, true), Short: cleanText(in.Short, true), Nodes: in.Nodes}
		if f.Short == "" {
			f.Short = f.Headline
		}
		if in.AtStake != nil && *in.AtStake != 0 {
			f.Amount = compactMoney(currency, *in.AtStake) + " at stake"
		}
		if len(in.Nodes) > 1 {
			switch in.Kind {
			case analysis.InsightChannelConflict: // segment, then its sellers
				for _, seller := range in.Nodes[1:] {
					f.Lines = append(f.Lines, [2]string{seller, in.Nodes[0]})
				}
			case analysis.InsightSinglePointOfFailure: // partner, then its segments
				for _, seg := range in.Nodes[1:] {
					f.Lines = append(f.Lines, [2]string{in.Nodes[0], seg})
				}
			}
		}
		out = append(out, f)
	}
	return out
}

// The side column of findings, in multiples of the name size.
const (
	sideEms    = 13  // the column's narrowest width
	sideMaxEms = 21  // its widest: wider wraps the findings into fewer lines
	sideGapEms = 0.5 // between the lanes and the column
	markerEms  = 1.6 // a marker's diameter
)

// sideWidth is the room the column takes beside the lanes (0 without
// findings): the narrowest width from sideEms up to sideMaxEms at which
// the page draws at its largest scale. A column taller than the lanes
// makes the page taller; a wider one wraps its findings into fewer lines
// and makes the page wider. top is the height of the title block, lanes
// the height of the lanes (header row included) and legendH(inner) the
// height of the legend rows at a width.
func sideWidth(d *Diagram, fs sizes, pw, ph, gw, m, top, lanes float64, legendH func(inner float64) float64) float64 {
	if len(d.Findings) == 0 {
		return 0
	}
	best, bestScale := float64(sideEms), -1.0
	for ems := float64(sideEms); ems <= sideMaxEms; ems++ {
		side := (ems + sideGapEms) * fs.name
		if pw <= 0 {
			break // natural size: the narrowest
		}
		W := math.Max(gw+2*m+side, 24*fs.legend)
		_, col := findingColumn(d.Findings, 0, top, ems*fs.name, fs, palette{})
		H := math.Max(top+lanes, col) + fs.legend*0.8 + legendH(W-2*m) + m
		if s := math.Min(pw/W, ph/H); s > bestScale*1.005 {
			best, bestScale = ems, s
		}
	}
	return (best + sideGapEms) * fs.name
}

// marker is one numbered disc: the finding's number, white on the title
// colour (or dark on it, in the dark theme).
func marker(id string, n int, x, y float64, fs sizes, pal palette) *scene.Box {
	d := markerEms * fs.name
	return &scene.Box{ID: id, Shape: scene.Ellipse, X: x, Y: y, W: d, H: d, Fill: pal.title,
		Lines: []scene.Span{{Text: strconv.Itoa(n), Size: fs.name, Bold: true, Color: pal.background}}, Align: scene.AlignCenter}
}

// findingColumn lays out the column from (x, y), w wide: a header, then per
// finding its marker, its short form (whole, wrapped to as many lines as it
// needs) and its amount. It returns the items and
// the bottom of the column.
func findingColumn(fds []Finding, x, y, w float64, fs sizes, pal palette) ([]scene.Item, float64) {
	var items []scene.Item
	head := wrapMeasured("Top findings, by money at stake", fs.header, true, w, 2)
	for _, l := range head {
		items = append(items, &scene.Text{X: x, Y: y, Lines: []scene.Span{{Text: l, Size: fs.header, Bold: true, Color: pal.title}}})
		y += fs.header * scene.LineHeight
	}
	y += fs.name * 0.4
	d := markerEms * fs.name
	tx := x + d + 0.5*fs.name
	for _, f := range fds {
		var spans []scene.Span
		for _, l := range wrapMeasured(f.Short, fs.name, false, x+w-tx, math.MaxInt) {
			spans = append(spans, scene.Span{Text: l, Size: fs.name, Color: pal.text})
		}
		if f.Amount != "" {
			spans = append(spans, scene.Span{Text: f.Amount, Size: fs.name, Bold: true, Color: pal.text})
		}
		h := float64(len(spans)) * fs.name * scene.LineHeight
		g := &scene.Group{ID: "finding:" + strconv.Itoa(f.N), Title: f.Headline, Items: []scene.Item{
			marker("", f.N, x, y, fs, pal),
			&scene.Text{X: tx, Y: y, Lines: spans},
		}}
		items = append(items, g)
		y += math.Max(h, d) + 0.6*fs.name
	}
	return items, y
}

// findingPlan says where the markers go: which drawn supply lines carry
// which findings, and so which nodes leave a finding to its lines.
type findingPlan struct {
	fds    []Finding
	edges  map[string][]int        // edge key -> indexes of the findings its line carries
	onLine map[string]map[int]bool // node id -> findings marked on a line at it
}

// planFindings matches the findings' lines to the drawn edges: a supplies
// edge carries a line when its ends are (or, in an overview, hold) the
// line's two nodes.
func planFindings(d *Diagram) *findingPlan {
	fp := &findingPlan{fds: d.Findings, edges: map[string][]int{}, onLine: map[string]map[int]bool{}}
	if len(d.Findings) == 0 {
		return fp
	}
	nodes := make(map[string]*Node, len(d.Nodes))
	for i := range d.Nodes {
		nodes[d.Nodes[i].ID] = &d.Nodes[i]
	}
	holds := func(n *Node, id string) bool { return n.ID == id || slices.Contains(n.Members, id) }
	for _, e := range d.Edges {
		from, to := nodes[e.From], nodes[e.To]
		if e.Kind != graph.EdgeSupplies || from == nil || to == nil {
			continue
		}
		for k, f := range d.Findings {
			if !slices.ContainsFunc(f.Lines, func(l [2]string) bool { return holds(from, l[0]) && holds(to, l[1]) }) {
				continue
			}
			fp.edges[e.Key] = append(fp.edges[e.Key], k)
			for _, id := range []string{e.From, e.To} {
				if fp.onLine[id] == nil {
					fp.onLine[id] = map[int]bool{}
				}
				fp.onLine[id][k] = true
			}
		}
	}
	return fp
}

// nodeMarkers numbers a node's box with the findings that concern it and
// are not marked on a line at it, right to left along its top edge. A
// group box (an overview) is numbered with the findings of its members.
func (fp *findingPlan) nodeMarkers(n Node, box *scene.Box, fs sizes, pal palette) []scene.Item {
	var out []scene.Item
	d := markerEms * fs.name
	j := 0
	for k, f := range fp.fds {
		if fp.onLine[n.ID][k] {
			continue
		}
		if !slices.Contains(f.Nodes, n.ID) && !slices.ContainsFunc(n.Members, func(id string) bool { return slices.Contains(f.Nodes, id) }) {
			continue
		}
		// The top right corner; on an ellipse, the point of its outline
		// there (a corner of the bounding box would float beside it).
		right, top := box.X+box.W+d*0.4, box.Y
		if box.Shape == scene.Ellipse {
			right, top = box.X+box.W*0.854+d*0.5, box.Y+box.H*0.146
		}
		x := right - d - float64(j)*(d+2)
		out = append(out, marker("callout:"+strconv.Itoa(f.N)+":"+n.ID, f.N, x, top-d*0.5, fs, pal))
		j++
	}
	return out
}

// edgeMarkers numbers a supply line with the findings it carries, in a
// row where its label would go: the point nearest the line's middle that
// covers no box, label or marker placed before (placeLabel). The row is
// added to taken.
func (fp *findingPlan) edgeMarkers(e Edge, pts []scene.Point, curve bool, boxes []rect, taken *[]rect, area rect, fs sizes, pal palette) []scene.Item {
	ks := fp.edges[e.Key]
	if len(ks) == 0 {
		return nil
	}
	d := markerEms * fs.name
	w := float64(len(ks))*(d+2) - 2
	r, _ := placeLabel(pts, curve, w, d, boxes, *taken, area)
	*taken = append(*taken, r)
	var out []scene.Item
	for j, k := range ks {
		n := fp.fds[k].N
		out = append(out, marker("callout:"+strconv.Itoa(n)+":edge:"+e.Key, n, r.x+float64(j)*(d+2), r.y, fs, pal))
	}
	return out
}
