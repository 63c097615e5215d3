package analysis

import (
	"path/filepath"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/graph/mapio"
)

// Target: Analyze on 10,000 nodes well under 200 ms.
//
//	go test ./graph/analysis -run '^$' -bench Analyze -benchmem

func BenchmarkAnalyze1000(b *testing.B) {
	m, err := mapio.ReadFile(filepath.Join("..", "..", "testdata", "maps", "generated-1000.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	benchAnalyze(b, m)
}

func BenchmarkAnalyze10000(b *testing.B) { benchAnalyze(b, gen.Generate(10000, 1)) }

func BenchmarkAnalyze100000(b *testing.B) { benchAnalyze(b, gen.Generate(100000, 1)) }

func BenchmarkWithoutPartner10000(b *testing.B) {
	m := gen.Generate(10000, 1)
	r, err := Analyze(m)
	if err != nil {
		b.Fatal(err)
	}
	partner := r.Partners[0].ID
	b.ResetTimer()
	for b.Loop() {
		if _, err := WithoutPartner(m, partner); err != nil {
			b.Fatal(err)
		}
	}
}

func benchAnalyze(b *testing.B, m *graph.Map) {
	b.ReportMetric(float64(len(m.Nodes)), "nodes")
	b.ReportMetric(float64(len(m.Edges)), "edges")
	for b.Loop() {
		if _, err := Analyze(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInsights10000 times the findings alone on a report of 10,000
// nodes.
func BenchmarkInsights10000(b *testing.B) {
	m := gen.Generate(10000, 1)
	r, err := Analyze(m)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Insights(r, m)
	}
	b.ReportMetric(float64(len(r.Insights)), "insights")
}
