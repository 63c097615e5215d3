package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
)

// Nodes and edges: each write is one change set against the If-Match version.

func (s *Server) listNodes(c echo.Context) error {
	m, err := s.loadMap(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(m.Version))
	nodes := m.Nodes
	if nodes == nil {
		nodes = []*graph.Node{}
	}
	return c.JSON(http.StatusOK, nodes)
}

func (s *Server) getNode(c echo.Context) error {
	m, err := s.loadMap(c)
	if err != nil {
		return err
	}
	id := param(c, "node")
	n := m.Node(id)
	if n == nil {
		return notFound("map %q has no node %q", m.ID, id)
	}
	c.Response().Header().Set("ETag", etag(m.Version))
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
	m, expected, err := s.loadForWrite(c)
	if err != nil {
		return err
	}
	id := param(c, "node")
	old := m.Node(id)
	if old == nil {
		return notFound("map %q has no node %q", m.ID, id)
	}
	var n graph.Node
	if err := s.mergePatch(c, old, &n, "Node"); err != nil {
		return err
	}
	if n.ID != id && m.Node(n.ID) != nil {
		return newProblem(http.StatusConflict, "exists", fmt.Sprintf("map %q already has a node %q", m.ID, n.ID))
	}
	cs := graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: id, Node: &n}}}
	if _, err := s.apply(c, m.ID, expected, cs); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, nodeWritten{&n, warningsAfter(m, cs)})
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
	m, err := s.loadMap(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(m.Version))
	edges := m.Edges
	if edges == nil {
		edges = []*graph.Edge{}
	}
	return c.JSON(http.StatusOK, edges)
}

func (s *Server) getEdge(c echo.Context) error {
	m, err := s.loadMap(c)
	if err != nil {
		return err
	}
	key := param(c, "edge")
	e := m.Edge(key)
	if e == nil {
		return notFound("map %q has no edge %q", m.ID, key)
	}
	c.Response().Header().Set("ETag", etag(m.Version))
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
	m, expected, err := s.loadForWrite(c)
	if err != nil {
		return err
	}
	key := param(c, "edge")
	old := m.Edge(key)
	if old == nil {
		return notFound("map %q has no edge %q", m.ID, key)
	}
	var e graph.Edge
	if err := s.mergePatch(c, old, &e, "Edge"); err != nil {
		return err
	}
	if e.Key() != key && m.Edge(e.Key()) != nil {
		return newProblem(http.StatusConflict, "exists", fmt.Sprintf("map %q already has an edge %q", m.ID, e.Key()))
	}
	cs := graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateEdge, ID: key, Edge: &e}}}
	if _, err := s.apply(c, m.ID, expected, cs); err != nil {
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
