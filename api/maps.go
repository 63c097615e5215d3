package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/graph/usecase"
	"github.com/labstack/echo/v4"
)

// present prepares a map for a JSON answer: empty lists are [] rather than
// null, as the document promises.
func present(m *graph.Map) *graph.Map {
	if m.Nodes == nil {
		m.Nodes = []*graph.Node{}
	}
	if m.Edges == nil {
		m.Edges = []*graph.Edge{}
	}
	return m
}

// etag is the ETag of a map version: "7".
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// ifMatch reads the versions a write may be based on (see ifMatchVersions):
// 428 when If-Match is missing, 400 when it is "*" or malformed.
func ifMatch(c echo.Context) ([]int64, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" {
		return nil, preconditionRequired()
	}
	return ifMatchVersions(h)
}

// notModified reports whether If-None-Match already holds tag.
func notModified(c echo.Context, tag string) bool {
	for _, t := range strings.Split(c.Request().Header.Get("If-None-Match"), ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == "*" {
			return true
		}
	}
	return false
}

// param reads a path parameter, unescaped.
func param(c echo.Context, name string) string {
	v := c.Param(name)
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}

// loadMap reads the map of the path parameter "map".
func (s *Server) loadMap(c echo.Context) (*graph.Map, error) {
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	id := param(c, "map")
	m, err := s.cfg.Store.GetMap(ctx, id)
	if errors.Is(err, graph.ErrNotFound) {
		return nil, notFound("no map %q", id)
	}
	if err != nil {
		return nil, storeErr(fmt.Errorf("read map %q: %w", id, err))
	}
	return m, nil
}

// loadForWrite reads the map a write applies to and checks If-Match: 428
// without it, 412 when the map has moved on. The store checks the version
// again when it applies the change, atomically.
func (s *Server) loadForWrite(c echo.Context) (*graph.Map, int64, error) {
	tags, err := ifMatch(c)
	if err != nil {
		// A missing map is 404 even without If-Match.
		if _, nf := s.loadMap(c); nf != nil {
			var p *problem
			if errors.As(nf, &p) && p.Status == http.StatusNotFound {
				return nil, 0, nf
			}
		}
		return nil, 0, err
	}
	m, err := s.loadMap(c)
	if err != nil {
		return nil, 0, err
	}
	expected := matchVersion(tags, m.Version)
	if m.Version != expected {
		return nil, 0, preconditionFailed(m.ID, expected, m.Version)
	}
	return m, expected, nil
}

// apply applies cs to the map against the expected version and sets the new ETag.
func (s *Server) apply(c echo.Context, mapID string, expected int64, cs graph.ChangeSet) (int64, error) {
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	v, err := s.cfg.Store.Apply(ctx, mapID, expected, cs)
	if errors.Is(err, graph.ErrConflict) {
		return 0, s.conflict(ctx, mapID, expected)
	}
	if err != nil {
		return 0, storeErr(err)
	}
	c.Response().Header().Set("ETag", etag(v))
	return v, nil
}

// conflict is the answer to a write that lost the race: 412 with the
// version the map has now, from the map list (a big map is not read).
func (s *Server) conflict(ctx context.Context, mapID string, expected int64) error {
	cur := int64(0)
	if info, err := s.mapInfo(ctx, mapID); err == nil && info != nil {
		cur = info.Version
	}
	return preconditionFailed(mapID, expected, cur)
}

// mapMediaTypes are the Content-Types a map file is read from.
var mapMediaTypes = []string{"application/json", "application/yaml", "application/x-yaml", "text/yaml"}

// readMapBody reads a map file from the body (YAML or JSON by Content-Type)
// and validates it.
func readMapBody(c echo.Context) (*graph.Map, error) {
	ct := c.Request().Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	name := ""
	switch mt {
	case "application/json":
		name = "body.json"
	case "application/yaml", "application/x-yaml", "text/yaml":
		name = "body.yaml"
	default:
		return nil, unsupportedMedia(ct, mapMediaTypes...)
	}
	data, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return nil, bodyErr(err)
	}
	return parseMap(data, name)
}

// parseMap reads and validates a map file; problems become a located 400.
func parseMap(data []byte, name string) (*graph.Map, error) {
	m, err := mapio.Read(data, name)
	if err != nil {
		var ve *graph.ValidationError
		if errors.As(err, &ve) {
			return nil, validationProblem(ve)
		}
		return nil, badRequest(fmt.Sprintf("%s: %v", name, err))
	}
	return m, nil
}

