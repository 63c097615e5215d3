package pptx

import (
	"encoding/xml"
	"fmt"
	"math"
	"strings"
	"unicode"

	"github.com/chanmap/chanmap/render/scene"
)

// esc makes s safe as XML character data or an attribute value: markup
// characters become entities, line breaks and tabs become spaces (a span is
// one line), other control characters and anything XML 1.0 cannot carry
// become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(clean(s))) // writing to a strings.Builder cannot fail
	return b.String()
}

// clean is the text a reader sees: line breaks and tabs as spaces, control
// characters as U+FFFD.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfffe || r == 0xffff:
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

func xfrm(x, y, cx, cy int64) string {
	return fmt.Sprintf(`<a:xfrm><a:off x="%d" y="%d"/><a:ext cx="%d" cy="%d"/></a:xfrm>`, x, y, cx, cy)
}

// slideWriter writes one slide's shape tree; ids number the shapes.
type slideWriter struct {
	b       strings.Builder
	id      int
	title   string
	titled  bool // the title placeholder is written
	depth   int  // groups open: a placeholder cannot be inside a group
	pageW   int64
	pageH   int64
	counter map[string]int
	font    string // the typeface of every run
}

func slideXML(p *scene.Page, cx, cy int64, font string) string {
	w := &slideWriter{id: 1, title: strings.TrimSpace(p.Title), pageW: cx, pageH: cy, counter: map[string]int{}, font: font}
	w.b.WriteString(xmlHeader)
	w.b.WriteString(`<p:sld ` + nsAll + `><p:cSld>`)
	if !p.Background.None() {
		w.b.WriteString(`<p:bg><p:bgPr>` + solid(p.Background) + `<a:effectLst/></p:bgPr></p:bg>`)
	}
	w.b.WriteString(`<p:spTree>` + spTreeHead)
	for _, it := range p.Items {
		w.item(it)
	}
	if !w.titled && w.title != "" {
		// The page does not draw its title: keep it as the slide's title
		// (outline, accessibility, slide sorter) but hidden, so the slide
		// looks like the page.
		w.titlePlaceholder(nil, true)
	}
	w.b.WriteString(`</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>`)
	return w.b.String()
}

func (w *slideWriter) nextID() int { w.id++; return w.id }

// name is the shape's name in PowerPoint's selection pane: the scene id, or
// "Box 3" style names.
func (w *slideWriter) name(id, kind string) string {
	if id != "" {
		return id
	}
	w.counter[kind]++
	return fmt.Sprintf("%s %d", kind, w.counter[kind])
}

func (w *slideWriter) item(it scene.Item) {
	switch v := it.(type) {
	case *scene.Group:
		w.group(v)
	case *scene.Box:
		w.box(v)
	case *scene.Line:
		w.line(v)
	case *scene.Text:
		if !w.titled && w.depth == 0 && w.title != "" && joined(v.Lines) == w.title {
			w.titlePlaceholder(v, false)
			return
		}
		w.text(v)
	}
}

func joined(ss []scene.Span) string {
	parts := make([]string, 0, len(ss))
	for _, s := range ss {
		if t := strings.TrimSpace(s.Text); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " ")
}

// bounds is a rectangle in points.
type bounds struct{ x0, y0, x1, y1 float64 }

func (b *bounds) add(o bounds, ok bool) bool {
	if !ok {
		*b = o
		return true
	}
	b.x0, b.y0 = math.Min(b.x0, o.x0), math.Min(b.y0, o.y0)
	b.x1, b.y1 = math.Max(b.x1, o.x1), math.Max(b.y1, o.y1)
	return true
}

func itemBounds(it scene.Item) (bounds, bool) {
	switch v := it.(type) {
	case *scene.Box:
		return bounds{v.X, v.Y, v.X + v.W, v.Y + v.H}, true
	case *scene.Line:
		return lineBounds(v), true
	case *scene.Text:
		x, y, cw, ch := textFrame(v)
		return bounds{x, y, x + cw, y + ch}, true
	case *scene.Group:
		var b bounds
		ok := false
		for _, c := range v.Items {
			if cb, cok := itemBounds(c); cok {
				ok = b.add(cb, ok)
			}
		}
		return b, ok
	}
	return bounds{}, false
}

func lineBounds(l *scene.Line) bounds {
	b := bounds{l.Points[0].X, l.Points[0].Y, l.Points[0].X, l.Points[0].Y}
	for _, p := range l.Points[1:] {
		b.add(bounds{p.X, p.Y, p.X, p.Y}, true)
	}
	return b
}

