package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

func TestParseTokens(t *testing.T) {
	cases := []struct {
		in      string
		n       int
		wantErr string
	}{
		{"", 0, ""},
		{"viewer-token-1=viewer", 1, ""},
		{" v-token-123=viewer , e-token-123=Editor,a-token-123=admin ", 3, ""},
		{"a-token-123=admin,", 1, ""},
		{"no-role-here", 0, "want token=role"},
		{"=admin", 0, "want token=role"},
		{"short=admin", 0, "at least 8"},
		{"a-token-123=root", 0, "unknown role"},
		{"a-token-123=admin,a-token-123=viewer", 0, "given twice"},
	}
	for _, c := range cases {
		tok, err := ParseTokens(c.in)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("ParseTokens(%q) error %v, want %q", c.in, err, c.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "a-token-123") {
				t.Errorf("error message leaks the token: %v", err)
			}
			continue
		}
		if err != nil || tok.Len() != c.n {
			t.Errorf("ParseTokens(%q) = %d tokens, %v; want %d", c.in, tok.Len(), err, c.n)
		}
	}
	tok, _ := ParseTokens("v-token-123=viewer,e-token-123=editor,a-token-123=admin")
	for token, want := range map[string]Role{
		"v-token-123": RoleViewer, "e-token-123": RoleEditor, "a-token-123": RoleAdmin,
		"a-token-12": RoleNone, "a-token-1234": RoleNone, "": RoleNone,
	} {
		if got := tok.Role(token); got != want {
			t.Errorf("Role(%q) = %v, want %v", token, got, want)
		}
	}
}

func TestAuthRoles(t *testing.T) {
	tokens, err := ParseTokens("viewer-tok=viewer,editor-tok=editor,admin-tok=admin")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *Config) { c.Tokens = tokens })
	e.seed()
	patch := map[string]any{"description": "x"}
	other := strings.Replace(acmeYAML, "id: acme-pumps", "id: other", 1)

	type call struct {
		method, path string
		body         any
		h            hdr
	}
	read := call{"GET", "/api/v1/maps/acme-pumps", nil, nil}
	edit := call{"PATCH", "/api/v1/maps/acme-pumps/nodes/acme", patch, hdr{"If-Match": "IFMATCH"}}
	create := call{"POST", "/api/v1/maps", other, nil}
	cases := []struct {
		token string
		c     call
		code  int
	}{
		{"", call{"GET", "/healthz", nil, nil}, 200},
		{"", read, 401},
		{"", call{"GET", "/readyz", nil, nil}, 401},
		{"", call{"GET", "/api/openapi.json", nil, nil}, 401},
		{"wrong-token", read, 401},
		{"viewer-tok", read, 200},
		{"viewer-tok", call{"GET", "/api/v1/maps/acme-pumps/diagram.dot", nil, nil}, 200},
		{"viewer-tok", edit, 403},
		{"viewer-tok", create, 403},
		{"editor-tok", edit, 200},
		{"editor-tok", create, 403},
		{"editor-tok", call{"DELETE", "/api/v1/maps/acme-pumps", nil, hdr{"If-Match": "IFMATCH"}}, 403},
		{"admin-tok", create, 201},
		{"admin-tok", call{"DELETE", "/api/v1/maps/other", nil, hdr{"If-Match": `"1"`}}, 204},
	}
	for _, c := range cases {
		m, _ := e.store.GetMap(context.Background(), "acme-pumps")
		h := hdr{}
		for k, v := range c.c.h {
			h[k] = strings.ReplaceAll(v, "IFMATCH", etag(m.Version))
		}
		e.token = c.token
		if c.token == "" {
			h["Authorization"] = ""
		}
		r := e.do(c.c.method, c.c.path, c.c.body, h)
		if r.Code != c.code {
			t.Errorf("%s with token %q: %d, want %d (%s)", c.c.method+" "+c.c.path, c.token, r.Code, c.code, r.Body)
			continue
		}
		if c.code == 401 {
			r.problem(t)
			if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: Bearer")
			}
		}
		if c.code == 403 {
			r.problem(t)
		}
	}
	e.token = ""
	r := e.do("GET", "/api/v1/maps", nil, hdr{"Authorization": "Basic dXNlcjpwYXNz"})
	wantStatus(t, r, 401)
}

// flakyStore is the real store behind a switch that makes it unreachable.
type flakyStore struct {
	graph.Store
	down atomic.Bool
}

func (f *flakyStore) err() error {
	if f.down.Load() {
		return fmt.Errorf("connection refused: %w", graph.ErrUnavailable)
	}
	return nil
}

func (f *flakyStore) GetMap(ctx context.Context, id string) (*graph.Map, error) {
	if err := f.err(); err != nil {
		return nil, err
	}
	return f.Store.GetMap(ctx, id)
}

func (f *flakyStore) ListMaps(ctx context.Context) ([]graph.MapInfo, error) {
	if err := f.err(); err != nil {
		return nil, err
	}
	return f.Store.ListMaps(ctx)
}

func (f *flakyStore) Apply(ctx context.Context, id string, v int64, cs graph.ChangeSet) (int64, error) {
	if err := f.err(); err != nil {
		return 0, err
	}
	return f.Store.Apply(ctx, id, v, cs)
}

func (f *flakyStore) Support(ctx context.Context, m, s string) (*graph.Support, error) {
	if err := f.err(); err != nil {
		return nil, err
	}
	return f.Store.Support(ctx, m, s)
}

