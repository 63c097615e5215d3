package api

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/embedded"
	"github.com/chanmap/chanmap/graph/mapio"
)

// listCountingStore counts the map list's reads.
type listCountingStore struct {
	*embedded.Store
	lists atomic.Int32
}

func (s *listCountingStore) ListMaps(ctx context.Context) ([]graph.MapInfo, error) {
	s.lists.Add(1)
	return s.Store.ListMaps(ctx)
}

// listOnlyStore reads every other way the embedded store does, but has no
// graph.MapInfoReader: its MapInfo is not the interface's method.
type listOnlyStore struct{ *listCountingStore }

func (listOnlyStore) MapInfo() {}

// The writes of nodes and edges, the analysis and the diagram find their
// map's size and version by its own line of the map list, not by listing
// every map, when the store reads one line alone; with a store that
// cannot, they list the maps and answer the same.
func TestWritesReadOneMapInfo(t *testing.T) {
	open := func(t *testing.T) *listCountingStore {
		es, err := embedded.Open(filepath.Join(t.TempDir(), "chanmap.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { es.Close() })
		return &listCountingStore{Store: es}
	}
	type request struct {
		method, path string
		body         any
		ifMatch      string
		status       int
	}
	requests := []request{
		{"PATCH", "/api/v1/maps/acme-pumps/nodes/nordic", map[string]any{"name": "Nordic Supply"}, `"1"`, 200},
		{"PATCH", "/api/v1/maps/acme-pumps/nodes/nordic", map[string]any{"name": "Late"}, `"1"`, 412},
		{"POST", "/api/v1/maps/acme-pumps/nodes", map[string]any{"id": "south", "kind": "distributor", "name": "South"}, `"2"`, 201},
		{"DELETE", "/api/v1/maps/acme-pumps/nodes/south", nil, `"3"`, 204},
		{"POST", "/api/v1/maps/no-such-map/nodes", map[string]any{"id": "x", "kind": "reseller", "name": "X"}, `"1"`, 404},
		{"PATCH", "/api/v1/maps/acme-pumps-1/nodes/nordic", map[string]any{"name": "Other"}, `"1"`, 200},
		{"GET", "/api/v1/maps/acme-pumps/analysis", nil, "", 200},
		{"GET", "/api/v1/maps/acme-pumps/diagram.svg", nil, "", 200},
	}
	run := func(t *testing.T, st graph.Store) {
		e := newEnvOn(t, st)
		for i := range 3 {
			m, err := mapio.Read([]byte(acmeYAML), "acme.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if i > 0 {
				m.ID = m.ID + "-" + string(rune('0'+i))
			}
			if _, err := st.CreateMap(context.Background(), m); err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range requests {
			h := hdr{}
			if r.ifMatch != "" {
				h["If-Match"] = r.ifMatch
			}
			a := e.do(r.method, r.path, r.body, h)
			if a.Code != r.status {
				t.Errorf("%s %s: %d, want %d: %s", r.method, r.path, a.Code, r.status, a.Body)
			}
		}
	}
	one := open(t)
	if _, ok := graph.Store(one).(graph.MapInfoReader); !ok {
		t.Fatal("the embedded store reads no single map info")
	}
	run(t, one)
	if n := one.lists.Load(); n != 0 {
		t.Errorf("the map list was read %d times for writes, an analysis and a diagram of one map", n)
	}
	wantStatus(t, newEnvOn(t, one).do("GET", "/api/v1/maps", nil, nil), 200)
	if n := one.lists.Load(); n != 1 {
		t.Errorf("GET /api/v1/maps read the map list %d times, want 1", n)
	}

	list := listOnlyStore{open(t)}
	if _, ok := graph.Store(list).(graph.MapInfoReader); ok {
		t.Fatal("the list-only store reads single map infos")
	}
	run(t, list)
	if n := list.lists.Load(); n == 0 {
		t.Error("a store without MapInfo was never asked for the map list")
	}
}
