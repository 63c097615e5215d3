package api

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
)

func patchAcme(e *env, h hdr) resp {
	e.t.Helper()
	if h == nil {
		h = hdr{}
	}
	if _, ok := h["If-Match"]; !ok {
		r := e.do("GET", "/api/v1/maps/acme-pumps", nil, nil)
		h["If-Match"] = r.Header.Get("ETag")
	}
	return e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/acme", map[string]any{"description": "changed"}, h)
}

func TestHostMustNameThisServer(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.AllowedHosts = []string{"chanmap.internal"} })
	e.seed()
	for _, host := range []string{"rebind.attacker.example:8080", "example.com", "127.0.0.1.attacker.example"} {
		r := patchAcme(e, hdr{"Host": host, "If-Match": `"1"`})
		wantStatus(t, r, http.StatusForbidden)
		if p := r.problem(t); !strings.Contains(p.Detail, "--allowed-host") {
			t.Errorf("Host %s: detail %q", host, p.Detail)
		}
		wantStatus(t, e.do("GET", "/api/v1/maps", nil, hdr{"Host": host}), http.StatusForbidden)
	}
	if m, _ := e.store.GetMap(t.Context(), "acme-pumps"); m.Version != 1 {
		t.Fatalf("a write with a foreign Host was applied (version %d)", m.Version)
	}
	for _, host := range []string{"127.0.0.1:8080", "localhost", "LOCALHOST:80", "app.localhost", "[::1]:8080", "127.0.0.2", "chanmap.internal", "chanmap.internal:8443"} {
		wantStatus(t, e.do("GET", "/api/v1/maps", nil, hdr{"Host": host}), http.StatusOK)
	}
	wantStatus(t, e.do("GET", "/healthz", nil, hdr{"Host": "anything.example"}), http.StatusOK)

	// With tokens the token decides, whatever the name.
	tok, _ := ParseTokens("e-token-123=editor")
	et := newEnv(t, func(c *Config) { c.Tokens = tok; c.AllowedHosts = nil })
	et.seed()
	et.token = "e-token-123"
	wantStatus(t, patchAcme(et, hdr{"Host": "chanmap.example.com"}), http.StatusOK)
}

func TestCrossSiteWritesNeedAToken(t *testing.T) {
	e := newEnv(t)
	e.seed()
	for _, h := range []hdr{
		{"Origin": "http://evil.example"},
		{"Origin": "null"},
		{"Origin": "http://localhost:3000"}, // another local page
		{"Sec-Fetch-Site": "cross-site"},
	} {
		r := patchAcme(e, h)
		wantStatus(t, r, http.StatusForbidden)
		if p := r.problem(t); !strings.Contains(p.Detail, "token") {
			t.Errorf("%v: detail %q", h, p.Detail)
		}
	}
	// Reads from anywhere, and writes from the page itself, pass.
	wantStatus(t, e.do("GET", "/api/v1/maps", nil, hdr{"Origin": "http://evil.example"}), http.StatusOK)
	wantStatus(t, patchAcme(e, hdr{"Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"}), http.StatusOK)
	wantStatus(t, patchAcme(e, hdr{}), http.StatusOK) // curl sends neither

	// A token is proof enough.
	tok, _ := ParseTokens("e-token-123=editor")
	et := newEnv(t, func(c *Config) { c.Tokens = tok })
	et.seed()
	et.token = "e-token-123"
	wantStatus(t, patchAcme(et, hdr{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}), http.StatusOK)
}

func TestRequestIDOnlyShortAndPlain(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		sent string
		keep bool
	}{
		{"abc-123_x.y:z", true},
		{strings.Repeat("a", graph.MaxRequestIDLen), true},
		{strings.Repeat("a", graph.MaxRequestIDLen+1), false},
		{strings.Repeat("b", 500<<10), false},
		{"two words", false},
		{"<script>", false},
	} {
		r := e.do("GET", "/healthz", nil, hdr{"X-Request-Id": tc.sent})
		got := r.Header.Get("X-Request-Id")
		if tc.keep && got != tc.sent {
			t.Errorf("%.40q: answered %q, want it kept", tc.sent, got)
		}
		if !tc.keep && (got == tc.sent || !plainRequestID(got)) {
			t.Errorf("%.40q: answered %.40q, want a new plain id", tc.sent, got)
		}
	}
}

