package storetest

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
)

// RunReads runs only the contract's cases for the optional reads, for a
// store wrapped to take a path Run does not reach (one that never answers
// from a cache, say).
func RunReads(t *testing.T, open func(t *testing.T) graph.Store) {
	for _, tc := range readTests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s)
		})
	}
}

// readTests are the contract's cases for the optional reads (graph's
// ElementReader, MapStreamer and MapInfoReader), run by Run. A store that
// lacks them is read through its snapshot or map list (graph.ElementsOf,
// graph.StreamOf, graph.ReadMapInfo), which the same cases check.
var readTests = []struct {
	name string
	fn   func(t *testing.T, s graph.Store)
}{
	{"ElementReads", testElementReads},
	{"StreamMap", testStreamMap},
	{"ProjectMap", testProjectMap},
	{"OverviewCounts", testOverviewCounts},
	{"PagesAfterDeletes", testPagesAfterDeletes},
	{"MapInfo", testMapInfo},
}

// Every node and edge of every sample reads back by its key as written,
// with the map's version; pages cover the lists in map order; what is not
// there is nil (a node or edge) or graph.ErrNotFound (a map). The reads
// come first, before anything puts the map's snapshot in a cache, and once
// more after a change.
func testElementReads(t *testing.T, s graph.Store) {
	er := graph.ElementsOf(s)
	for name, src := range TestdataMaps(t) {
		t.Run(name, func(t *testing.T) {
			m := create(t, s, src)
			checkElements(t, er, m)
			checkEdgesOf(t, graph.NodeEdgesOf(s), m)
			upd := m.Nodes[len(m.Nodes)-1].Clone()
			upd.Description = "changed after the first reads"
			cs := graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: upd.ID, Node: upd}}}
			if _, err := s.Apply(ctx(t), m.ID, 1, cs); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			next, err := graph.ApplyChanges(m, cs)
			if err != nil {
				t.Fatal(err)
			}
			next.Version = 2
			checkElements(t, er, next)
			checkEdgesOf(t, graph.NodeEdgesOf(s), next)
			mustEqual(t, "GetMap after the element reads", get(t, s, m.ID), next)
		})
	}
	if _, _, err := er.GetNode(ctx(t), "st-no-such-map", "x"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("GetNode of a missing map: %v, want ErrNotFound", err)
	}
	if _, _, err := er.GetEdge(ctx(t), "st-no-such-map", "x--supplies--y"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("GetEdge of a missing map: %v, want ErrNotFound", err)
	}
	if _, _, err := graph.NodeEdgesOf(s).EdgesOf(ctx(t), "st-no-such-map", "x"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("EdgesOf a node of a missing map: %v, want ErrNotFound", err)
	}
	if _, _, err := er.ListNodes(ctx(t), "st-no-such-map", 0, 10); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("ListNodes of a missing map: %v, want ErrNotFound", err)
	}
	if _, _, err := er.ListEdges(ctx(t), "st-no-such-map", 0, -1); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("ListEdges of a missing map: %v, want ErrNotFound", err)
	}
}

