package render

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph/gen"
)

// BenchmarkLayout lays out the full (detail) DOT of generated maps through
// the in-process engine and, when Graphviz is installed, the same DOT through
// native `dot -Tsvg`, so the two can be compared.
//
//	go test ./render -run '^$' -bench Layout -benchtime 3x
func BenchmarkLayout(b *testing.B) {
	for _, n := range []int{50, 200, 1000} {
		dot, err := DOT(gen.Generate(n, 1), Options{Detail: true})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("nodes=%d/engine=inprocess", n), func(b *testing.B) {
			if _, err := NewInProcess().Layout(context.Background(), dot); err != nil {
				b.Fatal(err) // warm up: the wasm module compiles once per process
			}
			b.ResetTimer()
			cpu := selfCPU()
			for i := 0; i < b.N; i++ {
				if _, err := NewInProcess().Layout(context.Background(), dot); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, selfCPU()-cpu)
		})
		b.Run(fmt.Sprintf("nodes=%d/engine=native", n), func(b *testing.B) {
			path, err := exec.LookPath("dot")
			if err != nil {
				b.Skip("native Graphviz `dot` is not installed (Debian: apt-get install graphviz); skipping the comparison")
			}
			var cpu time.Duration
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(path, "-Tsvg")
				cmd.Stdin = bytes.NewReader(dot)
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

// reportCPU adds CPU milliseconds per layout next to wall time: on a shared
// machine wall time swings with load, CPU time much less.
func reportCPU(b *testing.B, cpu time.Duration) {
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkOverview1000 draws the generated 1,000-node map with default
// options (an overview) end to end: build, DOT, layout, title.
func BenchmarkOverview1000(b *testing.B) {
	m := gen.Generate(1000, 1)
	for i := 0; i < b.N; i++ {
		if _, err := SVG(context.Background(), NewInProcess(), m, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildDOT measures the first two steps alone on 1,000 nodes.
func BenchmarkBuildDOT(b *testing.B) {
	m := gen.Generate(1000, 1)
	for i := 0; i < b.N; i++ {
		if _, err := DOT(m, Options{Detail: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPNG rasterises the hybrid sample's SVG (the rasteriser is warmed
// up first: starting it takes about a second once per process).
func BenchmarkPNG(b *testing.B) {
	svg, err := SVG(context.Background(), NewInProcess(), readMap(b, "hybrid"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Rasterise(svg); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Rasterise(svg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPool lays out the 200-node map through a one-worker pool, to show
// the cost of the subprocess round trip next to BenchmarkLayout.
func BenchmarkPool(b *testing.B) {
	dot, err := DOT(gen.Generate(200, 1), Options{Detail: true})
	if err != nil {
		b.Fatal(err)
	}
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
