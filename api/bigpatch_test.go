package api

import (
	"testing"

	"github.com/chanmap/chanmap/graph"
)

// TestPatchBigMapReadsElement checks that a PATCH of a node or an edge of
// a map past PatchElementAbove reads that element, not the whole map (the
// store here fails every whole-map read), and still checks If-Match, a
// missing element and a rename the map refuses.
func TestPatchBigMapReadsElement(t *testing.T) {
	e, st, big := countsEnv(t, true)
	e.srv.elementsAbove = 250
	seg := big.NodesOfKind(graph.KindSegment)[0]
	other := big.NodesOfKind(graph.KindSegment)[1]
	merge := hdr{"Content-Type": "application/merge-patch+json"}
	with := func(tag string) hdr {
		h := hdr{"If-Match": tag}
		for k, v := range merge {
			h[k] = v
		}
		return h
	}

	r := e.do("PATCH", "/api/v1/maps/"+big.ID+"/nodes/"+seg, map[string]any{"name": "Renamed segment"}, with(`"1"`))
	wantStatus(t, r, 200)
	var n struct {
		Name     string          `json:"name"`
		Warnings []graph.Warning `json:"warnings"`
	}
	r.json(t, &n)
	if n.Name != "Renamed segment" || n.Warnings == nil || len(n.Warnings) != 0 {
		t.Fatalf("answer %s; want the patched node with an empty warnings list", r.Body)
	}
	if r.Header.Get("ETag") != `"2"` {
		t.Errorf("ETag %q after the change, want \"2\"", r.Header.Get("ETag"))
	}
	wantStatus(t, e.do("PATCH", "/api/v1/maps/"+big.ID+"/nodes/"+seg, map[string]any{"name": "Again"}, with(`"1"`)), 412)
	wantStatus(t, e.do("PATCH", "/api/v1/maps/"+big.ID+"/nodes/nobody", map[string]any{"name": "X"}, with(`"2"`)), 404)
	// The store's own checks answer what the map would have: a node that
	// edges point at keeps its id.
	wantStatus(t, e.do("PATCH", "/api/v1/maps/"+big.ID+"/nodes/"+other, map[string]any{"id": seg}, with(`"2"`)), 400)

	edge := big.Edges[0].Key()
	r = e.do("PATCH", "/api/v1/maps/"+big.ID+"/edges/"+edge, map[string]any{"delivery": "courier"}, with(`"2"`))
	wantStatus(t, r, 200)
	if got := st.whole.Load(); got != 0 {
		t.Fatalf("the whole map was read %d times", got)
	}
	m, err := st.Store.GetMap(t.Context(), big.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Node(seg).Name != "Renamed segment" || m.Edge(edge).Delivery != "courier" || m.Version != 3 {
		t.Fatalf("stored: node %q, edge delivery %q, version %d", m.Node(seg).Name, m.Edge(edge).Delivery, m.Version)
	}
}
