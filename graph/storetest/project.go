package storetest

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
)

// A projection is the snapshot with the other fields dropped: for the
// analysis's projection, for one with a field or two and no free
// attributes, and for the bare minimum (ids, kinds and ends). The analysis
// of the projection is the analysis of the snapshot, byte for byte. A
// missing map is graph.ErrNotFound before anything is handed over; an
// unknown field name is an error.
func testProjectMap(t *testing.T, s graph.Store) {
	mp := graph.ProjectorOf(s)
	projections := map[string]graph.Projection{
		"analysis": analysis.Reads,
		"few":      {Map: []string{"title"}, Node: []string{"name", "scores"}, Edge: []string{"share", "products"}},
		"bare":     {},
	}
	for name, src := range TestdataMaps(t) {
		t.Run(name, func(t *testing.T) {
			src = src.Clone()
			// Free attributes, one named like a field, on a node and an edge.
			src.Nodes[0].Attrs = map[string]any{"revnue": 3.0, "note": "kept"}
			src.Edges[0].Attrs = map[string]any{"shar": 0.5}
			m := create(t, s, src)
			for pname, p := range projections {
				var got graph.Map
				heads := 0
				err := mp.ProjectMap(ctx(t), m.ID, p, graph.MapVisitor{
					Head: func(h *graph.Map) error { got = *h; heads++; return nil },
					Node: func(n *graph.Node) error { got.Nodes = append(got.Nodes, n); return nil },
					Edge: func(e *graph.Edge) error { got.Edges = append(got.Edges, e); return nil },
				})
				if err != nil {
					t.Fatalf("ProjectMap %s: %v", pname, err)
				}
				if heads != 1 || got.Version != 1 {
					t.Errorf("ProjectMap %s: %d heads, version %d; want one at version 1", pname, heads, got.Version)
				}
				want, err := graph.Project(get(t, s, m.ID), p)
				if err != nil {
					t.Fatal(err)
				}
				mustEqual(t, "ProjectMap "+pname, &got, want)
			}

			whole, err := analysis.Analyze(get(t, s, m.ID))
			if err != nil {
				t.Fatalf("Analyze: %v", err)
			}
			pm, err := graph.ReadProjection(ctx(t), s, m.ID, analysis.Reads)
			if err != nil {
				t.Fatalf("ReadProjection: %v", err)
			}
			projected, err := analysis.Analyze(pm)
			if err != nil {
				t.Fatalf("Analyze of the projection: %v", err)
			}
			a, _ := json.Marshal(whole)
			b, _ := json.Marshal(projected)
			if string(a) != string(b) {
				t.Errorf("the analysis of the projection differs from the snapshot's:\nsnapshot:   %.1500s\nprojection: %.1500s", a, b)
			}
		})
	}
	called := false
	err := mp.ProjectMap(ctx(t), "st-no-such-map", analysis.Reads, graph.MapVisitor{Head: func(*graph.Map) error { called = true; return nil }})
	if !errors.Is(err, graph.ErrNotFound) || called {
		t.Errorf("ProjectMap of a missing map: %v (head handed over: %v), want ErrNotFound and nothing", err, called)
	}
	m := create(t, s, TestdataMaps(t)["industrial.yaml"])
	err = mp.ProjectMap(ctx(t), m.ID, graph.Projection{Node: []string{"revenu"}}, graph.MapVisitor{Head: func(*graph.Map) error { called = true; return nil }})
	if err == nil || called {
		t.Errorf("ProjectMap with an unknown node field: %v (head handed over: %v), want an error and nothing", err, called)
	}
}
