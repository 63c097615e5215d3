package chart

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render/scene"
)

// Levels of the value pyramid, top first, with their fills (dark to light:
// the top is the most valuable).
var pyramidLevels = []struct {
	id, label string
	fill      scene.Color
}{
	{"top", "Top", scene.RGB(0x00, 0x4E, 0x7A)},
	{"key", "Key", Blue},
	{"core", "Core", SkyBlue},
	{"base", "Base", scene.RGB(0xCF, 0xE6, 0xF5)},
}

// Pyramid draws the value pyramid: the levels top, key, core and base as
// widening bands, each with its segments and its share of the company's net
// revenue.
func Pyramid(m *graph.Map, r *analysis.Report, o Options) (*scene.Page, error) {
	d, err := newData(m, r)
	if err != nil {
		return nil, err
	}
	o = o.norm()
	byLevel := map[string][]analysis.Segment{}
	total := 0.0
	n := 0
	for _, s := range d.segments(func(s analysis.Segment) bool { return s.Level != nil }) {
		byLevel[*s.Level] = append(byLevel[*s.Level], s)
		if s.NetRevenue != nil {
			total += *s.NetRevenue
		}
		n++
	}
	share := func(ss []analysis.Segment) float64 {
		v := 0.0
		for _, s := range ss {
			if s.NetRevenue != nil {
				v += *s.NetRevenue
			}
		}
		return v
	}
	sub := "Segments by value (the weighted indicators of the classification) and their share of net revenue"
	if top := byLevel["top"]; len(top) > 0 && total > 0 {
		sub = fmt.Sprintf("The top level (%d of %d segments) brings %s of net revenue", len(top), n, percentOf(share(top), total))
	}
	f := newFrame("Value pyramid", sub, o)
	if n == 0 {
		return f.empty("No segment is classified (revenue and cost to serve are needed), so the pyramid is empty."), nil
	}
	fs := f.fs
	gap := 6.0
	bandH := (f.y1 - f.y0 - 3*gap) / 4
	fullW := f.x1 - f.x0
	cx := (f.x0 + f.x1) / 2
	notes := []string{fmt.Sprintf("Value pyramid of %d segments; net revenue %s in all.", n, d.money(total))}
	for i, lv := range pyramidLevels {
		segs := byLevel[lv.id]
		sort.SliceStable(segs, func(a, b int) bool {
			return netOf(segs[a]) > netOf(segs[b]) || netOf(segs[a]) == netOf(segs[b]) && segs[a].ID < segs[b].ID
		})
		w := fullW * (0.46 + 0.18*float64(i))
		x := cx - w/2
		y := f.y0 + float64(i)*(bandH+gap)
		ink := InkOn(lv.fill)
		pad := 8.0
		head := fmt.Sprintf("%s · %s · %s of net revenue", lv.label, count(len(segs), "segment"), percentOf(share(segs), total))
		lines := []scene.Span{{Text: ellipsize(head, fs+2, true, w-2*pad), Size: fs + 2, Bold: true, Color: ink}}
		room := int(math.Floor((bandH - 2*pad - (fs+2)*scene.LineHeight) / (fs * scene.LineHeight)))
		names := make([]string, len(segs))
		for j, s := range segs {
			names[j] = d.name(s.ID)
		}
		if room > 0 && len(names) > 0 {
			for _, l := range fitList(names, fs, w-2*pad, room) {
				lines = append(lines, scene.Span{Text: l, Size: fs, Color: ink})
			}
		}
		f.add(&scene.Group{ID: "level:" + lv.id, Title: head, Items: []scene.Item{&scene.Box{
			ID: "band:" + lv.id, Shape: scene.Rect, X: x, Y: y, W: w, H: bandH, Fill: lv.fill,
			Lines: lines, Align: scene.AlignCenter, Padding: pad,
		}}})
		notes = append(notes, head+": "+strings.Join(names, ", "))
	}
	f.page.Desc = sub
	f.page.Notes = fmtNotes(notes)
	return f.page, nil
}

func netOf(s analysis.Segment) float64 {
	if s.NetRevenue == nil {
		return 0
	}
	return *s.NetRevenue
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// fitList sets names as a comma-separated list wrapped to width in at most
// rows lines; what does not fit becomes "+N more".
func fitList(names []string, size, width float64, rows int) []string {
	set := func(k int) []string {
		text := strings.Join(names[:k], ", ")
		if k < len(names) {
			text += fmt.Sprintf(" +%d more", len(names)-k)
		}
		return wrap(text, size, false, width)
	}
	if lines := set(len(names)); len(lines) <= rows {
		return lines
	}
	// More names never take fewer lines: find the most that fit.
	lo, hi := 0, len(names) // set(lo) fits (lo 0 checked below), set(hi) does not
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if len(set(mid)) <= rows {
			lo = mid
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return []string{ellipsize(fmt.Sprintf("%d segments", len(names)), size, false, width)}
	}
	return set(lo)
}
