package deck

import (
	"testing"

	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render/pptx"
)

// BenchmarkDeckPPTX times the whole deck as PowerPoint bytes: analysis,
// page assembly (charts, tables; diagrams by the simple test drawing, not
// the Graphviz pipeline) and the .pptx writer.
func BenchmarkDeckPPTX(b *testing.B) {
	for _, c := range []struct {
		name     string
		segments int
	}{{"hybrid", 0}, {"generated-1000", 10}} {
		m, _ := sample(b, c.name)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			size := 0
			for i := 0; i < b.N; i++ {
				r, err := analysis.Analyze(m)
				if err != nil {
					b.Fatal(err)
				}
				pages, err := Build(m, r, Options{Segments: c.segments, Without: partnersOf(r, 1)}, simpleDiagram)
				if err != nil {
					b.Fatal(err)
				}
				out, err := pptx.Encode(pages, pptx.Options{})
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			b.ReportMetric(float64(size), "bytes/deck")
		})
	}
}

func partnersOf(r *analysis.Report, n int) []string {
	var out []string
	for _, p := range r.Partners[:min(n, len(r.Partners))] {
		out = append(out, p.ID)
	}
	return out
}
