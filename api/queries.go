package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/labstack/echo/v4"
)

// support answers "who supports this segment and how does it get the
// products", pushed down to the store.
func (s *Server) support(c echo.Context) error {
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	mapID, seg := param(c, "map"), param(c, "segment")
	sup, err := s.cfg.Store.Support(ctx, mapID, seg)
	if err != nil {
		return s.supportErr(mapID, seg, err)
	}
	return c.JSON(http.StatusOK, sup)
}

// supportErr tells a question about the map's content (no such node, not a
// segment: the client's mistake) from a store that cannot answer.
func (s *Server) supportErr(mapID, seg string, err error) error {
	var ve *graph.ValidationError
	switch {
	case errors.Is(err, graph.ErrNotFound):
		return notFound("%v", err)
	case errors.Is(err, graph.ErrNotCustomer):
		return badRequest(err.Error(),
			problemField{Field: "segment", Value: short(seg), Message: "not a segment or customer of map " + mapID})
	case errors.As(err, &ve):
		return validationProblem(ve)
	}
	return storeErr(fmt.Errorf("support %s/%s: %w", mapID, seg, err))
}

// analysis answers the analysis report for the map.
func (s *Server) analysis(c echo.Context) error {
	m, err := s.loadMap(c)
	if err != nil {
		return err
	}
	rep, err := analysis.Analyze(m)
	if err != nil {
		return unanalysable(m.ID, err)
	}
	c.Response().Header().Set("ETag", etag(m.Version))
	return c.JSON(http.StatusOK, rep)
}

func unanalysable(mapID string, err error) *problem {
	p := newProblem(http.StatusUnprocessableEntity, "unanalysable",
		fmt.Sprintf("map %q cannot be analysed: %v", mapID, err))
	var ve *graph.ValidationError
	if errors.As(err, &ve) {
		for _, gp := range ve.Problems {
			p.Errors = append(p.Errors, problemField{Pointer: gp.Pointer, Field: gp.Field, Value: gp.Value, Message: gp.Message})
		}
	}
	return p
}
