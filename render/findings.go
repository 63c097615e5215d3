package render

import (
	"math"
	"slices"
	"strconv"

	"github.com/chanmap/chanmap/render/scene"
)

// Finding is one of the report's top findings numbered on the drawing
// (--insights): a marker with its number on every drawn node it concerns,
// and a row in the side column with the headline and the amount at stake.
type Finding struct {
	N        int      // 1 for the top finding
	Headline string   // one sentence in plain words
	Amount   string   // "EUR 400 k at stake"; empty when the map gives no figure
	Nodes    []string // the node ids it concerns, the main one first
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
		f := Finding{N: i + 1, Headline: cleanText(in.Headline, true), Nodes: in.Nodes}
		if in.AtStake != nil && *in.AtStake != 0 {
			f.Amount = compactMoney(currency, *in.AtStake) + " at stake"
		}
		out = append(out, f)
	}
	return out
}

// The side column of findings, in multiples of the name size.
const (
	sideEms     = 13  // the column's width
	sideGapEms  = 0.5 // between the lanes and the column
	markerEms   = 1.6 // a marker's diameter
	headlineMax = 3   // lines of a headline before "…"
)

// sideWidth is the room the column takes beside the lanes (0 without
// findings).
func sideWidth(d *Diagram, fs sizes) float64 {
	if len(d.Findings) == 0 {
		return 0
	}
	return (sideEms + sideGapEms) * fs.name
}

// marker is one numbered disc: the finding's number, white on the title
// colour (or dark on it, in the dark theme).
func marker(id string, n int, x, y float64, fs sizes, pal palette) *scene.Box {
	d := markerEms * fs.name
	return &scene.Box{ID: id, Shape: scene.Ellipse, X: x, Y: y, W: d, H: d, Fill: pal.title,
		Lines: []scene.Span{{Text: strconv.Itoa(n), Size: fs.name, Bold: true, Color: pal.background}}, Align: scene.AlignCenter}
}

// findingColumn lays out the column from (x, y), w wide: a header, then per
// finding its marker, its headline and its amount. It returns the items and
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
		for _, l := range wrapMeasured(f.Headline, fs.name, false, x+w-tx, headlineMax) {
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

// findingMarkers numbers a node's box with the findings that concern it,
// right to left along its top edge.
// A group box (an overview) is numbered with the findings of its members.
func findingMarkers(n Node, box *scene.Box, fds []Finding, fs sizes, pal palette) []scene.Item {
	var out []scene.Item
	d := markerEms * fs.name
	j := 0
	for _, f := range fds {
		if !slices.Contains(f.Nodes, n.ID) && !slices.ContainsFunc(n.Members, func(id string) bool { return slices.Contains(f.Nodes, id) }) {
			continue
		}
		x := box.X + box.W - d*0.6 - float64(j)*(d+2)
		out = append(out, marker("callout:"+strconv.Itoa(f.N)+":"+n.ID, f.N, x, box.Y-d*0.5, fs, pal))
		j++
	}
	return out
}
