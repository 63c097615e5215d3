package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
)

// Bench measures a store on the work chanmap gives it: importing generated
// maps of 1,000 and 10,000 nodes, reading a 10k-node snapshot, applying one
// small change set to it, and answering the support query for one of its
// segments. open is called once; the store is closed when Bench returns.
func Bench(b *testing.B, open func(b *testing.B) graph.Store) {
	s := open(b)
	defer s.Close()
	bg := context.Background()

	for _, n := range []int{1000, 10000} {
		m := gen.Generate(n, 7)
		b.Run(fmt.Sprintf("Import%d", n), func(b *testing.B) {
			var ids []string
			for i := 0; i < b.N; i++ {
				c := m.Clone()
				c.ID = FreshID("bench")
				if _, err := s.CreateMap(bg, c); err != nil {
					b.Fatalf("CreateMap: %v", err)
				}
				ids = append(ids, c.ID)
			}
			b.StopTimer()
			b.ReportMetric(float64(len(m.Nodes)*b.N)/b.Elapsed().Seconds(), "nodes/s")
			for _, id := range ids {
				if err := Remove(bg, s, id); err != nil {
					b.Fatalf("DeleteMap: %v", err)
				}
			}
		})
	}

	big := gen.Generate(10000, 7)
	big.ID = FreshID("bench")
	if _, err := s.CreateMap(bg, big); err != nil {
		b.Fatalf("CreateMap: %v", err)
	}
	defer Remove(bg, s, big.ID)
	seg := big.NodesOfKind(graph.KindSegment)
	if len(seg) == 0 {
		b.Fatal("the generated map has no segment")
	}

	b.Run("Snapshot10000", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.GetMap(bg, big.ID); err != nil {
				b.Fatalf("GetMap: %v", err)
			}
		}
	})

	b.Run("SmallChange10000", func(b *testing.B) {
		cur, err := s.GetMap(bg, big.ID)
		if err != nil {
			b.Fatalf("GetMap: %v", err)
		}
		n := cloneNode(cur.Node(seg[0]))
		v := cur.Version
		took := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			n.Name = fmt.Sprintf("renamed %d", i)
			start := time.Now()
			v, err = s.Apply(bg, big.ID, v, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: n.ID, Node: n}}})
			took = append(took, time.Since(start))
			if err != nil {
				b.Fatalf("Apply: %v", err)
			}
		}
		b.StopTimer()
		reportP50(b, took)
	})

	b.Run("Support10000", func(b *testing.B) {
		took := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			start := time.Now()
			if _, err := s.Support(bg, big.ID, seg[i%len(seg)]); err != nil {
				b.Fatalf("Support: %v", err)
			}
			took = append(took, time.Since(start))
		}
		b.StopTimer()
		reportP50(b, took)
	})
}

// reportP50 reports the median of the measured calls (the goals are
// medians: a loaded machine's outliers move the mean, not the median).
func reportP50(b *testing.B, took []time.Duration) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
}
