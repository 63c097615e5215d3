package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
)

// listOnly hides a store's optional reads, so graph.ReadMapInfo picks the
// line from ListMaps: the answer every MapInfoReader must equal.
type listOnly struct{ graph.Store }

// checkMapInfo checks that map id's line read alone (graph.ReadMapInfo,
// through the store's MapInfoReader when it has one) is the line ListMaps
// gives, or ErrNotFound when ListMaps lists no such map, and returns that
// line (ok false when there is none).
func checkMapInfo(t *testing.T, s graph.Store, when, id string) (line graph.MapInfo, ok bool) {
	t.Helper()
	list, err := s.ListMaps(ctx(t))
	if err != nil {
		t.Fatalf("%s: ListMaps: %v", when, err)
	}
	for _, l := range list {
		if l.ID == id {
			line, ok = l, true
		}
	}
	for _, r := range []struct {
		name string
		st   graph.Store
	}{{"the store", s}, {"the map list", listOnly{s}}} {
		got, err := graph.ReadMapInfo(ctx(t), r.st, id)
		switch {
		case !ok && !errors.Is(err, graph.ErrNotFound):
			t.Errorf("%s: map info of %s read through %s = %+v, %v; want ErrNotFound (the map list lacks it)", when, id, r.name, got, err)
		case ok && err != nil:
			t.Errorf("%s: map info of %s read through %s: %v; want %+v", when, id, r.name, err, line)
		case ok && !sameLine(got, line):
			t.Errorf("%s: map info of %s read through %s = %+v; the map list has %+v", when, id, r.name, got, line)
		}
	}
	return line, ok
}

// sameLine: a and b are equal field for field, the update time as an
// instant.
func sameLine(a, b graph.MapInfo) bool {
	ta, tb := a.Updated, b.Updated
	a.Updated, b.Updated = time.Time{}, time.Time{}
	return a == b && ta.Equal(tb)
}

// testMapInfo: one map's line read alone equals its line in ListMaps
// through everything that changes it (a new map, an edit, a new title and
// currency, a restore, a delete, an undelete, a purge), right after each
// write, and leaves the other maps' lines alone: among them one whose id
// starts with the first's. A map that is not there, or is deleted, is
// ErrNotFound.
func testMapInfo(t *testing.T, s graph.Store) {
	src := small(t)
	m := create(t, s, src)
	other := src.Clone()
	other.ID, other.Title = m.ID+"-x", "the other map"
	if _, err := s.CreateMap(ctx(t), other); err != nil {
		t.Fatalf("CreateMap(%s): %v", other.ID, err)
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if err := Remove(c, s, other.ID); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	want := func(when string, version int64, title, currency string, nodes, edges int) {
		t.Helper()
		line, ok := checkMapInfo(t, s, when, m.ID)
		if !ok {
			t.Fatalf("%s: ListMaps does not list %s", when, m.ID)
		}
		if line.Version != version || line.Title != title || line.Currency != currency || line.Nodes != nodes || line.Edges != edges {
			t.Errorf("%s: line %+v; want version %d, title %q, currency %q, %d nodes, %d edges", when, line, version, title, currency, nodes, edges)
		}
		if o, ok := checkMapInfo(t, s, when, other.ID); !ok || o.Version != 1 || o.Title != other.Title {
			t.Errorf("%s: the other map's line is %+v (listed %v); want it at version 1, %q", when, o, ok, other.Title)
		}
	}
	nodes, edges := len(m.Nodes), len(m.Edges)
	want("new", 1, m.Title, m.Currency, nodes, edges)

	add := graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpAddNode, Node: &graph.Node{ID: "st-info-new", Kind: graph.KindReseller, Name: "Added for the map info"}},
	}}
	v, err := s.Apply(ctx(t), m.ID, 1, add)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	want("after a node was added", v, m.Title, m.Currency, nodes+1, edges)

	head := m.Clone()
	head.Nodes, head.Edges = nil, nil
	head.Title, head.Currency = "retitled "+m.ID, "USD"
	if m.Currency == "USD" {
		head.Currency = "EUR"
	}
	if v, err = s.Apply(ctx(t), m.ID, v, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpSetMap, Map: head}}}); err != nil {
		t.Fatalf("Apply set_map: %v", err)
	}
	want("after a new title and currency", v, head.Title, head.Currency, nodes+1, edges)

	if v, err = s.Restore(ctx(t), m.ID, v, 1); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	want("after a restore of version 1", v, m.Title, m.Currency, nodes, edges)

	if err := s.DeleteMap(ctx(t), m.ID, v); err != nil {
		t.Fatalf("DeleteMap: %v", err)
	}
	if _, ok := checkMapInfo(t, s, "after a delete", m.ID); ok {
		t.Errorf("after a delete: ListMaps still lists %s", m.ID)
	}
	if _, ok := checkMapInfo(t, s, "after the first map's delete", other.ID); !ok {
		t.Errorf("after the first map's delete: ListMaps lacks %s", other.ID)
	}
	if v, err = s.Undelete(ctx(t), m.ID); err != nil {
		t.Fatalf("Undelete: %v", err)
	}
	want("after an undelete", v, m.Title, m.Currency, nodes, edges)

	if err := Remove(ctx(t), s, m.ID); err != nil {
		t.Fatal(err)
	}
	checkMapInfo(t, s, "after a purge", m.ID)
	checkMapInfo(t, s, "never stored", "st-no-such-map")

	c, cancel := context.WithCancel(context.Background())
	cancel()
	if got, err := graph.ReadMapInfo(c, s, other.ID); err == nil {
		t.Errorf("map info with a canceled context = %+v, no error", got)
	}
}

// BenchMapInfo measures the read of one map's line of the map list (what
// the API reads before every write of a node or an edge, and before an
// analysis or a big map's diagram) in store s holding n maps besides any
// it had: ListMaps picks the line from the whole list, as for a store
// without graph.MapInfoReader; MapInfo reads it through
// graph.ReadMapInfo. Each read asks for another of the n maps. cpu, when
// not nil, returns the CPU time spent so far by name (this process, a
// server), and each is reported per read as NAME-us/op.
func BenchMapInfo(b *testing.B, s graph.Store, n int, cpu func() map[string]time.Duration) {
	bg := context.Background()
	src := small(b)
	ids := make([]string, n)
	for i := range ids {
		m := src.Clone()
		m.ID, m.Version = FreshID("bench-info"), 0
		if _, err := s.CreateMap(bg, m); err != nil {
			b.Fatalf("CreateMap: %v", err)
		}
		ids[i] = m.ID
	}
	b.Cleanup(func() {
		for _, id := range ids {
			if err := Remove(bg, s, id); err != nil {
				b.Errorf("cleanup: %v", err)
			}
		}
	})
	for _, c := range []struct {
		name string
		st   graph.Store
	}{{"ListMaps", listOnly{s}}, {"MapInfo", s}} {
		b.Run(fmt.Sprintf("%s/maps=%d", c.name, n), func(b *testing.B) {
			var before map[string]time.Duration
			if cpu != nil {
				before = cpu()
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				id := ids[i%n]
				in, err := graph.ReadMapInfo(bg, c.st, id)
				if err != nil || in.ID != id || in.Version != 1 {
					b.Fatalf("map info of %s: %+v, %v", id, in, err)
				}
			}
			b.StopTimer()
			if cpu != nil {
				for name, t := range cpu() {
					if t0, ok := before[name]; ok && t >= 0 && t0 >= 0 {
						b.ReportMetric(float64((t-t0).Nanoseconds())/1000/float64(b.N), name+"-us/op")
					}
				}
			}
		})
	}
}
