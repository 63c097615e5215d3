// Package api is chanmap's HTTP server: the REST API under /api/v1 described by
// the embedded OpenAPI document (served at /api/openapi.json and enforced on
// every request), bearer tokens with roles, optimistic concurrency through
// ETag/If-Match, problem+json errors, diagrams laid out by a render engine
// behind a cache, and the web page at /.
package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/chanmap/chanmap/api/web"
	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/render"
	"github.com/chanmap/chanmap/render/deck"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// DefaultBodyLimit is the largest request body accepted when Config.BodyLimit is 0.
const DefaultBodyLimit = 32 << 20

// DefaultRenderTimeout bounds one diagram layout when Config.RenderTimeout is 0.
const DefaultRenderTimeout = 30 * time.Second

// DefaultStoreTimeout bounds one store call made for a request when
// Config.StoreTimeout is 0.
const DefaultStoreTimeout = 15 * time.Second

// Config configures a Server.
type Config struct {
	// Store keeps the maps. Required.
	Store graph.Store
	// Engine lays out diagrams (a render worker pool in production). Required
	// for SVG and PNG diagrams; without it those answer 503.
	Engine render.Engine
	// Tokens maps bearer tokens to roles. Empty turns authentication off.
	Tokens Tokens
	// BodyLimit is the largest accepted request body in bytes (default 32 MiB).
	BodyLimit int64
	// RenderTimeout bounds one diagram layout (default 30 s): 504 past it.
	RenderTimeout time.Duration
	// StoreTimeout bounds one store call made for a request (default
	// DefaultStoreTimeout).
	StoreTimeout time.Duration
	// CacheEntries bounds the diagram cache (default 512 diagrams).
	CacheEntries int
	// Logger receives one line per request. nil discards.
	Logger *slog.Logger
	// Web serves the browser page at /; nil uses the embedded page (api/web).
	Web http.Handler
	// AllowedHosts are the names (host or host:port) besides loopback ones
	// that a server without tokens answers to (see guard.go).
	AllowedHosts []string
	// BodyTimeout bounds how long a request body may take to arrive
	// (default graph.MaxBodyTime): 408 past it.
	BodyTimeout time.Duration
	// Fields is the field table served at /api/v1/schema; nil is
	// graph.Fields().
	Fields *graph.Schema
}

// Server answers chanmap's HTTP API. Create it with New, serve Handler, and
// Close it when done (it does not close the Store or the Engine: whoever
// opened them does).
type Server struct {
	cfg      Config
	e        *echo.Echo
	log      *slog.Logger
	spec     *spec
	diagrams *diagramCache
	// elementsAbove is the size in nodes past which a write of nodes and
	// edges reads only the elements it checks (PatchElementAbove; tests
	// lower it).
	elementsAbove int
	// bigAnalyses admits one analysis of a map bigger than
	// AnalyzeOneAtATimeAbove at a time (tests lower bigAnalysisAbove).
	bigAnalyses      chan struct{}
	bigAnalysisAbove int
}

// New checks cfg, fills defaults and builds the routes.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("api: Config.Store is required")
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = DefaultBodyLimit
	}
	if cfg.RenderTimeout <= 0 {
		cfg.RenderTimeout = DefaultRenderTimeout
	}
	if cfg.StoreTimeout <= 0 {
		cfg.StoreTimeout = DefaultStoreTimeout
	}
	if cfg.BodyTimeout <= 0 {
		cfg.BodyTimeout = graph.MaxBodyTime
	}
	if cfg.CacheEntries <= 0 {
		cfg.CacheEntries = 512
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Web == nil {
		cfg.Web = web.Handler()
	}
	if cfg.Fields == nil {
		cfg.Fields = graph.Fields()
	}
	sp, err := loadSpec()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, spec: sp, diagrams: newDiagramCache(cfg.CacheEntries), elementsAbove: PatchElementAbove,
		bigAnalyses: make(chan struct{}, 1), bigAnalysisAbove: AnalyzeOneAtATimeAbove}
	s.e = s.routes()
	return s, nil
}

