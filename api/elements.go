package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
)

// Nodes and edges: each write is one change set against the If-Match version.

// Reads of nodes and edges ask the store for what they answer
// (graph.ElementReader): one element by its key, or a page. A list without
// offset or limit is the whole list, written as the store reads it.

// maxPage is the largest page a list answers at once.
const maxPage = 10000

// page reads ?offset and ?limit; paged is false when neither is given.
func page(c echo.Context) (offset, limit int, paged bool, err error) {
	q := c.QueryParams()
	_, hasOffset := q["offset"]
	_, hasLimit := q["limit"]
	if !hasOffset && !hasLimit {
		return 0, -1, false, nil
	}
	limit = maxPage
	for _, p := range []struct {
		name     string
		dst      *int
		min, max int
	}{{"offset", &offset, 0, math.MaxInt32}, {"limit", &limit, 1, maxPage}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		n, perr := strconv.Atoi(v)
		if perr != nil || n < p.min || n > p.max {
			return 0, 0, false, badRequest(fmt.Sprintf("%s must be a whole number from %d to %d", p.name, p.min, p.max),
				problemField{Pointer: "/" + p.name, Field: p.name, Value: v, Message: fmt.Sprintf("want %d to %d", p.min, p.max)})
		}
		*p.dst = n
	}
	return offset, limit, true, nil
}

// readErr turns a store error of an element read into an answer.
func readErr(mapID string, err error) error {
	if errors.Is(err, graph.ErrNotFound) {
		return notFound("no map %q", mapID)
	}
	return storeErr(fmt.Errorf("read map %q: %w", mapID, err))
}

// listPage answers one page of a list: the items, the ETag, and a Link to
// the next page when this one is full.
func listPage[T any](s *Server, c echo.Context, what string, offset, limit int,
	read func(ctx context.Context, mapID string, offset, limit int) ([]T, int64, error)) error {
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	id := param(c, "map")
	items, v, err := read(ctx, id, offset, limit+1)
	if err != nil {
		return readErr(id, err)
	}
	tag := etag(v)
	h := c.Response().Header()
	h.Set("ETag", tag)
	if notModified(c, tag) {
		return c.NoContent(http.StatusNotModified)
	}
	if len(items) > limit {
		items = items[:limit]
		h.Set("Link", fmt.Sprintf("</api/v1/maps/%s/%s?offset=%d&limit=%d>; rel=\"next\"", url.PathEscape(id), what, offset+limit, limit))
	}
	return c.JSON(http.StatusOK, items)
}

func (s *Server) listNodes(c echo.Context) error {
	offset, limit, paged, err := page(c)
	if err != nil {
		return err
	}
	if paged {
		return listPage(s, c, "nodes", offset, limit, graph.ElementsOf(s.cfg.Store).ListNodes)
	}
	return s.streamMap(c, param(c, "map"), echo.MIMEApplicationJSON,
		func(w io.Writer) (streamEncoder, error) { return newJSONStream(w, "nodes"), nil }, nil)
}

func (s *Server) getNode(c echo.Context) error {
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	mapID, id := param(c, "map"), param(c, "node")
	n, v, err := graph.ElementsOf(s.cfg.Store).GetNode(ctx, mapID, id)
	if err != nil {
		return readErr(mapID, err)
	}
	if n == nil {
		return notFound("map %q has no node %q", mapID, id)
	}
	c.Response().Header().Set("ETag", etag(v))
	return c.JSON(http.StatusOK, n)
}

func (s *Server) addNode(c echo.Context) error {
	m, expected, err := s.loadForWrite(c)
	if err != nil {
		return err
	}
	var n graph.Node
	if err := decodeJSON(c, &n); err != nil {
		return err
	}
	if m.Node(n.ID) != nil {
		return newProblem(http.StatusConflict, "exists", fmt.Sprintf("map %q already has a node %q", m.ID, n.ID))
	}
	cs := graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpAddNode, Node: &n}}}
	if _, err := s.apply(c, m.ID, expected, cs); err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/maps/"+url.PathEscape(m.ID)+"/nodes/"+url.PathEscape(n.ID))
	return c.JSON(http.StatusCreated, nodeWritten{&n, warningsAfter(m, cs)})
}

