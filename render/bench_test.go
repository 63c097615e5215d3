package render

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os/exec"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/render/scene"
	"github.com/tdewolff/canvas/renderers/svg"
)

// BenchmarkLayout lays out the generated maps' layout DOT (fixed box sizes,
// no labels) through the in-process engine and, when Graphviz is installed,
// their labelled DOT (--format dot, Graphviz's own rendering) through native
// `dot -Tsvg`, so the two can be compared. The in-process layout also
// reports its edge crossings, so that a change that makes the layout cheaper
// shows what it costs the drawing.
//
//	go test ./render -run '^$' -bench Layout -benchtime 3x
func BenchmarkLayout(b *testing.B) {
	for _, n := range []int{50, 200, 1000} {
		m := gen.Generate(n, 1)
		d, err := Build(m, Options{Detail: true})
		if err != nil {
			b.Fatal(err)
		}
		fs := sizesFor(DefaultMinFont)
		p := plan(d, fs, 16.0/9, 0)
		layout := layoutDOT(d, p)
		labelled, err := DOT(m, Options{Detail: true})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("nodes=%d/engine=inprocess", n), func(b *testing.B) {
			if _, err := NewInProcess().Layout(context.Background(), layout); err != nil {
				b.Fatal(err) // warm up: the wasm module compiles once per process
			}
			b.ResetTimer()
			cpu := selfCPU()
			var out []byte
			for i := 0; i < b.N; i++ {
				if out, err = NewInProcess().Layout(context.Background(), layout); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, selfCPU()-cpu)
			pl, err := readPlain(d, p, out)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(crossings(pl)), "crossings")
		})
		b.Run(fmt.Sprintf("nodes=%d/engine=native-labelled", n), func(b *testing.B) {
			path, err := exec.LookPath("dot")
			if err != nil {
				b.Skip("native Graphviz `dot` is not installed (Debian: apt-get install graphviz); skipping the comparison")
			}
			var cpu time.Duration
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(path, "-Tsvg")
				cmd.Stdin = bytes.NewReader(labelled)
				var out bytes.Buffer
				cmd.Stdout = &out
				if err := cmd.Run(); err != nil || out.Len() == 0 {
					b.Fatalf("dot -Tsvg: %v", err)
				}
				cpu += childCPU(cmd)
			}
			reportCPU(b, cpu)
		})
	}
}

// crossings counts the places where two routed edges cross, away from the
// boxes they start and end at (closer than 4 points to an end does not
// count: edges meeting at a box), each Bézier segment sampled at 8 points.
func crossings(pl *placed) int {
	var curves [][]scene.Point
	for _, pts := range pl.edges {
		if len(pts) < 2 {
			continue
		}
		c := []scene.Point{pts[0]}
		for i := 0; i+3 < len(pts); i += 3 {
			p0, p1, p2, p3 := pts[i], pts[i+1], pts[i+2], pts[i+3]
			for k := 1; k <= 8; k++ {
				t := float64(k) / 8
				u := 1 - t
				c = append(c, scene.Point{
					X: u*u*u*p0.X + 3*u*u*t*p1.X + 3*u*t*t*p2.X + t*t*t*p3.X,
					Y: u*u*u*p0.Y + 3*u*u*t*p1.Y + 3*u*t*t*p2.Y + t*t*t*p3.Y})
			}
		}
		curves = append(curves, c)
	}
	nearEnd := func(p scene.Point, c []scene.Point) bool {
		a, z := c[0], c[len(c)-1]
		return math.Hypot(p.X-a.X, p.Y-a.Y) < 4 || math.Hypot(p.X-z.X, p.Y-z.Y) < 4
	}
	type box struct{ x0, y0, x1, y1 float64 }
	boxes := make([]box, len(curves))
	for i, c := range curves {
		b := box{c[0].X, c[0].Y, c[0].X, c[0].Y}
		for _, p := range c {
			b = box{min(b.x0, p.X), min(b.y0, p.Y), max(b.x1, p.X), max(b.y1, p.Y)}
		}
		boxes[i] = b
	}
	n := 0
	for i, a := range curves {
		for j := i + 1; j < len(curves); j++ {
			c, ba, bc := curves[j], boxes[i], boxes[j]
			if ba.x1 < bc.x0 || bc.x1 < ba.x0 || ba.y1 < bc.y0 || bc.y1 < ba.y0 {
				continue
			}
			for k := 0; k+1 < len(a); k++ {
				for l := 0; l+1 < len(c); l++ {
					if p, ok := segmentsCross(a[k], a[k+1], c[l], c[l+1]); ok && !nearEnd(p, a) && !nearEnd(p, c) {
						n++
					}
				}
			}
		}
	}
	return n
}

