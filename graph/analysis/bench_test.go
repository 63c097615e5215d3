package analysis

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
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

// BenchmarkAnalyzePeak measures the memory one analysis takes on a
// generated map of CHANMAP_BENCH_NODES nodes (default 100,000; the README
// quotes 1,000,000), projected on Reads as a store hands it over, the
// generated original dropped:
//   - "held": Analyze, the map kept whole by its caller;
//   - "owned": AnalyzeOwned, as `chanmap analyze FILE` hands its map over;
//   - "streamed": a Builder fed from a stream, as serve and `chanmap
//     analyze MAP_ID` read a stored map: the projection is written to a
//     file of JSON lines first and nothing of it is held when the analysis
//     starts, which then decodes one piece at a time as a store's reader
//     does (its time includes the decoding).
//
// Each reports the process's peak RSS during the analysis (peak-MB,
// Linux only: the peak is reset first through /proc/self/clear_refs), the
// map held by the first two included, and the heap live after it with the
// report and what the caller is left with (the map, or for the builder
// its head) held (live-MB), besides its time. GOMEMLIMIT shows the trade
// of CPU for memory.
//
//	CHANMAP_BENCH_NODES=1000000 go test ./graph/analysis -run '^$' -bench AnalyzePeak -benchtime 1x
func BenchmarkAnalyzePeak(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("CHANMAP_BENCH_NODES")); err == nil && v > 0 {
		n = v
	}
	lines := filepath.Join(b.TempDir(), "map.jsonl")
	kept := func(analyze func(*graph.Map) (*Report, error)) func(*graph.Map) (*Report, *graph.Map, error) {
		return func(m *graph.Map) (*Report, *graph.Map, error) { r, err := analyze(m); return r, m, err }
	}
	for _, c := range []struct {
		name    string
		analyze func(*graph.Map) (*Report, *graph.Map, error)
	}{{"held", kept(Analyze)}, {"owned", kept(AnalyzeOwned)}, {"streamed", func(*graph.Map) (*Report, *graph.Map, error) { return streamLines(lines) }}} {
		b.Run(c.name, func(b *testing.B) {
			var r *Report
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				r = nil
				m, err := graph.Project(gen.Generate(n, 7), Reads) // the generated original is garbage from here
				if err != nil {
					b.Fatal(err)
				}
				if c.name == "streamed" {
					if err := writeLines(lines, m); err != nil {
						b.Fatal(err)
					}
					m = nil
				}
				runtime.GC()
				debug.FreeOSMemory()
				resetPeak := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
				b.StartTimer()
				if r, m, err = c.analyze(m); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if peak, ok := peakRSS(); ok && resetPeak {
					b.ReportMetric(float64(peak>>20), "peak-MB")
				}
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				b.ReportMetric(float64(ms.HeapAlloc>>20), "live-MB")
				runtime.KeepAlive(m)
				b.StartTimer()
			}
			runtime.KeepAlive(r)
		})
	}
}

// piece is one line of a map written as JSON lines: the head, a node or
// an edge.
type piece struct {
	Head *graph.Map  `json:"head,omitempty"`
	Node *graph.Node `json:"node,omitempty"`
	Edge *graph.Edge `json:"edge,omitempty"`
}

// writeLines writes m to path as JSON lines, head first.
func writeLines(path string, m *graph.Map) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	head := *m
	head.Nodes, head.Edges = nil, nil
	err = enc.Encode(piece{Head: &head})
	for _, n := range m.Nodes {
		if err == nil {
			err = enc.Encode(piece{Node: n})
		}
	}
	for _, e := range m.Edges {
		if err == nil {
			err = enc.Encode(piece{Edge: e})
		}
	}
	if err == nil {
		err = w.Flush()
	}
	return errors.Join(err, f.Close())
}

// streamLines decodes the map of writeLines one piece at a time into a
// Builder, as serve reads a stored map (usecase.Analyze).
func streamLines(path string) (*Report, *graph.Map, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	b := NewBuilder()
	v := graph.ShareWords(b.Visitor())
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	for {
		var p piece
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, nil, err
		}
		switch {
		case p.Head != nil:
			err = v.Head(p.Head)
		case p.Node != nil:
			err = v.Node(p.Node)
		case p.Edge != nil:
			err = v.Edge(p.Edge)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	r, err := b.Report()
	return r, b.Head(), err
}

// peakRSS is this process's peak resident set since it was last reset
// (VmHWM), false where /proc does not say.
func peakRSS() (int64, bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}
