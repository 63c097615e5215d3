package api

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/graph/gen"
)

// slowStore answers GetMap only when its caller's deadline has passed, as a
// map too big to read in the request's time does.
type slowStore struct{ graph.Store }

func (s slowStore) GetMap(ctx context.Context, id string) (*graph.Map, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestStoreTimeout checks that a store too slow for the request's time
// limit answers 503 saying so, with Retry-After, not that the store
// cannot be reached.
func TestStoreTimeout(t *testing.T) {
	base := newEnv(t)
	base.seed()
	e := newEnvOn(t, slowStore{base.store}, func(c *Config) { c.StoreTimeout = 50 * time.Millisecond })
	r := e.do("GET", "/api/v1/maps/acme-pumps/analysis", nil, nil)
	wantStatus(t, r, 503)
	p := r.problem(t)
	if !strings.HasSuffix(p.Type, ":store-timeout") || !strings.Contains(p.Detail, "--store-timeout") {
		t.Errorf("problem %+v; want type store-timeout naming --store-timeout", p)
	}
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}

// gatedStore holds the first read of map "big" until gate is closed,
// whatever its deadline, and says on entered when it arrives; later reads
// of it wait for the gate within their deadline.
type gatedStore struct {
	graph.Store
	first   *atomic.Bool
	entered chan struct{}
	gate    chan struct{}
}

func (s gatedStore) GetMap(ctx context.Context, id string) (*graph.Map, error) {
	if id == "big" {
		if s.first.CompareAndSwap(false, true) {
			s.entered <- struct{}{}
			<-s.gate
		} else {
			select {
			case <-s.gate:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
	return s.Store.GetMap(context.WithoutCancel(ctx), id)
}

// TestBigAnalysesOneAtATime checks that a big map is analysed by one
// request at a time: a second one waits within its time limit and then
// answers 503 analysis-busy, a small map is analysed meanwhile, and the
// next big one runs once the first is done.
func TestBigAnalysesOneAtATime(t *testing.T) {
	base := newEnv(t)
	base.seed()
	big := gen.Generate(300, 2)
	big.ID = "big"
	if _, err := base.store.CreateMap(context.Background(), big); err != nil {
		t.Fatal(err)
	}
	st := gatedStore{Store: base.store, first: new(atomic.Bool), entered: make(chan struct{}, 1), gate: make(chan struct{})}
	e := newEnvOn(t, st, func(c *Config) { c.StoreTimeout = 500 * time.Millisecond })
	e.srv.bigAnalysisAbove = 100

	first := make(chan resp)
	go func() { first <- e.do("GET", "/api/v1/maps/big/analysis", nil, nil) }()
	<-st.entered

	r := e.do("GET", "/api/v1/maps/big/analysis?without=x", nil, nil)
	wantStatus(t, r, 503)
	if p := r.problem(t); !strings.HasSuffix(p.Type, ":analysis-busy") || !strings.Contains(p.Detail, "300 nodes") {
		t.Errorf("problem %+v; want analysis-busy naming the map's size", p)
	}
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/analysis", nil, nil), 200)

	close(st.gate)
	wantStatus(t, <-first, 200)
	wantStatus(t, e.do("GET", "/api/v1/maps/big/analysis", nil, nil), 200)
}

// lateStore answers every whole-map read after a delay, as a big map's
// read takes minutes.
type lateStore struct {
	graph.Store
	delay time.Duration
}

func (s lateStore) GetMap(ctx context.Context, id string) (*graph.Map, error) {
	time.Sleep(s.delay)
	return s.Store.GetMap(ctx, id)
}

// TestLateAnswersAreWrittenWhole checks that an answer which took longer
// than the server's write timeout to compute still reaches the client
// whole when it is streamed (the analysis, the map), and that the write
// timeout leaves every answer its store time plus time to be written. A
// write timeout counted from the request cut off the analysis of a
// million-node map given --store-timeout 3m: the client got no answer.
func TestLateAnswersAreWrittenWhole(t *testing.T) {
	base := newEnv(t)
	base.seed()
	e := newEnvOn(t, lateStore{base.store, 400 * time.Millisecond}, func(c *Config) { c.StoreTimeout = 3 * time.Minute })
	hs := e.srv.HTTPServer("")
	if want := 3*time.Minute + WriteWindow; hs.WriteTimeout < want {
		t.Errorf("write timeout %v with a 3m store time; want at least %v", hs.WriteTimeout, want)
	}
	// A write timeout shorter than the read stands for one shorter than
	// a big map's analysis.
	hs.WriteTimeout = 150 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { hs.Close() })
	get := func(path string) []byte {
		t.Helper()
		r, err := http.Get("http://" + ln.Addr().String() + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer r.Body.Close()
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Fatalf("GET %s: the answer was cut off after %d bytes: %v", path, len(body), err)
		}
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, r.StatusCode, body)
		}
		return body
	}
	var rep analysis.Report
	if err := json.Unmarshal(get("/api/v1/maps/acme-pumps/analysis"), &rep); err != nil || rep.Map != "acme-pumps" || len(rep.Segments) == 0 {
		t.Errorf("analysis: %v, report of %q with %d segments", err, rep.Map, len(rep.Segments))
	}
	var m graph.Map
	if err := json.Unmarshal(get("/api/v1/maps/acme-pumps"), &m); err != nil || m.ID != "acme-pumps" || len(m.Nodes) == 0 {
		t.Errorf("map: %v, map %q with %d nodes", err, m.ID, len(m.Nodes))
	}
}
