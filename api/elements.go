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
	b, err := s.baseForWrite(c)
	if err != nil {
		return err
	}
	var n graph.Node
	if err := decodeJSON(c, &n); err != nil {
		return err
	}
	if err := b.nodeFree(n.ID); err != nil {
		return err
	}
	cs := graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpAddNode, Node: &n}}}
	_, warnings, err := b.apply(cs)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/maps/"+url.PathEscape(b.id)+"/nodes/"+url.PathEscape(n.ID))
	return c.JSON(http.StatusCreated, nodeWritten{&n, warnings})
}

func (s *Server) patchNode(c echo.Context) error {
	b, err := s.baseForWrite(c)
	if err != nil {
		return err
	}
	id := param(c, "node")
	old, err := b.node(id)
	if err != nil {
		return err
	}
	if old == nil {
		return notFound("map %q has no node %q", b.id, id)
	}
	var n graph.Node
	if err := s.mergePatch(c, old, &n, "Node"); err != nil {
		return err
	}
	if n.ID != id {
		if err := b.nodeFree(n.ID); err != nil {
			return err
		}
	}
	_, warnings, err := b.apply(graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: id, Node: &n}}})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, nodeWritten{&n, warnings})
}

// PatchElementAbove is the size in nodes past which a write of nodes and
// edges (adding, changing or deleting one, or a change set) reads only
// the elements it checks and the map's version, not the whole map, from a
// store that reads single elements (graph.ElementReader): the same size
// past which a diagram is drawn from counts. Their answers then list no
// warnings, which need the whole map (chanmap validate lists them).
const PatchElementAbove = DrawFromCountsAbove

// mapInfo is map id's line of the map list (its size, version and title,
// read without the map and, from a store that reads one line alone
// (graph.MapInfoReader), without the other maps' lines), or nil when
// there is no such map.
func (s *Server) mapInfo(ctx context.Context, id string) (*graph.MapInfo, error) {
	info, err := graph.ReadMapInfo(ctx, s.cfg.Store, id)
	if errors.Is(err, graph.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, storeErr(fmt.Errorf("read the map list's line of %q: %w", id, err))
	}
	return &info, nil
}

// writeBase is what a write of nodes and edges is based on: the version
// If-Match names, which is the map's, and either the whole map read at
// it (m) or, for a map bigger than elementsAbove in a store that reads
// single elements, that reader (m nil), through which the write reads
// each element it checks, at the same version.
type writeBase struct {
	s        *Server
	c        echo.Context
	id       string
	expected int64
	m        *graph.Map
	er       graph.ElementReader
}

// baseForWrite reads the base of a write to the map of the path and
// checks If-Match as loadForWrite does: 404 for a missing map (with or
// without If-Match), 428 or 400 for a missing or malformed If-Match, 412
// when the map has moved on.
func (s *Server) baseForWrite(c echo.Context) (*writeBase, error) {
	if er, ok := s.cfg.Store.(graph.ElementReader); ok {
		mapID := param(c, "map")
		ctx, cancel := s.storeCtx(c)
		info, err := s.mapInfo(ctx, mapID)
		cancel()
		switch {
		case err != nil:
			// loadForWrite answers as it would on any map.
		case info == nil:
			return nil, notFound("no map %q", mapID)
		case info.Nodes > s.elementsAbove:
			tags, err := ifMatch(c)
			if err != nil {
				return nil, err
			}
			b := &writeBase{s: s, c: c, id: mapID, expected: matchVersion(tags, info.Version), er: er}
			if err := b.at(info.Version); err != nil {
				return nil, err
			}
			return b, nil
		}
	}
	m, expected, err := s.loadForWrite(c)
	if err != nil {
		return nil, err
	}
	return &writeBase{s: s, c: c, id: m.ID, expected: expected, m: m}, nil
}

// at checks that version v, read on a big map, is the one the write is
// based on: 412 when the map has moved on.
func (b *writeBase) at(v int64) error {
	if v != b.expected {
		return preconditionFailed(b.id, b.expected, v)
	}
	return nil
}

// find is what inMap finds in the whole map, or, on a big map, what read
// reads from the store, at the version the write is based on.
func find[T any](b *writeBase, inMap func(*graph.Map) T, read func(context.Context) (T, int64, error)) (T, error) {
	if b.m != nil {
		return inMap(b.m), nil
	}
	ctx, cancel := b.s.storeCtx(b.c)
	defer cancel()
	x, v, err := read(ctx)
	if err == nil {
		err = b.at(v)
	} else {
		err = readErr(b.id, err)
	}
	return x, err
}