func (s *Server) patchNode(c echo.Context) error {
	id := param(c, "node")
	m, old, expected, err := elementForWrite(s, c,
		func(m *graph.Map) *graph.Node { return m.Node(id) },
		func(ctx context.Context, er graph.ElementReader, mapID string) (*graph.Node, int64, error) {
			return er.GetNode(ctx, mapID, id)
		})
	if err != nil {
		return err
	}
	mapID := param(c, "map")
	if old == nil {
		return notFound("map %q has no node %q", mapID, id)
	}
	var n graph.Node
	if err := s.mergePatch(c, old, &n, "Node"); err != nil {
		return err
	}
	if m != nil && n.ID != id && m.Node(n.ID) != nil {
		return newProblem(http.StatusConflict, "exists", fmt.Sprintf("map %q already has a node %q", mapID, n.ID))
	}
	cs := graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: id, Node: &n}}}
	if _, err := s.apply(c, mapID, expected, cs); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, nodeWritten{&n, warningsAfter(m, cs)})
}

// PatchElementAbove is the size in nodes past which a PATCH of a node or an
// edge reads only that element and the map's version, not the whole map,
// from a store that reads single elements (graph.ElementReader): the same
// size past which a diagram is drawn from counts. Its answer then lists no
// warnings, which need the whole map (chanmap validate lists them).
const PatchElementAbove = DrawFromCountsAbove

// mapInfo is map id's line of the map list (its size, version and title,
// read without the map), or nil when there is no such map.
func (s *Server) mapInfo(ctx context.Context, id string) (*graph.MapInfo, error) {
	infos, err := s.cfg.Store.ListMaps(ctx)
	if err != nil {
		return nil, storeErr(fmt.Errorf("list maps: %w", err))
	}
	for i := range infos {
		if infos[i].ID == id {
			return &infos[i], nil
		}
	}
	return nil, nil
}

// elementForWrite reads what a write of one element changes: the whole map
// (m) and the element in it, or, for a map bigger than elementsAbove in a
// store that reads single elements, the element alone (m nil). Either way
// the map's version is checked against If-Match.
func elementForWrite[T any](s *Server, c echo.Context, inMap func(*graph.Map) *T,
	read func(context.Context, graph.ElementReader, string) (*T, int64, error)) (*graph.Map, *T, int64, error) {
	er, ok := s.cfg.Store.(graph.ElementReader)
	tags, terr := ifMatch(c)
	if ok && terr == nil {
		mapID := param(c, "map")
		ctx, cancel := s.storeCtx(c)
		defer cancel()
		info, err := s.mapInfo(ctx, mapID)
		if err != nil {
			return nil, nil, 0, err
		}
		if info != nil && info.Nodes > s.elementsAbove {
			x, v, err := read(ctx, er, mapID)
			if err != nil {
				return nil, nil, 0, storeErr(err)
			}
			expected := matchVersion(tags, v)
			if v != expected {
				return nil, nil, 0, preconditionFailed(mapID, expected, v)
			}
			return nil, x, expected, nil
		}
	}
	m, expected, err := s.loadForWrite(c)
	if err != nil {
		return nil, nil, 0, err
	}
	return m, inMap(m), expected, nil
}

func (s *Server) deleteNode(c echo.Context) error {
	m, expected, err := s.loadForWrite(c)
	if err != nil {
		return err
	}
	id := param(c, "node")
	if m.Node(id) == nil {
		return notFound("map %q has no node %q", m.ID, id)
	}
	if _, err := s.apply(c, m.ID, expected, graph.DeleteNodeCascade(m, id)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) listEdges(c echo.Context) error {
	offset, limit, paged, err := page(c)
	if err != nil {
		return err
	}
	if paged {
		return listPage(s, c, "edges", offset, limit, graph.ElementsOf(s.cfg.Store).ListEdges)
	}
	return s.streamMap(c, param(c, "map"), echo.MIMEApplicationJSON,
		func(w io.Writer) (streamEncoder, error) { return newJSONStream(w, "edges"), nil }, nil)
}

func (s *Server) getEdge(c echo.Context) error {
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	mapID, key := param(c, "map"), param(c, "edge")
	e, v, err := graph.ElementsOf(s.cfg.Store).GetEdge(ctx, mapID, key)
	if err != nil {
		return readErr(mapID, err)
	}
	if e == nil {
		return notFound("map %q has no edge %q", mapID, key)
	}
	c.Response().Header().Set("ETag", etag(v))
	return c.JSON(http.StatusOK, e)
}

func (s *Server) addEdge(c echo.Context) error {
	m, expected, err := s.loadForWrite(c)
	if err != nil {
		return err
	}
	var e graph.Edge
	if err := decodeJSON(c, &e); err != nil {
		return err
	}
	if m.Edge(e.Key()) != nil {
		return newProblem(http.StatusConflict, "exists",
			fmt.Sprintf("map %q already has an edge %q; give the new edge an id", m.ID, e.Key()))
	}
	cs := graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpAddEdge, Edge: &e}}}
	if _, err := s.apply(c, m.ID, expected, cs); err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/maps/"+url.PathEscape(m.ID)+"/edges/"+url.PathEscape(e.Key()))
	return c.JSON(http.StatusCreated, edgeWritten{&e, warningsAfter(m, cs)})
}

