// Package chart draws the money of a channel map as slide-sized scene pages:
// the whale curve, the value pyramid, the tiers, the channel margin
// waterfall and the revenue flow. Every text is measured with the font the
// writers use, never smaller than the minimum font at the page's real size,
// in colours of the Okabe–Ito palette (safe for colour-blind readers) at
// WCAG AA contrast on what it is drawn on.
package chart

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render/scene"
)

// Options size a chart page.
type Options struct {
	// Width and Height of the page in points; zero is a 16:9 slide
	// (960 × 540 pt, 13.33 × 7.5 in).
	Width, Height float64
	// MinFont is the smallest text size in points at the page's real size;
	// zero is 12.
	MinFont float64
	// Footer is a line at the bottom (source, date); empty leaves it out.
	Footer string
}

func (o Options) norm() Options {
	if o.Width <= 0 || o.Height <= 0 {
		o.Width, o.Height = 960, 540
	}
	if o.MinFont <= 0 {
		o.MinFont = 12
	}
	return o
}

// The Okabe–Ito palette: eight colours that stay apart for readers with any
// common colour-vision deficiency.
var (
	Black     = scene.RGB(0x00, 0x00, 0x00)
	Orange    = scene.RGB(0xE6, 0x9F, 0x00)
	SkyBlue   = scene.RGB(0x56, 0xB4, 0xE9)
	Green     = scene.RGB(0x00, 0x9E, 0x73)
	Yellow    = scene.RGB(0xF0, 0xE4, 0x42)
	Blue      = scene.RGB(0x00, 0x72, 0xB2)
	Vermilion = scene.RGB(0xD5, 0x5E, 0x00)
	Purple    = scene.RGB(0xCC, 0x79, 0xA7)
)

// Neutral colours of the page furniture.
var (
	White    = scene.RGB(0xFF, 0xFF, 0xFF)
	Ink      = scene.RGB(0x1A, 0x1A, 0x1A) // body text: 17.4:1 on white
	Muted    = scene.RGB(0x55, 0x5D, 0x66) // secondary text: 6.6:1 on white
	Rule     = scene.RGB(0xB8, 0xBE, 0xC6) // axes and grid lines (not text)
	LightRow = scene.RGB(0xF2, 0xF4, 0xF7)
)

// TierColors are the tiers 1-4 on one blue-to-orange scale; the tier
// number is always written too, so colour never carries it alone.
var TierColors = map[analysis.Tier]scene.Color{
	1: Blue, 2: SkyBlue, 3: scene.RGB(0xB9, 0xD9, 0xEE), 4: Orange, analysis.Unclassified: scene.RGB(0xD9, 0xDC, 0xE1),
}

// Contrast is the WCAG contrast ratio of two colours (scene.Contrast).
func Contrast(a, b scene.Color) float64 { return scene.Contrast(a, b) }

// InkOn is the text colour for a fill: near-black or white, whichever
// contrasts more.
func InkOn(fill scene.Color) scene.Color {
	if Contrast(Ink, fill) >= Contrast(White, fill) {
		return Ink
	}
	return White
}

// frame is a chart page under construction: title, subtitle, footer and
// the plot area left between them.
type frame struct {
	o                      Options
	page                   *scene.Page
	x0, y0, x1, y1         float64 // plot area
	titleSize, subSize, fs float64 // title, subtitle and body sizes
}

const margin = 36

func newFrame(title, subtitle string, o Options) *frame {
	f := &frame{o: o, fs: o.MinFont, titleSize: math.Max(24, o.MinFont*1.5), subSize: math.Max(14, o.MinFont)}
	f.page = &scene.Page{Width: o.Width, Height: o.Height, Title: title, Background: White}
	y := float64(margin) - 8
	titleLines := wrap(title, f.titleSize, true, o.Width-2*margin)
	f.add(&scene.Text{ID: "title", X: margin, Y: y, Lines: spans(titleLines, f.titleSize, true, Ink)})
	y += float64(len(titleLines)) * f.titleSize * scene.LineHeight
	if subtitle != "" {
		sub := wrap(subtitle, f.subSize, false, o.Width-2*margin)
		f.add(&scene.Text{ID: "subtitle", X: margin, Y: y + 2, Lines: spans(sub, f.subSize, false, Muted)})
		y += 2 + float64(len(sub))*f.subSize*scene.LineHeight
	}
	f.x0, f.y0, f.x1, f.y1 = margin, y+14, o.Width-margin, o.Height-margin+8
	if o.Footer != "" {
		line := ellipsize(o.Footer, f.fs, false, o.Width-2*margin)
		f.add(&scene.Text{ID: "footer", X: margin, Y: o.Height - margin/2 - f.fs*scene.LineHeight,
			Lines: []scene.Span{{Text: line, Size: f.fs, Color: Muted}}})
		f.y1 = o.Height - margin/2 - f.fs*scene.LineHeight - 8
	}
	return f
}

