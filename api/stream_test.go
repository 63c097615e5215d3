package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/graph/mapio"
)

// echoJSON is what c.JSON writes for v.
func echoJSON(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The map, its node and edge lists and the YAML and JSON exports are
// written as the store reads them, and are byte for byte what encoding the
// whole snapshot gives: for a small map (held and sent whole) and for one
// far over the bytes held back (sent as it is read).
func TestStreamedAnswersEqualWhole(t *testing.T) {
	e := newEnv(t)
	e.seed()
	big := gen.Generate(3000, 5)
	big.ID = "big"
	if _, err := e.store.CreateMap(context.Background(), big); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"acme-pumps", "big"} {
		m, err := e.store.GetMap(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		var y, j bytes.Buffer
		if err := mapio.WriteYAML(&y, m); err != nil {
			t.Fatal(err)
		}
		if err := mapio.WriteJSON(&j, m); err != nil {
			t.Fatal(err)
		}
		want := map[string][]byte{
			"":             echoJSON(t, present(m)),
			"/nodes":       echoJSON(t, m.Nodes),
			"/edges":       echoJSON(t, m.Edges),
			"/export.yaml": y.Bytes(),
			"/export.json": j.Bytes(),
		}
		if id == "big" && len(want["/export.yaml"]) < 2*streamHold {
			t.Fatalf("the big map's file is %d bytes, not far over the %d held back", len(want["/export.yaml"]), streamHold)
		}
		for path, body := range want {
			r := e.do("GET", "/api/v1/maps/"+id+path, nil, nil)
			wantStatus(t, r, 200)
			if !bytes.Equal(r.Body, body) {
				t.Errorf("GET %s%s: %d bytes differ from the whole snapshot's %d", id, path, len(r.Body), len(body))
			}
			if r.Header.Get("ETag") != etag(m.Version) {
				t.Errorf("GET %s%s: ETag %q, want %q", id, path, r.Header.Get("ETag"), etag(m.Version))
			}
			wantStatus(t, e.do("GET", "/api/v1/maps/"+id+path, nil, hdr{"If-None-Match": etag(m.Version)}), 304)
		}
		if cd := e.do("GET", "/api/v1/maps/"+id+"/export.yaml", nil, nil).Header.Get("Content-Disposition"); !strings.Contains(cd, id+".yaml") {
			t.Errorf("export.yaml Content-Disposition %q", cd)
		}
	}
	for _, path := range []string{"", "/nodes", "/edges", "/export.yaml"} {
		wantStatus(t, e.do("GET", "/api/v1/maps/ghost"+path, nil, nil), 404)
	}
}

// Pages of nodes and edges: in map order, a Link to the next page while
// one is full, the map's ETag; bad numbers are a 400 naming the parameter.
func TestPages(t *testing.T) {
	e := newEnv(t)
	e.seed()
	m, _ := e.store.GetMap(context.Background(), "acme-pumps")
	var got []string
	next := "/api/v1/maps/acme-pumps/nodes?limit=4"
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("the pages never end")
		}
		r := e.do("GET", next, nil, nil)
		wantStatus(t, r, 200)
		var nodes []graph.Node
		r.json(t, &nodes)
		for _, n := range nodes {
			got = append(got, n.ID)
		}
		next = ""
		if l := r.Header.Get("Link"); l != "" {
			next = strings.TrimPrefix(strings.SplitN(l, ">", 2)[0], "<")
		}
	}
	var want []string
	for _, n := range m.Nodes {
		want = append(want, n.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("paged nodes %v, want %v", got, want)
	}
	r := e.do("GET", "/api/v1/maps/acme-pumps/edges?offset=2&limit=2", nil, nil)
	wantStatus(t, r, 200)
	var edges []graph.Edge
	r.json(t, &edges)
	if len(edges) != 2 || edges[0].Key() != m.Edges[2].Key() || r.Header.Get("Link") == "" {
		t.Errorf("edges 2..3: %+v, Link %q", edges, r.Header.Get("Link"))
	}
	r = e.do("GET", "/api/v1/maps/acme-pumps/edges?offset=99", nil, nil)
	wantStatus(t, r, 200)
	if string(bytes.TrimSpace(r.Body)) != "[]" || r.Header.Get("Link") != "" {
		t.Errorf("a page past the end: %s, Link %q", r.Body, r.Header.Get("Link"))
	}
	for _, q := range []string{"limit=0", "limit=10001", "offset=-1", "limit=lots"} {
		r := e.do("GET", "/api/v1/maps/acme-pumps/nodes?"+q, nil, nil)
		wantStatus(t, r, 400)
		r.problem(t)
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/ghost/nodes?limit=2", nil, nil), 404)
	r = e.do("GET", "/api/v1/maps/acme-pumps/edges/"+m.Edges[1].Key(), nil, nil)
	wantStatus(t, r, 200)
	var ed graph.Edge
	r.json(t, &ed)
	if ed.Key() != m.Edges[1].Key() || r.Header.Get("ETag") != `"1"` {
		t.Errorf("edge %+v ETag %s", ed, r.Header.Get("ETag"))
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/edges/nope", nil, nil), 404)
	wantStatus(t, e.do("GET", "/api/v1/maps/ghost/edges/nope", nil, nil), 404)
	wantStatus(t, e.do("GET", "/api/v1/maps/ghost/nodes/acme", nil, nil), 404)
}

// tornStore streams like its store but reports a commit landing during
// the read (graph.ErrConflict) after half the edges, the first fails times.
type tornStore struct {
	graph.Store
	fails atomic.Int32
	reads atomic.Int32
}

func (s *tornStore) StreamMap(ctx context.Context, id string, v graph.MapVisitor) error {
	s.reads.Add(1)
	m, err := s.GetMap(ctx, id)
	if err != nil {
		return err
	}
	if s.fails.Add(-1) < 0 {
		return graph.WalkMap(m, v)
	}
	m.Edges = m.Edges[:len(m.Edges)/2]
	if err := graph.WalkMap(m, v); err != nil {
		return err
	}
	return fmt.Errorf("map %q changed while it was read: %w", id, graph.ErrConflict)
}

// A read torn by a commit is read again while nothing was sent; once the
// answer has started, the connection is cut, so the client sees an error
// and never a short map that parses.
func TestTornStreams(t *testing.T) {
	e := newEnv(t)
	e.seed()
	big := gen.Generate(3000, 5)
	big.ID = "big"
	if _, err := e.store.CreateMap(context.Background(), big); err != nil {
		t.Fatal(err)
	}
	ts := &tornStore{Store: e.store}
	e = newEnvOn(t, ts)
	ts.fails.Store(1)
	r := e.do("GET", "/api/v1/maps/acme-pumps", nil, nil)
	wantStatus(t, r, 200)
	var m graph.Map
	r.json(t, &m)
	if len(m.Nodes) != 6 || ts.reads.Load() != 2 {
		t.Errorf("after one torn read: %d nodes in %d reads, want 6 in 2", len(m.Nodes), ts.reads.Load())
	}
	ts.fails.Store(5)
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps", nil, nil), 503)

	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ts.fails.Store(1)
	res, err := http.Get(srv.URL + "/api/v1/maps/big/export.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a torn read after the answer started gave %d bytes and error %v, want an unexpected EOF", len(body), err)
	}
}

// headOnly counts the nodes a store hands over.
type headOnly struct {
	graph.Store
	nodes atomic.Int32
}

func (s *headOnly) StreamMap(ctx context.Context, id string, v graph.MapVisitor) error {
	if v.Node != nil {
		n := v.Node
		v.Node = func(x *graph.Node) error { s.nodes.Add(1); return n(x) }
	}
	return graph.StreamOf(s.Store).StreamMap(ctx, id, v)
}

// HEAD of a streamed answer reads the map's own fields only: the ETag
// and the headers of the GET, no node read.
func TestHeadReadsNoNodes(t *testing.T) {
	e := newEnv(t)
	e.seed()
	hs := &headOnly{Store: e.store}
	e = newEnvOn(t, hs)
	for _, path := range []string{"", "/nodes", "/export.yaml", "/export.json"} {
		r := e.do("HEAD", "/api/v1/maps/acme-pumps"+path, nil, nil)
		wantStatus(t, r, 200)
		if r.Header.Get("ETag") != `"1"` || r.Header.Get("Content-Type") == "" || len(r.Body) != 0 {
			t.Errorf("HEAD %s: ETag %q, Content-Type %q, %d body bytes", path, r.Header.Get("ETag"), r.Header.Get("Content-Type"), len(r.Body))
		}
		wantStatus(t, e.do("HEAD", "/api/v1/maps/acme-pumps"+path, nil, hdr{"If-None-Match": `"1"`}), 304)
		wantStatus(t, e.do("HEAD", "/api/v1/maps/ghost"+path, nil, nil), 404)
	}
	if n := hs.nodes.Load(); n != 0 {
		t.Errorf("HEAD read %d nodes", n)
	}
	if cd := e.do("HEAD", "/api/v1/maps/acme-pumps/export.yaml", nil, nil).Header.Get("Content-Disposition"); !strings.Contains(cd, "acme-pumps.yaml") {
		t.Errorf("HEAD export.yaml Content-Disposition %q", cd)
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/nodes", nil, nil), 200)
	if hs.nodes.Load() == 0 {
		t.Error("the counting store saw no node on a GET: the test counts nothing")
	}
}
