package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/embedded"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/render"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

func TestMain(m *testing.M) {
	// The test binary is also the render worker of the pool tests.
	render.RunWorkerIfRequested()
	os.Exit(m.Run())
}

// acmeYAML is the README's example map: a company, a distributor, a
// service provider, a segment, a touchpoint and a product.
const acmeYAML = `id: acme-pumps
title: ACME Pumps - channel map 2026
currency: EUR
nodes:
  - {id: acme, kind: company, name: ACME Pumps}
  - {id: nordic, kind: distributor, name: Nordic Industrial Supply, region: North}
  - {id: fixit, kind: service_provider, name: FixIt Field Service}
  - id: contractors
    kind: segment
    name: Small contractors
    market: producer
    customers: 1200
    revenue: 2400000
    cost_to_serve: 310000
    prefers: [pickup]
    needs: fast replacement parts
    scores: {growth: 70, payment: 40}
  - {id: web, kind: touchpoint, name: Web shop, channel: web, purpose: sales}
  - {id: pumps, kind: product, name: Borehole pumps, replacement_months: 60}
edges:
  - {from: acme, to: nordic, kind: supplies, delivery: freight, margin: 0.18}
  - {from: nordic, to: contractors, kind: supplies, delivery: pickup, products: [pumps]}
  - {from: fixit, to: contractors, kind: supports, services: [repair], why: on-site in 24h}
  - {from: acme, to: web, kind: operates}
  - {from: contractors, to: web, kind: uses, purpose: ordering}
`

// env is one server under test on a real embedded store in t.TempDir().
type env struct {
	t     *testing.T
	store graph.Store
	srv   *Server
	h     http.Handler
	token string // sent as Bearer when set
}

type envOption func(*Config)

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "chanmap.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return newEnvOn(t, st, opts...)
}

func newEnvOn(t *testing.T, st graph.Store, opts ...envOption) *env {
	t.Helper()
	// httptest requests carry Host example.com.
	cfg := Config{Store: st, Engine: render.NewInProcess(), AllowedHosts: []string{"example.com"}}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return &env{t: t, store: cfg.Store, srv: srv, h: srv.Handler()}
}

// seed stores the acme map through the store (not the API) and returns its version.
func (e *env) seed() int64 {
	e.t.Helper()
	m, err := mapio.Read([]byte(acmeYAML), "acme.yaml")
	if err != nil {
		e.t.Fatalf("read acme map: %v", err)
	}
	v, err := e.store.CreateMap(context.Background(), m)
	if err != nil {
		e.t.Fatalf("create acme map: %v", err)
	}
	return v
}

// resp is an answer, already checked against the OpenAPI document.
type resp struct {
	Code   int
	Header http.Header
	Body   []byte
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("answer is not JSON (%v): %s", err, r.Body)
	}
}

// problem decodes a problem+json answer and checks its status field.
func (r resp) problem(t *testing.T) problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != MIMEProblem {
		t.Fatalf("Content-Type %q, want %s; body %s", ct, MIMEProblem, r.Body)
	}
	var p problem
	r.json(t, &p)
	if p.Status != r.Code || p.Title == "" || p.Type == "" {
		t.Fatalf("problem %+v does not describe status %d", p, r.Code)
	}
	return p
}

type hdr map[string]string

// do sends a request to the handler and validates the answer against the
// OpenAPI document (status documented, headers and body matching).
func (e *env) do(method, path string, body any, h hdr) resp {
	e.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ct = strings.NewReader(b), "application/yaml"
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd, ct = bytes.NewReader(js), "application/json"
	}
	req := httptest.NewRequest(method, path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	for k, v := range h {
		if k == "Host" {
			req.Host = v
			continue
		}
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	r := resp{Code: rec.Code, Header: rec.Result().Header, Body: rec.Body.Bytes()}
	checkAgainstSpec(e.t, method, path, h, r)
	if r.Code >= 500 && r.Code != http.StatusServiceUnavailable && r.Code != http.StatusGatewayTimeout {
		e.t.Errorf("%s %s: server error %d: %s", method, path, r.Code, r.Body)
	}
	return r
}

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

// checkAgainstSpec validates one answer with openapi3filter.ValidateResponse:
// the status must be documented for the operation, and headers and body must
// match its schema. Requests outside the document (the web page) are skipped.
func checkAgainstSpec(t *testing.T, method, path string, h hdr, r resp) {
	t.Helper()
	if method == http.MethodHead {
		return // HEAD is GET without a body; the document lists the GETs
	}
	specOnce.Do(func() { _, specRouter, specErr = OpenAPI() })
	if specErr != nil {
		t.Fatalf("load OpenAPI: %v", specErr)
	}
	req := httptest.NewRequest(method, path, nil)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	route, params, err := specRouter.FindRoute(req)
	if err != nil {
		if strings.HasPrefix(path, "/api/") && r.Code != http.StatusNotFound && r.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s %s answered %d but is not in the OpenAPI document", method, path, r.Code)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status:  r.Code,
		Header:  r.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(r.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s -> %d does not match the OpenAPI document: %v\nbody: %.400s", method, path, r.Code, err, r.Body)
	}
}

func wantStatus(t *testing.T, r resp, code int) {
	t.Helper()
	if r.Code != code {
		t.Fatalf("status %d, want %d; body %.600s", r.Code, code, r.Body)
	}
}
