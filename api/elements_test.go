package api

import (
	"context"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

func TestNodes(t *testing.T) {
	e := newEnv(t)
	e.seed()

	r := e.do("GET", "/api/v1/maps/acme-pumps/nodes", nil, nil)
	wantStatus(t, r, 200)
	var nodes []graph.Node
	r.json(t, &nodes)
	if len(nodes) != 6 || nodes[0].ID != "acme" || r.Header.Get("ETag") != `"1"` {
		t.Fatalf("nodes %d, first %q, ETag %s", len(nodes), nodes[0].ID, r.Header.Get("ETag"))
	}
	r = e.do("GET", "/api/v1/maps/acme-pumps/nodes/contractors", nil, nil)
	wantStatus(t, r, 200)
	var n graph.Node
	r.json(t, &n)
	if n.Revenue == nil || *n.Revenue != 2400000 || n.Market != "producer" {
		t.Fatalf("contractors %+v", n)
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/nodes/ghost", nil, nil), 404)
	wantStatus(t, e.do("GET", "/api/v1/maps/ghost/nodes", nil, nil), 404)

	farms := graph.Node{ID: "farms", Kind: graph.KindSegment, Name: "Farms", Market: "producer"}
	wantStatus(t, e.do("POST", "/api/v1/maps/acme-pumps/nodes", farms, nil), 428)
	r = e.do("POST", "/api/v1/maps/acme-pumps/nodes", farms, hdr{"If-Match": `"1"`})
	wantStatus(t, r, 201)
	if r.Header.Get("ETag") != `"2"` || r.Header.Get("Location") != "/api/v1/maps/acme-pumps/nodes/farms" {
		t.Errorf("ETag %s Location %s", r.Header.Get("ETag"), r.Header.Get("Location"))
	}
	wantStatus(t, e.do("POST", "/api/v1/maps/acme-pumps/nodes", farms, hdr{"If-Match": `"2"`}), 409)
	bad := graph.Node{ID: "Bad Id!", Kind: graph.KindSegment, Name: "x"}
	r = e.do("POST", "/api/v1/maps/acme-pumps/nodes", bad, hdr{"If-Match": `"2"`})
	wantStatus(t, r, 400)
	r.problem(t)

	// Merge patch: set a figure, remove a field with null, keep the rest.
	patch := map[string]any{"revenue": 2600000, "needs": nil, "scores": map[string]any{"growth": 80}}
	r = e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/contractors", patch, hdr{"If-Match": `"2"`, "Content-Type": "application/merge-patch+json"})
	wantStatus(t, r, 200)
	if r.Header.Get("ETag") != `"3"` {
		t.Errorf("ETag after PATCH %s", r.Header.Get("ETag"))
	}
	m, _ := e.store.GetMap(context.Background(), "acme-pumps")
	c := m.Node("contractors")
	if *c.Revenue != 2600000 || c.Needs != "" || c.Scores["growth"] != 80 || c.Scores["payment"] != 40 || c.Name != "Small contractors" {
		t.Fatalf("patched node %+v", c)
	}
	r = e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/contractors", map[string]any{"revenue": "lots"}, hdr{"If-Match": `"3"`})
	wantStatus(t, r, 400)
	r = e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/contractors", map[string]any{"colour": "red"}, hdr{"If-Match": `"3"`})
	wantStatus(t, r, 400)
	r = e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/contractors", map[string]any{"kind": "touchpoint"}, hdr{"If-Match": `"3"`})
	wantStatus(t, r, 400) // edges into it no longer pair: a validation problem
	r.problem(t)
	wantStatus(t, e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/contractors", patch, hdr{"If-Match": `"2"`}), 412)
	wantStatus(t, e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/ghost", patch, hdr{"If-Match": `"3"`}), 404)

	// Deleting a node takes its edges along, in one change set.
	wantStatus(t, e.do("DELETE", "/api/v1/maps/acme-pumps/nodes/contractors", nil, nil), 428)
	r = e.do("DELETE", "/api/v1/maps/acme-pumps/nodes/contractors", nil, hdr{"If-Match": `"3"`})
	wantStatus(t, r, 204)
	if r.Header.Get("ETag") != `"4"` {
		t.Errorf("ETag after DELETE %s, want \"4\" (one change set)", r.Header.Get("ETag"))
	}
	m, _ = e.store.GetMap(context.Background(), "acme-pumps")
	if m.Node("contractors") != nil || len(m.Edges) != 2 {
		t.Fatalf("after delete: contractors %v, %d edges (want 2)", m.Node("contractors") != nil, len(m.Edges))
	}
}

func TestEdges(t *testing.T) {
	e := newEnv(t)
	e.seed()
	r := e.do("GET", "/api/v1/maps/acme-pumps/edges", nil, nil)
	wantStatus(t, r, 200)
	var edges []graph.Edge
	r.json(t, &edges)
	if len(edges) != 5 {
		t.Fatalf("%d edges", len(edges))
	}
	r = e.do("GET", "/api/v1/maps/acme-pumps/edges/acme--supplies--nordic", nil, nil)
	wantStatus(t, r, 200)
	var ed graph.Edge
	r.json(t, &ed)
	if ed.Margin == nil || *ed.Margin != 0.18 {
		t.Fatalf("edge %+v", ed)
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/edges/a--b--c", nil, nil), 404)

	add := graph.Edge{From: "fixit", To: "web", Kind: graph.EdgeOperates}
	r = e.do("POST", "/api/v1/maps/acme-pumps/edges", add, hdr{"If-Match": `"1"`})
	wantStatus(t, r, 201)
	if r.Header.Get("Location") != "/api/v1/maps/acme-pumps/edges/fixit--operates--web" {
		t.Errorf("Location %s", r.Header.Get("Location"))
	}
	wantStatus(t, e.do("POST", "/api/v1/maps/acme-pumps/edges", add, hdr{"If-Match": `"2"`}), 409)
	wrong := graph.Edge{From: "web", To: "contractors", Kind: graph.EdgeSupports}
	r = e.do("POST", "/api/v1/maps/acme-pumps/edges", wrong, hdr{"If-Match": `"2"`})
	wantStatus(t, r, 400)
	r.problem(t)

	r = e.do("PATCH", "/api/v1/maps/acme-pumps/edges/acme--supplies--nordic", map[string]any{"margin": 0.2, "delivery": "courier"}, hdr{"If-Match": `"2"`})
	wantStatus(t, r, 200)
	m, _ := e.store.GetMap(context.Background(), "acme-pumps")
	if got := m.Edge("acme--supplies--nordic"); *got.Margin != 0.2 || got.Delivery != "courier" {
		t.Fatalf("patched edge %+v", got)
	}
	r = e.do("PATCH", "/api/v1/maps/acme-pumps/edges/acme--supplies--nordic", map[string]any{"margin": 3}, hdr{"If-Match": `"3"`})
	wantStatus(t, r, 400)

	wantStatus(t, e.do("DELETE", "/api/v1/maps/acme-pumps/edges/fixit--operates--web", nil, hdr{"If-Match": `"2"`}), 412)
	wantStatus(t, e.do("DELETE", "/api/v1/maps/acme-pumps/edges/fixit--operates--web", nil, hdr{"If-Match": `"3"`}), 204)
	m, _ = e.store.GetMap(context.Background(), "acme-pumps")
	if m.Edge("fixit--operates--web") != nil || m.Version != 4 {
		t.Fatalf("edge still there or version %d", m.Version)
	}
}