// node is node id of the map, nil when it has none.
func (b *writeBase) node(id string) (*graph.Node, error) {
	return find(b, func(m *graph.Map) *graph.Node { return m.Node(id) },
		func(ctx context.Context) (*graph.Node, int64, error) { return b.er.GetNode(ctx, b.id, id) })
}

// edge is the edge of key of the map, nil when it has none.
func (b *writeBase) edge(key string) (*graph.Edge, error) {
	return find(b, func(m *graph.Map) *graph.Edge { return m.Edge(key) },
		func(ctx context.Context) (*graph.Edge, int64, error) { return b.er.GetEdge(ctx, b.id, key) })
}

// edgesOf are the edges of node id, in map order.
func (b *writeBase) edgesOf(id string) ([]*graph.Edge, error) {
	return find(b, func(m *graph.Map) []*graph.Edge { return graph.EdgesTouching(m, id) },
		func(ctx context.Context) ([]*graph.Edge, int64, error) {
			return graph.NodeEdgesOf(b.s.cfg.Store).EdgesOf(ctx, b.id, id)
		})
}

// nodeFree is 409 when the map has a node id already.
func (b *writeBase) nodeFree(id string) error {
	n, err := b.node(id)
	if err == nil && n != nil {
		err = newProblem(http.StatusConflict, "exists", fmt.Sprintf("map %q already has a node %q", b.id, id))
	}
	return err
}

// edgeFree is 409 when the map has an edge of key already; hint ends the
// answer's detail.
func (b *writeBase) edgeFree(key, hint string) error {
	e, err := b.edge(key)
	if err == nil && e != nil {
		err = newProblem(http.StatusConflict, "exists", fmt.Sprintf("map %q already has an edge %q%s", b.id, key, hint))
	}
	return err
}

// apply applies cs against the version the write is based on, sets the
// new ETag, and answers the new version and lists the warnings of the map after it: none on a big map,
// whose warnings need the whole map.
func (b *writeBase) apply(cs graph.ChangeSet) (int64, []graph.Warning, error) {
	v, err := b.s.apply(b.c, b.id, b.expected, cs)
	if err != nil {
		return 0, nil, err
	}
	return v, warningsAfter(b.m, cs), nil
}

func (s *Server) deleteNode(c echo.Context) error {
	b, err := s.baseForWrite(c)
	if err != nil {
		return err
	}
	id := param(c, "node")
	n, err := b.node(id)
	if err != nil {
		return err
	}
	if n == nil {
		return notFound("map %q has no node %q", b.id, id)
	}
	edges, err := b.edgesOf(id)
	if err != nil {
		return err
	}
	if _, _, err := b.apply(graph.DeleteNodeWith(id, edges)); err != nil {
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
	b, err := s.baseForWrite(c)
	if err != nil {
		return err
	}
	var e graph.Edge
	if err := decodeJSON(c, &e); err != nil {
		return err
	}
	if err := b.edgeFree(e.Key(), "; give the new edge an id"); err != nil {
		return err
	}
	_, warnings, err := b.apply(graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpAddEdge, Edge: &e}}})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/maps/"+url.PathEscape(b.id)+"/edges/"+url.PathEscape(e.Key()))
	return c.JSON(http.StatusCreated, edgeWritten{&e, warnings})
}

func (s *Server) patchEdge(c echo.Context) error {
	b, err := s.baseForWrite(c)
	if err != nil {
		return err
	}
	key := param(c, "edge")
	old, err := b.edge(key)
	if err != nil {
		return err
	}
	if old == nil {
		return notFound("map %q has no edge %q", b.id, key)
	}
	var e graph.Edge
	if err := s.mergePatch(c, old, &e, "Edge"); err != nil {
		return err
	}
	if e.Key() != key {
		if err := b.edgeFree(e.Key(), ""); err != nil {
			return err
		}
	}
	_, warnings, err := b.apply(graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateEdge, ID: key, Edge: &e}}})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, edgeWritten{&e, warnings})
}

func (s *Server) deleteEdge(c echo.Context) error {
	b, err := s.baseForWrite(c)
	if err != nil {
		return err
	}
	key := param(c, "edge")
	e, err := b.edge(key)
	if err != nil {
		return err
	}
	if e == nil {
		return notFound("map %q has no edge %q", b.id, key)
	}
	if _, _, err := b.apply(graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpDeleteEdge, ID: key}}}); err != nil {
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
