package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/usecase"
	"github.com/labstack/echo/v4"
)

// scenarioRoutes adds the scenario routes: create, list, one with its
// status, its diff with the base, merge and drop. A scenario is edited
// through the ordinary map routes under its map id (usecase.ScenarioID).
func (s *Server) scenarioRoutes(v *echo.Group, read, edit []echo.MiddlewareFunc) {
	get := func(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
		v.GET(path, h, m...)
		v.HEAD(path, h, m...)
	}
	v.POST("/maps/:map/scenarios", s.createScenario, edit...)
	get("/maps/:map/scenarios", s.listScenarios, read...)
	get("/maps/:map/scenarios/:name", s.getScenario, read...)
	get("/maps/:map/scenarios/:name/diff", s.diffScenario, read...)
	v.POST("/maps/:map/scenarios/:name/merge", s.mergeScenario, edit...)
	v.DELETE("/maps/:map/scenarios/:name", s.dropScenario, edit...)
}

// scenarioRequest is the body of POST /maps/{map}/scenarios.
type scenarioRequest struct {
	Name    string `json:"name"`
	Version int64  `json:"version,omitempty"` // the base's version to fork (default: current)
	Message string `json:"message,omitempty"`
}

// scenarioList is the answer to GET /maps/{map}/scenarios.
type scenarioList struct {
	Map       string             `json:"map"`
	Scenarios []usecase.Scenario `json:"scenarios"`
}

// mergeRequest is the (optional) body of POST .../scenarios/{name}/merge.
type mergeRequest struct {
	Force   bool   `json:"force,omitempty"`
	Keep    bool   `json:"keep,omitempty"`
	Message string `json:"message,omitempty"`
}

// scenarioErr turns a scenario use case's error into a problem: a name or
// version the user gave is a 400 naming it, conflicts a 409 listing them.
func scenarioErr(err error) error {
	var mc *usecase.MergeConflictError
	var ve *graph.ValidationError
	switch {
	case errors.As(err, &mc):
		p := newProblem(http.StatusConflict, "merge-conflict", fmt.Sprintf(
			"scenario %s cannot be merged into %s: both changed the same %d place(s) since the fork; merge with force to let the scenario win",
			mc.Scenario, mc.Base, len(mc.Conflicts)))
		for _, c := range mc.Conflicts {
			p.Errors = append(p.Errors, problemField{Pointer: conflictPointer(c), Field: c.Field, Value: c.ID, Message: c.Message})
		}
		return p
	case errors.Is(err, usecase.ErrNotScenario):
		return newProblem(http.StatusConflict, "not-a-scenario", err.Error())
	case errors.As(err, &ve) && len(ve.Problems) == 1 && (ve.Problems[0].Field == "name" || ve.Problems[0].Field == "version" || ve.Problems[0].Field == "fork_of"):
		gp := ve.Problems[0]
		return badRequest(gp.Message, problemField{Pointer: gp.Pointer, Field: gp.Field, Value: gp.Value, Message: gp.Message})
	}
	return storeErr(err)
}

// conflictPointer locates a conflict in the base map's document by id
// (/nodes/ID/field, /edges/KEY/field, /field).
func conflictPointer(c usecase.Conflict) string {
	esc := strings.NewReplacer("~", "~0", "/", "~1")
	p := ""
	switch c.Element {
	case "node":
		p = "/nodes/" + esc.Replace(c.ID)
	case "edge":
		p = "/edges/" + esc.Replace(c.ID)
	}
	if c.Field != "" {
		p += "/" + strings.ReplaceAll(esc.Replace(c.Field), ".", "/")
	}
	return p
}