func TestMediaTypesAndHeaders(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/api/v1/maps", []byte(`{"id": "blank", "nodes": []}`), hdr{"Content-Type": "APPLICATION/JSON"})
	wantStatus(t, r, http.StatusCreated)
	r = e.do("PUT", "/api/v1/maps/blank", strings.Replace(acmeYAML, "id: acme-pumps", "id: blank", 1), hdr{"Content-Type": "Application/YAML; Charset=UTF-8", "If-Match": `"1"`})
	wantStatus(t, r, http.StatusOK)
	for _, path := range []string{"/api/v1/maps", "/api/v1/maps/blank", "/api/v1/maps/nope"} {
		r := e.do("GET", path, nil, nil)
		if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Cache-Control") == "" {
			t.Errorf("%s: headers %v", path, r.Header)
		}
	}
}

func TestDuplicateJSONKeys(t *testing.T) {
	e := newEnv(t)
	e.seed()
	body := []byte(`{"id": "dup", "nodes": [{"id": "a", "kind": "company", "name": "A", "name": "B"}]}`)
	r := e.do("POST", "/api/v1/maps", body, hdr{"Content-Type": "application/json"})
	wantStatus(t, r, http.StatusBadRequest)
	if !strings.Contains(string(r.Body), "duplicate key") || strings.Contains(string(r.Body), "YAML") {
		t.Errorf("map with a duplicate key: %s", r.Body)
	}
	r = e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/acme", []byte(`{"description": "a", "tags": ["x"], "description": "b"}`),
		hdr{"Content-Type": "application/json", "If-Match": `"1"`})
	wantStatus(t, r, http.StatusBadRequest)
	p := r.problem(t)
	if len(p.Errors) != 1 || p.Errors[0].Pointer != "/description" || !strings.Contains(p.Detail, "duplicate key") {
		t.Errorf("patch with a duplicate key: %+v", p)
	}
	r = e.do("POST", "/api/v1/maps/acme-pumps/changes", []byte(`{"changes": [{"op": "add_node", "node": {"id": "x", "id": "y"}}]}`),
		hdr{"Content-Type": "application/json", "If-Match": `"1"`})
	wantStatus(t, r, http.StatusBadRequest)
	if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Pointer != "/changes/0/node/id" {
		t.Errorf("changes with a duplicate key: %+v", p)
	}
}

func TestHEADIsValidatedLikeGET(t *testing.T) {
	e := newEnv(t)
	e.seed()
	for _, path := range []string{
		"/api/v1/maps/acme-pumps/diagram.svg?view=nonsense",
		"/api/v1/maps/" + strings.Repeat("a", graph.MaxIDLen+1),
	} {
		get := e.do("GET", path, nil, nil)
		head := e.do("HEAD", path, nil, nil)
		if get.Code != http.StatusBadRequest || head.Code != get.Code {
			t.Errorf("%s: GET %d, HEAD %d; want both 400", path, get.Code, head.Code)
		}
	}
}

func TestOneIDLimit(t *testing.T) {
	doc, _, err := OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]uint64{"MapID": graph.MaxIDLen, "NodeID": graph.MaxIDLen, "EdgeKey": uint64(graph.MaxEdgeKeyLen)} {
		p := doc.Components.Parameters[name]
		if p == nil || p.Value.Schema.Value.MaxLength == nil || *p.Value.Schema.Value.MaxLength != want {
			t.Errorf("path parameter %s: maxLength is not %d", name, want)
		}
	}
	if want := len(strings.Repeat("n", graph.MaxIDLen))*2 + len("--partners_with--"); want != graph.MaxEdgeKeyLen {
		t.Errorf("MaxEdgeKeyLen %d, the longest FROM--KIND--TO is %d", graph.MaxEdgeKeyLen, want)
	}
	e := newEnv(t)
	long := strings.Repeat("m", graph.MaxIDLen+100)
	r := e.do("POST", "/api/v1/maps", []byte(fmt.Sprintf(`{"id": %q, "nodes": []}`, long)), hdr{"Content-Type": "application/json"})
	wantStatus(t, r, http.StatusBadRequest)
	ok := strings.Repeat("m", graph.MaxIDLen)
	wantStatus(t, e.do("POST", "/api/v1/maps", []byte(fmt.Sprintf(`{"id": %q, "nodes": []}`, ok)), hdr{"Content-Type": "application/json"}), http.StatusCreated)
	wantStatus(t, e.do("GET", "/api/v1/maps/"+ok, nil, nil), http.StatusOK)
	wantStatus(t, e.do("DELETE", "/api/v1/maps/"+ok, nil, hdr{"If-Match": `"1"`}), http.StatusNoContent)
}

// A body that trickles in is cut off at the body time with 408.
func TestSlowBodyIsCutOff(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BodyTimeout = 300 * time.Millisecond })
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/maps HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/yaml\r\nContent-Length: 1000\r\n\r\nid: slow\n")
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusRequestTimeout {
		t.Fatalf("stalled body: status %d, want 408", res.StatusCode)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the stalled body was held %s", d)
	}
}
