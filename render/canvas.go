package render

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"sync"

	"github.com/chanmap/chanmap/render/scene"
	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansbolditalic"
	"github.com/go-fonts/liberation/liberationsansitalic"
	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/tdewolff/canvas"
	"github.com/tdewolff/canvas/renderers/pdf"
	"github.com/tdewolff/canvas/renderers/rasterizer"
)

// mmPerPt converts points (the scene's unit) to millimetres (canvas's).
const mmPerPt = 25.4 / 72

// PNG size: 2 pixels per point (a 16:9 slide is 1920 x 1080), scaled down
// so that no side passes 8000 pixels and the picture stays under 32
// million pixels.
const (
	pngScale   = 2.0
	pngMaxSide = 8000
	pngMaxArea = 32e6
)

// newFamily loads Liberation Sans (compiled in). A PDF document gets a
// family of its own: the PDF writer keeps per-font subsetting state, and a
// shared family would make one document's bytes depend on the documents
// written before it.
func newFamily() (*canvas.FontFamily, error) {
	f := canvas.NewFontFamily(scene.FontFamily)
	for _, ff := range []struct {
		ttf   []byte
		style canvas.FontStyle
	}{
		{liberationsansregular.TTF, canvas.FontRegular},
		{liberationsansbold.TTF, canvas.FontBold},
		{liberationsansitalic.TTF, canvas.FontItalic},
		{liberationsansbolditalic.TTF, canvas.FontBold | canvas.FontItalic},
	} {
		if err := f.LoadFont(ff.ttf, 0, ff.style); err != nil {
			return nil, fmt.Errorf("loading %s: %w", scene.FontFamily, err)
		}
	}
	return f, nil
}

var shared struct {
	once   sync.Once
	family *canvas.FontFamily
	err    error
}

// family is the process's Liberation Sans for rasterising and outlines.
func family() (*canvas.FontFamily, error) {
	shared.once.Do(func() { shared.family, shared.err = newFamily() })
	return shared.family, shared.err
}

func rgba(c scene.Color) color.RGBA {
	// canvas takes premultiplied colours.
	a := uint16(c.A)
	return color.RGBA{uint8(uint16(c.R) * a / 255), uint8(uint16(c.G) * a / 255), uint8(uint16(c.B) * a / 255), c.A}
}

func face(fam *canvas.FontFamily, sp scene.Span) *canvas.FontFace {
	style := canvas.FontRegular
	if sp.Bold {
		style |= canvas.FontBold
	}
	if sp.Italic {
		style |= canvas.FontItalic
	}
	return fam.Face(sp.Size, rgba(sp.Color), style, canvas.FontNormal)
}

// glyphPath is the SVG path data of a span's glyphs with its baseline at
// (x, y) in points, aligned on x: text drawn as outlines.
func glyphPath(sp scene.Span, x, y float64, align scene.Align) (string, error) {
	fam, err := family()
	if err != nil {
		return "", err
	}
	p, adv, err := face(fam, sp).ToPath(sp.Text)
	if err != nil {
		return "", err
	}
	w := adv / mmPerPt
	switch align {
	case scene.AlignCenter:
		x -= w / 2
	case scene.AlignRight:
		x -= w
	}
	// Glyphs come in millimetres with y up.
	p = p.Transform(canvas.Identity.Translate(x, y).Scale(1/mmPerPt, -1/mmPerPt))
	return p.ToSVG(), nil
}

// drawPage draws a page on a canvas renderer of the page's size in mm.
func drawPage(r canvas.Renderer, p *scene.Page, fam *canvas.FontFamily) error {
	d := &canvasDrawer{r: r, h: p.Height, fam: fam}
	if !p.Background.None() {
		d.fill(outline(&scene.Box{W: p.Width, H: p.Height}, 0), p.Background)
	}
	scene.Walk(p.Items, d.item)
	return nil
}

type canvasDrawer struct {
	r   canvas.Renderer
	h   float64 // page height in points, to flip y
	fam *canvas.FontFamily
}

func (d *canvasDrawer) pt(p scene.Point) (float64, float64) {
	return p.X * mmPerPt, (d.h - p.Y) * mmPerPt
}

func (d *canvasDrawer) path(segs []seg) *canvas.Path {
	p := &canvas.Path{}
	for _, s := range segs {
		switch s.op {
		case 'M':
			p.MoveTo(d.pt(s.pts[0]))
		case 'L':
			p.LineTo(d.pt(s.pts[0]))
		case 'C':
			x1, y1 := d.pt(s.pts[0])
			x2, y2 := d.pt(s.pts[1])
			x3, y3 := d.pt(s.pts[2])
			p.CubeTo(x1, y1, x2, y2, x3, y3)
		case 'Z':
			p.Close()
		}
	}
	return p
}

func (d *canvasDrawer) fill(segs []seg, c scene.Color) {
	st := canvas.DefaultStyle
	st.Fill = canvas.Paint{Color: rgba(c)}
	st.Stroke = canvas.Paint{}
	d.r.RenderPath(d.path(segs), st, canvas.Identity)
}