func (s *Server) createScenario(c echo.Context) error {
	var req scenarioRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Version < 0 {
		return badRequest(fmt.Sprintf("version %d is not a map version (a whole number from 1)", req.Version),
			problemField{Pointer: "/version", Field: "version", Message: "not a map version"})
	}
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	if req.Message != "" {
		wi := graph.WriteInfoFrom(ctx)
		wi.Message = req.Message
		if err := graph.CheckWriteInfo(wi); err != nil {
			return storeErr(err)
		}
		ctx = graph.WithWriteInfo(ctx, wi)
	}
	base := param(c, "map")
	sc, err := usecase.CreateScenario(ctx, s.cfg.Store, base, req.Name, req.Version)
	if err != nil {
		return scenarioErr(err)
	}
	c.Response().Header().Set("ETag", etag(sc.Version))
	c.Response().Header().Set("Location", "/api/v1/maps/"+url.PathEscape(base)+"/scenarios/"+url.PathEscape(sc.Name))
	return c.JSON(http.StatusCreated, sc)
}

func (s *Server) listScenarios(c echo.Context) error {
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	base := param(c, "map")
	list, err := usecase.ListScenarios(ctx, s.cfg.Store, base)
	if err != nil {
		return scenarioErr(err)
	}
	return c.JSON(http.StatusOK, scenarioList{Map: base, Scenarios: list})
}

func (s *Server) getScenario(c echo.Context) error {
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	st, err := usecase.GetScenario(ctx, s.cfg.Store, param(c, "map"), param(c, "name"))
	if err != nil {
		return scenarioErr(err)
	}
	c.Response().Header().Set("ETag", etag(st.Version))
	return c.JSON(http.StatusOK, st)
}

// diffScenario compares the scenario with its base as it was at the fork
// (against=fork, the default: the scenario's own changes) or as it is now
// (against=current).
func (s *Server) diffScenario(c echo.Context) error {
	current := false
	switch q := c.QueryParam("against"); q {
	case "", "fork":
	case "current":
		current = true
	default:
		return badRequest(fmt.Sprintf("against=%q: want fork or current", short(q)),
			problemField{Field: "against", Value: short(q), Message: "want fork or current"})
	}
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	r, err := usecase.CompareScenario(ctx, s.cfg.Store, param(c, "map"), param(c, "name"), current)
	if err != nil {
		return scenarioErr(err)
	}
	return c.JSON(http.StatusOK, r)
}

func (s *Server) mergeScenario(c echo.Context) error {
	var req mergeRequest
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	opts := usecase.MergeOptions{Force: req.Force, Keep: req.Keep, Message: req.Message}
	if h := strings.TrimSpace(c.Request().Header.Get("If-Match")); h != "" {
		tags, err := ifMatchVersions(h)
		if err != nil {
			return err
		}
		opts.BaseVersions = tags
	}
	if err := graph.CheckWriteInfo(graph.WriteInfo{Message: req.Message}); err != nil {
		return storeErr(err)
	}
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	if opts.Message == "" {
		opts.Message = graph.WriteInfoFrom(ctx).Message // the Chanmap-Message header
	}
	base, name := param(c, "map"), param(c, "name")
	res, err := usecase.MergeScenario(ctx, s.cfg.Store, base, name, opts)
	s.diagrams.forget(base)
	s.diagrams.forget(usecase.ScenarioID(base, name))
	if err != nil && res.Base == "" {
		if errors.Is(err, graph.ErrConflict) && !errors.As(err, new(*usecase.MergeConflictError)) {
			if len(opts.BaseVersions) > 0 { // If-Match named another version
				return newProblem(http.StatusPreconditionFailed, "stale-version", err.Error()+"; read it again and retry")
			}
			// The base was written between the merge's read and its write.
			return newProblem(http.StatusConflict, "base-changed", err.Error()+"; retry the merge")
		}
		return scenarioErr(err)
	}
	if err != nil {
		// Merged, but the scenario could not be dropped or forked again.
		s.log.Warn("scenario merged, cleanup failed", "request_id", requestID(c), "err", err)
	}
	c.Response().Header().Set("ETag", etag(res.Version))
	return c.JSON(http.StatusOK, res)
}

func (s *Server) dropScenario(c echo.Context) error {
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	base, name := param(c, "map"), param(c, "name")
	if err := usecase.DropScenario(ctx, s.cfg.Store, base, name); err != nil {
		return scenarioErr(err)
	}
	s.diagrams.forget(usecase.ScenarioID(base, name))
	return c.NoContent(http.StatusNoContent)
}
