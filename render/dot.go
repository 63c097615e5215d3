package render

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/render/scene"
)

// FontName is the font the DOT asks for. Graphviz lays text out with its
// built-in Helvetica/Arial metrics for it; Liberation Sans has the same
// metrics.
const FontName = scene.FontFamily

// Font sizes in points.
const (
	titleSize  = 18
	textSize   = 11
	smallSize  = 9
	edgeSize   = 9
	laneSize   = 12
	legendSize = 10
)

// safeID matches ids that can be written into DOT as they are (quoted):
// the map's own slugs. Anything else gets a generated id.
var safeID = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// WriteDOT writes d as Graphviz DOT text: the second render step. All
// escaping of user text happens here: labels are HTML-like labels with every
// character of user text escaped as an XML entity where needed, tooltips are
// escaped DOT strings, and node ids are either the map's slugs or generated.
// The output depends only on d: the same Diagram gives the same bytes.
func WriteDOT(w io.Writer, d *Diagram) error {
	bw := bufio.NewWriter(w)
	p := &dotWriter{w: bw, ids: map[string]string{}}
	p.write(d)
	if p.err != nil {
		return fmt.Errorf("render: writing DOT: %w", p.err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render: writing DOT: %w", err)
	}
	return nil
}

type dotWriter struct {
	w   *bufio.Writer
	err error
	ids map[string]string // diagram node id -> DOT id
	n   int
}

func (p *dotWriter) printf(format string, a ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, a...)
	}
}

// id returns the DOT id (already quoted) of a diagram node id.
func (p *dotWriter) id(s string) string {
	if q, ok := p.ids[s]; ok {
		return q
	}
	var q string
	if safeID.MatchString(s) {
		q = `"` + s + `"`
	} else {
		p.n++
		q = `"_n` + strconv.Itoa(p.n) + `"`
	}
	p.ids[s] = q
	return q
}

func (p *dotWriter) write(d *Diagram) {
	// Generated ids follow node order, so assign them before any edge.
	for _, n := range d.Nodes {
		p.id(n.ID)
	}
	p.printf("digraph \"chanmap\" {\n")
	title := `<<FONT POINT-SIZE="` + strconv.Itoa(titleSize) + `"><B>` + htmlText(d.Title) + `</B></FONT><BR ALIGN="LEFT"/>`
	for _, s := range append([]string{d.Subtitle}, d.Notes...) {
		title += `<FONT POINT-SIZE="` + strconv.Itoa(smallSize+1) + `" COLOR="` + hexColor(greyText) + `">` + htmlText(s) + `</FONT><BR ALIGN="LEFT"/>`
	}
	title += `>`
	p.printf("\tgraph [rankdir=LR, newrank=true, compound=false, fontname=%s, fontsize=%d, labelloc=t, labeljust=l, label=%s, tooltip=%s, nodesep=0.25, ranksep=0.7, pad=0.3, bgcolor=%s];\n",
		quote(FontName), textSize, title, escString(d.Title), quote(hexColor(white)))
	p.printf("\tnode [fontname=%s, fontsize=%d, margin=\"0.14,0.07\", style=filled];\n", quote(FontName), textSize)
	p.printf("\tedge [fontname=%s, fontsize=%d, arrowsize=0.7, fontcolor=%s];\n", quote(FontName), edgeSize, quote(hexColor(paletteOf(ThemeDefault).labelText)))

	byLane := map[string][]Node{}
	for _, n := range d.Nodes {
		byLane[n.Lane] = append(byLane[n.Lane], n)
	}
	for _, l := range d.Lanes {
		p.printf("\tsubgraph %s {\n", quote("cluster_"+l.ID))
		p.printf("\t\tlabel=<<B>%s</B>>; fontsize=%d; fontcolor=%s; style=\"filled,rounded\"; fillcolor=%s; color=%s; margin=12; rank=same;\n", htmlText(l.Label), laneSize,
			quote(hexColor(greyText)), quote(hexColor(paletteOf(ThemeDefault).band)), quote(hexColor(paletteOf(ThemeDefault).bandLine)))
		for _, n := range byLane[l.ID] {
			p.printf("\t\t%s [%s];\n", p.id(n.ID), nodeAttrs(n, n.Lines))
		}
		p.printf("\t}\n")
	}
	// Keep lanes in order left to right even where no edge links them.
	for i := 1; i < len(d.Lanes); i++ {
		a, b := byLane[d.Lanes[i-1].ID], byLane[d.Lanes[i].ID]
		p.printf("\t%s -> %s [style=invis, weight=0];\n", p.id(a[0].ID), p.id(b[0].ID))
	}
	for _, e := range d.Edges {
		p.printf("\t%s -> %s [%s];\n", p.id(e.From), p.id(e.To), edgeAttrs(e))
	}
	after := ""
	if len(d.Lanes) > 0 {
		last := byLane[d.Lanes[len(d.Lanes)-1].ID]
		after = p.id(last[0].ID)
	}
	p.writeLegend(d.Legend, after)
	p.printf("}\n")
}