func (w *slideWriter) group(g *scene.Group) {
	b, ok := itemBounds(g)
	if !ok {
		return
	}
	x, y, cx, cy := emu(b.x0), emu(b.y0), emu(b.x1-b.x0), emu(b.y1-b.y0)
	descr := ""
	if g.Title != "" {
		descr = ` descr="` + esc(g.Title) + `"`
	}
	fmt.Fprintf(&w.b, `<p:grpSp><p:nvGrpSpPr><p:cNvPr id="%d" name="%s"%s/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>`,
		w.nextID(), esc(w.name(g.ID, "Group")), descr)
	fmt.Fprintf(&w.b, `<p:grpSpPr><a:xfrm><a:off x="%d" y="%d"/><a:ext cx="%d" cy="%d"/><a:chOff x="%d" y="%d"/><a:chExt cx="%d" cy="%d"/></a:xfrm></p:grpSpPr>`,
		x, y, cx, cy, x, y, cx, cy)
	w.depth++
	for _, it := range g.Items {
		w.item(it)
	}
	w.depth--
	w.b.WriteString(`</p:grpSp>`)
}

// presets maps every scene shape to the nearest PowerPoint preset geometry.
var presets = map[scene.Shape]string{
	scene.Rect:          "rect",
	scene.RoundRect:     "roundRect",
	scene.Ellipse:       "ellipse",
	scene.Hexagon:       "hexagon",
	scene.Diamond:       "diamond",
	scene.Parallelogram: "parallelogram",
	scene.Cylinder:      "can",
	scene.Folder:        "foldedCorner",
}

func (w *slideWriter) box(v *scene.Box) {
	prst, ok := presets[v.Shape]
	if !ok {
		prst = "rect"
	}
	fmt.Fprintf(&w.b, `<p:sp><p:nvSpPr><p:cNvPr id="%d" name="%s"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr>`, w.nextID(), esc(w.name(v.ID, "Box")))
	w.b.WriteString(`<p:spPr>` + xfrm(emu(v.X), emu(v.Y), emu(v.W), emu(v.H)))
	w.b.WriteString(`<a:prstGeom prst="` + prst + `"><a:avLst/></a:prstGeom>`)
	w.b.WriteString(fill(v.Fill))
	w.b.WriteString(outline(v.Stroke, v.Double, scene.ArrowNone, scene.ArrowNone))
	w.b.WriteString(`</p:spPr>`)
	pad := emu(v.Padding)
	fmt.Fprintf(&w.b, `<p:txBody><a:bodyPr wrap="none" lIns="%d" tIns="%d" rIns="%d" bIns="%d" anchor="ctr" rtlCol="0"><a:noAutofit/></a:bodyPr><a:lstStyle/>`,
		pad, pad, pad, pad)
	w.paragraphs(v.Lines, v.Align)
	w.b.WriteString(`</p:txBody></p:sp>`)
}

// textFrame is the frame of a free text in points: as wide as its widest
// line, as tall as its lines, placed by its alignment on X.
func textFrame(v *scene.Text) (x, y, cw, ch float64) {
	for _, s := range v.Lines {
		cw = math.Max(cw, scene.SpanWidth(s))
		ch += s.Size * scene.LineHeight
	}
	// A little room, so a renderer whose kerning or rounding differs does
	// not break a line that was measured to fit.
	cw += 2
	switch v.Align {
	case scene.AlignCenter:
		x = v.X - cw/2
	case scene.AlignRight:
		x = v.X - cw
	default:
		x = v.X
	}
	return x, v.Y, cw, ch
}

func (w *slideWriter) text(v *scene.Text) {
	x, y, cw, ch := textFrame(v)
	fmt.Fprintf(&w.b, `<p:sp><p:nvSpPr><p:cNvPr id="%d" name="%s"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>`, w.nextID(), esc(w.name(v.ID, "Text")))
	w.b.WriteString(`<p:spPr>` + xfrm(emu(x), emu(y), emu(cw), emu(ch)) + `<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr>`)
	w.b.WriteString(`<p:txBody><a:bodyPr wrap="none" lIns="0" tIns="0" rIns="0" bIns="0" anchor="t" rtlCol="0"><a:noAutofit/></a:bodyPr><a:lstStyle/>`)
	w.paragraphs(v.Lines, v.Align)
	w.b.WriteString(`</p:txBody></p:sp>`)
}

