package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/labstack/echo/v4"
)

// This file holds the request guards every route passes: the Host and
// Origin checks against DNS rebinding and cross-site writes, the request id
// taken from a client only when short and plain, media types read without
// regard to case, duplicate JSON keys refused, a deadline on the body, and
// the answer headers that keep browsers from sniffing, caching or framing
// what the API answers.

// preGuard runs before routing: it drops a client's X-Request-Id unless it
// is short and plain (a new one is generated), and writes Content-Type in
// lower case, as media types are case-insensitive.
func preGuard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if id := req.Header.Get(echo.HeaderXRequestID); id != "" && !plainRequestID(id) {
			req.Header.Del(echo.HeaderXRequestID)
		}
		if ct := req.Header.Get(echo.HeaderContentType); ct != "" {
			if mt, params, err := mime.ParseMediaType(ct); err == nil {
				if norm := mime.FormatMediaType(mt, params); norm != "" {
					req.Header.Set(echo.HeaderContentType, norm)
				}
			}
		}
		return next(c)
	}
}

// plainRequestID reports whether a client's request id may be kept: 1 to
// graph.MaxRequestIDLen letters, digits, '-', '_', '.' or ':'.
func plainRequestID(id string) bool {
	if len(id) == 0 || len(id) > graph.MaxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-' || c == '_' || c == '.' || c == ':':
		default:
			return false
		}
	}
	return true
}

// guard checks where a request comes from and sets the answer headers.
// Without tokens, the Host must be a loopback name or address or one of
// Config.AllowedHosts (a DNS-rebinding page has its own name in Host). A
// write without a token must come from the same origin: a browser page of
// another site is refused (Origin, Sec-Fetch-Site).
func (s *Server) guard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		if strings.HasPrefix(req.URL.Path, "/api/") {
			h.Set("Cache-Control", "private, no-cache")
		}
		c.Response().Before(func() {
			if csp := h.Get("Content-Security-Policy"); csp != "" && !strings.Contains(csp, "frame-ancestors") {
				h.Set("Content-Security-Policy", csp+"; frame-ancestors 'none'")
			}
		})
		if req.URL.Path == "/healthz" {
			return next(c)
		}
		if s.cfg.Tokens.Len() == 0 && !s.allowedHost(req.Host) {
			return newProblem(http.StatusForbidden, "host-not-allowed", fmt.Sprintf(
				"Host %q is not this server's name; without tokens the server answers only loopback names and addresses and hosts given with --allowed-host", short(req.Host)))
		}
		if unsafeMethod(req.Method) && req.Header.Get(echo.HeaderAuthorization) == "" {
			if msg := s.crossSite(req); msg != "" {
				return newProblem(http.StatusForbidden, "cross-site-write", msg)
			}
		}
		if req.Body != nil && req.Body != http.NoBody {
			// The body must arrive within the body time, whatever the
			// server's overall read timeout.
			rc := http.NewResponseController(c.Response().Writer)
			if err := rc.SetReadDeadline(time.Now().Add(s.cfg.BodyTimeout)); err == nil {
				body := &deadlineBody{ReadCloser: req.Body}
				req.Body = body
				defer func() { _ = rc.SetReadDeadline(time.Time{}) }()
				err := next(c)
				if body.timedOut && !c.Response().Committed {
					return newProblem(http.StatusRequestTimeout, "body-timeout", fmt.Sprintf(
						"the request body did not arrive within %s; send it faster or in smaller pieces", s.cfg.BodyTimeout))
				}
				return err
			}
		}
		return next(c)
	}
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// allowedHost reports whether the Host of a request names this server: a
// loopback name or address, or one of Config.AllowedHosts (with or without
// the port).
func (s *Server) allowedHost(hostport string) bool {
	host := strings.ToLower(hostport)
	if hh, _, err := net.SplitHostPort(host); err == nil {
		host = hh
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	for _, a := range s.cfg.AllowedHosts {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == host || a == strings.ToLower(hostport) {
			return true
		}
	}
	return false
}

// crossSite says why a write comes from a browser page of another origin,
// or "" when it does not.
func (s *Server) crossSite(req *http.Request) string {
	switch strings.ToLower(req.Header.Get("Sec-Fetch-Site")) {
	case "cross-site", "same-site":
		return "a write from a page of another site needs a token (Authorization: Bearer ...)"
	}
	origin := req.Header.Get("Origin")
	if origin == "" {
		return ""
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return fmt.Sprintf("a write from origin %q needs a token (Authorization: Bearer ...)", short(origin))
	}
	if strings.EqualFold(u.Host, req.Host) {
		return ""
	}
	for _, a := range s.cfg.AllowedHosts {
		if strings.EqualFold(strings.TrimSpace(a), u.Host) || strings.EqualFold(strings.TrimSpace(a), u.Hostname()) {
			return ""
		}
	}
	return fmt.Sprintf("a write from origin %q, not this server's, needs a token (Authorization: Bearer ...)", short(origin))
}

// deadlineBody notes when reading the body failed at its deadline.
type deadlineBody struct {
	io.ReadCloser
	timedOut bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		b.timedOut = true
	}
	return n, err
}

