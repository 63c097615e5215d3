package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/render"
	"github.com/labstack/echo/v4"
)

// svgCSP keeps a served SVG inert: no script, no external loads, inline styles only.
const svgCSP = "default-src 'none'; style-src 'unsafe-inline'"

var diagramTypes = map[string]string{
	"svg": "image/svg+xml",
	"pdf": "application/pdf",
	"png": "image/png",
	"dot": "text/vnd.graphviz",
}

// diagramOptions reads the diagram's query parameters (already checked
// against the document's enums and ranges by validation). Defaults and the
// focus rule are render's (render.Normalise).
func diagramOptions(c echo.Context) (render.Options, error) {
	q := c.QueryParams()
	opt := render.Options{
		View: render.View(q.Get("view")), Focus: q.Get("focus"), Color: render.Color(q.Get("color")),
		Page: q.Get("page"), Theme: render.Theme(q.Get("theme")), Footer: q.Get("footer"), Without: q["without"],
	}
	flags := []struct {
		name string
		to   *bool
	}{{"detail", &opt.Detail}, {"fade", &opt.Fade}, {"figures", &opt.Figures}, {"weak_spots", &opt.WeakSpots}, {"text_as_paths", &opt.TextAsPaths}, {"fixed_costs", &opt.FixedCosts}, {"flow", &opt.Flow}}
	for _, f := range flags {
		if v := q.Get(f.name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return opt, badRequest(f.name+" must be true or false", problemField{Field: f.name, Value: short(v), Message: "not a boolean"})
			}
			*f.to = b
		}
	}
	if v := q.Get("insights"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return opt, badRequest("insights must be how many findings to number, 0 or more", problemField{Field: "insights", Value: short(v), Message: "not a count"})
		}
		opt.Insights = n
	}
	if v := q.Get("min_font"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return opt, badRequest("min_font must be a number of points", problemField{Field: "min_font", Value: short(v), Message: "not a number"})
		}
		opt.MinFont = f
	}
	return opt, nil
}

// diagramTag is the cache key and ETag of one drawing: a hash of the map's
// whole content, the format and the options (render.CacheKey), so a map that
// was deleted and created again never answers with an old drawing. Hashing
// the content costs as much as the rest of a cached answer, so the hash is
// remembered per (map, version, format, options); deleting a map through
// this server forgets its hashes.
func (d *diagramCache) tag(m *graph.Map, format string, opt render.Options) (key, tag string, err error) {
	memoKey := strings.Join([]string{m.ID, strconv.FormatInt(m.Version, 10), format, fmt.Sprintf("%+v", opt)}, "\x00")
	return d.memo(memoKey, func() (string, error) { return render.CacheKey(m, opt, format) })
}

// memo returns the content hash hash makes, remembered under memoKey (which
// starts with the map id and its version), and the ETag made of it.
func (d *diagramCache) memo(memoKey string, hash func() (string, error)) (key, tag string, err error) {
	d.mu.Lock()
	key, ok := d.keys[memoKey]
	d.mu.Unlock()
	if !ok {
		if key, err = hash(); err != nil {
			return "", "", err
		}
		d.mu.Lock()
		if len(d.keys) >= 4096 {
			d.keys = map[string]string{}
		}
		d.keys[memoKey] = key
		d.mu.Unlock()
	}
	return key, `"d-` + key[:32] + `"`, nil
}

// forget drops the remembered hashes and counts of a map (it was deleted).
func (d *diagramCache) forget(mapID string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for k := range d.keys {
		if strings.HasPrefix(k, mapID+"\x00") {
			delete(d.keys, k)
		}
	}
	for k := range d.counted {
		if strings.HasPrefix(k, mapID+"\x00") {
			delete(d.counted, k)
		}
	}
}

// countedOf returns the counts remembered under key (map, version, title,
// currency), or nil.
func (d *diagramCache) countedOf(key string) *render.CountedMap {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.counted[key]
}

// keepCounted remembers the counts of one map version; a few dozen maps'
// counts are kept (each is a few hundred groups and links).
func (d *diagramCache) keepCounted(key string, cm *render.CountedMap) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.counted) >= 64 {
		d.counted = map[string]*render.CountedMap{}
	}
	d.counted[key] = cm
}