// titlePlaceholder writes the slide's title placeholder: in the place and
// style of the text that draws the title, or hidden at the master's place.
func (w *slideWriter) titlePlaceholder(v *scene.Text, hidden bool) {
	w.titled = true
	h := ""
	if hidden {
		h = ` hidden="1"`
	}
	fmt.Fprintf(&w.b, `<p:sp><p:nvSpPr><p:cNvPr id="%d" name="Title"%s/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr>`, w.nextID(), h)
	if v == nil {
		w.b.WriteString(`<p:spPr>` + titleFrame(w.pageW, w.pageH) + `</p:spPr>`)
		w.b.WriteString(`<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="en-US" dirty="0"/><a:t>` + esc(w.title) + `</a:t></a:r></a:p></p:txBody></p:sp>`)
		return
	}
	x, y, cw, ch := textFrame(v)
	w.b.WriteString(`<p:spPr>` + xfrm(emu(x), emu(y), emu(cw), emu(ch)) + `</p:spPr>`)
	w.b.WriteString(`<p:txBody><a:bodyPr wrap="none" lIns="0" tIns="0" rIns="0" bIns="0" anchor="t" rtlCol="0"><a:noAutofit/></a:bodyPr><a:lstStyle/>`)
	w.paragraphs(v.Lines, v.Align)
	w.b.WriteString(`</p:txBody></p:sp>`)
}

var algn = map[scene.Align]string{scene.AlignLeft: "l", scene.AlignCenter: "ctr", scene.AlignRight: "r"}

// paragraphs writes one paragraph per span, at the span's size, weight and
// colour, in the font the scene measured with.
func (w *slideWriter) paragraphs(lines []scene.Span, a scene.Align) {
	if len(lines) == 0 {
		w.b.WriteString(`<a:p><a:endParaRPr lang="en-US" dirty="0"/></a:p>`)
		return
	}
	for _, s := range lines {
		fmt.Fprintf(&w.b, `<a:p><a:pPr algn="%s"><a:lnSpc><a:spcPct val="100000"/></a:lnSpc><a:spcBef><a:spcPts val="0"/></a:spcBef><a:spcAft><a:spcPts val="0"/></a:spcAft><a:buNone/></a:pPr>`, algn[a])
		rpr := fmt.Sprintf(`lang="en-US" sz="%d"`, int(math.Round(s.Size*100)))
		if s.Bold {
			rpr += ` b="1"`
		}
		if s.Italic {
			rpr += ` i="1"`
		}
		font := ``
		if !s.Color.None() {
			font = solid(s.Color)
		}
		font += `<a:latin typeface="` + w.font + `"/><a:cs typeface="` + w.font + `"/>`
		if s.Text == "" {
			fmt.Fprintf(&w.b, `<a:endParaRPr %s dirty="0">%s</a:endParaRPr></a:p>`, rpr, font)
			continue
		}
		fmt.Fprintf(&w.b, `<a:r><a:rPr %s dirty="0">%s</a:rPr><a:t>%s</a:t></a:r></a:p>`, rpr, font, esc(s.Text))
	}
}

func (w *slideWriter) line(v *scene.Line) {
	b := lineBounds(v)
	x0, y0 := emu(b.x0), emu(b.y0)
	cx, cy := max(emu(b.x1-b.x0), 1), max(emu(b.y1-b.y0), 1)
	fmt.Fprintf(&w.b, `<p:sp><p:nvSpPr><p:cNvPr id="%d" name="%s"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr>`, w.nextID(), esc(w.name(v.ID, "Line")))
	w.b.WriteString(`<p:spPr>` + xfrm(x0, y0, cx, cy))
	w.b.WriteString(`<a:custGeom><a:avLst/><a:gdLst/><a:ahLst/><a:cxnLst/><a:rect l="0" t="0" r="r" b="b"/><a:pathLst>`)
	fmt.Fprintf(&w.b, `<a:path w="%d" h="%d" fill="none">`, cx, cy)
	pt := func(p scene.Point) string {
		return fmt.Sprintf(`<a:pt x="%d" y="%d"/>`, emu(p.X)-x0, emu(p.Y)-y0)
	}
	w.b.WriteString(`<a:moveTo>` + pt(v.Points[0]) + `</a:moveTo>`)
	if v.Curve {
		for i := 1; i+2 < len(v.Points); i += 3 {
			w.b.WriteString(`<a:cubicBezTo>` + pt(v.Points[i]) + pt(v.Points[i+1]) + pt(v.Points[i+2]) + `</a:cubicBezTo>`)
		}
	} else {
		for _, p := range v.Points[1:] {
			w.b.WriteString(`<a:lnTo>` + pt(p) + `</a:lnTo>`)
		}
	}
	w.b.WriteString(`</a:path></a:pathLst></a:custGeom><a:noFill/>`)
	st := v.Stroke
	if st.Color.None() {
		st.Color = scene.RGB(0, 0, 0)
	}
	w.b.WriteString(outline(st, false, v.Start, v.End))
	w.b.WriteString(`</p:spPr></p:sp>`)
}

