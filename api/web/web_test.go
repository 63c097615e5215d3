package web

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, path string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec.Result()
}

func TestHandlerServesPage(t *testing.T) {
	h := Handler()
	tests := []struct {
		path, wantType, wantBody string
	}{
		{"/", "text/html; charset=utf-8", `<script type="module" src="js/app.js">`},
		{"/js/app.js", "text/javascript; charset=utf-8", "import"},
		{"/js/api.js", "text/javascript; charset=utf-8", "If-Match"},
		{"/app.css", "text/css; charset=utf-8", ":root"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := get(t, h, http.MethodGet, tt.path)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d", tt.path, res.StatusCode)
			}
			if got := res.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("GET %s: Content-Type %q, want %q", tt.path, got, tt.wantType)
			}
			if !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("GET %s: body lacks %q", tt.path, tt.wantBody)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("GET %s: CSP %q lacks script-src 'self'", tt.path, csp)
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("GET %s: no nosniff header", tt.path)
			}
		})
	}
}

// Every JavaScript module must be served as JavaScript: browsers refuse to run
// a module with another type under nosniff.
func TestEveryModuleIsJavaScript(t *testing.T) {
	h := Handler()
	mods, err := fs.Glob(Files(), "js/*.js")
	if err != nil || len(mods) < 5 {
		t.Fatalf("modules %v, err %v", mods, err)
	}
	for _, m := range mods {
		res := get(t, h, http.MethodGet, "/"+m)
		if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || ct != "text/javascript; charset=utf-8" {
			t.Errorf("GET /%s: %d %q", m, res.StatusCode, ct)
		}
	}
}

func TestHandlerRefuses(t *testing.T) {
	h := Handler()
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/nope.js", http.StatusNotFound},
		{http.MethodGet, "/js/", http.StatusNotFound},
		{http.MethodGet, "/../web.go", http.StatusNotFound},
		{http.MethodPost, "/", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		if res := get(t, h, tt.method, tt.path); res.StatusCode != tt.want {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, res.StatusCode, tt.want)
		}
	}
}

// The page must run under its own strict CSP: no inline script, no inline
// style, no inline event handlers in the HTML, and no innerHTML anywhere.
func TestNoInlineCodeOrHTMLInjection(t *testing.T) {
	err := fs.WalkDir(Files(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(Files(), p)
		if err != nil {
			return err
		}
		s := string(b)
		switch {
		case strings.HasSuffix(p, ".html"):
			for _, bad := range []string{"<script>", " onclick=", " onload=", " style=", "<style"} {
				if strings.Contains(s, bad) {
					t.Errorf("%s contains %q, which the CSP blocks", p, bad)
				}
			}
		case strings.HasSuffix(p, ".js"):
			for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
				if strings.Contains(s, bad) {
					t.Errorf("%s uses %s; insert user text with textContent or DOM nodes", p, bad)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
