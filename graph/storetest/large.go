package storetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
)

// LargeNodes is the size of the contract's large map: big enough that a
// store which holds the whole map in one transaction or scans instead of
// seeking shows it, small enough that both stores' large-map group stays
// within a few minutes of CI time under the race detector on 2 cores.
// CHANMAP_LARGE_NODES overrides it (the 1,000,000-node run is a benchmark:
// BenchImport).
const LargeNodes = 100_000

func largeNodes() int {
	if v, err := strconv.Atoi(os.Getenv("CHANMAP_LARGE_NODES")); err == nil && v > 0 {
		return v
	}
	return LargeNodes
}

// Stager is implemented by stores (or their test wrappers) that can say
// what an import of map id left behind outside the map: staged nodes and
// relationships, reservations, snapshot parts. The large-map group checks
// it is nothing after a cancelled import.
type Stager interface {
	Staged(ctx context.Context, id string) (int64, error)
}

// RunLarge runs the large-map group against the store open returns (once
// per store: it costs a few minutes of CI time, so a store's variants, such
// as one that bypasses a cache, need not run it again).
func RunLarge(t *testing.T, open func(t *testing.T) graph.Store) {
	t.Run("LargeMap", func(t *testing.T) {
		s := open(t)
		t.Cleanup(func() { s.Close() })
		testLargeMap(t, s)
	})
}

// testLargeMap imports the large generated map, reads it back equal,
// applies a small change set, asks the support question, and then imports
// it again under another id with the context cancelled midway: no map may
// appear, nothing may be left staged, and the id must be free again.
func testLargeMap(t *testing.T, s graph.Store) {
	if testing.Short() {
		t.Skip("the large map is skipped in -short mode")
	}
	n := largeNodes()
	m := gen.Generate(n, 11)
	start := time.Now()
	stored := create(t, s, m)
	took := time.Since(start)
	start = time.Now()
	got := get(t, s, stored.ID)
	t.Logf("%d-node map (%d nodes, %d edges): import %v, read %v", n, len(m.Nodes), len(m.Edges), took, time.Since(start))
	mustEqual(t, "large map", got, stored)

	seg := firstOfKind(got, graph.KindSegment)
	upd := cloneNode(seg)
	upd.Name = "changed"
	start = time.Now()
	v, err := s.Apply(ctx(t), got.ID, got.Version, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: seg.ID, Node: upd}}})
	if err != nil {
		t.Fatalf("Apply on the large map: %v", err)
	}
	t.Logf("one small change set: %v", time.Since(start))
	after := get(t, s, got.ID)
	if after.Version != v || after.Node(seg.ID).Name != "changed" {
		t.Fatalf("the change on the large map was not stored: version %d (want %d), name %q", after.Version, v, after.Node(seg.ID).Name)
	}
	checkSupport(t, s, after, seg.ID)
	// Version 1 is still readable after the change.
	if first := getVersion(t, s, got.ID, 1); !graph.Equal(first, stored) {
		t.Fatalf("version 1 of the large map differs from the map imported")
	}

	// Cancel an import of the same map midway: at half the time the first
	// import took, then earlier if the store finished regardless.
	for _, frac := range []float64{0.5, 0.1, 0.02} {
		c := m.Clone()
		c.ID = FreshID("cancel")
		cctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(time.Duration(float64(took)*frac), cancel)
		_, err := s.CreateMap(cctx, c)
		timer.Stop()
		cancel()
		if err == nil {
			t.Logf("the import cancelled at %.0f%% of an import's time finished first; trying earlier", frac*100)
			if err := Remove(ctx(t), s, c.ID); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("CreateMap cancelled midway: err = %v, want it to wrap context.Canceled", err)
		}
		checkNothingLeft(t, s, c.ID)
		// The id is free: a map imports under it.
		sm := small(t).Clone()
		sm.ID = c.ID
		if _, err := s.CreateMap(ctx(t), sm); err != nil {
			t.Fatalf("CreateMap after a cancelled import of the same id: %v", err)
		}
		if err := Remove(ctx(t), s, c.ID); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("CreateMap never honoured a cancelled context: every import finished")
}

// checkNothingLeft fails unless map id is absent everywhere: not readable,
// not listed, not among the deleted maps, nothing staged.
func checkNothingLeft(t *testing.T, s graph.Store, id string) {
	t.Helper()
	if _, err := s.GetMap(ctx(t), id); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("GetMap after a cancelled import: err = %v, want ErrNotFound", err)
	}
	for _, info := range list(t, s) {
		if info.ID == id {
			t.Fatalf("a cancelled import is listed: %+v", info)
		}
	}
	if d := deleted(t, s, id); d != nil {
		t.Fatalf("a cancelled import is among the deleted maps: %+v", d)
	}
	if st, ok := s.(Stager); ok {
		n, err := st.Staged(ctx(t), id)
		if err != nil {
			t.Fatalf("Staged(%s): %v", id, err)
		}
		if n != 0 {
			t.Fatalf("a cancelled import left %d staged items behind", n)
		}
	}
}

// BenchImport measures importing a generated map of n nodes: nodes/s and
// the peak resident memory of the process during the import (Linux: the
// high-water mark is reset before it). Run it with a large n only when
// asked (CHANMAP_BENCH_MILLION=1 for 1,000,000 nodes).
func BenchImport(b *testing.B, s graph.Store, n int) {
	m := gen.Generate(n, 7)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		// CreateMap does not change the map it is given: no copy, so the
		// peak RSS is the map plus what the store needs on top.
		m.ID = FreshID("bench")
		runtime.GC()
		resetPeakRSS()
		b.StartTimer()
		if _, err := s.CreateMap(context.Background(), m); err != nil {
			b.Fatalf("CreateMap: %v", err)
		}
		b.StopTimer()
		if mb := peakRSSMB(); mb > 0 {
			b.ReportMetric(mb, "peak-RSS-MB")
		}
		if err := Remove(context.Background(), s, m.ID); err != nil {
			b.Fatalf("remove: %v", err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(len(m.Nodes)*b.N)/b.Elapsed().Seconds(), "nodes/s")
}

func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func peakRSSMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb float64
			if _, err := fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb); err == nil {
				return kb / 1024
			}
		}
	}
	return 0
}