func solid(c scene.Color) string {
	if c.A < 255 {
		return fmt.Sprintf(`<a:solidFill><a:srgbClr val="%02X%02X%02X"><a:alpha val="%d"/></a:srgbClr></a:solidFill>`,
			c.R, c.G, c.B, int(math.Round(float64(c.A)/255*100000)))
	}
	return fmt.Sprintf(`<a:solidFill><a:srgbClr val="%02X%02X%02X"/></a:solidFill>`, c.R, c.G, c.B)
}

func fill(c scene.Color) string {
	if c.None() {
		return `<a:noFill/>`
	}
	return solid(c)
}

var arrowTypes = map[scene.Arrow]string{scene.ArrowNormal: "triangle", scene.ArrowOpen: "arrow", scene.ArrowDot: "oval"}

// outline is the a:ln of a shape or line: colour, width, dash as multiples
// of the width, a double (compound) line, and arrowheads (head = the path's
// start, tail = its end).
func outline(s scene.Stroke, double bool, start, end scene.Arrow) string {
	if s.Color.None() {
		return `<a:ln><a:noFill/></a:ln>`
	}
	width := s.Width
	if width <= 0 {
		width = 1
	}
	cmpd := ""
	if double {
		cmpd = ` cmpd="dbl"`
		width = math.Max(width*3, 3)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<a:ln w="%d"%s>%s`, emu(width), cmpd, solid(s.Color))
	if len(s.Dash) >= 2 {
		b.WriteString(`<a:custDash>`)
		for i := 0; i+1 < len(s.Dash); i += 2 {
			fmt.Fprintf(&b, `<a:ds d="%d" sp="%d"/>`, dashPct(s.Dash[i], width), dashPct(s.Dash[i+1], width))
		}
		b.WriteString(`</a:custDash>`)
	} else {
		b.WriteString(`<a:prstDash val="solid"/>`)
	}
	b.WriteString(`<a:round/>`)
	for _, e := range []struct {
		tag string
		a   scene.Arrow
	}{{"headEnd", start}, {"tailEnd", end}} {
		if t, ok := arrowTypes[e.a]; ok {
			fmt.Fprintf(&b, `<a:%s type="%s" w="med" len="med"/>`, e.tag, t)
		}
	}
	b.WriteString(`</a:ln>`)
	return b.String()
}

// dashPct is a dash length as thousandths of a per cent of the line width.
func dashPct(length, width float64) int64 {
	return max(int64(math.Round(length/width*100000)), 1)
}

// notesXML is a notes slide: the slide picture and the notes, one paragraph
// per line.
func notesXML(notes string) string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<p:notes ` + nsAll + `><p:cSld><p:spTree>` + spTreeHead)
	b.WriteString(`<p:sp><p:nvSpPr><p:cNvPr id="2" name="Slide Image 1"/><p:cNvSpPr><a:spLocks noGrp="1" noRot="1" noChangeAspect="1"/></p:cNvSpPr><p:nvPr><p:ph type="sldImg"/></p:nvPr></p:nvSpPr><p:spPr>` + notesImageFrame() + `</p:spPr></p:sp>`)
	b.WriteString(`<p:sp><p:nvSpPr><p:cNvPr id="3" name="Notes 2"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr><p:spPr>` + notesBodyFrame() + `</p:spPr>`)
	b.WriteString(`<p:txBody><a:bodyPr/><a:lstStyle/>`)
	for _, line := range strings.Split(strings.ReplaceAll(strings.TrimRight(notes, "\n"), "\r\n", "\n"), "\n") {
		if line == "" {
			b.WriteString(`<a:p><a:endParaRPr lang="en-US" dirty="0"/></a:p>`)
			continue
		}
		b.WriteString(`<a:p><a:r><a:rPr lang="en-US" dirty="0"/><a:t>` + esc(line) + `</a:t></a:r></a:p>`)
	}
	b.WriteString(`</p:txBody></p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>`)
	return b.String()
}
