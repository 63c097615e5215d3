package neo4j

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/graph/storetest"
)

// BenchmarkReadsLarge measures the reads that do not load the whole map
// against the ones that do, on a generated map of CHANMAP_BENCH_NODES
// nodes (default 100,000), imported once: the support answer (p50), one
// node, one edge, a page of 100 nodes, the overview's counts, the whole
// map streamed as YAML, the
// whole snapshot read (uncached) and the analysis of it. Each reports the
// client's CPU per operation, the Neo4j server's CPU per operation (when
// the server is the one .ci/neo4j-up started) and the peak Go heap above
// what was in use before.
//
//	set -a && eval "$(bash .ci/neo4j-up)" && set +a && go test ./graph/neo4j -run '^$' -bench ReadsLarge -benchtime 20x
//
// With CHANMAP_BENCH_MAP=ID the map is imported under that id only if the
// server has no such map, and is kept afterwards, so later runs (before
// and after a change) measure the same stored map without importing it
// again.
func BenchmarkReadsLarge(b *testing.B) {
	bg := context.Background()
	w := open(b)
	b.Cleanup(func() { w.Close() }) // after benchMap's clean-up
	m := benchMap(b, w, "reads")
	// Keep only what the reads ask for: with the whole map live, the
	// garbage collector lets the heap grow by as much again before it
	// runs, which the peak heap would show as the reads' own.
	mapID, segs := m.ID, m.NodesOfKind(graph.KindSegment)
	nodeIDs := make([]string, 0, 1000)
	for i := 0; i < len(m.Nodes); i += max(1, len(m.Nodes)/1000) {
		nodeIDs = append(nodeIDs, m.Nodes[i].ID)
	}
	edgeKeys := make([]string, 0, 1000)
	for i := 0; i < len(m.Edges); i += max(1, len(m.Edges)/1000) {
		edgeKeys = append(edgeKeys, m.Edges[i].Key())
	}
	nodes := len(m.Nodes)
	m = nil

	// A fresh store: nothing of the map is cached.
	s := open(b)
	defer s.Close()
	run := func(name string, op func(i int) error) {
		b.Run(name, func(b *testing.B) {
			var times []time.Duration
			runtime.GC()
			peak := watchHeap()
			cpu, srv := cpuTime(), serverCPU()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if err := op(i); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
			}
			b.StopTimer()
			reportTimes(b, times, cpu, srv)
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
		})
	}
	run("Support", func(i int) error {
		_, err := s.Support(bg, mapID, segs[i%len(segs)])
		return err
	})
	run("GetNode", func(i int) error {
		_, _, err := s.GetNode(bg, mapID, nodeIDs[(i*7919)%len(nodeIDs)])
		return err
	})
	run("GetEdge", func(i int) error {
		_, _, err := s.GetEdge(bg, mapID, edgeKeys[(i*7919)%len(edgeKeys)])
		return err
	})
	run("NodePage100", func(i int) error {
		_, _, err := s.ListNodes(bg, mapID, (i*7919)%nodes, 100)
		return err
	})
	run("OverviewCounts", func(int) error {
		_, err := s.OverviewCounts(bg, mapID)
		return err
	})
	run("StreamYAML", func(int) error {
		enc, err := mapio.NewEncoder(io.Discard, mapio.YAML)
		if err != nil {
			return err
		}
		if err := s.StreamMap(bg, mapID, enc.Visitor()); err != nil {
			return err
		}
		return enc.Close()
	})
	run("SnapshotYAML", func(int) error {
		s.forget(mapID)
		whole, err := s.GetMap(bg, mapID)
		if err != nil {
			return err
		}
		return mapio.WriteYAML(io.Discard, whole)
	})
	run("SnapshotAnalysisJSON", func(int) error {
		s.forget(mapID)
		whole, err := s.GetMap(bg, mapID)
		if err != nil {
			return err
		}
		rep, err := analysis.Analyze(whole)
		if err != nil {
			return err
		}
		return json.NewEncoder(io.Discard).Encode(rep)
	})
}

