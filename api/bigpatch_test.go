package api

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

// bigWrite is one write sent to both servers of TestBigMapWritesReadElements.
type bigWrite struct {
	name, method, path string
	body               any
	ifMatch            string // "": the version the map is at; "-": none
	status             int
	problem            string // the problem type of an error answer
}

// Every write of nodes and edges to a map past PatchElementAbove (adding,
// changing and deleting a node or an edge, a change set) reads the
// elements it checks, never the whole map (the store here fails every
// whole-map read), and answers as the same write to a small map does:
// the same status, the same problem, the same node or edge, ETag and
// Location; only its warnings list is empty. The two maps end up equal.
func TestBigMapWritesReadElements(t *testing.T) {
	big, st, m := countsEnv(t, true)
	big.srv.elementsAbove = 250
	small, _, _ := countsEnv(t, false)
	if len(m.Nodes) <= big.srv.elementsAbove || len(m.Nodes) > small.srv.elementsAbove {
		t.Fatalf("%d nodes: not big for one server and small for the other", len(m.Nodes))
	}
	hub := "reseller-024" // a node with edges both ways, deleted with them
	if n := len(graph.EdgesTouching(m, hub)); n < 2 {
		t.Fatalf("%s has %d edges", hub, n)
	}
	supplies := func(from, to string, share float64) map[string]any {
		e := map[string]any{"from": from, "to": to, "kind": "supplies"}
		if share > 0 {
			e["share"] = share
		}
		return e
	}
	existing := m.Edges[20]
	path := "/api/v1/maps/" + m.ID
	writes := []bigWrite{
		{"add a node", "POST", path + "/nodes", map[string]any{"id": "new-reseller", "kind": "reseller", "name": "New reseller"}, "", 201, ""},
		{"add a node again", "POST", path + "/nodes", map[string]any{"id": "new-reseller", "kind": "reseller", "name": "Twice"}, "", 409, "exists"},
		{"add a node on a stale version", "POST", path + "/nodes", map[string]any{"id": "late", "kind": "reseller", "name": "Late"}, `"1"`, 412, "stale-version"},
		{"add a node without If-Match", "POST", path + "/nodes", map[string]any{"id": "blind", "kind": "reseller", "name": "Blind"}, "-", 428, "if-match-required"},
		{"add a node to no map", "POST", "/api/v1/maps/no-such-map/nodes", map[string]any{"id": "x", "kind": "reseller", "name": "X"}, `"1"`, 404, "not-found"},
		{"add a node the store refuses", "POST", path + "/nodes", map[string]any{"id": "no-name", "kind": "reseller", "name": "No name", "tier": 9}, "", 400, "validation"},
		{"add an edge", "POST", path + "/edges", supplies("distributor-001", "new-reseller", 0), "", 201, ""},
		{"add an edge again", "POST", path + "/edges", supplies(existing.From, existing.To, 0.1), "", 409, "exists"},
		{"add an edge on a stale version", "POST", path + "/edges", supplies("distributor-002", "new-reseller", 0), `"2"`, 412, "stale-version"},
		{"add an edge that closes a cycle", "POST", path + "/edges", supplies("distributor-001", "company", 0), "", 400, "validation"},
		{"add an edge of a share too big", "POST", path + "/edges", supplies("company", "reseller-010", 0.99), "", 400, "validation"},
		{"add an edge to no node", "POST", path + "/edges", supplies("company", "nobody", 0), "", 400, "validation"},
		{"change a node", "PATCH", path + "/nodes/new-reseller", map[string]any{"name": "Renamed reseller"}, "", 200, ""},
		{"rename a node to a taken id", "PATCH", path + "/nodes/new-reseller", map[string]any{"id": "company"}, "", 409, "exists"},
		{"change a missing node", "PATCH", path + "/nodes/nobody", map[string]any{"name": "X"}, "", 404, "not-found"},
		{"change a node on a stale version", "PATCH", path + "/nodes/new-reseller", map[string]any{"name": "Y"}, `"1"`, 412, "stale-version"},
		{"rename a node edges point at", "PATCH", path + "/nodes/new-reseller", map[string]any{"id": "moved-reseller"}, "", 400, "validation"},
		{"change an edge", "PATCH", path + "/edges/" + existing.Key(), map[string]any{"delivery": "courier"}, "", 200, ""},
		{"change an edge into a taken key", "PATCH", path + "/edges/distributor-001--supplies--new-reseller", map[string]any{"from": "company", "to": "distributor-001"}, "", 409, "exists"},
		{"delete a missing edge", "DELETE", path + "/edges/nobody--supplies--company", nil, "", 404, "not-found"},
		{"delete an edge on a stale version", "DELETE", path + "/edges/distributor-001--supplies--new-reseller", nil, `"1"`, 412, "stale-version"},
		{"delete an edge", "DELETE", path + "/edges/distributor-001--supplies--new-reseller", nil, "", 204, ""},
		{"delete a missing node", "DELETE", path + "/nodes/nobody", nil, "", 404, "not-found"},
		{"delete a node on a stale version", "DELETE", path + "/nodes/" + hub, nil, `"1"`, 412, "stale-version"},
		{"delete a node with its edges", "DELETE", path + "/nodes/" + hub, nil, "", 204, ""},
		{"delete a node without edges", "DELETE", path + "/nodes/new-reseller", nil, "", 204, ""},
		{"apply a change set", "POST", path + "/changes", map[string]any{"changes": []any{
			map[string]any{"op": "add_node", "node": map[string]any{"id": "late-reseller", "kind": "reseller", "name": "Late reseller"}},
			map[string]any{"op": "add_edge", "edge": supplies("distributor-003", "late-reseller", 0)},
		}}, "", 200, ""},
		{"apply a change set on a stale version", "POST", path + "/changes", map[string]any{"changes": []any{
			map[string]any{"op": "delete_edge", "id": "distributor-003--supplies--late-reseller"}}}, `"2"`, 412, "stale-version"},
		{"apply a change set the store refuses", "POST", path + "/changes", map[string]any{"changes": []any{
			map[string]any{"op": "delete_node", "id": "late-reseller"}}}, "", 400, "validation"},
		{"apply a change set to no map", "POST", "/api/v1/maps/no-such-map/changes", map[string]any{"changes": []any{}}, `"1"`, 404, "not-found"},
	}
	version := int64(1)
	for _, w := range writes {
		h := hdr{"If-Match": etag(version)}
		switch w.ifMatch {
		case "-":
			h["If-Match"] = ""
		case "":
		default:
			h["If-Match"] = w.ifMatch
		}
		if w.method == "PATCH" {
			h["Content-Type"] = "application/merge-patch+json"
		}
		rb := big.do(w.method, w.path, w.body, h)
		rs := small.do(w.method, w.path, w.body, h)
		if rs.Code != w.status {
			t.Fatalf("%s: the small map answers %d, want %d: %s", w.name, rs.Code, w.status, rs.Body)
		}
		if rb.Code != rs.Code {
			t.Fatalf("%s: the big map answers %d, the small one %d:\n%s\n%s", w.name, rb.Code, rs.Code, rb.Body, rs.Body)
		}
		for _, k := range []string{"ETag", "Location"} {
			if rb.Header.Get(k) != rs.Header.Get(k) {
				t.Errorf("%s: %s %q on the big map, %q on the small one", w.name, k, rb.Header.Get(k), rs.Header.Get(k))
			}
		}
		if w.status >= 400 {
			if p := rb.problem(t); p.Type != "urn:chanmap:problem:"+w.problem {
				t.Errorf("%s: problem %s, want %s", w.name, p.Type, w.problem)
			}
			if b, s := answerOf(t, rb, "request_id"), answerOf(t, rs, "request_id"); !reflect.DeepEqual(b, s) {
				t.Errorf("%s: the big map answers\n%s\nthe small one\n%s", w.name, rb.Body, rs.Body)
			}
			continue
		}
		version++
		if rb.Header.Get("ETag") != etag(version) {
			t.Fatalf("%s: ETag %q, want %q", w.name, rb.Header.Get("ETag"), etag(version))
		}
		if w.status == 204 {
			continue
		}
		if ws, ok := answerOf(t, rb, "")["warnings"].([]any); !ok || len(ws) != 0 {
			t.Errorf("%s: warnings %s on the big map, want []", w.name, rb.Body)
		}
		if b, s := answerOf(t, rb, "warnings"), answerOf(t, rs, "warnings"); !reflect.DeepEqual(b, s) {
			t.Errorf("%s: the big map answers\n%s\nthe small one\n%s", w.name, rb.Body, rs.Body)
		}
	}
	if n := st.whole.Load(); n != 0 {
		t.Fatalf("the big map was read whole %d times", n)
	}
	got, err := st.Store.GetMap(t.Context(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	want, err := small.store.GetMap(t.Context(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !graph.Equal(got, want) || got.Version != version {
		t.Fatalf("the maps differ after the same writes (versions %d and %d, want %d)", got.Version, want.Version, version)
	}
	if got.Node(hub) != nil || len(graph.EdgesTouching(got, hub)) != 0 {
		t.Errorf("%s or its edges survived its delete", hub)
	}
}

// answerOf decodes a JSON answer without its field drop.
func answerOf(t *testing.T, r resp, drop string) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatalf("answer is not a JSON object (%v): %s", err, r.Body)
	}
	delete(out, drop)
	return out
}

// racing runs lose before the first write it applies: another writer
// changes the map between the server's check of If-Match and its write.
type racing struct {
	*readCountingStore
	lose func()
}

func (r *racing) Apply(ctx context.Context, id string, expected int64, cs graph.ChangeSet) (int64, error) {
	if r.lose != nil {
		r.lose()
		r.lose = nil
	}
	return r.readCountingStore.Apply(ctx, id, expected, cs)
}

// A write to a big map that loses the race to another writer is 412 with
// the map's new version as its ETag, still without reading the map whole.
func TestBigMapWriteLosesRace(t *testing.T) {
	_, st, m := countsEnv(t, true)
	rs := &racing{readCountingStore: st}
	e := newEnvOn(t, rs)
	e.srv.elementsAbove = 250
	rs.lose = func() {
		n := &graph.Node{ID: "first", Kind: graph.KindReseller, Name: "First"}
		if _, err := st.Apply(context.Background(), m.ID, 1, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpAddNode, Node: n}}}); err != nil {
			t.Error(err)
		}
	}
	r := e.do("DELETE", fmt.Sprintf("/api/v1/maps/%s/edges/%s", m.ID, m.Edges[0].Key()), nil, hdr{"If-Match": `"1"`})
	wantStatus(t, r, 412)
	if r.Header.Get("ETag") != `"2"` {
		t.Errorf("ETag %q, want \"2\"", r.Header.Get("ETag"))
	}
	if n := st.whole.Load(); n != 0 {
		t.Fatalf("the big map was read whole %d times", n)
	}
}
