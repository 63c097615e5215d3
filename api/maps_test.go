package api

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
)

func TestMapLifecycle(t *testing.T) {
	e := newEnv(t)

	r := e.do("GET", "/api/v1/maps", nil, nil)
	wantStatus(t, r, 200)
	if strings.TrimSpace(string(r.Body)) != "[]" {
		t.Fatalf("empty store lists %s, want []", r.Body)
	}

	r = e.do("POST", "/api/v1/maps", acmeYAML, nil)
	wantStatus(t, r, 201)
	if got := r.Header.Get("ETag"); got != `"1"` {
		t.Errorf("ETag after create %q, want \"1\"", got)
	}
	if got := r.Header.Get("Location"); got != "/api/v1/maps/acme-pumps" {
		t.Errorf("Location %q", got)
	}
	var created graph.Map
	r.json(t, &created)
	if created.ID != "acme-pumps" || len(created.Nodes) != 6 || created.Version != 1 {
		t.Fatalf("created map %s v%d with %d nodes", created.ID, created.Version, len(created.Nodes))
	}

	r = e.do("POST", "/api/v1/maps", acmeYAML, nil)
	wantStatus(t, r, 409)
	r.problem(t)

	r = e.do("GET", "/api/v1/maps", nil, nil)
	wantStatus(t, r, 200)
	var infos []graph.MapInfo
	r.json(t, &infos)
	if len(infos) != 1 || infos[0].ID != "acme-pumps" || infos[0].Nodes != 6 || infos[0].Edges != 5 || infos[0].Version != 1 {
		t.Fatalf("list %+v", infos)
	}

	r = e.do("GET", "/api/v1/maps/acme-pumps", nil, nil)
	wantStatus(t, r, 200)
	if r.Header.Get("ETag") != `"1"` {
		t.Errorf("GET ETag %q", r.Header.Get("ETag"))
	}
	r = e.do("GET", "/api/v1/maps/acme-pumps", nil, hdr{"If-None-Match": `"1"`})
	wantStatus(t, r, 304)
	r = e.do("HEAD", "/api/v1/maps/acme-pumps", nil, nil)
	wantStatus(t, r, 200)
	if r.Header.Get("ETag") != `"1"` {
		t.Errorf("HEAD ETag %q", r.Header.Get("ETag"))
	}

	changed := strings.Replace(acmeYAML, "title: ACME Pumps - channel map 2026", "title: ACME Pumps - 2027", 1)
	r = e.do("PUT", "/api/v1/maps/acme-pumps", changed, nil)
	wantStatus(t, r, 428)
	r.problem(t)
	r = e.do("PUT", "/api/v1/maps/acme-pumps", changed, hdr{"If-Match": `"7"`})
	wantStatus(t, r, 412)
	if p := r.problem(t); !strings.Contains(p.Detail, "version 1") {
		t.Errorf("412 detail %q does not name the current version", p.Detail)
	}
	if r.Header.Get("ETag") != `"1"` {
		t.Errorf("412 carries ETag %q, want the current \"1\"", r.Header.Get("ETag"))
	}
	r = e.do("PUT", "/api/v1/maps/acme-pumps", changed, hdr{"If-Match": `"1"`})
	wantStatus(t, r, 200)
	if r.Header.Get("ETag") != `"2"` {
		t.Errorf("ETag after PUT %q, want \"2\"", r.Header.Get("ETag"))
	}
	m, err := e.store.GetMap(context.Background(), "acme-pumps")
	if err != nil || m.Title != "ACME Pumps - 2027" || m.Version != 2 {
		t.Fatalf("stored after PUT: %+v %v", m, err)
	}
	r = e.do("GET", "/api/v1/maps/acme-pumps", nil, hdr{"If-None-Match": `"1"`})
	wantStatus(t, r, 200) // the old ETag no longer matches

	other := strings.Replace(acmeYAML, "id: acme-pumps", "id: other", 1)
	r = e.do("PUT", "/api/v1/maps/acme-pumps", other, hdr{"If-Match": `"2"`})
	wantStatus(t, r, 400)
	if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Pointer != "/id" {
		t.Errorf("id mismatch problem %+v, want one error at /id", p)
	}

	r = e.do("DELETE", "/api/v1/maps/acme-pumps", nil, nil)
	wantStatus(t, r, 428)
	r = e.do("DELETE", "/api/v1/maps/acme-pumps", nil, hdr{"If-Match": `"1"`})
	wantStatus(t, r, 412)
	r = e.do("DELETE", "/api/v1/maps/acme-pumps", nil, hdr{"If-Match": `"2"`})
	wantStatus(t, r, 204)
	r = e.do("GET", "/api/v1/maps/acme-pumps", nil, nil)
	wantStatus(t, r, 404)
	r.problem(t)
	r = e.do("PUT", "/api/v1/maps/acme-pumps", changed, hdr{"If-Match": `"2"`})
	wantStatus(t, r, 404)
}