// jsonGuard refuses a JSON body that repeats a key in one object (encoding/json
// would silently keep the last), naming the key and where it is. Map files
// are left to graph's reader, which says the same with a line number.
func jsonGuard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !unsafeMethod(req.Method) || req.Body == nil || req.Body == http.NoBody {
			return next(c)
		}
		if mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType)); mt != "application/json" && mt != "application/merge-patch+json" {
			return next(c)
		}
		if p := c.Path(); p == "/api/v1/maps" || p == "/api/v1/maps/:map" {
			return next(c)
		}
		data, err := io.ReadAll(req.Body)
		if err != nil {
			return bodyErr(err)
		}
		req.Body = io.NopCloser(bytes.NewReader(data))
		if ptr, key, ok := duplicateKey(data); ok {
			return badRequest(fmt.Sprintf("duplicate key %q at %s", short(key), ptr),
				problemField{Pointer: ptr, Field: short(key), Message: fmt.Sprintf("duplicate key %q", short(key))})
		}
		return next(c)
	}
}

// duplicateKey finds the first key that appears twice in one JSON object
// and returns its JSON pointer. Malformed JSON is left to the handler.
func duplicateKey(data []byte) (ptr, key string, found bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		obj  bool
		keys map[string]bool
		path string
		idx  int    // arrays: the next index
		key  string // objects: the key whose value is next
		want bool   // objects: the next token is a key
	}
	var stack []*frame
	// child is the pointer of the value about to be read.
	child := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := stack[len(stack)-1]
		if top.obj {
			return top.path + "/" + escapeSegment(top.key)
		}
		return top.path + "/" + strconv.Itoa(top.idx)
	}
	// done marks the value just read as complete in its parent.
	done := func() {
		if len(stack) == 0 {
			return
		}
		top := stack[len(stack)-1]
		if top.obj {
			top.want = true
		} else {
			top.idx++
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", "", false
		}
		if len(stack) > 0 {
			top := stack[len(stack)-1]
			if top.obj && top.want {
				if d, ok := tok.(json.Delim); ok && d == '}' {
					stack = stack[:len(stack)-1]
					done()
					continue
				}
				k, _ := tok.(string)
				if top.keys[k] {
					return top.path + "/" + escapeSegment(k), k, true
				}
				top.keys[k] = true
				top.key, top.want = k, false
				continue
			}
		}
		switch d, _ := tok.(json.Delim); d {
		case '{':
			stack = append(stack, &frame{obj: true, keys: map[string]bool{}, path: child(), want: true})
		case '[':
			stack = append(stack, &frame{path: child()})
		case ']':
			stack = stack[:len(stack)-1]
			done()
		default:
			done()
		}
		if len(stack) == 0 {
			return "", "", false
		}
	}
}

func escapeSegment(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// ifMatchVersions reads If-Match: a list of entity tags ("3", W/"3"). Tags
// that are well formed but name no version (like "stale-0") match nothing,
// so the write is 412; "*" and malformed values are 400.
func ifMatchVersions(h string) ([]int64, error) {
	var out []int64
	for _, item := range strings.Split(h, ",") {
		t := strings.TrimSpace(item)
		if t == "*" {
			return nil, badRequest(`If-Match "*" would allow a blind overwrite; send the ETag of the map, like "3"`,
				problemField{Field: "If-Match", Value: "*", Message: "not a map version"})
		}
		t = strings.TrimPrefix(t, "W/")
		if v, err := strconv.ParseInt(t, 10, 64); err == nil && v > 0 {
			out = append(out, v) // a bare version, as older clients send it
			continue
		}
		if len(t) < 2 || t[0] != '"' || t[len(t)-1] != '"' || strings.ContainsAny(t[1:len(t)-1], "\" ") {
			return nil, badRequest(fmt.Sprintf(`If-Match %q is not a list of entity tags; send the ETag of the map, like "3"`, short(h)),
				problemField{Field: "If-Match", Value: short(h), Message: "not an entity tag"})
		}
		v, err := strconv.ParseInt(t[1:len(t)-1], 10, 64)
		if err != nil || v <= 0 {
			v = 0 // well formed, matches no version
		}
		out = append(out, v)
	}
	return out, nil
}

// matchVersion picks the version a write is based on: the current one when
// If-Match lists it, else the first version listed (0 for none), which the
// caller answers with 412.
func matchVersion(tags []int64, current int64) int64 {
	for _, v := range tags {
		if v == current {
			return v
		}
	}
	if len(tags) > 0 {
		return tags[0]
	}
	return 0
}
