package deck

import (
	"fmt"
	"math"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/render/chart"
	"github.com/chanmap/chanmap/render/scene"
)

type column struct {
	head  string
	right bool // numbers: right-aligned
	flex  bool // the text column that takes the width left and wraps
}

type table struct {
	title string
	cols  []column
	rows  [][]string
	ids   []string // one per row, for the row group's name
}

// Table colours: a dark header with white text (13.6:1), every other row
// shaded.
var (
	headFill = scene.RGB(0x1F, 0x29, 0x37)
	zebra    = chart.LightRow
)

const cellPad = 5.0 // inside every cell, all round

// tables adds the analysis tables: findings, segments, partners.
func (b *builder) tables() error {
	var ts []table
	if len(b.r.Insights) > 0 {
		t := table{title: "Findings ranked by money", cols: []column{{head: "#", right: true}, {head: "Finding", flex: true},
			{head: "At stake", right: true}, {head: "Severity"}}}
		for i, in := range b.r.Insights {
			t.rows = append(t.rows, []string{fmt.Sprint(i + 1), in.Headline, b.moneyPtr(in.AtStake), in.Severity})
			t.ids = append(t.ids, in.ID)
		}
		ts = append(ts, t)
	}
	if len(b.r.Segments) > 0 {
		t := table{title: "Segments and customers", cols: []column{{head: "Segment", flex: true}, {head: "Tier"},
			{head: "Spend", right: true}, {head: "Net revenue", right: true}, {head: "Cost to serve", right: true},
			{head: "Profit", right: true}, {head: "Margin", right: true}, {head: "Level"}}}
		for _, s := range b.r.Segments {
			name := b.name(s.ID)
			if s.Kind == string(graph.KindCustomer) {
				name += " (customer)"
			}
			level := "–"
			if s.Level != nil {
				level = *s.Level
			}
			t.rows = append(t.rows, []string{name, s.Tier.String(), b.moneyPtr(s.Revenue), b.moneyPtr(s.NetRevenue),
				b.moneyPtr(s.CostToServe), b.moneyPtr(s.Profit), pct(s.Margin), level})
			t.ids = append(t.ids, s.ID)
		}
		ts = append(ts, t)
	}
	if len(b.r.Partners) > 0 {
		t := table{title: "Partners: net revenue and profit through each", cols: []column{{head: "Partner", flex: true},
			{head: "Kind"}, {head: "Net revenue", right: true}, {head: "Profit", right: true}}}
		for _, p := range b.r.Partners {
			kind := ""
			if n := b.m.Node(p.ID); n != nil {
				kind = strings.ReplaceAll(string(n.Kind), "_", " ")
			}
			t.rows = append(t.rows, []string{b.name(p.ID), kind, b.money(p.NetRevenue), b.money(p.Profit)})
			t.ids = append(t.ids, p.ID)
		}
		ts = append(ts, t)
	}
	for _, t := range ts {
		pages, err := b.tablePages(t)
		if err != nil {
			return err
		}
		b.pages = append(b.pages, pages...)
	}
	return nil
}

// tablePages sets t on as many pages as it needs: every row whole on one
// page (the text column wraps to as many lines as it needs), the header on every
// page, no text under the minimum font.
func (b *builder) tablePages(t table) ([]*scene.Page, error) {
	fs := b.o.MinFont
	co := b.o.chart()
	// The plot area of a page titled like the longest page title.
	_, x0, y0, x1, y1 := chart.Slide(fmt.Sprintf("%s (99 of 99)", t.title), "", co)
	width := x1 - x0
	widths := make([]float64, len(t.cols))
	fixed := 0.0
	for i, c := range t.cols {
		if c.flex {
			continue
		}
		w := scene.TextWidth(c.head, fs, true, false)
		for _, r := range t.rows {
			w = math.Max(w, scene.TextWidth(r[i], fs, false, false))
		}
		widths[i] = math.Min(w+2*cellPad, width*0.3)
		fixed += widths[i]
	}
	flexW := width - fixed
	if flexW < 120 {
		return nil, fmt.Errorf("table %q: its columns need %.0f pt of %.0f at %g pt text: %w", t.title, fixed+120, width, fs, ErrDoesNotFit)
	}
	for i, c := range t.cols {
		if c.flex {
			widths[i] = flexW
		}
	}
	lineH := fs * scene.LineHeight
	headH := lineH + 2*cellPad
	// Cell lines of every row, and the row heights.
	cells := make([][][]string, len(t.rows))
	heights := make([]float64, len(t.rows))
	for ri, r := range t.rows {
		cells[ri] = make([][]string, len(t.cols))
		n := 1
		for ci, c := range t.cols {
			if c.flex {
				// Whole: a finding's headline is never cut.
				cells[ri][ci] = chart.Wrap(r[ci], fs, false, widths[ci]-2*cellPad, 0)
			} else {
				cells[ri][ci] = []string{chart.Shorten(r[ci], fs, false, widths[ci]-2*cellPad)}
			}
			n = max(n, len(cells[ri][ci]))
		}
		heights[ri] = float64(n)*lineH + 2*cellPad
	}
	// Page breaks: as many whole rows as fit under the header.
	var breaks [][2]int
	start, y := 0, y0+headH
	for ri, h := range heights {
		if y+h > y1 && ri > start {
			breaks = append(breaks, [2]int{start, ri})
			start, y = ri, y0+headH
		}
		y += h
	}
	breaks = append(breaks, [2]int{start, len(t.rows)})

	var pages []*scene.Page
	for pi, br := range breaks {
		title := t.title
		if len(breaks) > 1 {
			title = fmt.Sprintf("%s (%d of %d)", t.title, pi+1, len(breaks))
		}
		p, px0, py0, _, _ := chart.Slide(title, "", co)
		row := func(id string, y, h float64, texts [][]string, bold bool, fill scene.Color, ink scene.Color) {
			g := &scene.Group{ID: id}
			x := px0
			for ci, c := range t.cols {
				align := scene.AlignLeft
				if c.right {
					align = scene.AlignRight
				}
				g.Items = append(g.Items, &scene.Box{ID: fmt.Sprintf("%s:%d", id, ci), X: x, Y: y, W: widths[ci], H: h,
					Fill: fill, Padding: cellPad, Lines: spans(texts[ci], fs, bold, ink), Align: align})
				x += widths[ci]
			}
			p.Items = append(p.Items, g)
		}
		heads := make([][]string, len(t.cols))
		for ci, c := range t.cols {
			heads[ci] = []string{c.head}
		}
		row("header", py0, headH, heads, true, headFill, chart.White)
		y := py0 + headH
		var notes []string
		for ri := br[0]; ri < br[1]; ri++ {
			fill := scene.Color{}
			if (ri-br[0])%2 == 1 {
				fill = zebra
			}
			row("row:"+t.ids[ri], y, heights[ri], cells[ri], false, fill, chart.Ink)
			y += heights[ri]
			notes = append(notes, strings.Join(t.rows[ri], " · "))
		}
		p.Desc = fmt.Sprintf("%s: rows %d to %d of %d", t.title, br[0]+1, br[1], len(t.rows))
		p.Notes = strings.Join(notes, "\n")
		pages = append(pages, p)
	}
	return pages, nil
}