// checkElements reads every element of m through er and compares.
func checkElements(t *testing.T, er graph.ElementReader, m *graph.Map) {
	t.Helper()
	c := ctx(t)
	// Some 40 of each, spread over the map, keep a keyed read per element
	// within seconds on a server.
	for _, want := range spread(m.Nodes, 40) {
		n, v, err := er.GetNode(c, m.ID, want.ID)
		if err != nil || v != m.Version || n == nil || !graph.EqualNode(n, want) {
			t.Fatalf("GetNode(%s) = %+v at version %d, %v; want %+v at %d", want.ID, n, v, err, want, m.Version)
		}
	}
	for _, want := range spread(m.Edges, 40) {
		e, v, err := er.GetEdge(c, m.ID, want.Key())
		if err != nil || v != m.Version || e == nil || !graph.EqualEdge(e, want) {
			t.Fatalf("GetEdge(%s) = %+v at version %d, %v; want %+v at %d", want.Key(), e, v, err, want, m.Version)
		}
	}
	for _, key := range []string{"st-none", "st-none--supplies--" + m.Nodes[0].ID, m.Nodes[0].ID + "--supplies--st-none"} {
		if n, v, err := er.GetNode(c, m.ID, key); n != nil || err != nil || v != m.Version {
			t.Errorf("GetNode(%s) of a missing node = %+v, %d, %v; want nil at version %d", key, n, v, err, m.Version)
		}
		if e, v, err := er.GetEdge(c, m.ID, key); e != nil || err != nil || v != m.Version {
			t.Errorf("GetEdge(%s) of a missing edge = %+v, %d, %v; want nil at version %d", key, e, v, err, m.Version)
		}
	}
	var nodes []*graph.Node
	size := max(7, len(m.Nodes)/8) // some 8 pages, the last one short
	for off := 0; ; off += size {
		page, v, err := er.ListNodes(c, m.ID, off, size)
		if err != nil || v != m.Version {
			t.Fatalf("ListNodes(%d, %d): version %d, %v", off, size, v, err)
		}
		nodes = append(nodes, page...)
		if len(page) < size {
			break
		}
	}
	all, _, err := er.ListEdges(c, m.ID, 0, -1)
	if err != nil {
		t.Fatalf("ListEdges(0, all): %v", err)
	}
	got := &graph.Map{ID: m.ID, Title: m.Title, Currency: m.Currency, Source: m.Source, AsOf: m.AsOf,
		Classification: m.Classification, Nodes: nodes, Edges: all}
	if !graph.Equal(got, m) {
		t.Fatalf("the pages of nodes and the list of edges differ from the map:\n%s", firstDiff(got, m))
	}
	if page, _, err := er.ListEdges(c, m.ID, len(m.Edges), 5); err != nil || len(page) != 0 {
		t.Errorf("a page past the end: %d edges, %v", len(page), err)
	}
	if page, _, err := er.ListNodes(c, m.ID, 1, 0); err != nil || len(page) != 0 {
		t.Errorf("a page of 0: %d nodes, %v", len(page), err)
	}
}

// checkEdgesOf reads the edges of some nodes of m through r, among them
// the node with the most edges, and compares them with the snapshot's:
// the same edges in map order, at the map's version. A node the map lacks
// has none.
func checkEdgesOf(t *testing.T, r graph.NodeEdgeReader, m *graph.Map) {
	t.Helper()
	c := ctx(t)
	degree := map[string]int{}
	hub := ""
	for _, e := range m.Edges {
		for _, id := range []string{e.From, e.To} {
			if degree[id]++; degree[id] > degree[hub] {
				hub = id
			}
		}
	}
	ids := []string{"st-none"}
	if hub != "" {
		ids = append(ids, hub)
	}
	for _, n := range spread(m.Nodes, 20) {
		ids = append(ids, n.ID)
	}
	for _, id := range ids {
		got, v, err := r.EdgesOf(c, m.ID, id)
		want := graph.EdgesTouching(m, id)
		if err != nil || v != m.Version || got == nil || len(got) != len(want) {
			t.Fatalf("EdgesOf(%s) = %d edges at version %d, %v; want %d at %d", id, len(got), v, err, len(want), m.Version)
		}
		for i := range want {
			if !graph.EqualEdge(got[i], want[i]) {
				t.Fatalf("EdgesOf(%s): edge %d is %+v, want %+v", id, i, got[i], want[i])
			}
		}
	}
}

