package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/compare"
	"github.com/chanmap/chanmap/render"
	"github.com/labstack/echo/v4"
)

// historyRoutes adds the history routes: versions, one past version, the
// diff of two versions, restore, the deleted maps, undelete and purge.
func (s *Server) historyRoutes(v *echo.Group, read, edit, admin []echo.MiddlewareFunc) {
	get := func(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
		v.GET(path, h, m...)
		v.HEAD(path, h, m...)
	}
	get("/maps/:map/versions", s.listVersions, read...)
	get("/maps/:map/versions/:version", s.getVersion, read...)
	get("/maps/:map/diff", s.diffVersions, read...)
	for _, f := range []string{"svg", "png", "pdf"} {
		get("/maps/:map/diff/diagram."+f, s.diffDiagram(f), read...)
	}
	v.POST("/maps/:map/restore", s.restoreMap, edit...)
	v.POST("/maps/:map/undelete", s.undeleteMap, edit...)
	get("/deleted", s.listDeleted, edit...)
	v.DELETE("/deleted/:map", s.purgeMap, admin...)
}

// versionPage is the answer to GET /maps/{map}/versions.
type versionPage struct {
	Map      string              `json:"map"`
	Versions []graph.VersionInfo `json:"versions"`
	// Next is the before= of the next (older) page; absent on the last.
	Next int64 `json:"next,omitempty"`
}

// queryVersion reads a version from the query (0 when absent).
func queryVersion(c echo.Context, name string) (int64, error) {
	q := c.QueryParam(name)
	if q == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(q, 10, 64)
	if err != nil || v < 1 {
		return 0, badRequest(fmt.Sprintf("%s=%q is not a map version (a whole number from 1)", name, short(q)),
			problemField{Field: name, Value: short(q), Message: "not a map version"})
	}
	return v, nil
}

func (s *Server) listVersions(c echo.Context) error {
	before, err := queryVersion(c, "before")
	if err != nil {
		return err
	}
	limit := graph.DefaultVersionPage
	if q := c.QueryParam("limit"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > graph.MaxVersionPage {
			return badRequest(fmt.Sprintf("limit=%q: want a whole number from 1 to %d", short(q), graph.MaxVersionPage),
				problemField{Field: "limit", Value: short(q), Message: "out of range"})
		}
		limit = n
	}
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	id := param(c, "map")
	vs, err := s.cfg.Store.Versions(ctx, id, before, limit)
	if err != nil {
		return storeErr(err)
	}
	page := versionPage{Map: id, Versions: vs}
	if len(vs) == limit && vs[len(vs)-1].Version > 1 {
		page.Next = vs[len(vs)-1].Version
	}
	return c.JSON(http.StatusOK, page)
}

// version reads the path parameter "version".
func pathVersion(c echo.Context) (int64, error) {
	q := param(c, "version")
	v, err := strconv.ParseInt(q, 10, 64)
	if err != nil || v < 1 {
		return 0, badRequest(fmt.Sprintf("version %q is not a map version (a whole number from 1)", short(q)),
			problemField{Field: "version", Value: short(q), Message: "not a map version"})
	}
	return v, nil
}

