// Package scene is a finished drawing in chanmap's own words: boxes, lines and
// texts at fixed positions on a page, measured in points, that any writer
// (SVG, PDF, PNG, PowerPoint) can put on paper without knowing what a channel
// map is or how it was laid out.
//
// Coordinates are points (1/72 inch) with the origin at the top left of the
// page and y growing downwards. Every string is plain text: writers escape.
// A scene is deterministic data: the same scene must give the same bytes.
package scene

// Color is an sRGB colour; A is opacity (255 opaque). The zero Color means
// "none" (no fill, no stroke).
type Color struct{ R, G, B, A uint8 }

// RGB is an opaque colour.
func RGB(r, g, b uint8) Color { return Color{r, g, b, 255} }

// None reports whether c draws nothing.
func (c Color) None() bool { return c.A == 0 }

// Point is a position on the page, in points.
type Point struct{ X, Y float64 }

// Page is one page of a document: a slide, or the whole drawing of one
// diagram. Title is the page's headline (a PowerPoint title placeholder, the
// SVG <title>); Desc says in words what the page shows (SVG <desc>, alt
// text); Notes are the speaker notes (the figures behind the page).
type Page struct {
	Width, Height float64
	Title         string
	Desc          string
	Notes         string
	Background    Color
	Items         []Item
}

// Item is one thing drawn on a page: *Group, *Box, *Line or *Text.
type Item interface{ item() }

// Group gathers the items of one thing a reader can point at (a node, an
// edge, a legend entry). ID is kept by writers that can (SVG id "node:acme",
// a PowerPoint group's name); Title is its tooltip or alt text.
type Group struct {
	ID    string
	Title string
	Items []Item
}

// Shape is the outline of a Box.
type Shape int

// The shapes. Writers map each to their nearest native form (PowerPoint
// preset geometries have one of each).
const (
	Rect Shape = iota
	RoundRect
	Ellipse
	Hexagon
	Diamond
	Parallelogram
	Cylinder
	Folder // a note-like box with a tab (products)
)

// Stroke is how an outline or a line is drawn.
type Stroke struct {
	Color Color
	Width float64   // points; 0 with a visible Color means 1
	Dash  []float64 // on/off lengths in points; empty is solid
}

// Align is where text sits relative to its anchor.
type Align int

// Alignments.
const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)

// Span is one line of text inside a box or a text item.
type Span struct {
	Text   string
	Size   float64 // font size in points at the page's real size
	Bold   bool
	Italic bool
	Color  Color
}

// Box is a shape with optional text centred inside it, line by line (the
// writer does not wrap: whoever built the scene measured and wrapped). A
// PowerPoint writer makes it one shape carrying its text.
type Box struct {
	ID         string
	Shape      Shape
	X, Y, W, H float64 // top-left corner and size
	Fill       Color
	Stroke     Stroke
	Double     bool // a second outline inside the first
	Lines      []Span
	Align      Align // horizontal alignment of Lines; vertical is centred
	Padding    float64
}

// Arrow is a line end.
type Arrow int

// Line ends.
const (
	ArrowNone Arrow = iota
	ArrowNormal
	ArrowOpen
	ArrowDot
)

// Line is an open path. With Curve false it is a polyline through Points;
// with Curve true Points are a cubic Bézier chain as Graphviz routes edges:
// P0, then three points (c1, c2, end) per segment.
type Line struct {
	ID     string
	Points []Point
	Curve  bool
	Stroke Stroke
	Start  Arrow
	End    Arrow
}

// Text is free text: Lines stacked downwards from Y (the top of the first
// line), aligned on X as Align says.
type Text struct {
	ID    string
	X, Y  float64
	Align Align
	Lines []Span
}

func (*Group) item() {}
func (*Box) item()   {}
func (*Line) item()  {}
func (*Text) item()  {}

// Walk calls fn for every item of items, depth first, groups before their
// members.
func Walk(items []Item, fn func(Item)) {
	for _, it := range items {
		fn(it)
		if g, ok := it.(*Group); ok {
			Walk(g.Items, fn)
		}
	}
}

// SmallestText returns the smallest font size on the page (0 when the page
// has no text), for checks that every text is readable at the page's real
// size.
func (p *Page) SmallestText() float64 {
	min := 0.0
	see := func(spans []Span) {
		for _, s := range spans {
			if s.Text != "" && (min == 0 || s.Size < min) {
				min = s.Size
			}
		}
	}
	Walk(p.Items, func(it Item) {
		switch v := it.(type) {
		case *Box:
			see(v.Lines)
		case *Text:
			see(v.Lines)
		}
	})
	return min
}
