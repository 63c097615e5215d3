package chart

import (
	"fmt"
	"math"
	"sort"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render/scene"
)

var tierWords = map[analysis.Tier]string{
	1: "ideal, highly profitable", 2: "good revenue", 3: "break-even", 4: "money losers", analysis.Unclassified: "unclassified",
}

func tierRank(t analysis.Tier) int {
	if t == analysis.Unclassified {
		return 5
	}
	return int(t)
}

// Tiers draws every segment with its net revenue (a light bar) and profit
// (a dark bar inside it; a loss runs left of zero), grouped by tier, the
// tier number in a badge. Segments beyond what the page holds at the minimum
// font are summed in a last row.
func Tiers(m *graph.Map, r *analysis.Report, o Options) (*scene.Page, error) {
	d, err := newData(m, r)
	if err != nil {
		return nil, err
	}
	o = o.norm()
	segs := d.segments(func(s analysis.Segment) bool { return s.NetRevenue != nil })
	sort.SliceStable(segs, func(i, j int) bool {
		if a, b := tierRank(segs[i].Tier), tierRank(segs[j].Tier); a != b {
			return a < b
		}
		if netOf(segs[i]) != netOf(segs[j]) {
			return netOf(segs[i]) > netOf(segs[j])
		}
		return segs[i].ID < segs[j].ID
	})
	perTier := map[analysis.Tier]int{}
	for _, s := range segs {
		perTier[s.Tier]++
	}
	sub := "Net revenue and profit of every segment, by tier"
	if len(segs) > 0 {
		sub = fmt.Sprintf("%s in tier 1 (%s), %s in tier 4 (%s) of %d", count(perTier[1], "segment"), tierWords[1],
			count(perTier[4], "segment"), tierWords[4], len(segs))
	}
	f := newFrame("Tiers: net revenue and profit by segment", sub, o)
	if len(segs) == 0 {
		return f.empty("No segment has revenue, so there is nothing to rank by tier."), nil
	}
	fs := f.fs
	rowH := fs*scene.LineHeight + 10
	legendH := rowH
	rows := max(1, int(math.Floor((f.y1-f.y0-legendH)/rowH))) // one row at least, however large the font
	shown := segs
	var rest []analysis.Segment
	if len(segs) > rows {
		shown, rest = segs[:rows-1], segs[rows-1:]
	}

	lo, hi := 0.0, 0.0
	for _, s := range segs {
		hi = math.Max(hi, netOf(s))
		if s.Profit != nil {
			lo, hi = math.Min(lo, *s.Profit), math.Max(hi, *s.Profit)
		}
	}
	restNet, restProfit := 0.0, 0.0
	for _, s := range rest {
		restNet += netOf(s)
		if s.Profit != nil {
			restProfit += *s.Profit
		}
	}
	hi = math.Max(hi, restNet)
	lo = math.Min(lo, restProfit)
	if hi <= lo {
		hi = lo + 1
	}
	badge := fs * 1.9
	nameW := math.Min((f.x1-f.x0)*0.3, 260)
	valueW := 0.0
	label := func(net float64, profit *float64) string {
		if profit == nil {
			return d.money(net)
		}
		return d.money(net) + " · profit " + d.money(*profit)
	}
	for _, s := range shown {
		valueW = math.Max(valueW, scene.TextWidth(label(netOf(s), s.Profit), fs, false, false))
	}
	if len(rest) > 0 {
		valueW = math.Max(valueW, scene.TextWidth(label(restNet, &restProfit), fs, false, false))
	}
	bx0 := f.x0 + badge + 6 + nameW + 8
	bx1 := f.x1 - valueW - 8
	xv := func(v float64) float64 { return bx0 + (v-lo)/(hi-lo)*(bx1-bx0) }

	// Legend: the two bars.
	ly := f.y0
	lx := bx0
	for _, e := range []struct {
		id, text string
		fill     scene.Color
	}{{"legend:net", "Net revenue", scene.RGB(0xC7, 0xDF, 0xF0)}, {"legend:profit", "Profit (loss left of zero)", Blue}} {
		f.add(&scene.Box{ID: e.id, X: lx, Y: ly + 3, W: 16, H: fs, Fill: e.fill})
		f.add(&scene.Text{ID: e.id + ":text", X: lx + 22, Y: ly + 1, Lines: []scene.Span{{Text: e.text, Size: fs, Color: Ink}}})
		lx += 22 + scene.TextWidth(e.text, fs, false, false) + 24
	}

	notes := []string{"Tiers: net revenue and profit of every segment."}
	y := f.y0 + legendH
	drawRow := func(id, name string, tier analysis.Tier, net float64, profit *float64, badgeText string) {
		g := &scene.Group{ID: id, Title: name}
		fill := TierColors[tier]
		g.Items = append(g.Items, &scene.Box{ID: id + ":tier", Shape: scene.RoundRect, X: f.x0, Y: y + (rowH-badge)/2 + 1, W: badge, H: badge - 2,
			Fill: fill, Lines: []scene.Span{{Text: badgeText, Size: fs, Bold: true, Color: InkOn(fill)}}, Align: scene.AlignCenter})
		g.Items = append(g.Items, &scene.Text{ID: id + ":name", X: f.x0 + badge + 6, Y: y + 5,
			Lines: []scene.Span{{Text: ellipsize(name, fs, false, nameW), Size: fs, Color: Ink}}})
		barH := rowH - 8
		g.Items = append(g.Items, &scene.Box{ID: id + ":net", X: xv(0), Y: y + 4, W: xv(net) - xv(0), H: barH, Fill: scene.RGB(0xC7, 0xDF, 0xF0)})
		if profit != nil {
			pc := Blue
			if *profit < 0 {
				pc = Vermilion
			}
			x0, x1 := xv(math.Min(0, *profit)), xv(math.Max(0, *profit))
			g.Items = append(g.Items, &scene.Box{ID: id + ":profit", X: x0, Y: y + 4 + barH*0.3, W: x1 - x0, H: barH * 0.4, Fill: pc})
		}
		g.Items = append(g.Items, &scene.Text{ID: id + ":value", X: xv(math.Max(net, 0)) + 6, Y: y + 5,
			Lines: []scene.Span{{Text: label(net, profit), Size: fs, Color: Ink}}})
		f.add(g)
		y += rowH
	}
	for _, s := range shown {
		badgeText := s.Tier.String()
		if s.Tier == analysis.Unclassified {
			badgeText = "–"
		}
		drawRow("segment:"+s.ID, d.name(s.ID), s.Tier, netOf(s), s.Profit, badgeText)
	}
	if len(rest) > 0 {
		drawRow("segment:others", fmt.Sprintf("%d more segments", len(rest)), analysis.Unclassified, restNet, &restProfit, "+")
	}
	f.add(&scene.Line{ID: "axis:zero", Points: []scene.Point{{X: xv(0), Y: f.y0 + legendH}, {X: xv(0), Y: y}}, Stroke: scene.Stroke{Color: Muted, Width: 1}})
	for _, s := range segs {
		p := "no profit figure"
		if s.Profit != nil {
			p = "profit " + d.money(*s.Profit)
		}
		notes = append(notes, fmt.Sprintf("Tier %s: %s, net revenue %s, %s", s.Tier, d.name(s.ID), d.money(netOf(s)), p))
	}
	f.page.Desc = sub
	f.page.Notes = fmtNotes(notes)
	return f.page, nil
}
