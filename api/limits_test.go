package api

import (
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph/embedded"
)

// issueBomb is the reported YAML alias attack: one long string aliased many
// times (2,000 copies of 256 KiB in the report; the size is a parameter).
func issueBomb(id string, size, copies int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "id: %s\nnodes:\n - {id: a, kind: company, name: &s \"%s\"}\n", id, strings.Repeat("x", size))
	for i := 0; i < copies; i++ {
		fmt.Fprintf(&b, " - {id: n%d, kind: company, name: *s}\n", i)
	}
	return b.String()
}

func TestAliasBombRefusedAndNothingStored(t *testing.T) {
	e := newEnv(t)
	v := e.seed()
	path := e.store.(*embedded.Store).Path()
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		size int
	}{
		{"long string", 256 << 10},
		// Each copy within the name limit: only the expanded size stops it.
		{"short string", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/maps", issueBomb("bomb", tc.size, 25000), nil)
			if r.Code != http.StatusBadRequest && r.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("POST of an alias bomb: status %d, want 400 or 413: %.300s", r.Code, r.Body)
			}
			r = e.do("PUT", "/api/v1/maps/acme-pumps", issueBomb("acme-pumps", tc.size, 25000), hdr{"If-Match": etag(v)})
			if r.Code != http.StatusBadRequest && r.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("PUT of an alias bomb: status %d, want 400 or 413: %.300s", r.Code, r.Body)
			}
			if len(r.Body) > 64<<10 {
				t.Errorf("the refusal is %d bytes long: it echoes the input", len(r.Body))
			}
		})
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/bomb", nil, nil), http.StatusNotFound)
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if after.Size() > before.Size() {
		t.Errorf("the database file grew from %d to %d bytes on refused writes", before.Size(), after.Size())
	}
}

// The body is checked against the schema with the map reader's bounds: a
// document of aliases is refused once, by the reader that names the limit,
// before anything expands it. Parsing YAML itself costs about 200 bytes of
// allocation per byte of input (goccy/go-yaml's tokens); kin-openapi's own
// decoder on top of it took 319 MB and 4.5 s for this 1.2 MB body, the
// bounded reader alone about 250 MB and 2 s.
func TestAliasBombRefusedWithoutExpanding(t *testing.T) {
	e := newEnv(t)
	body := issueBomb("bomb", 256<<10, 25000)
	if len(body) < 1<<20 {
		t.Fatalf("the bomb is only %d bytes", len(body))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := e.do("POST", "/api/v1/maps", body, hdr{"Content-Type": "application/yaml"})
	runtime.ReadMemStats(&after)
	if r.Code != http.StatusBadRequest && r.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("POST of an alias bomb: status %d, want 400 or 413: %.300s", r.Code, r.Body)
	}
	if !strings.Contains(string(r.Body), "MaxExpandedBytes") {
		t.Errorf("the refusal does not name the limit: %.300s", r.Body)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 300<<20 {
		t.Errorf("refusing a %d-byte alias bomb allocated %d MB, want at most 300 MB", len(body), got>>20)
	}
}
