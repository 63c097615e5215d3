package render

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

func TestPNGIsARealPicture(t *testing.T) {
	out, err := PNG(context.Background(), NewInProcess(), smallMap(), Options{Overlay: smallOverlay()})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 800 || b.Dy() < 300 || b.Dx() > pngMaxSide || b.Dy() > pngMaxSide {
		t.Errorf("PNG is %dx%d", b.Dx(), b.Dy())
	}
	// The SVG size in points times the scale.
	svg, err := SVG(context.Background(), NewInProcess(), smallMap(), Options{Overlay: smallOverlay()})
	if err != nil {
		t.Fatal(err)
	}
	w, h, err := svgSize(svg)
	if err != nil {
		t.Fatal(err)
	}
	if abs(float64(b.Dx())-w*pngScale) > 2 || abs(float64(b.Dy())-h*pngScale) > 2 {
		t.Errorf("PNG %dx%d for an SVG of %.0fx%.0f pt at scale %v", b.Dx(), b.Dy(), w, h, pngScale)
	}
	var inked, company int
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, a := img.At(x, y).RGBA()
			if a > 0 && (r < 0xf000 || g < 0xf000 || bl < 0xf000) {
				inked++
			}
			if near(r, 0x1f) && near(g, 0x4e) && near(bl, 0x79) {
				company++
			}
		}
	}
	total := (b.Dx() / 2) * (b.Dy() / 2)
	if inked < total/50 {
		t.Errorf("PNG is nearly blank: %d of %d sampled pixels inked", inked, total)
	}
	if company < 50 {
		t.Errorf("the company box (#1f4e79) is missing from the PNG: %d pixels", company)
	}
}

func near(v uint32, want uint32) bool {
	d := int(v>>8) - int(want)
	return d > -6 && d < 6
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestRasteriseRejectsNonSVG(t *testing.T) {
	if _, err := Rasterise([]byte("not svg at all")); err == nil {
		t.Error("rasterising garbage succeeded")
	}
}

func TestSVGHasAccessibleTitle(t *testing.T) {
	svg, err := SVG(context.Background(), NewInProcess(), smallMap(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if !strings.Contains(s, `role="img" aria-labelledby="chanmap-title">`+"\n"+`<title id="chanmap-title">ACME Pumps - channel map</title>`) {
		t.Errorf("no accessible title right after <svg>: %.400s", s)
	}
	if strings.Contains(s, "<title>chanmap</title>") {
		t.Error("the graph group still has the placeholder title")
	}
}

// countingEngine counts layouts.
type countingEngine struct {
	n atomic.Int64
	e Engine
}

func (c *countingEngine) Layout(ctx context.Context, dot []byte) ([]byte, error) {
	c.n.Add(1)
	return c.e.Layout(ctx, dot)
}

func TestRendererCachesByContent(t *testing.T) {
	eng := &countingEngine{e: NewInProcess()}
	r := &Renderer{Engine: eng, Cache: NewCache(8)}
	ctx := context.Background()
	m := smallMap()
	a, err := r.Render(ctx, m, Options{}, "svg")
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Render(ctx, smallMap(), Options{View: ViewFull, Color: ColorKind}, "svg")
	if err != nil {
		t.Fatal(err)
	}
	if eng.n.Load() != 1 || !bytes.Equal(a, b) {
		t.Errorf("same content and equivalent options laid out %d times", eng.n.Load())
	}
	m.Version = 2
	if _, err := r.Render(ctx, m, Options{}, "svg"); err != nil {
		t.Fatal(err)
	}
	m.Nodes[0].Name = "Renamed"
	if _, err := r.Render(ctx, m, Options{}, "svg"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Render(ctx, m, Options{View: ViewSupply}, "svg"); err != nil {
		t.Fatal(err)
	}
	if eng.n.Load() != 4 {
		t.Errorf("a new version, a change and another view should each lay out: %d layouts", eng.n.Load())
	}
	if _, err := r.Render(ctx, m, Options{}, "gif"); !errors.Is(err, ErrOptions) {
		t.Errorf("unknown format: %v", err)
	}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := NewCache(2)
	c.Put("a", []byte("A"))
	c.Put("b", []byte("B"))
	c.Get("a")
	c.Put("c", []byte("C"))
	if _, ok := c.Get("b"); ok {
		t.Error("b was least recently used and should be gone")
	}
	if v, ok := c.Get("a"); !ok || string(v) != "A" {
		t.Error("a was used and should stay")
	}
	if c.Len() != 2 {
		t.Errorf("cache holds %d entries, max 2", c.Len())
	}
}

func TestEmptyAndSparseMapsRender(t *testing.T) {
	for name, m := range map[string]*graph.Map{
		"empty":         {ID: "empty"},
		"nil entries":   {ID: "nils", Nodes: []*graph.Node{nil, {ID: "acme", Kind: graph.KindCompany, Name: "ACME"}}, Edges: []*graph.Edge{nil}},
		"products only": {ID: "p", Nodes: []*graph.Node{{ID: "pumps", Kind: graph.KindProduct, Name: "Pumps"}}},
	} {
		svg, err := SVG(context.Background(), NewInProcess(), m, Options{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Contains(svg, []byte("<title id=\"chanmap-title\">"+m.ID+"</title>")) {
			t.Errorf("%s: SVG lacks the map id as its title", name)
		}
	}
}

// TestFontMetricsMatchTheRasterFont guards that Graphviz sizes boxes for
// FontName with Helvetica/Arial metrics, which Liberation Sans (the font the
// PNG is drawn with) shares, and not with its Times fallback.
func TestFontMetricsMatchTheRasterFont(t *testing.T) {
	width := func(font string) string {
		dot := `digraph { node [shape=box, fontname="` + font + `", margin=0]; a [label=<<B>Nordic Industrial Supply</B>>] }`
		svg, err := NewInProcess().Layout(context.Background(), []byte(dot))
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(svg, []byte(`<polygon fill="none"`))
		if i < 0 {
			t.Fatal("no box in SVG")
		}
		return string(svg[i : i+bytes.IndexByte(svg[i:], '/')])
	}
	if got, want := width(FontName), width("Helvetica"); got != want {
		t.Errorf("%s box %s, Helvetica box %s", FontName, got, want)
	}
	if width(FontName) == width("Times-Roman") {
		t.Errorf("%s is measured with Times metrics", FontName)
	}
}

func TestPNGSizeIsBounded(t *testing.T) {
	for _, tc := range []struct {
		w, h   float64
		pw, ph uint32
	}{
		{1000, 500, 1500, 750},   // 1.5 px per pt
		{10000, 100, 8000, 80},   // longest side capped at 8000
		{5000, 5000, 5656, 5656}, // area capped at 32 Mpx
		{0.1, 0.1, 1, 1},         // never empty
	} {
		pw, ph := pngSize(tc.w, tc.h)
		if pw != tc.pw || ph != tc.ph {
			t.Errorf("pngSize(%v, %v) = %dx%d, want %dx%d", tc.w, tc.h, pw, ph, tc.pw, tc.ph)
		}
	}
}