func TestMapBodyMediaTypes(t *testing.T) {
	for _, ct := range []string{"application/yaml", "application/x-yaml", "text/yaml", "application/json"} {
		t.Run(ct, func(t *testing.T) {
			e := newEnv(t)
			body := []byte(acmeYAML)
			if ct == "application/json" {
				m, err := mapio.Read(body, "acme.yaml")
				if err != nil {
					t.Fatal(err)
				}
				var buf strings.Builder
				if err := mapio.WriteJSON(&buf, m); err != nil {
					t.Fatal(err)
				}
				body = []byte(buf.String())
			}
			r := e.do("POST", "/api/v1/maps", body, hdr{"Content-Type": ct + "; charset=utf-8"})
			wantStatus(t, r, 201)
		})
	}
	e := newEnv(t)
	for _, ct := range []string{"text/plain", "application/xml"} {
		r := e.do("POST", "/api/v1/maps", []byte(acmeYAML), hdr{"Content-Type": ct})
		wantStatus(t, r, 415)
		r.problem(t)
	}
}

func TestMapValidationProblems(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name, body, pointer string
	}{
		// Caught by graph's validation: names the edge and the value.
		{"margin out of range", strings.Replace(acmeYAML, "margin: 0.18", "margin: 1.5", 1), "/edges/0/margin"},
		{"dangling edge", strings.Replace(acmeYAML, "{from: acme, to: web, kind: operates}", "{from: acme, to: nowhere, kind: operates}", 1), "/edges/3/to"},
		// Caught by the OpenAPI document before graph sees it.
		{"unknown kind", strings.Replace(acmeYAML, "kind: distributor", "kind: wizard", 1), "/nodes/1/kind"},
		{"unknown top-level key", acmeYAML + "colour: red\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/maps", c.body, nil)
			wantStatus(t, r, 400)
			p := r.problem(t)
			if len(p.Errors) == 0 {
				t.Fatalf("no located errors: %+v", p)
			}
			if c.pointer == "" {
				return
			}
			for _, f := range p.Errors {
				if f.Pointer == c.pointer {
					return
				}
			}
			t.Errorf("no error at %s: %+v", c.pointer, p.Errors)
		})
	}
	if maps, _ := e.store.ListMaps(context.Background()); len(maps) != 0 {
		t.Errorf("a refused map was stored: %+v", maps)
	}
}

func TestChangesAtomic(t *testing.T) {
	e := newEnv(t)
	e.seed()
	good := graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpAddNode, Node: &graph.Node{ID: "farms", Kind: graph.KindSegment, Name: "Farms"}},
		{Op: graph.OpAddEdge, Edge: &graph.Edge{From: "nordic", To: "farms", Kind: graph.EdgeSupplies, Delivery: "freight"}},
	}}
	r := e.do("POST", "/api/v1/maps/acme-pumps/changes", good, nil)
	wantStatus(t, r, 428)
	r = e.do("POST", "/api/v1/maps/acme-pumps/changes", good, hdr{"If-Match": `"1"`})
	wantStatus(t, r, 200)
	var a applied
	r.json(t, &a)
	if a.Version != 2 || a.Changes != 2 || r.Header.Get("ETag") != `"2"` {
		t.Fatalf("applied %+v, ETag %s", a, r.Header.Get("ETag"))
	}

	// The second change is invalid (a segment cannot supply): nothing of the batch lands.
	bad := graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpAddNode, Node: &graph.Node{ID: "miners", Kind: graph.KindSegment, Name: "Miners"}},
		{Op: graph.OpAddEdge, Edge: &graph.Edge{From: "farms", To: "miners", Kind: graph.EdgeSupplies}},
	}}
	r = e.do("POST", "/api/v1/maps/acme-pumps/changes", bad, hdr{"If-Match": `"2"`})
	wantStatus(t, r, 400)
	if p := r.problem(t); len(p.Errors) == 0 || p.Errors[0].Pointer == "" {
		t.Errorf("validation problem without pointers: %+v", p)
	}
	m, _ := e.store.GetMap(context.Background(), "acme-pumps")
	if m.Version != 2 || m.Node("miners") != nil {
		t.Fatalf("failed batch changed the map: version %d, miners %v", m.Version, m.Node("miners") != nil)
	}

	r = e.do("POST", "/api/v1/maps/acme-pumps/changes", good, hdr{"If-Match": `"1"`})
	wantStatus(t, r, 412)
	r = e.do("POST", "/api/v1/maps/acme-pumps/changes", `{"changes": [{"op": "explode"}]}`, hdr{"If-Match": `"2"`, "Content-Type": "application/json"})
	wantStatus(t, r, 400)
	r = e.do("POST", "/api/v1/maps/nope/changes", good, hdr{"If-Match": `"1"`})
	wantStatus(t, r, 404)
}

