package api

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/embedded"
	"github.com/chanmap/chanmap/graph/gen"
)

// readCountingStore counts whole-map reads; with noWhole set they fail,
// as reading a map of a million nodes in Neo4j would. It counts by kind
// and region through the embedded store.
type readCountingStore struct {
	*embedded.Store
	whole   atomic.Int32
	counted atomic.Int32
	noWhole bool
}

func (s *readCountingStore) OverviewCounts(ctx context.Context, id string) (*graph.Overview, error) {
	s.counted.Add(1)
	return s.Store.OverviewCounts(ctx, id)
}

func (s *readCountingStore) GetMap(ctx context.Context, id string) (*graph.Map, error) {
	s.whole.Add(1)
	if s.noWhole {
		return nil, errors.New("the whole map was read")
	}
	return s.Store.GetMap(ctx, id)
}

// notCounting is a store without OverviewCounter.
type notCounting struct{ graph.Store }

func countsEnv(t *testing.T, noWhole bool) (*env, *readCountingStore, *graph.Map) {
	t.Helper()
	es, err := embedded.Open(filepath.Join(t.TempDir(), "chanmap.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { es.Close() })
	st := &readCountingStore{Store: es, noWhole: noWhole}
	big := gen.Generate(300, 1)
	if _, err := st.CreateMap(context.Background(), big); err != nil {
		t.Fatal(err)
	}
	e := newEnvOn(t, st)
	e.srv.diagrams.countsAbove = 250
	return e, st, big
}

// A map past the size limit is drawn from its counts in every format,
// without being read whole; its ETag answers 304 and changes with the map.
func TestDiagramOfABigMapFromCounts(t *testing.T) {
	e, st, big := countsEnv(t, true)
	path := "/api/v1/maps/" + big.ID + "/diagram."
	r := e.do("GET", path+"svg", nil, nil)
	wantStatus(t, r, 200)
	if !bytes.Contains(r.Body, []byte("Drawn from counts")) {
		t.Error("the SVG does not say it is drawn from counts")
	}
	first, tag := r.Body, r.Header.Get("ETag")
	if tag == "" {
		t.Fatal("no ETag")
	}
	wantStatus(t, e.do("GET", path+"svg", nil, hdr{"If-None-Match": tag}), 304)
	for _, f := range []string{"png", "pdf", "dot"} {
		r := e.do("GET", path+f+"?theme=dark&view=supply", nil, nil)
		wantStatus(t, r, 200)
		if len(r.Body) == 0 {
			t.Errorf("%s: empty", f)
		}
	}
	if n := st.whole.Load(); n != 0 {
		t.Fatalf("the big map was read whole %d times", n)
	}
	if n := st.counted.Load(); n != 1 {
		t.Errorf("one version counted %d times for four formats", n)
	}

	// A change to the map is a new drawing with a new ETag.
	if _, err := st.Apply(context.Background(), big.ID, 1, graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpAddNode, Node: &graph.Node{ID: "one-more", Kind: graph.KindReseller, Name: "One more", Region: "Far away"}}}}); err != nil {
		t.Fatal(err)
	}
	r = e.do("GET", path+"svg", nil, hdr{"If-None-Match": tag})
	wantStatus(t, r, 200)
	if r.Header.Get("ETag") == tag {
		t.Error("the ETag did not change with the map")
	}
	if bytes.Equal(r.Body, first) || !bytes.Contains(r.Body, []byte("Drawn from counts")) {
		t.Error("the new drawing is not drawn from the new counts")
	}
	if n := st.counted.Load(); n != 2 {
		t.Errorf("two versions counted %d times", n)
	}
	if n := st.whole.Load(); n != 0 {
		t.Fatalf("the big map was read whole %d times", n)
	}

	// A missing map is 404 without reading any map.
	wantStatus(t, e.do("GET", "/api/v1/maps/no-such-map/diagram.svg", nil, nil), 404)
	if n := st.whole.Load(); n != 0 {
		t.Fatalf("a map was read whole %d times", n)
	}
}

// What needs single nodes or the analysis is drawn from the whole map,
// however big; so is a small map, and any map of a store that cannot count.
func TestDiagramFromTheWholeMap(t *testing.T) {
	e, st, big := countsEnv(t, false)
	for _, q := range []string{"weak_spots=true", "detail=true", "color=tier", "view=support", "view=touchpoints", "flow=true"} {
		before := st.whole.Load()
		r := e.do("GET", "/api/v1/maps/"+big.ID+"/diagram.dot?"+q, nil, nil)
		wantStatus(t, r, 200)
		if st.whole.Load() == before || bytes.Contains(r.Body, []byte("Drawn from counts")) {
			t.Errorf("%s: drawn from counts", q)
		}
	}
	small := gen.Generate(100, 2)
	small.ID = "small"
	if _, err := st.CreateMap(context.Background(), small); err != nil {
		t.Fatal(err)
	}
	before := st.whole.Load()
	r := e.do("GET", "/api/v1/maps/small/diagram.dot", nil, nil)
	wantStatus(t, r, 200)
	if st.whole.Load() == before || bytes.Contains(r.Body, []byte("Drawn from counts")) {
		t.Error("a small map was drawn from counts")
	}

	plain := newEnvOn(t, notCounting{st})
	plain.srv.diagrams.countsAbove = 250
	before = st.whole.Load()
	r = plain.do("GET", "/api/v1/maps/"+big.ID+"/diagram.dot", nil, nil)
	wantStatus(t, r, 200)
	if st.whole.Load() == before || bytes.Contains(r.Body, []byte("Drawn from counts")) {
		t.Error("a store that cannot count drew from counts")
	}
}
