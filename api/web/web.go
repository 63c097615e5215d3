// Package web is chanmap's browser page: the static HTML, CSS and JavaScript
// modules embedded in the binary, and the http.Handler that serves them at /.
//
// The page is plain files (no build step). It talks only to the REST API under
// /api/v1, keeps its state in the URL hash (#/maps/ID?view=...), and runs under
// a strict Content-Security-Policy: no inline script or style, same origin only.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var static embed.FS

// CSP is the Content-Security-Policy the page is served with. Diagrams are
// inlined as SVG parsed by the page (no script runs inside them); downloads
// with a token go through blob: URLs.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// contentTypes are set explicitly rather than from the system MIME table,
// which on some hosts maps .js to application/javascript or nothing at all.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".json": "application/json",
}

// Files returns the embedded static files, rooted at the page's top directory.
func Files() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil { // cannot happen: "static" is embedded above
		panic(err)
	}
	return sub
}

// Handler serves the page: GET or HEAD of / gives index.html, other paths the
// embedded file of that name, anything else 404 (or 405 for other methods).
// Every answer carries the CSP and no-sniff headers; files are revalidated on
// each load (no-cache) so a new binary's page is picked up at once.
func Handler() http.Handler {
	files := Files()
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache")
		p := path.Clean("/" + r.URL.Path)
		name := strings.TrimPrefix(p, "/")
		if name == "" {
			name = "index.html"
		}
		if st, err := fs.Stat(files, name); err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		if ct, ok := contentTypes[path.Ext(name)]; ok {
			h.Set("Content-Type", ct)
		}
		if name == "index.html" {
			// Serve it directly: http.FileServer would redirect /index.html to /.
			http.ServeFileFS(w, r, files, name)
			return
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = p
		fileServer.ServeHTTP(w, r2)
	})
}