// BenchmarkApplyLarge measures a small change set (one field of one
// node, as a PATCH sends) on the generated map of CHANMAP_BENCH_NODES
// nodes (default 100,000): Warm by a store that holds the map's snapshot
// (a server that read or wrote the map before), Cold by one that does not
// (the first write after a start, or after another process wrote). Like
// BenchmarkReadsLarge it reports p50, client and server CPU per change.
//
//	set -a && eval "$(bash .ci/neo4j-up)" && set +a && go test ./graph/neo4j -run '^$' -bench ApplyLarge -benchtime 20x
func BenchmarkApplyLarge(b *testing.B) {
	bg := context.Background()
	w := open(b)
	b.Cleanup(func() { w.Close() })
	m := benchMap(b, w, "apply")
	mapID, v := m.ID, m.Version
	node := m.NodesOfKind(graph.KindSegment)[0]
	seller := m.NodesOfKind(graph.KindDistributor)[0]
	m = nil
	// Warm: one field, the snapshot held. Cold: one field, nothing held.
	// ColdAdd: a new reseller and the supplies edge into it, nothing held
	// (a new edge's key is looked for among all the map's relationships).
	for _, name := range []string{"Warm", "Cold", "ColdAdd"} {
		cold := name != "Warm"
		b.Run(name, func(b *testing.B) {
			if !cold {
				if _, err := w.GetMap(bg, mapID); err != nil { // the snapshot, as a server holds it
					b.Fatal(err)
				}
			}
			var times []time.Duration
			cpu, srv := cpuTime(), serverCPU()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if cold {
					w.forget(mapID)
				}
				var cs graph.ChangeSet
				if name == "ColdAdd" {
					id := fmt.Sprintf("bench-reseller-%d", v)
					cs.Changes = []graph.Change{
						{Op: graph.OpAddNode, Node: &graph.Node{ID: id, Kind: graph.KindReseller, Name: id}},
						{Op: graph.OpAddEdge, Edge: &graph.Edge{From: seller, To: id, Kind: graph.EdgeSupplies}},
					}
				} else {
					n, _, err := w.GetNode(bg, mapID, node)
					if err != nil || n == nil {
						b.Fatalf("GetNode(%s): %v, %v", node, n, err)
					}
					n.Description = fmt.Sprintf("change %d", v)
					cs.Changes = []graph.Change{{Op: graph.OpUpdateNode, ID: node, Node: n}}
				}
				t0 := time.Now()
				var err error
				if v, err = w.Apply(bg, mapID, v, cs); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
			}
			b.StopTimer()
			reportTimes(b, times, cpu, srv)
		})
	}
}

// benchMap imports the generated map of CHANMAP_BENCH_NODES nodes
// (default 100,000) under a fresh id, removed when b ends, or under
// CHANMAP_BENCH_MAP, kept, unless the server holds that map already.
func benchMap(b *testing.B, w *Store, prefix string) *graph.Map {
	b.Helper()
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("CHANMAP_BENCH_NODES")); err == nil && v > 0 {
		n = v
	}
	bg := context.Background()
	m := gen.Generate(n, 7)
	m.ID = os.Getenv("CHANMAP_BENCH_MAP")
	if m.ID != "" {
		if _, v, err := w.GetNode(bg, m.ID, m.Nodes[0].ID); err == nil {
			m.Version = v
			b.Logf("map %s (%d nodes, %d edges) is stored already, at version %d", m.ID, len(m.Nodes), len(m.Edges), v)
			return m
		}
	} else {
		m.ID = storetest.FreshID(prefix)
		b.Cleanup(func() { storetest.Remove(bg, w, m.ID) })
	}
	start, cpu0 := time.Now(), cpuTime()
	v, err := w.CreateMap(bg, m)
	if err != nil {
		b.Fatalf("CreateMap: %v", err)
	}
	m.Version = v
	b.Logf("import of %d nodes, %d edges: %v wall, %v client CPU", len(m.Nodes), len(m.Edges), time.Since(start).Round(time.Millisecond), (cpuTime() - cpu0).Round(time.Millisecond))
	return m
}

// cpuTime is this process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverCPU is the CPU time of the Neo4j that .ci/neo4j-up started, -1
// when it is not known (another server, or no /proc).
func serverCPU() time.Duration {
	pid, err := os.ReadFile(filepath.Join("..", "..", ".ci", "work", "neo4j", "neo4j.pid"))
	if err != nil {
		return -1
	}
	stat, err := os.ReadFile("/proc/" + strings.TrimSpace(string(pid)) + "/stat")
	if err != nil {
		return -1
	}
	s := string(stat)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return -1
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

// watchHeap samples the heap in use until the returned function is
// called, which gives the peak above the heap in use at the start.
func watchHeap() func() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak - base
	}
}

// reportTimes reports the median of times, and the client's and the
// server's CPU per operation since cpu and srv were read (srv < 0: the
// server's CPU is not known).
func reportTimes(b *testing.B, times []time.Duration, cpu, srv time.Duration) {
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "client-cpu-ms/op")
	if srv >= 0 {
		b.ReportMetric(float64((serverCPU()-srv).Microseconds())/1000/float64(b.N), "server-cpu-ms/op")
	}
}