// writeLegend draws the legend as one table: a sample swatch or line and
// its meaning per row. It is placed right of the last lane.
func (p *dotWriter) writeLegend(entries []LegendEntry, after string) {
	if len(entries) == 0 {
		return
	}
	var sb strings.Builder
	sb.WriteString(`<<TABLE BORDER="1" COLOR="` + hexColor(lineGrey) + `" CELLBORDER="0" CELLSPACING="4" CELLPADDING="2" BGCOLOR="` + hexColor(white) + `" STYLE="rounded">`)
	sb.WriteString(`<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B></TD></TR>`)
	for _, le := range entries {
		var swatch string
		switch le.Kind {
		case LegendBox:
			n := le.Node
			style := ""
			switch {
			case n.Dash == Dashed:
				style = ` STYLE="dashed"`
			case n.Dash == Dotted:
				style = ` STYLE="dotted"`
			case n.Shape != scene.Rect:
				style = ` STYLE="rounded"`
			}
			border := int(math.Max(1, math.Round(n.PenWidth)))
			if n.Double {
				border = 3
			}
			swatch = fmt.Sprintf(`<TD WIDTH="36" HEIGHT="16" FIXEDSIZE="TRUE" BORDER="%d" COLOR="%s" BGCOLOR="%s"%s> </TD>`,
				border, hexColor(n.Stroke), hexColor(n.Fill), style)
		case LegendLine:
			e := le.Edge
			style := ""
			if e.Style != Solid {
				style = ` STYLE="` + dotStyle(e.Style) + `"`
			}
			w := int(math.Max(1, math.Round(e.Width)))
			swatch = fmt.Sprintf(`<TD WIDTH="36" HEIGHT="8" FIXEDSIZE="TRUE" SIDES="B" BORDER="%d" COLOR="%s"%s> </TD>`,
				w, hexColor(e.Color), style)
		case LegendBar:
			swatch = fmt.Sprintf(`<TD WIDTH="36" HEIGHT="16" FIXEDSIZE="TRUE" BGCOLOR="%s:%s"> </TD>`, hexColor(heat(-1, 1)), hexColor(heat(1, 1)))
		default:
			continue
		}
		sb.WriteString(`<TR>` + swatch + `<TD ALIGN="LEFT"><FONT POINT-SIZE="` + strconv.Itoa(legendSize) + `">` + htmlText(le.Label) + `</FONT></TD></TR>`)
	}
	sb.WriteString(`</TABLE>>`)
	p.printf("\t\"_legend\" [shape=plaintext, style=\"\", margin=0, label=%s];\n", sb.String())
	if after != "" {
		p.printf("\t%s -> \"_legend\" [style=invis];\n", after)
	}
}

// dotShape is the DOT shape nearest to a scene shape.
func dotShape(s scene.Shape) string {
	switch s {
	case scene.Ellipse:
		return "ellipse"
	case scene.Hexagon:
		return "hexagon"
	case scene.Parallelogram:
		return "parallelogram"
	case scene.Cylinder:
		return "cylinder"
	case scene.Folder:
		return "note"
	case scene.Diamond:
		return "diamond"
	}
	return "box"
}

func dotStyle(l LineStyle) string {
	switch l {
	case Dashed:
		return "dashed"
	case Dotted:
		return "dotted"
	}
	return "solid"
}