func bodyErr(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return tooLarge(mb.Limit)
	}
	return badRequest("the request body could not be read: " + err.Error())
}

// decodeJSON reads a JSON body into v, refusing unknown fields.
func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return tooLarge(mb.Limit)
		}
		return badRequest("the JSON body cannot be read: " + err.Error())
	}
	if dec.More() {
		return badRequest("the JSON body has more than one value")
	}
	return nil
}

func (s *Server) listMaps(c echo.Context) error {
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	maps, err := s.cfg.Store.ListMaps(ctx)
	if err != nil {
		return storeErr(fmt.Errorf("list maps: %w", err))
	}
	if maps == nil {
		maps = []graph.MapInfo{}
	}
	return c.JSON(http.StatusOK, maps)
}

func (s *Server) createMap(c echo.Context) error {
	m, err := readMapBody(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	r, err := usecase.Import(ctx, s.cfg.Store, m, false)
	if errors.Is(err, graph.ErrExists) {
		return newProblem(http.StatusConflict, "exists",
			fmt.Sprintf("a map with id %q exists; PUT /api/v1/maps/%s with If-Match replaces it", m.ID, m.ID))
	}
	if err != nil {
		return storeErr(err)
	}
	m.Version = r.Version
	h := c.Response().Header()
	h.Set("ETag", etag(r.Version))
	h.Set("Location", "/api/v1/maps/"+url.PathEscape(m.ID))
	return c.JSON(http.StatusCreated, mapWritten{present(m), warningsOf(m)})
}

// getMap answers the whole map, written as the store reads it (see
// streamMap); ?pretty (indented JSON) is written from a snapshot.
func (s *Server) getMap(c echo.Context) error {
	if _, pretty := c.QueryParams()["pretty"]; !pretty && !c.Echo().Debug {
		return s.streamMap(c, param(c, "map"), echo.MIMEApplicationJSON,
			func(w io.Writer) (streamEncoder, error) { return newJSONStream(w, "map"), nil }, nil)
	}
	m, err := s.loadMap(c)
	if err != nil {
		return err
	}
	tag := etag(m.Version)
	c.Response().Header().Set("ETag", tag)
	if notModified(c, tag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.JSON(http.StatusOK, present(m))
}

// replace makes the stored map equal to next (same id) with one change set.
func (s *Server) replace(c echo.Context, old, next *graph.Map, expected int64) error {
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	r, err := usecase.Replace(ctx, s.cfg.Store, old, next)
	switch {
	case errors.Is(err, usecase.ErrOtherMap):
		return badRequest(fmt.Sprintf("the body is map %q, the path names map %q", next.ID, old.ID),
			problemField{Pointer: "/id", Field: "id", Value: next.ID, Message: "must be the map id of the path (" + old.ID + ")"})
	case errors.Is(err, graph.ErrConflict):
		return s.conflict(ctx, old.ID, expected)
	case err != nil:
		return storeErr(err)
	}
	c.Response().Header().Set("ETag", etag(r.Version))
	next.Version = r.Version
	return c.JSON(http.StatusOK, mapWritten{present(next), warningsOf(next)})
}

func (s *Server) replaceMap(c echo.Context) error {
	old, expected, err := s.loadForWrite(c)
	if err != nil {
		return err
	}
	next, err := readMapBody(c)
	if err != nil {
		return err
	}
	return s.replace(c, old, next, expected)
}

func (s *Server) deleteMap(c echo.Context) error {
	_, expected, err := s.loadForWrite(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	if err := s.cfg.Store.DeleteMap(ctx, param(c, "map"), expected); err != nil {
		return storeErr(err)
	}
	s.diagrams.forget(param(c, "map"))
	return c.NoContent(http.StatusNoContent)
}

// applied is the answer to POST /changes.
type applied struct {
	Map      string          `json:"map"`
	Version  int64           `json:"version"`
	Changes  int             `json:"changes"`
	Warnings []graph.Warning `json:"warnings"`
}

func (s *Server) applyChanges(c echo.Context) error {
	b, err := s.baseForWrite(c)
	if err != nil {
		return err
	}
	var cs graph.ChangeSet
	if err := decodeJSON(c, &cs); err != nil {
		return err
	}
	v, warnings, err := b.apply(cs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, applied{Map: b.id, Version: v, Changes: len(cs.Changes), Warnings: warnings})
}