func (s *Server) diagram(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		opt, err := diagramOptions(c)
		if err != nil {
			return err
		}
		if served, err := s.diagramFromCounts(c, format, opt); served || err != nil {
			return err
		}
		m, err := s.loadMap(c)
		if err != nil {
			return err
		}
		if opt.Focus != "" && m.Node(opt.Focus) == nil {
			return badRequest(fmt.Sprintf("map %q has no node %q to focus on", m.ID, opt.Focus),
				problemField{Field: "focus", Value: short(opt.Focus), Message: "no such node"})
		}
		key, tag, err := s.diagrams.tag(m, format, opt)
		if err != nil {
			return drawErr(err)
		}
		h := c.Response().Header()
		if format == "svg" {
			h.Set("Content-Security-Policy", svgCSP)
		}
		return s.serveDrawing(c, key, tag, diagramTypes[format], func(ctx context.Context) ([]byte, error) { return s.draw(ctx, m, format, opt) })
	}
}

// DrawFromCountsAbove is the size in nodes past which a map is drawn from
// its counts by kind and region (graph.OverviewCounter) instead of read
// whole, when the drawing asks for nothing that needs single nodes or the
// analysis (render.FromCounts). Render folds any map of more than a few
// hundred boxes into the overview by kind and region anyway; past this size
// reading and analysing the whole map costs seconds and hundreds of MB (on
// Neo4j more than the store deadline), and the overview drawn from it says
// little more than the counts do.
const DrawFromCountsAbove = 20000

// diagramFromCounts answers a diagram request from the map's counts when
// the store counts, the map is bigger than DrawFromCountsAbove and the
// options need nothing else; served is false when the request is left to
// the drawing of the whole map. The map list says the map's size, title
// and version without reading it; the drawing is cached under a hash of
// the counts (version included), remembered per (map, version, format,
// options) like the whole map's.
func (s *Server) diagramFromCounts(c echo.Context, format string, opt render.Options) (served bool, err error) {
	oc, ok := s.cfg.Store.(graph.OverviewCounter)
	if !ok || !render.FromCounts(opt) {
		return false, nil
	}
	id := param(c, "map")
	ctx, cancel := s.storeCtx(c)
	info, err := s.mapInfo(ctx, id)
	cancel()
	if err != nil {
		return false, err
	}
	if info == nil {
		return false, notFound("no map %q", id)
	}
	if info.Nodes <= s.diagrams.countsAbove {
		return false, nil
	}
	// The counts of one version serve every format and option: a map is
	// counted once per version (unless the cache forgets it).
	countedKey := strings.Join([]string{id, strconv.FormatInt(info.Version, 10), info.Title, info.Currency}, "\x00")
	count := func(ctx context.Context) (*render.CountedMap, error) {
		if cm := s.diagrams.countedOf(countedKey); cm != nil {
			return cm, nil
		}
		ctx, cancel := context.WithTimeout(ctx, s.cfg.StoreTimeout)
		defer cancel()
		o, err := oc.OverviewCounts(ctx, id)
		if errors.Is(err, graph.ErrNotFound) {
			return nil, notFound("no map %q", id)
		}
		if err != nil {
			return nil, storeErr(fmt.Errorf("count map %q: %w", id, err))
		}
		cm := &render.CountedMap{ID: id, Title: info.Title, Currency: info.Currency, Counts: o}
		if o.Version == info.Version {
			s.diagrams.keepCounted(countedKey, cm)
		}
		return cm, nil
	}
	var cm *render.CountedMap // counted for the key, or later for the drawing
	memoKey := strings.Join([]string{id, strconv.FormatInt(info.Version, 10), "counts", info.Title, format, fmt.Sprintf("%+v", opt)}, "\x00")
	key, tag, err := s.diagrams.memo(memoKey, func() (string, error) {
		if cm, err = count(c.Request().Context()); err != nil {
			return "", err
		}
		return render.CountsCacheKey(*cm, opt, format)
	})
	if err != nil {
		return true, drawErr(err)
	}
	if format == "svg" {
		c.Response().Header().Set("Content-Security-Policy", svgCSP)
	}
	return true, s.serveDrawing(c, key, tag, diagramTypes[format], func(ctx context.Context) ([]byte, error) {
		if cm == nil { // the key was remembered: count now
			var err error
			if cm, err = count(ctx); err != nil {
				return nil, err
			}
		}
		if format == "dot" {
			return render.RenderCounts(ctx, nil, *cm, opt, format)
		}
		ctx, cancel, err := s.rendering(ctx)
		if err != nil {
			return nil, err
		}
		defer cancel()
		return render.RenderCounts(ctx, s.cfg.Engine, *cm, opt, format)
	})
}

