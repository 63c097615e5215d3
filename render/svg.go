package render

import (
	"bufio"
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/render/scene"
)

// fontFamilies is the SVG font-family list: Liberation Sans first, then
// fonts with the same metrics (Arimo, Arial, Helvetica), so text measured
// with Liberation Sans fits its box wherever the SVG is shown.
const fontFamilies = `'Liberation Sans', Arimo, Arial, Helvetica, sans-serif`

// WriteSVG writes a page as a standalone SVG at its real size in points:
// role="img" with the page title and description as <title> and <desc>,
// every group's id and tooltip kept, all text escaped. With textAsPaths,
// text is drawn as glyph outlines (same look everywhere, not selectable).
func WriteSVG(w io.Writer, p *scene.Page, textAsPaths bool) error {
	bw := bufio.NewWriter(w)
	s := &svgWriter{w: bw, paths: textAsPaths}
	s.page(p)
	if s.err != nil {
		return s.err
	}
	return bw.Flush()
}

type svgWriter struct {
	w     *bufio.Writer
	err   error
	paths bool
}

func (s *svgWriter) put(parts ...string) {
	for _, p := range parts {
		if s.err == nil {
			_, s.err = s.w.WriteString(p)
		}
	}
}

// num writes a coordinate with at most two decimals.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

func esc(t string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(cleanText(t, false)))
	return b.String()
}

func colour(c scene.Color) string {
	if c.None() {
		return "none"
	}
	return hexColor(c)
}

func opacity(attr string, c scene.Color) string {
	if c.A == 0 || c.A == 255 {
		return ""
	}
	return " " + attr + `="` + num(float64(c.A)/255) + `"`
}

func (s *svgWriter) page(p *scene.Page) {
	s.put(`<?xml version="1.0" encoding="UTF-8"?>`+"\n",
		`<svg xmlns="http://www.w3.org/2000/svg" width="`, num(p.Width), `pt" height="`, num(p.Height), `pt" viewBox="0 0 `, num(p.Width), " ", num(p.Height),
		`" role="img" aria-labelledby="chanmap-title chanmap-desc" font-family="`, fontFamilies, `">`+"\n",
		`<title id="chanmap-title">`, esc(p.Title), "</title>\n",
		`<desc id="chanmap-desc">`, esc(p.Desc), "</desc>\n")
	if !p.Background.None() {
		s.put(`<rect width="100%" height="100%" fill="`, colour(p.Background), `"/>`+"\n")
	}
	s.items(p.Items)
	s.put("</svg>\n")
}

func (s *svgWriter) items(items []scene.Item) {
	for _, it := range items {
		switch v := it.(type) {
		case *scene.Group:
			s.put("<g")
			if v.ID != "" {
				s.put(` id="`, esc(v.ID), `"`)
				// The page finds nodes and edges by class and id.
				if strings.HasPrefix(v.ID, "node:") {
					s.put(` class="node"`)
				} else if strings.HasPrefix(v.ID, "edge:") {
					s.put(` class="edge"`)
				}
			}
			s.put(">")
			if v.Title != "" {
				s.put("<title>", esc(v.Title), "</title>")
			}
			s.put("\n")
			s.items(v.Items)
			s.put("</g>\n")
		case *scene.Box:
			s.box(v)
		case *scene.Line:
			s.line(v)
		case *scene.Text:
			y := v.Y
			for _, sp := range v.Lines {
				s.text(v.X, y+baseline(sp.Size), v.Align, sp)
				y += sp.Size * scene.LineHeight
			}
		}
	}
}

func pathData(segs []seg) string {
	var b strings.Builder
	for _, sg := range segs {
		b.WriteByte(sg.op)
		for i, p := range sg.pts {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(num(p.X))
			b.WriteByte(',')
			b.WriteString(num(p.Y))
		}
	}
	return b.String()
}

func (s *svgWriter) strokeAttrs(st scene.Stroke) string {
	if st.Color.None() {
		return ` stroke="none"`
	}
	w := st.Width
	if w == 0 {
		w = 1
	}
	a := ` stroke="` + colour(st.Color) + `" stroke-width="` + num(w) + `"` + opacity("stroke-opacity", st.Color)
	if len(st.Dash) > 0 {
		d := make([]string, len(st.Dash))
		for i, v := range st.Dash {
			d[i] = num(v)
		}
		a += ` stroke-dasharray="` + strings.Join(d, " ") + `"`
	}
	return a
}

func (s *svgWriter) box(b *scene.Box) {
	if !b.Fill.None() || !b.Stroke.Color.None() {
		s.put(`<path d="`, pathData(outline(b, 0)), `" fill="`, colour(b.Fill), `"`, opacity("fill-opacity", b.Fill), s.strokeAttrs(b.Stroke), "/>\n")
	}
	if b.Double {
		in := math.Max(1, b.Stroke.Width) + 1.5
		s.put(`<path d="`, pathData(outline(b, in)), `" fill="none"`, s.strokeAttrs(scene.Stroke{Color: b.Stroke.Color, Width: b.Stroke.Width}), "/>\n")
	}
	x := textX(b)
	for i, y := range boxBaselines(b) {
		s.text(x, y, b.Align, b.Lines[i])
	}
}

func (s *svgWriter) line(l *scene.Line) {
	if len(l.Points) < 2 {
		return
	}
	var d []seg
	d = append(d, seg{'M', l.Points[:1]})
	if l.Curve {
		for i := 1; i+2 < len(l.Points); i += 3 {
			d = append(d, seg{'C', l.Points[i : i+3]})
		}
	} else {
		for _, p := range l.Points[1:] {
			d = append(d, seg{'L', []scene.Point{p}})
		}
	}
	s.put(`<path d="`, pathData(d), `" fill="none"`, s.strokeAttrs(l.Stroke), "/>\n")
	if tip, a, b, ok := arrowHead(l); ok {
		fill := colour(l.Stroke.Color)
		if l.End == scene.ArrowOpen {
			fill = colour(white)
		}
		s.put(`<path d="`, pathData([]seg{{'M', []scene.Point{tip}}, {'L', []scene.Point{a}}, {'L', []scene.Point{b}}, {op: 'Z'}}),
			`" fill="`, fill, `"`, s.strokeAttrs(scene.Stroke{Color: l.Stroke.Color, Width: math.Min(1, l.Stroke.Width)}), "/>\n")
	}
}

func (s *svgWriter) text(x, y float64, align scene.Align, sp scene.Span) {
	if sp.Text == "" {
		return
	}
	if s.paths {
		d, err := glyphPath(sp, x, y, align)
		if err == nil {
			s.put(`<path d="`, d, `" fill="`, colour(sp.Color), `"`, opacity("fill-opacity", sp.Color), "><title>", esc(sp.Text), "</title></path>\n")
			return
		}
	}
	anchor := ""
	switch align {
	case scene.AlignCenter:
		anchor = ` text-anchor="middle"`
	case scene.AlignRight:
		anchor = ` text-anchor="end"`
	}
	weight := ""
	if sp.Bold {
		weight = ` font-weight="bold"`
	}
	if sp.Italic {
		weight += ` font-style="italic"`
	}
	// textLength holds the text to the width measured with Liberation
	// Sans, so a fallback font with other metrics still fits its box.
	s.put(`<text x="`, num(x), `" y="`, num(y), `" font-size="`, num(sp.Size), `"`, weight, anchor,
		` textLength="`, num(scene.SpanWidth(sp)), `" lengthAdjust="spacingAndGlyphs" fill="`, colour(sp.Color), `"`, opacity("fill-opacity", sp.Color), ">", esc(sp.Text), "</text>\n")
}
