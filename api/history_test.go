package api

import (
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/compare"
)

// TestHistoryAPI: writes become versions with the token's name and the
// message header; versions page, a past version reads back, the diff names
// what changed, restore and delete/undelete/purge work with their roles.
func TestHistoryAPI(t *testing.T) {
	tokens, err := ParseTokens("alice-token-1=editor:alice,admin-token-1=admin,viewer-tok=viewer")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *Config) { c.Tokens = tokens })
	e.seed()
	e.token = "alice-token-1"
	r := e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/contractors", map[string]any{"name": "Contractors"},
		hdr{"If-Match": `"1"`, HeaderMessage: "shorter name"})
	wantStatus(t, r, 200)

	var page versionPage
	r = e.do("GET", "/api/v1/maps/acme-pumps/versions", nil, nil)
	wantStatus(t, r, 200)
	r.json(t, &page)
	if len(page.Versions) != 2 || page.Versions[0].Version != 2 || page.Versions[0].Author != "alice" || page.Versions[0].Message != "shorter name" {
		t.Fatalf("versions = %+v, want version 2 by alice with the message, then 1", page.Versions)
	}
	r = e.do("GET", "/api/v1/maps/acme-pumps/versions?limit=1", nil, nil)
	wantStatus(t, r, 200)
	page = versionPage{}
	r.json(t, &page)
	if len(page.Versions) != 1 || page.Next != 2 {
		t.Fatalf("first page of 1 = %+v, want version 2 and next=2", page)
	}
	r = e.do("GET", "/api/v1/maps/acme-pumps/versions?before=2", nil, nil)
	page = versionPage{}
	r.json(t, &page)
	if len(page.Versions) != 1 || page.Versions[0].Version != 1 || page.Next != 0 {
		t.Fatalf("page before 2 = %+v, want version 1 and no next", page)
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/versions?limit=0", nil, nil), 400)

	var old graph.Map
	r = e.do("GET", "/api/v1/maps/acme-pumps/versions/1", nil, nil)
	wantStatus(t, r, 200)
	r.json(t, &old)
	if old.Version != 1 || old.Node("contractors").Name != "Small contractors" {
		t.Fatalf("version 1 = version %d, contractors named %q", old.Version, old.Node("contractors").Name)
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/versions/7", nil, nil), 404)
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/versions/x", nil, nil), 400)

	var d compare.Result
	r = e.do("GET", "/api/v1/maps/acme-pumps/diff?from=1&to=2", nil, nil)
	wantStatus(t, r, 200)
	r.json(t, &d)
	if d.Counts.NodesChanged != 1 || d.Nodes[0].ID != "contractors" || d.Nodes[0].Fields[0].Field != "name" {
		t.Fatalf("diff 1..2 = %+v, want contractors' name changed", d)
	}
	r = e.do("GET", "/api/v1/maps/acme-pumps/diff", nil, nil) // the last change
	wantStatus(t, r, 200)
	d = compare.Result{}
	r.json(t, &d)
	if d.From.Version != 1 || d.To.Version != 2 {
		t.Errorf("default diff is %d..%d, want 1..2", d.From.Version, d.To.Version)
	}

	// Restore: If-Match required, body names the version.
	wantStatus(t, e.do("POST", "/api/v1/maps/acme-pumps/restore", map[string]any{"version": 1}, nil), 428)
	wantStatus(t, e.do("POST", "/api/v1/maps/acme-pumps/restore", map[string]any{"version": 1}, hdr{"If-Match": `"1"`}), 412)
	r = e.do("POST", "/api/v1/maps/acme-pumps/restore", map[string]any{"version": 1, "message": "undo"}, hdr{"If-Match": `"2"`})
	wantStatus(t, r, 200)
	if r.Header.Get("ETag") != `"3"` {
		t.Errorf("restore ETag %q, want \"3\"", r.Header.Get("ETag"))
	}
	var now graph.Map
	e.do("GET", "/api/v1/maps/acme-pumps", nil, nil).json(t, &now)
	if now.Node("contractors").Name != "Small contractors" {
		t.Errorf("after restoring version 1 contractors is named %q", now.Node("contractors").Name)
	}

	// A viewer reads the history and the diff but cannot restore.
	e.token = "viewer-tok"
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/versions", nil, nil), 200)
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/diff/diagram.svg?from=1&to=3", nil, nil), 200)
	wantStatus(t, e.do("POST", "/api/v1/maps/acme-pumps/restore", map[string]any{"version": 2}, hdr{"If-Match": `"3"`}), 403)

	// Delete (admin), list and undelete (editor), purge (admin only).
	e.token = "admin-token-1"
	wantStatus(t, e.do("DELETE", "/api/v1/maps/acme-pumps", nil, hdr{"If-Match": `"3"`}), 204)
	e.token = "viewer-tok"
	wantStatus(t, e.do("GET", "/api/v1/deleted", nil, nil), 403)
	e.token = "alice-token-1"
	var ds []graph.DeletedMap
	r = e.do("GET", "/api/v1/deleted", nil, nil)
	wantStatus(t, r, 200)
	r.json(t, &ds)
	if len(ds) != 1 || ds[0].ID != "acme-pumps" || !strings.HasPrefix(ds[0].Author, "admin-") {
		t.Fatalf("deleted maps = %+v, want acme-pumps deleted by the admin token", ds)
	}
	r = e.do("POST", "/api/v1/maps/acme-pumps/undelete", nil, nil)
	wantStatus(t, r, 200)
	if r.Header.Get("ETag") != `"4"` {
		t.Errorf("undelete ETag %q, want \"4\"", r.Header.Get("ETag"))
	}
	wantStatus(t, e.do("POST", "/api/v1/maps/acme-pumps/undelete", nil, nil), 404)
	e.token = "admin-token-1"
	wantStatus(t, e.do("DELETE", "/api/v1/maps/acme-pumps", nil, hdr{"If-Match": `"4"`}), 204)
	e.token = "alice-token-1"
	wantStatus(t, e.do("DELETE", "/api/v1/deleted/acme-pumps", nil, nil), 403)
	e.token = "admin-token-1"
	wantStatus(t, e.do("DELETE", "/api/v1/deleted/acme-pumps", nil, nil), 204)
	wantStatus(t, e.do("POST", "/api/v1/maps/acme-pumps/undelete", nil, nil), 404)
}

// TestDeleteAgainstVersion: DELETE with a stale If-Match changes nothing.
func TestDeleteAgainstVersion(t *testing.T) {
	e := newEnv(t)
	e.seed()
	wantStatus(t, e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/acme", map[string]any{"description": "x"}, hdr{"If-Match": `"1"`}), 200)
	wantStatus(t, e.do("DELETE", "/api/v1/maps/acme-pumps", nil, hdr{"If-Match": `"1"`}), 412)
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps", nil, nil), 200)
	wantStatus(t, e.do("DELETE", "/api/v1/maps/acme-pumps", nil, hdr{"If-Match": `"2"`}), 204)
}

func TestTokenNames(t *testing.T) {
	tok, err := ParseTokens("abcdefgh1=editor:bob.smith,abcdefgh2=viewer")
	if err != nil {
		t.Fatal(err)
	}
	if r, n := tok.lookup("abcdefgh1"); r != RoleEditor || n != "bob.smith" {
		t.Errorf("named token = %v %q, want editor bob.smith", r, n)
	}
	if r, n := tok.lookup("abcdefgh2"); r != RoleViewer || !strings.HasPrefix(n, "viewer-") || strings.Contains(n, "abcdefgh2") {
		t.Errorf("unnamed token = %v %q, want viewer-<fingerprint> without the token", r, n)
	}
	for _, bad := range []string{"abcdefgh1=editor:", "abcdefgh1=editor:bad name", "abcdefgh1=editor:" + strings.Repeat("x", 65)} {
		if _, err := ParseTokens(bad); err == nil || !strings.Contains(err.Error(), "token name") {
			t.Errorf("ParseTokens(%q) = %v, want a token name error", bad, err)
		}
	}
}

// The diff of two versions drawn: SVG with the change marked and the side
// named, the same drawing again answers 304 to its ETag, and a bad side or
// a missing version is refused.
func TestDiffDiagramAPI(t *testing.T) {
	e := newEnv(t)
	e.seed()
	r := e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/contractors", map[string]any{"name": "Contractors"}, hdr{"If-Match": `"1"`})
	wantStatus(t, r, 200)

	r = e.do("GET", "/api/v1/maps/acme-pumps/diff/diagram.svg?from=1&to=2", nil, nil)
	wantStatus(t, r, 200)
	body := string(r.Body)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "image/svg+xml") {
		t.Errorf("content type %q", ct)
	}
	for _, want := range []string{"what changed", "From version 1 to version 2: 1 changed", "changed: name"} {
		if !strings.Contains(body, want) {
			t.Errorf("the diff SVG does not say %q", want)
		}
	}
	tag := r.Header.Get("ETag")
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/diff/diagram.svg?from=1&to=2", nil, hdr{"If-None-Match": tag}), 304)

	r = e.do("GET", "/api/v1/maps/acme-pumps/diff/diagram.svg?from=1&to=2&side=before", nil, nil)
	wantStatus(t, r, 200)
	if !strings.Contains(string(r.Body), "· before") || r.Header.Get("ETag") == tag {
		t.Error("side=before does not name its side, or shares the ETag of both sides")
	}
	r = e.do("GET", "/api/v1/maps/acme-pumps/diff/diagram.png", nil, nil)
	wantStatus(t, r, 200)
	if !strings.HasPrefix(string(r.Body), "\x89PNG") {
		t.Error("diff/diagram.png is not a PNG")
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/diff/diagram.svg?side=left", nil, nil), 400)
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/diff/diagram.svg?from=9", nil, nil), 404)
	wantStatus(t, e.do("GET", "/api/v1/maps/nope/diff/diagram.svg", nil, nil), 404)
}