// Handler is the whole HTTP surface: API, OpenAPI document, health and web page.
func (s *Server) Handler() http.Handler { return s.e }

// Close releases what the server holds itself: today only memory, so it
// does nothing, but callers should still call it. The Store and the Engine
// stay open: whoever opened them closes them.
func (s *Server) Close() error { return nil }

// HTTPServer wraps the handler in an http.Server with timeouts fit for this
// API: a slow client cannot hold a connection open forever, and an answer
// has room for its store time or its render time, whichever is longer,
// and WriteWindow to be written (streamed answers move their own deadline
// on as they write).
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      max(s.cfg.RenderTimeout, s.cfg.StoreTimeout) + WriteWindow,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.Pre(preGuard)
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		Generator: newRequestID,
	}))
	e.Use(s.requestLog())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: s.logPanic}))
	e.Use(s.guard)
	e.Use(s.bodyLimit)
	e.Use(jsonGuard)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz, s.auth(RoleViewer))
	e.GET("/api/openapi.json", s.openapiJSON, s.auth(RoleViewer))

	// Authentication comes first (401/403 before anything about the
	// request), then validation against the OpenAPI document.
	v := e.Group("/api/v1")
	read := []echo.MiddlewareFunc{s.auth(RoleViewer), s.validate}
	edit := []echo.MiddlewareFunc{s.auth(RoleEditor), s.validate}
	admin := []echo.MiddlewareFunc{s.auth(RoleAdmin), s.validate}
	// Every GET also answers HEAD (net/http drops the body), so a client can
	// read a map's ETag cheaply.
	get := func(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
		v.GET(path, h, m...)
		v.HEAD(path, h, m...)
	}
	get("/schema", s.schema, read...)
	get("/maps", s.listMaps, read...)
	v.POST("/maps", s.createMap, admin...)
	get("/maps/:map", s.getMap, read...)
	v.PUT("/maps/:map", s.replaceMap, edit...)
	v.DELETE("/maps/:map", s.deleteMap, admin...)
	get("/maps/:map/nodes", s.listNodes, read...)
	v.POST("/maps/:map/nodes", s.addNode, edit...)
	get("/maps/:map/nodes/:node", s.getNode, read...)
	v.PATCH("/maps/:map/nodes/:node", s.patchNode, edit...)
	v.DELETE("/maps/:map/nodes/:node", s.deleteNode, edit...)
	get("/maps/:map/edges", s.listEdges, read...)
	v.POST("/maps/:map/edges", s.addEdge, edit...)
	get("/maps/:map/edges/:edge", s.getEdge, read...)
	v.PATCH("/maps/:map/edges/:edge", s.patchEdge, edit...)
	v.DELETE("/maps/:map/edges/:edge", s.deleteEdge, edit...)
	v.POST("/maps/:map/changes", s.applyChanges, edit...)
	get("/maps/:map/segments/:segment/support", s.support, read...)
	get("/maps/:map/analysis", s.analysis, read...)
	for _, f := range render.Formats {
		get("/maps/:map/diagram."+f, s.diagram(f), read...)
	}
	for _, f := range deck.Formats {
		get("/maps/:map/deck."+f, s.deck(f), read...)
	}
	for _, f := range []string{"yaml", "json", "csv", "xlsx"} {
		get("/maps/:map/export."+f, s.export(f), read...)
	}
	v.POST("/maps/:map/import", s.importMap, edit...)
	s.historyRoutes(v, read, edit, admin)
	s.scenarioRoutes(v, read, edit)
	v.RouteNotFound("/*", func(c echo.Context) error { return echo.ErrNotFound })

	// The web page: static files with no map data in them, so they are served
	// without a token (the page asks for one and sends it on API calls).
	e.GET("/*", echo.WrapHandler(s.cfg.Web))
	return e
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		return storeErr(fmt.Errorf("ping: %w", err))
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) openapiJSON(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, s.spec.json)
}

// storeCtx bounds one store call and carries who writes (see writeInfo).
func (s *Server) storeCtx(c echo.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(graph.WithWriteInfo(c.Request().Context(), writeInfo(c)), s.cfg.StoreTimeout)
}