// A streamed map is the map: pieces in map order with the version, and
// its YAML and JSON written as it is read are byte for byte the files
// written from GetMap. Only the pieces asked for are handed over. A
// missing map is graph.ErrNotFound before anything is handed over.
func testStreamMap(t *testing.T, s graph.Store) {
	ms := graph.StreamOf(s)
	for name, src := range TestdataMaps(t) {
		t.Run(name, func(t *testing.T) {
			m := create(t, s, src)
			var got graph.Map
			err := ms.StreamMap(ctx(t), m.ID, graph.MapVisitor{
				Head: func(h *graph.Map) error { got = *h; return nil },
				Node: func(n *graph.Node) error { got.Nodes = append(got.Nodes, n); return nil },
				Edge: func(e *graph.Edge) error { got.Edges = append(got.Edges, e); return nil },
			})
			if err != nil {
				t.Fatalf("StreamMap: %v", err)
			}
			if got.Version != 1 {
				t.Errorf("streamed version %d, want 1", got.Version)
			}
			mustEqual(t, "StreamMap", &got, m)
			var files [2]bytes.Buffer
			for i, f := range []mapio.Format{mapio.YAML, mapio.JSON} {
				enc, err := mapio.NewEncoder(&files[i], f)
				if err != nil {
					t.Fatal(err)
				}
				if err := ms.StreamMap(ctx(t), m.ID, enc.Visitor()); err != nil {
					t.Fatalf("StreamMap into %s: %v", f, err)
				}
				if err := enc.Close(); err != nil {
					t.Fatal(err)
				}
			}
			edges := 0
			err = ms.StreamMap(ctx(t), m.ID, graph.MapVisitor{
				Head: func(*graph.Map) error { return nil },
				Edge: func(*graph.Edge) error { edges++; return nil },
			})
			if err != nil || edges != len(m.Edges) {
				t.Errorf("edges only: %d of %d, %v", edges, len(m.Edges), err)
			}
			whole := get(t, s, m.ID)
			var y, j bytes.Buffer
			if err := mapio.WriteYAML(&y, whole); err != nil {
				t.Fatal(err)
			}
			if err := mapio.WriteJSON(&j, whole); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(files[0].Bytes(), y.Bytes()) || !bytes.Equal(files[1].Bytes(), j.Bytes()) {
				t.Errorf("the streamed files (%d, %d bytes) differ from the whole map's (%d, %d)",
					files[0].Len(), files[1].Len(), y.Len(), j.Len())
			}
		})
	}
	called := false
	err := ms.StreamMap(ctx(t), "st-no-such-map", graph.MapVisitor{Head: func(*graph.Map) error { called = true; return nil }})
	if !errors.Is(err, graph.ErrNotFound) || called {
		t.Errorf("StreamMap of a missing map: %v (head handed over: %v), want ErrNotFound and nothing", err, called)
	}
}

// spread is about n items of xs, evenly spaced, the last one included.
func spread[T any](xs []T, n int) []T {
	step := max(1, len(xs)/n)
	var out []T
	for i := 0; i < len(xs); i += step {
		out = append(out, xs[i])
	}
	if len(xs) > 0 && (len(xs)-1)%step != 0 {
		out = append(out, xs[len(xs)-1])
	}
	return out
}

// The overview's counts by kind and region equal the snapshot's, before
// and after a change that moves a node to another region.
func testOverviewCounts(t *testing.T, s graph.Store) {
	for name, src := range TestdataMaps(t) {
		t.Run(name, func(t *testing.T) {
			m := create(t, s, src)
			got, err := graph.OverviewOf(ctx(t), s, m.ID)
			if err != nil {
				t.Fatalf("OverviewCounts: %v", err)
			}
			if want := graph.CountOverview(m); !reflect.DeepEqual(got, want) {
				t.Fatalf("OverviewCounts = %+v\nwant %+v", got, want)
			}
			var moved *graph.Node
			for _, n := range m.Nodes {
				if n.Kind.IsIntermediary() {
					moved = n.Clone()
					break
				}
			}
			if moved == nil {
				return
			}
			moved.Region = "st-elsewhere"
			cs := graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: moved.ID, Node: moved}}}
			if _, err := s.Apply(ctx(t), m.ID, 1, cs); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			next, err := graph.ApplyChanges(m, cs)
			if err != nil {
				t.Fatal(err)
			}
			next.Version = 2
			got, err = graph.OverviewOf(ctx(t), s, m.ID)
			if err != nil {
				t.Fatalf("OverviewCounts after a change: %v", err)
			}
			if want := graph.CountOverview(next); !reflect.DeepEqual(got, want) {
				t.Fatalf("OverviewCounts after moving %s = %+v\nwant %+v", moved.ID, got, want)
			}
		})
	}
	if _, err := graph.OverviewOf(ctx(t), s, "st-no-such-map"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("OverviewCounts of a missing map: %v, want ErrNotFound", err)
	}
}