// serveDrawing answers with the drawing cached under key (a diagram or a
// deck), drawing it once with draw when it is missing; tag is its ETag. The
// drawing goes on when the client goes away, so that its work is cached.
func (s *Server) serveDrawing(c echo.Context, key, tag, contentType string, draw func(context.Context) ([]byte, error)) error {
	h := c.Response().Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", "private, no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if notModified(c, tag) {
		return c.NoContent(http.StatusNotModified)
	}
	ctx := context.WithoutCancel(c.Request().Context())
	body, err := s.diagrams.get(key, func() ([]byte, error) { return draw(ctx) })
	if err != nil {
		return drawErr(err)
	}
	return c.Blob(http.StatusOK, contentType, body)
}

// rendering gives ctx the render deadline for work laid out through the
// server's engine (the worker pool), or answers 503 when it has none.
func (s *Server) rendering(ctx context.Context) (context.Context, context.CancelFunc, error) {
	if s.cfg.Engine == nil {
		return nil, nil, newProblem(http.StatusServiceUnavailable, "no-renderer", "this server has no diagram renderer")
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RenderTimeout)
	return ctx, cancel, nil
}

// draw renders one diagram under the render deadline: every format but DOT
// is laid out through the engine (the worker pool), so SVG, PDF and PNG
// share its queue and deadline.
func (s *Server) draw(ctx context.Context, m *graph.Map, format string, opt render.Options) ([]byte, error) {
	opt, err := render.WithAnalysis(m, opt)
	if errors.Is(err, render.ErrOptions) {
		return nil, badRequest(err.Error(), problemField{Field: "without", Value: short(strings.Join(opt.Without, ",")), Message: "no such partner"})
	}
	if err != nil {
		return nil, unanalysable(m.ID, err)
	}
	if format == "dot" {
		return render.Render(ctx, nil, m, opt, format)
	}
	ctx, cancel, err := s.rendering(ctx)
	if err != nil {
		return nil, err
	}
	defer cancel()
	return render.Render(ctx, s.cfg.Engine, m, opt, format)
}

func drawErr(err error) error {
	var p *problem
	switch {
	case errors.As(err, &p):
		return p
	case errors.Is(err, render.ErrOptions):
		return badRequest(err.Error())
	case errors.Is(err, render.ErrBusy):
		return newProblem(http.StatusServiceUnavailable, "render-busy",
			"every diagram renderer is busy and the queue is full; try again shortly").with("Retry-After", "2")
	case errors.Is(err, render.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		q := newProblem(http.StatusGatewayTimeout, "render-timeout",
			"the diagram took longer than the render deadline; try a focus view or the overview (detail=false)")
		q.cause = err
		return q
	case errors.Is(err, render.ErrWorker), errors.Is(err, render.ErrClosed):
		q := newProblem(http.StatusServiceUnavailable, "render-failed",
			"the diagram renderer failed and is being replaced; try again shortly").with("Retry-After", "2")
		q.cause = err
		return q
	case errors.Is(err, render.ErrLayout):
		q := newProblem(http.StatusUnprocessableEntity, "unrenderable", err.Error())
		q.cause = err
		return q
	}
	return fmt.Errorf("draw: %w", err)
}

// diagramCache keeps rendered diagrams in a render.Cache keyed by
// render.CacheKey; concurrent requests for the same missing diagram share one
// render instead of queueing the same layout many times.
type diagramCache struct {
	cache    *render.Cache
	mu       sync.Mutex
	inflight map[string]*flight
	keys     map[string]string // memo of tag
	// countsAbove is the size past which maps are drawn from their
	// counts (DrawFromCountsAbove; tests lower it).
	countsAbove int
	counted     map[string]*render.CountedMap // the counts of recent map versions
}

type flight struct {
	done chan struct{}
	body []byte
	err  error
}

func newDiagramCache(entries int) *diagramCache {
	return &diagramCache{cache: render.NewCache(entries), inflight: map[string]*flight{}, keys: map[string]string{},
		countsAbove: DrawFromCountsAbove, counted: map[string]*render.CountedMap{}}
}

// get returns the cached body for key or makes it with draw (once, however
// many ask at the same time). Errors are not cached.
func (d *diagramCache) get(key string, draw func() ([]byte, error)) ([]byte, error) {
	if body, ok := d.cache.Get(key); ok {
		return body, nil
	}
	d.mu.Lock()
	if f, ok := d.inflight[key]; ok {
		d.mu.Unlock()
		<-f.done
		return f.body, f.err
	}
	if body, ok := d.cache.Get(key); ok { // finished while we took the lock
		d.mu.Unlock()
		return body, nil
	}
	f := &flight{done: make(chan struct{})}
	d.inflight[key] = f
	d.mu.Unlock()

	f.body, f.err = draw()
	if f.err == nil {
		d.cache.Put(key, f.body)
	}
	d.mu.Lock()
	delete(d.inflight, key)
	d.mu.Unlock()
	close(f.done)
	return f.body, f.err
}