func (s *Server) getVersion(c echo.Context) error {
	v, err := pathVersion(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	m, err := s.cfg.Store.GetVersion(ctx, param(c, "map"), v)
	if err != nil {
		return storeErr(err)
	}
	return c.JSON(http.StatusOK, present(m))
}

// diffVersions compares two versions of a map: from (default: the one
// before to) and to (default: the current one).
func (s *Server) diffVersions(c echo.Context) error {
	a, b, err := s.diffSides(c)
	if err != nil {
		return err
	}
	r, err := compare.Diff(a, b)
	if err != nil {
		return storeErr(err)
	}
	return c.JSON(http.StatusOK, r)
}

// diffSides reads the two versions a diff compares: from (default: the one
// before to) and to (default: the current one).
func (s *Server) diffSides(c echo.Context) (a, b *graph.Map, err error) {
	from, err := queryVersion(c, "from")
	if err != nil {
		return nil, nil, err
	}
	to, err := queryVersion(c, "to")
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	id := param(c, "map")
	if to == 0 {
		b, err = s.cfg.Store.GetMap(ctx, id)
	} else {
		b, err = s.cfg.Store.GetVersion(ctx, id, to)
	}
	if err != nil {
		return nil, nil, storeErr(err)
	}
	if from == 0 {
		from = max(b.Version-1, 1)
	}
	a, err = s.cfg.Store.GetVersion(ctx, id, from)
	if err != nil {
		return nil, nil, storeErr(err)
	}
	return a, b, nil
}

// diffDiagram draws the change between two versions (one side of it, or
// both) through the worker pool, cached like any diagram by the content of
// both versions and the options.
func (s *Server) diffDiagram(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		all, err := diagramOptions(c)
		if err != nil {
			return err
		}
		// The diff is drawn in the full view coloured by kind: only the
		// page's options apply.
		opt := render.Options{Detail: all.Detail, Page: all.Page, MinFont: all.MinFont, Theme: all.Theme, Footer: all.Footer}
		side := render.DiffSide(c.QueryParam("side"))
		if side == "" {
			side = render.SideBoth
		}
		a, b, err := s.diffSides(c)
		if err != nil {
			return err
		}
		r, err := compare.Diff(a, b)
		if err != nil {
			return storeErr(err)
		}
		m, opt, err := render.Diff(a, b, r, side, opt)
		if err != nil {
			return drawErr(err)
		}
		key, err := render.CacheKey(m, opt, format)
		if err != nil {
			return drawErr(err)
		}
		tag := `"d-` + key[:32] + `"`
		if format == "svg" {
			c.Response().Header().Set("Content-Security-Policy", svgCSP)
		}
		return s.serveDrawing(c, key, tag, diagramTypes[format], func(ctx context.Context) ([]byte, error) { return s.draw(ctx, m, format, opt) })
	}
}

// restoreRequest is the body of POST /maps/{map}/restore.
type restoreRequest struct {
	Version int64  `json:"version"`
	Message string `json:"message,omitempty"`
}

func (s *Server) restoreMap(c echo.Context) error {
	m, expected, err := s.loadForWrite(c)
	if err != nil {
		return err
	}
	var req restoreRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	if req.Message != "" {
		wi := graph.WriteInfoFrom(ctx)
		wi.Message = req.Message
		ctx = graph.WithWriteInfo(ctx, wi)
	}
	v, err := s.cfg.Store.Restore(ctx, m.ID, expected, req.Version)
	if err != nil {
		return storeErr(err)
	}
	s.diagrams.forget(m.ID)
	c.Response().Header().Set("ETag", etag(v))
	return c.JSON(http.StatusOK, applied{Map: m.ID, Version: v, Warnings: s.warningsNow(ctx, m.ID)})
}

func (s *Server) undeleteMap(c echo.Context) error {
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	id := param(c, "map")
	v, err := s.cfg.Store.Undelete(ctx, id)
	if errors.Is(err, graph.ErrNotFound) {
		return notFound("no deleted map %q (deleted maps are kept for %d days unless purged)", id, int(graph.DeletedRetention.Hours()/24))
	}
	if err != nil {
		return storeErr(err)
	}
	s.diagrams.forget(id)
	c.Response().Header().Set("ETag", etag(v))
	return c.JSON(http.StatusOK, applied{Map: id, Version: v, Warnings: s.warningsNow(ctx, id)})
}

func (s *Server) listDeleted(c echo.Context) error {
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	ds, err := s.cfg.Store.Deleted(ctx)
	if err != nil {
		return storeErr(err)
	}
	return c.JSON(http.StatusOK, ds)
}

func (s *Server) purgeMap(c echo.Context) error {
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	id := param(c, "map")
	if err := s.cfg.Store.Purge(ctx, id); err != nil {
		if errors.Is(err, graph.ErrNotFound) {
			return notFound("no deleted map %q", id)
		}
		return storeErr(err)
	}
	return c.NoContent(http.StatusNoContent)
}