func (d *canvasDrawer) draw(segs []seg, fill scene.Color, s scene.Stroke) {
	st := canvas.DefaultStyle
	st.Fill = canvas.Paint{}
	if !fill.None() {
		st.Fill = canvas.Paint{Color: rgba(fill)}
	}
	st.Stroke = canvas.Paint{}
	if !s.Color.None() {
		w := s.Width
		if w == 0 {
			w = 1
		}
		st.Stroke = canvas.Paint{Color: rgba(s.Color)}
		st.StrokeWidth = w * mmPerPt
		st.StrokeJoiner = canvas.MiterJoin
		if len(s.Dash) > 0 {
			st.Dashes = make([]float64, len(s.Dash))
			for i, v := range s.Dash {
				st.Dashes[i] = v * mmPerPt
			}
		}
	}
	if !st.HasFill() && !st.HasStroke() {
		return
	}
	d.r.RenderPath(d.path(segs), st, canvas.Identity)
}

func (d *canvasDrawer) text(x, y float64, align scene.Align, sp scene.Span) {
	if sp.Text == "" {
		return
	}
	ha := canvas.Left
	switch align {
	case scene.AlignCenter:
		ha = canvas.Center
	case scene.AlignRight:
		ha = canvas.Right
	}
	t := canvas.NewTextLine(face(d.fam, sp), sp.Text, ha)
	px, py := d.pt(scene.Point{X: x, Y: y})
	d.r.RenderText(t, canvas.Identity.Translate(px, py))
}

func (d *canvasDrawer) item(it scene.Item) {
	switch v := it.(type) {
	case *scene.Box:
		d.draw(outline(v, 0), v.Fill, v.Stroke)
		if v.Double {
			in := math.Max(1, v.Stroke.Width) + 1.5
			d.draw(outline(v, in), scene.Color{}, scene.Stroke{Color: v.Stroke.Color, Width: v.Stroke.Width})
		}
		x := textX(v)
		for i, y := range boxBaselines(v) {
			d.text(x, y, v.Align, v.Lines[i])
		}
	case *scene.Line:
		if len(v.Points) < 2 {
			return
		}
		segs := []seg{{'M', v.Points[:1]}}
		if v.Curve {
			for i := 1; i+2 < len(v.Points); i += 3 {
				segs = append(segs, seg{'C', v.Points[i : i+3]})
			}
		} else {
			for _, p := range v.Points[1:] {
				segs = append(segs, seg{'L', []scene.Point{p}})
			}
		}
		d.draw(segs, scene.Color{}, v.Stroke)
		if tip, a, b, ok := arrowHead(v); ok {
			fill := v.Stroke.Color
			if v.End == scene.ArrowOpen {
				fill = white
			}
			d.draw([]seg{{'M', []scene.Point{tip}}, {'L', []scene.Point{a}}, {'L', []scene.Point{b}}, {op: 'Z'}}, fill,
				scene.Stroke{Color: v.Stroke.Color, Width: math.Min(1, v.Stroke.Width)})
		}
	case *scene.Text:
		y := v.Y
		for _, sp := range v.Lines {
			d.text(v.X, y+baseline(sp.Size), v.Align, sp)
			y += sp.Size * scene.LineHeight
		}
	}
}

// WritePDF writes pages as one PDF document, one PDF page per scene page at
// its real size, text embedded as subset Liberation Sans.
func WritePDF(w io.Writer, pages []*scene.Page) error {
	if len(pages) == 0 {
		return fmt.Errorf("a PDF needs at least one page")
	}
	var buf bytes.Buffer
	opts := pdf.DefaultOptions
	r := pdf.New(&buf, pages[0].Width*mmPerPt, pages[0].Height*mmPerPt, &opts)
	r.SetInfo(pages[0].Title, pages[0].Desc, "", "", "chanmap")
	fam, err := newFamily()
	if err != nil {
		return err
	}
	for i, p := range pages {
		if i > 0 {
			r.NewPage(p.Width*mmPerPt, p.Height*mmPerPt)
		}
		if err := drawPage(r, p, fam); err != nil {
			return err
		}
	}
	if err := r.Close(); err != nil {
		return err
	}
	out, err := pinTimes(buf.Bytes())
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// PNGSize is the pixel size of the PNG of a page of w x h points.
func PNGSize(w, h float64) (int, int) {
	scale := pngScale
	if s := pngMaxSide / math.Max(w, h); s < scale {
		scale = s
	}
	if s := math.Sqrt(pngMaxArea / (w * h)); s < scale {
		scale = s
	}
	return int(math.Max(1, math.Floor(w*scale))), int(math.Max(1, math.Floor(h*scale)))
}

// WritePNG rasterises a page at 2 pixels per point (bounded by PNGSize).
func WritePNG(w io.Writer, p *scene.Page) error {
	img, err := rasterisePage(p)
	if err != nil {
		return err
	}
	return encodePNG(w, img)
}

// rasterisePage draws a page into pixels at PNGSize.
func rasterisePage(p *scene.Page) (image.Image, error) {
	pw, _ := PNGSize(p.Width, p.Height)
	dpmm := float64(pw) / (p.Width * mmPerPt)
	r := rasterizer.New(p.Width*mmPerPt, p.Height*mmPerPt, canvas.DPMM(dpmm), canvas.DefaultColorSpace)
	fam, err := family()
	if err != nil {
		return nil, err
	}
	if err := drawPage(r, p, fam); err != nil {
		return nil, err
	}
	r.Close()
	// The image itself, not the rasterizer around it: its rows are read
	// directly, where through the rasterizer every pixel would be a call
	// to At (and a colour allocated).
	return r.Image, nil
}
