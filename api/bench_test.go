package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/embedded"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/render"
	"github.com/chanmap/chanmap/testdata"
)

// Load benchmarks: a real server on 127.0.0.1 (the embedded store in a temp
// dir, the render worker pool) hit over loopback HTTP by concurrent clients.
// Each reports requests per second and the 50th/99th percentile latency.
//
//	go test ./api -run '^$' -bench Load -benchtime 5000x

type benchServer struct {
	base  string
	store graph.Store
	mapID string
	hc    *http.Client
}

func startBenchServer(b *testing.B, maps int, opts ...embedded.Option) *benchServer {
	b.Helper()
	st, err := embedded.Open(filepath.Join(b.TempDir(), "bench.db"), opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	pool, err := render.NewPool(render.PoolConfig{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { pool.Close() })
	srv, err := New(Config{Store: st, Engine: pool})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := srv.HTTPServer(ln.Addr().String())
	go hs.Serve(ln)
	b.Cleanup(func() { hs.Close() })

	sample, err := mapio.Read(testdata.Sample("hybrid"), "hybrid.yaml")
	if err != nil {
		b.Fatal(err)
	}
	base := sample.ID
	for i := 0; i < maps; i++ {
		m, _ := mapio.Read(testdata.Sample("hybrid"), "hybrid.yaml")
		if i > 0 {
			m.ID = fmt.Sprintf("%s-%d", base, i)
		}
		if _, err := st.CreateMap(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}
	b.Cleanup(tr.CloseIdleConnections)
	return &benchServer{base: "http://" + ln.Addr().String(), store: st, mapID: base, hc: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

// load runs b.N requests from `clients` goroutines; do(client) makes one
// request and returns an error for a wrong answer.
func load(b *testing.B, clients int, do func(client int) error) {
	b.Helper()
	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	errs := make(chan error, clients)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				t0 := time.Now()
				if err := do(c); err != nil {
					errs <- err
					return
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op") // wall time per request is the req/s above
}

func (s *benchServer) get(path string, want int) error {
	res, err := s.hc.Get(s.base + path)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	n, _ := io.Copy(io.Discard, res.Body)
	if res.StatusCode != want {
		return fmt.Errorf("GET %s: %d", path, res.StatusCode)
	}
	if n == 0 && want == 200 {
		return fmt.Errorf("GET %s: empty body", path)
	}
	return nil
}

func BenchmarkLoadCachedDiagramSVG(b *testing.B) {
	s := startBenchServer(b, 1)
	path := "/api/v1/maps/" + s.mapID + "/diagram.svg"
	if err := s.get(path, 200); err != nil { // draw it once: the rest come from the cache
		b.Fatal(err)
	}
	load(b, 32, func(int) error { return s.get(path, 200) })
}

func BenchmarkLoadGetMap(b *testing.B) {
	s := startBenchServer(b, 1)
	path := "/api/v1/maps/" + s.mapID
	load(b, 32, func(int) error { return s.get(path, 200) })
}

// BenchmarkLoadPatchNode: each client edits its own map's node with
// If-Match, sending the ETag of its previous answer; a 412 would be a
// failure (no retries).
func BenchmarkLoadPatchNode(b *testing.B) { benchPatch(b) }

// BenchmarkLoadPatchNodeNoSync is the same without fsync on commit: the
// ceiling of the API itself, apart from the disk.
func BenchmarkLoadPatchNodeNoSync(b *testing.B) { benchPatch(b, embedded.WithoutSync()) }

func benchPatch(b *testing.B, opts ...embedded.Option) {
	const clients = 8
	s := startBenchServer(b, clients, opts...)
	m, _ := s.store.GetMap(context.Background(), s.mapID)
	node := m.Nodes[0].ID
	tags := make([]string, clients)
	paths := make([]string, clients)
	for c := range clients {
		id := s.mapID
		if c > 0 {
			id = fmt.Sprintf("%s-%d", s.mapID, c)
		}
		paths[c] = s.base + "/api/v1/maps/" + id + "/nodes/" + node
		tags[c] = `"1"`
	}
	var seq atomic.Int64
	load(b, clients, func(c int) error {
		body := fmt.Sprintf(`{"description": "edit %d"}`, seq.Add(1))
		req, _ := http.NewRequest("PATCH", paths[c], bytes.NewReader([]byte(body)))
		req.Header.Set("Content-Type", "application/merge-patch+json")
		req.Header.Set("If-Match", tags[c])
		res, err := s.hc.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		io.Copy(io.Discard, res.Body)
		if res.StatusCode != 200 {
			return fmt.Errorf("PATCH: %d", res.StatusCode)
		}
		tags[c] = res.Header.Get("ETag")
		return nil
	})
}