// segmentsCross returns where segments p-p2 and q-q2 cross, if they do.
func segmentsCross(p, p2, q, q2 scene.Point) (scene.Point, bool) {
	rx, ry := p2.X-p.X, p2.Y-p.Y
	sx, sy := q2.X-q.X, q2.Y-q.Y
	den := rx*sy - ry*sx
	if math.Abs(den) < 1e-12 {
		return scene.Point{}, false
	}
	t := ((q.X-p.X)*sy - (q.Y-p.Y)*sx) / den
	u := ((q.X-p.X)*ry - (q.Y-p.Y)*rx) / den
	if t <= 0 || t > 1 || u <= 0 || u > 1 {
		return scene.Point{}, false
	}
	return scene.Point{X: p.X + t*rx, Y: p.Y + t*ry}, true
}

// reportCPU adds CPU milliseconds per operation next to wall time: on a
// shared machine wall time swings with load, CPU time much less.
func reportCPU(b *testing.B, cpu time.Duration) {
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkSlide draws each sample on a 16:9 slide end to end and reports
// what the slide looks like: its smallest text and whether it folded.
func BenchmarkSlide(b *testing.B) {
	for name, m := range samples(b) {
		b.Run(name, func(b *testing.B) {
			var dr *Drawing
			for i := 0; i < b.N; i++ {
				dr = draw(b, m, Options{})
			}
			b.ReportMetric(dr.Smallest, "smallest-pt")
			b.ReportMetric(float64(len(dr.Diagram.Nodes)), "boxes")
		})
	}
}

// BenchmarkWriters writes the hybrid sample's page in each format, and as
// SVG through tdewolff/canvas's own SVG writer for comparison with the
// hand-written one (which keeps ids, tooltips, title, desc and the font
// fallback list).
func BenchmarkWriters(b *testing.B) {
	p := draw(b, readMap(b, "hybrid"), Options{Detail: true}).Page
	if err := WritePNG(io.Discard, p); err != nil { // load the fonts once
		b.Fatal(err)
	}
	for _, w := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{"svg", func(w io.Writer) error { return WriteSVG(w, p, false) }},
		{"svg-text-as-paths", func(w io.Writer) error { return WriteSVG(w, p, true) }},
		{"svg-canvas", func(w io.Writer) error {
			fam, err := family()
			if err != nil {
				return err
			}
			r := svg.New(w, p.Width*mmPerPt, p.Height*mmPerPt, nil)
			if err := drawPage(r, p, fam); err != nil {
				return err
			}
			return r.Close()
		}},
		{"pdf", func(w io.Writer) error { return WritePDF(w, []*scene.Page{p}) }},
		{"png", func(w io.Writer) error { return WritePNG(w, p) }},
	} {
		b.Run(w.name, func(b *testing.B) {
			var n int
			cpu := selfCPU()
			for i := 0; i < b.N; i++ {
				var buf bytes.Buffer
				if err := w.write(&buf); err != nil {
					b.Fatal(err)
				}
				n = buf.Len()
			}
			reportCPU(b, selfCPU()-cpu)
			b.ReportMetric(float64(n), "bytes")
		})
	}
}

// BenchmarkPool lays out the 200-node map through a one-worker pool, to show
// the cost of the subprocess round trip next to BenchmarkLayout.
func BenchmarkPool(b *testing.B) {
	m := gen.Generate(200, 1)
	d, err := Build(m, Options{Detail: true})
	if err != nil {
		b.Fatal(err)
	}
	dot := layoutDOT(d, plan(d, sizesFor(DefaultMinFont), 16.0/9, 0))
	p, err := NewPool(PoolConfig{Size: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Layout(context.Background(), dot); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Layout(context.Background(), dot); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRedraw draws the hybrid sample again with another theme and
// colouring after a first drawing: the layout comes from the layout cache.
func BenchmarkRedraw(b *testing.B) {
	m := readMap(b, "hybrid")
	draw(b, m, Options{})
	themes := []Theme{ThemeDefault, ThemePrint, ThemeDark}
	b.ResetTimer()
	cpu := selfCPU()
	for i := 0; i < b.N; i++ {
		if _, err := Render(context.Background(), NewInProcess(), m, Options{Theme: themes[i%3]}, "svg"); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, selfCPU()-cpu)
}