func (s *Server) patchEdge(c echo.Context) error {
	key := param(c, "edge")
	m, old, expected, err := elementForWrite(s, c,
		func(m *graph.Map) *graph.Edge { return m.Edge(key) },
		func(ctx context.Context, er graph.ElementReader, mapID string) (*graph.Edge, int64, error) {
			return er.GetEdge(ctx, mapID, key)
		})
	if err != nil {
		return err
	}
	mapID := param(c, "map")
	if old == nil {
		return notFound("map %q has no edge %q", mapID, key)
	}
	var e graph.Edge
	if err := s.mergePatch(c, old, &e, "Edge"); err != nil {
		return err
	}
	if m != nil && e.Key() != key && m.Edge(e.Key()) != nil {
		return newProblem(http.StatusConflict, "exists", fmt.Sprintf("map %q already has an edge %q", mapID, e.Key()))
	}
	cs := graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateEdge, ID: key, Edge: &e}}}
	if _, err := s.apply(c, mapID, expected, cs); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, edgeWritten{&e, warningsAfter(m, cs)})
}

func (s *Server) deleteEdge(c echo.Context) error {
	m, expected, err := s.loadForWrite(c)
	if err != nil {
		return err
	}
	key := param(c, "edge")
	if m.Edge(key) == nil {
		return notFound("map %q has no edge %q", m.ID, key)
	}
	if _, err := s.apply(c, m.ID, expected, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpDeleteEdge, ID: key}}}); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// mergePatch applies the body, a JSON merge patch (RFC 7386), to the JSON of
// old, checks the result against the document's schema (so a patch cannot
// remove a required field) and decodes it into out, refusing fields the type
// does not have.
func (s *Server) mergePatch(c echo.Context, old, out any, schema string) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return bodyErr(err)
	}
	var patch any
	if err := json.Unmarshal(body, &patch); err != nil {
		return badRequest("the merge patch is not JSON: " + err.Error())
	}
	if _, ok := patch.(map[string]any); !ok {
		return badRequest("a merge patch must be a JSON object of the fields to change")
	}
	cur, err := json.Marshal(old)
	if err != nil {
		return fmt.Errorf("encode current value: %w", err)
	}
	var doc any
	if err := json.Unmarshal(cur, &doc); err != nil {
		return fmt.Errorf("decode current value: %w", err)
	}
	result := applyMergePatch(doc, patch)
	if sch := s.spec.doc.Components.Schemas[schema]; sch != nil && sch.Value != nil {
		if err := sch.Value.VisitJSON(result, openapi3.MultiErrors()); err != nil {
			p := requestProblem(err).(*problem)
			p.Detail = "the patched " + strings.ToLower(schema) + " would be invalid: " + p.Detail
			return p
		}
	}
	merged, err := json.Marshal(result)
	if err != nil {
		return fmt.Errorf("encode patched value: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(merged))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		var te *json.UnmarshalTypeError
		if ok := asTypeError(err, &te); ok {
			return badRequest("the patched value has a field of the wrong type",
				problemField{Pointer: "/" + jsonPath(te.Field), Field: te.Field, Value: te.Value,
					Message: fmt.Sprintf("want %s", te.Type)})
		}
		return badRequest("the patched value is not valid: " + err.Error())
	}
	return nil
}

// applyMergePatch is RFC 7386: objects merge key by key, null deletes, any
// other value replaces.
func applyMergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = applyMergePatch(t[k], v)
	}
	return t
}

func asTypeError(err error, te **json.UnmarshalTypeError) bool { return errors.As(err, te) }

// jsonPath turns encoding/json's dotted field path into JSON pointer segments.
func jsonPath(field string) string { return strings.ReplaceAll(field, ".", "/") }