// hexColor writes c as #rrggbb.
func hexColor(c scene.Color) string {
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

// nodeAttrs returns the attribute list of a box with the given label lines.
func nodeAttrs(n Node, lines []Line) string {
	style := []string{"filled"}
	if n.Shape == scene.RoundRect {
		style = append(style, "rounded")
	}
	if n.Dash != Solid {
		style = append(style, dotStyle(n.Dash))
	}
	attrs := []string{
		"shape=" + quote(dotShape(n.Shape)),
		"style=" + quote(strings.Join(style, ",")),
		"fillcolor=" + quote(hexColor(n.Fill)),
		"color=" + quote(hexColor(n.Stroke)),
		"fontcolor=" + quote(hexColor(n.Text)),
	}
	if n.PenWidth > 0 && n.PenWidth != 1 {
		attrs = append(attrs, "penwidth="+strconv.FormatFloat(n.PenWidth, 'f', -1, 64))
	}
	if n.Double {
		attrs = append(attrs, "peripheries=2")
	}
	attrs = append(attrs, "label="+htmlLines(lines, textSize))
	if n.Tooltip != "" {
		attrs = append(attrs, "tooltip="+escString(n.Tooltip))
	}
	if n.Count == 0 && isSlug(n.ID) {
		attrs = append(attrs, "id="+quote("node:"+n.ID))
	}
	return strings.Join(attrs, ", ")
}

func edgeAttrs(e Edge) string {
	arrow := "normal"
	switch e.Arrow {
	case scene.ArrowOpen:
		arrow = "empty"
	case scene.ArrowNone:
		arrow = "none"
	case scene.ArrowDot:
		arrow = "odot"
	}
	attrs := []string{
		"style=" + quote(dotStyle(e.Style)),
		"color=" + quote(hexColor(e.Color)),
		"arrowhead=" + quote(arrow),
	}
	if e.Width > 0 && e.Width != 1 {
		attrs = append(attrs, "penwidth="+strconv.FormatFloat(e.Width, 'f', -1, 64))
	}
	if e.Kind == "partners_with" {
		attrs = append(attrs, "constraint=false")
	}
	if e.Label != "" {
		attrs = append(attrs, "label="+htmlLines([]Line{{Text: e.Label}}, edgeSize))
	}
	if e.Tooltip != "" {
		attrs = append(attrs, "tooltip="+escString(e.Tooltip), "labeltooltip="+escString(e.Tooltip))
	}
	if e.Count == 0 && isSlug(e.Key) {
		attrs = append(attrs, "id="+quote("edge:"+e.Key))
	}
	return strings.Join(attrs, ", ")
}

// htmlLines writes label lines as an HTML-like label.
func htmlLines(lines []Line, size int) string {
	var sb strings.Builder
	sb.WriteString("<")
	for i, l := range lines {
		if i > 0 {
			sb.WriteString(`<BR/>`)
		}
		t := htmlText(l.Text)
		if t == "" {
			t = " "
		}
		if l.Bold {
			t = "<B>" + t + "</B>"
		}
		var fa []string
		if l.Small && size > smallSize {
			fa = append(fa, `POINT-SIZE="`+strconv.Itoa(smallSize)+`"`)
		}
		if len(fa) > 0 {
			t = "<FONT " + strings.Join(fa, " ") + ">" + t + "</FONT>"
		}
		sb.WriteString(t)
	}
	if len(lines) == 0 {
		sb.WriteString(" ")
	}
	sb.WriteString(">")
	return sb.String()
}

// htmlText escapes user text for an HTML-like label: the XML specials become
// entities, so no user text can open or close markup. Text is cleaned first
// (see cleanText) and put on one line.
func htmlText(s string) string {
	s = cleanText(s, true)
	var sb strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			sb.WriteString("&amp;")
		case '<':
			sb.WriteString("&lt;")
		case '>':
			sb.WriteString("&gt;")
		case '"':
			sb.WriteString("&quot;")
		case '\'':
			sb.WriteString("&#39;")
		case '\\':
			// Graphviz reads backslash escapes (\N: the node name) in label
			// text after decoding entities; two escaped backslashes read
			// back as one.
			sb.WriteString("&#92;&#92;")
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// quote writes a constant or generated value as a DOT string. It is only for
// values this package chooses (colours, shapes, ids); user text goes through
// htmlText or escString.
// isSlug reports whether s is made of the characters of node ids and edge
// keys only ([a-z0-9_-], not starting with '-' or '_'), so it can be written
// as an SVG element id without escaping. The page finds nodes and edges by
// these ids ("node:ID", "edge:KEY"); anything else keeps Graphviz's own id.
func isSlug(s string) bool {
	if s == "" || s[0] == '-' || s[0] == '_' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func quote(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, ``), `"`, ``) + `"`
}

// escString writes user text as a DOT string for tooltips. Graphviz decodes
// entities in tooltips and then reads backslash escapes in two passes (\N
// becomes the node name), so no backslash, quote or markup is written raw:
// '&', '"', '<', '>' and line breaks become entities, and a backslash becomes
// four backslash entities, which the two escape passes read back as one.
func escString(s string) string {
	s = cleanText(s, false)
	var sb strings.Builder
	sb.WriteByte('"')
	for _, r := range s {
		switch r {
		case '&':
			sb.WriteString("&amp;")
		case '\\':
			sb.WriteString("&#92;&#92;&#92;&#92;")
		case '"':
			sb.WriteString("&quot;")
		case '<':
			sb.WriteString("&lt;")
		case '>':
			sb.WriteString("&gt;")
		case '\n':
			sb.WriteString("&#10;")
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}