func (f *frame) add(items ...scene.Item) { f.page.Items = append(f.page.Items, items...) }

// empty says on the page that there is nothing to chart, and why.
func (f *frame) empty(why string) *scene.Page {
	lines := wrap(why, f.subSize, false, f.x1-f.x0)
	f.add(&scene.Text{ID: "empty", X: f.x0, Y: f.y0 + 20, Lines: spans(lines, f.subSize, false, Ink)})
	f.page.Notes = why
	return f.page
}

func spans(lines []string, size float64, bold bool, c scene.Color) []scene.Span {
	out := make([]scene.Span, len(lines))
	for i, l := range lines {
		out[i] = scene.Span{Text: l, Size: size, Bold: bold, Color: c}
	}
	return out
}

// wrap breaks s into lines no wider than width at size (a single word wider
// than width is shortened with an ellipsis).
func wrap(s string, size float64, bold bool, width float64) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		try := w
		if cur != "" {
			try = cur + " " + w
		}
		if scene.TextWidth(try, size, bold, false) <= width {
			cur = try
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		cur = ellipsize(w, size, bold, width)
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// wrapMax wraps s into at most n lines; a cut last line ends in "…" at a
// word boundary.
func wrapMax(s string, size float64, bold bool, width float64, n int) []string {
	lines := wrap(s, size, bold, width)
	if len(lines) <= n {
		return lines
	}
	lines = lines[:n]
	last := lines[n-1] + " …"
	for scene.TextWidth(last, size, bold, false) > width {
		i := strings.LastIndex(strings.TrimSuffix(last, " …"), " ")
		if i <= 0 {
			return append(lines[:n-1], ellipsize(lines[n-1], size, bold, width))
		}
		last = last[:i] + " …"
	}
	lines[n-1] = last
	return lines
}

// ellipsize shortens s to width, ending in "…".
func ellipsize(s string, size float64, bold bool, width float64) string {
	if scene.TextWidth(s, size, bold, false) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && scene.TextWidth(string(r)+"…", size, bold, false) > width {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// data is what every chart reads: names and the segments (kind segment)
// with their figures.
type data struct {
	m        *graph.Map
	r        *analysis.Report
	currency string
	names    map[string]string
}

func newData(m *graph.Map, r *analysis.Report) (*data, error) {
	if m == nil || r == nil {
		return nil, errors.New("chart: a map and its analysis report are needed")
	}
	d := &data{m: m, r: r, names: map[string]string{}}
	if r.Currency != nil {
		d.currency = *r.Currency
	}
	for _, n := range m.Nodes {
		if n != nil && n.Name != "" {
			d.names[n.ID] = n.Name
		}
	}
	return d, nil
}

func (d *data) name(id string) string {
	if n, ok := d.names[id]; ok {
		return n
	}
	return id
}

func (d *data) money(v float64) string { return analysis.Money(d.currency, v) }

// segments are the report's segments of kind segment that keep satisfies.
func (d *data) segments(keep func(analysis.Segment) bool) []analysis.Segment {
	var out []analysis.Segment
	for _, s := range d.r.Segments {
		if s.Kind == string(graph.KindSegment) && keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// niceTicks returns round tick values covering [lo, hi], about n of them.
func niceTicks(lo, hi float64, n int) []float64 {
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Floor(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, v)
	}
	return out
}

func fmtNotes(lines []string) string { return strings.Join(lines, "\n") }

func percentOf(part, whole float64) string {
	if whole == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f %%", part/whole*100)
}

// Slide starts a page in the charts' style: title, subtitle (may be empty)
// and footer, and returns the area left for content (x0, y0)–(x1, y1).
// Other page builders (the deck) use it so every slide looks alike.
func Slide(title, subtitle string, o Options) (p *scene.Page, x0, y0, x1, y1 float64) {
	f := newFrame(title, subtitle, o.norm())
	return f.page, f.x0, f.y0, f.x1, f.y1
}

// Wrap breaks s into at most maxLines lines no wider than width at size
// (maxLines ≤ 0: no limit); a cut last line ends in "…" at a word boundary.
func Wrap(s string, size float64, bold bool, width float64, maxLines int) []string {
	if maxLines <= 0 {
		return wrap(s, size, bold, width)
	}
	return wrapMax(s, size, bold, width, maxLines)
}

// Shorten cuts s to width at size, ending in "…" when it had to cut.
func Shorten(s string, size float64, bold bool, width float64) string {
	return ellipsize(s, size, bold, width)
}
