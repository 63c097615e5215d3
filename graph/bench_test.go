package graph_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/graph/mapio"
)

// go test ./graph -run '^$' -bench . -benchmem
func BenchmarkRead(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		m := gen.Generate(n, 1)
		var y, j bytes.Buffer
		mapio.WriteYAML(&y, m)
		mapio.WriteJSON(&j, m)
		for _, c := range []struct {
			format string
			data   []byte
		}{{"yaml", y.Bytes()}, {"json", j.Bytes()}} {
			b.Run(fmt.Sprintf("%s-%d", c.format, n), func(b *testing.B) {
				b.SetBytes(int64(len(c.data)))
				for b.Loop() {
					if _, err := mapio.Read(c.data, "bench"); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		m := gen.Generate(n, 1)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if err := graph.Validate(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWriteYAML(b *testing.B) {
	m := gen.Generate(10000, 1)
	for b.Loop() {
		var y bytes.Buffer
		mapio.WriteYAML(&y, m)
	}
}

func BenchmarkSupportOf(b *testing.B) {
	m := gen.Generate(10000, 1)
	segs := m.NodesOfKind(graph.KindSegment)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := graph.SupportOf(m, segs[i%len(segs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// A reordering PUT turns into a full rebuild change set; applying it stays
// linear in the map's size.
func BenchmarkApplyRebuild(b *testing.B) {
	old := gen.Generate(10000, 1)
	next := old.Clone()
	next.Nodes[0], next.Nodes[1] = next.Nodes[1], next.Nodes[0]
	cs := graph.Diff(old, next)
	b.ResetTimer()
	for b.Loop() {
		if _, err := graph.ApplyChanges(old, cs); err != nil {
			b.Fatal(err)
		}
	}
}