func (f *flakyStore) Ping(ctx context.Context) error {
	if err := f.err(); err != nil {
		return err
	}
	return f.Store.Ping(ctx)
}

func TestStoreOutageAndRecovery(t *testing.T) {
	base := newEnv(t)
	base.seed()
	fs := &flakyStore{Store: base.store}
	e := newEnvOn(t, fs)

	wantStatus(t, e.do("GET", "/readyz", nil, nil), 200)
	fs.down.Store(true)
	for _, c := range []struct{ method, path string }{
		{"GET", "/readyz"}, {"GET", "/api/v1/maps"}, {"GET", "/api/v1/maps/acme-pumps"},
		{"GET", "/api/v1/maps/acme-pumps/segments/contractors/support"},
		{"GET", "/api/v1/maps/acme-pumps/diagram.svg"},
	} {
		r := e.do(c.method, c.path, nil, nil)
		wantStatus(t, r, 503)
		r.problem(t)
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("%s: 503 without Retry-After", c.path)
		}
	}
	wantStatus(t, e.do("GET", "/healthz", nil, nil), 200) // the process is alive
	r := e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/acme", map[string]any{"name": "x"}, hdr{"If-Match": `"1"`})
	wantStatus(t, r, 503)

	fs.down.Store(false)
	wantStatus(t, e.do("GET", "/readyz", nil, nil), 200)
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps", nil, nil), 200)
	wantStatus(t, e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/acme", map[string]any{"name": "x"}, hdr{"If-Match": `"1"`}), 200)
}

func TestNoServerErrorsOnOddInput(t *testing.T) {
	e := newEnv(t)
	e.seed()
	cases := []struct {
		method, path string
		body         []byte
		h            hdr
	}{
		{"POST", "/api/v1/maps", []byte("{"), hdr{"Content-Type": "application/json"}},
		{"POST", "/api/v1/maps", []byte("id: [unclosed"), hdr{"Content-Type": "application/yaml"}},
		{"POST", "/api/v1/maps", []byte(""), hdr{"Content-Type": "application/yaml"}},
		{"POST", "/api/v1/maps", []byte("- a\n- b\n"), hdr{"Content-Type": "application/yaml"}},
		{"POST", "/api/v1/maps", []byte(`{"id":"x","nodes":null}`), hdr{"Content-Type": "application/json"}},
		{"PATCH", "/api/v1/maps/acme-pumps/nodes/acme", []byte(`[1,2]`), hdr{"Content-Type": "application/json", "If-Match": `"1"`}},
		{"PATCH", "/api/v1/maps/acme-pumps/nodes/acme", []byte(`{"id": null}`), hdr{"Content-Type": "application/json", "If-Match": `"1"`}},
		{"PATCH", "/api/v1/maps/acme-pumps/nodes/acme", []byte(`{"id": "web"}`), hdr{"Content-Type": "application/json", "If-Match": `"1"`}},
		{"POST", "/api/v1/maps/acme-pumps/changes", []byte(`{"changes":[{"op":"update_node","id":"ghost"}]}`), hdr{"Content-Type": "application/json", "If-Match": `"1"`}},
		{"POST", "/api/v1/maps/acme-pumps/changes", []byte(`{"changes":[{"op":"add_node"}]}`), hdr{"Content-Type": "application/json", "If-Match": `"1"`}},
		{"POST", "/api/v1/maps/acme-pumps/changes", []byte(`{"changes":[{"op":"delete_edge","id":"nope"}]}`), hdr{"Content-Type": "application/json", "If-Match": `"1"`}},
		{"POST", "/api/v1/maps/acme-pumps/import", []byte("--x--"), hdr{"Content-Type": "multipart/form-data; boundary=x", "If-Match": `"1"`}},
		{"GET", "/api/v1/maps/%00/nodes/%2F..%2F", nil, nil},
		{"GET", "/api/v1/maps/acme-pumps/segments/acme/support", nil, nil},
	}
	for _, c := range cases {
		r := e.do(c.method, c.path, c.body, c.h)
		if r.Code < 400 || r.Code >= 500 {
			t.Errorf("%s %s %.40q: %d, want a 4xx (%s)", c.method, c.path, c.body, r.Code, r.Body)
			continue
		}
		r.problem(t)
	}
	m, _ := e.store.GetMap(context.Background(), "acme-pumps")
	if m.Version != 1 {
		t.Errorf("odd input changed the map to version %d", m.Version)
	}
}

// panicStore fails in the worst way: it panics.
type panicStore struct{ graph.Store }

func (panicStore) GetMap(context.Context, string) (*graph.Map, error) { panic("store bug") }

func TestPanicIsA500ProblemAndTheServerGoesOn(t *testing.T) {
	base := newEnv(t)
	base.seed()
	e := newEnvOn(t, panicStore{base.store})
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/maps/acme-pumps", nil))
	r := resp{Code: rec.Code, Header: rec.Result().Header, Body: rec.Body.Bytes()}
	wantStatus(t, r, 500)
	if p := r.problem(t); p.RequestID == "" || strings.Contains(string(r.Body), "store bug") {
		t.Errorf("500 problem %s: want a request id and no internals", r.Body)
	}
	wantStatus(t, e.do("GET", "/api/v1/maps", nil, nil), 200)
}
