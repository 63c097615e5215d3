package api

import (
	"net/http"
	"slices"

	"github.com/chanmap/chanmap/graph"
	"github.com/labstack/echo/v4"
)

// schemaDoc is the field table as GET /api/v1/schema serves it: the rows of
// the map, its classification, its nodes and its edges, plus the kinds and
// which kinds each edge kind may join. The page builds its forms from it.
type schemaDoc struct {
	*graph.Schema
	NodeKinds []string   `json:"node_kinds"`
	EdgeKinds []edgeKind `json:"edge_kinds"`
}

// edgeKind is one edge kind with the node kinds it may leave and enter.
type edgeKind struct {
	Name string   `json:"name"`
	From []string `json:"from"`
	To   []string `json:"to"`
}

func newSchemaDoc(s *graph.Schema) schemaDoc {
	d := schemaDoc{Schema: s}
	for _, k := range graph.NodeKinds {
		d.NodeKinds = append(d.NodeKinds, string(k))
	}
	for _, ek := range graph.EdgeKinds {
		e := edgeKind{Name: string(ek), From: []string{}, To: []string{}}
		for _, from := range graph.NodeKinds {
			for _, to := range graph.NodeKinds {
				if ek.Allows(from, to) {
					if !slices.Contains(e.From, string(from)) {
						e.From = append(e.From, string(from))
					}
					if !slices.Contains(e.To, string(to)) {
						e.To = append(e.To, string(to))
					}
				}
			}
		}
		d.EdgeKinds = append(d.EdgeKinds, e)
	}
	return d
}

func (s *Server) schema(c echo.Context) error {
	return c.JSON(http.StatusOK, newSchemaDoc(s.cfg.Fields))
}