func TestIfMatchForms(t *testing.T) {
	e := newEnv(t)
	e.seed()
	for _, c := range []struct {
		ifMatch string
		code    int
	}{
		{`"1"`, 200}, {`W/"2"`, 200}, {`3`, 200},
		{`*`, 400}, {`"abc"`, 412}, {`"0"`, 412}, {`"99"`, 412}, {`"stale-0"`, 412},
		{`"98", "4"`, 200}, {`"1", W/"2"`, 412}, {`"a b"`, 400}, {`abc`, 400},
	} {
		r := e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/acme", map[string]any{"description": "v" + c.ifMatch}, hdr{"If-Match": c.ifMatch})
		if r.Code != c.code {
			t.Errorf("If-Match %s: %d, want %d (%s)", c.ifMatch, r.Code, c.code, r.Body)
		}
	}
}

func TestRoutesMatchDocument(t *testing.T) {
	e := newEnv(t)
	doc, _, err := OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	inDoc := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			inDoc[method+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, r := range e.srv.e.Routes() {
		if r.Method == "echo_route_not_found" || r.Method == "HEAD" || r.Path == "/*" || r.Path == "/api/v1/*" {
			continue
		}
		p := r.Path
		for _, seg := range []string{"map", "node", "edge", "segment", "version", "name"} {
			p = strings.Replace(p, ":"+seg, "{"+seg+"}", 1)
		}
		served[r.Method+" "+p] = true
	}
	for k := range served {
		if !inDoc[k] {
			t.Errorf("route %s is served but not in openapi.yaml", k)
		}
	}
	for k := range inDoc {
		if !served[k] {
			t.Errorf("openapi.yaml has %s but the server does not serve it", k)
		}
	}

	r := e.do("GET", "/api/openapi.json", nil, nil)
	wantStatus(t, r, 200)
	var js map[string]any
	r.json(t, &js)
	if js["openapi"] != "3.0.3" {
		t.Errorf("openapi.json has openapi=%v", js["openapi"])
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/api/v1/nothing-here", nil, nil)
	wantStatus(t, r, 404)
	r.problem(t)
	r = e.do("POST", "/api/v1/maps/x/analysis", nil, nil)
	if r.Code != http.StatusMethodNotAllowed && r.Code != http.StatusNotFound {
		t.Fatalf("POST to a GET route: %d", r.Code)
	}
	r.problem(t)
}

func TestHealth(t *testing.T) {
	e := newEnv(t)
	wantStatus(t, e.do("GET", "/healthz", nil, nil), 200)
	wantStatus(t, e.do("GET", "/readyz", nil, nil), 200)
	r := e.do("GET", "/healthz", nil, hdr{"X-Request-Id": "abc-123"})
	if r.Header.Get("X-Request-Id") != "abc-123" {
		t.Errorf("request id not echoed: %q", r.Header.Get("X-Request-Id"))
	}
	r = e.do("GET", "/healthz", nil, nil)
	if len(r.Header.Get("X-Request-Id")) < 8 {
		t.Errorf("no request id made: %q", r.Header.Get("X-Request-Id"))
	}
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BodyLimit = 512 })
	r := e.do("POST", "/api/v1/maps", acmeYAML, nil) // over 512 bytes
	wantStatus(t, r, 413)
	if p := r.problem(t); !strings.Contains(p.Detail, "512") {
		t.Errorf("413 detail %q does not name the limit", p.Detail)
	}
	e.seed()
	r = e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/acme", map[string]any{"description": strings.Repeat("x", 600)}, hdr{"If-Match": `"1"`})
	wantStatus(t, r, 413)
}

func TestEmptyMap(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/api/v1/maps", []byte(`{"id": "blank", "nodes": []}`), hdr{"Content-Type": "application/json"})
	wantStatus(t, r, 201)
	for _, path := range []string{"/api/v1/maps/blank", "/api/v1/maps/blank/nodes", "/api/v1/maps/blank/edges", "/api/v1/maps/blank/export.json", "/api/v1/maps/blank/analysis", "/api/v1/maps/blank/diagram.svg"} {
		r = e.do("GET", path, nil, nil)
		wantStatus(t, r, 200)
		if bytes.Contains(r.Body, []byte(`"nodes":null`)) || bytes.Contains(r.Body, []byte(`"edges":null`)) {
			t.Errorf("%s answers null lists: %s", path, r.Body)
		}
	}
}
