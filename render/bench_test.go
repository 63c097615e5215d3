package render

import (
	"bytes"
	"context"
	"fmt"
	"io"
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
// `dot -Tsvg`, so the two can be compared.
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
		layout := layoutDOT(d, plan(d, fs, 16.0/9, 0))
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
			for i := 0; i < b.N; i++ {
				if _, err := NewInProcess().Layout(context.Background(), layout); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, selfCPU()-cpu)
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
