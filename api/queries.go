package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/graph/usecase"
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
		return s.supportErr(ctx, mapID, seg, err)
	}
	return c.JSON(http.StatusOK, sup)
}

// supportErr tells a question about the map's content (no such node, not a
// segment: the client's mistake) from a store that cannot answer.
func (s *Server) supportErr(ctx context.Context, mapID, seg string, err error) error {
	var ve *graph.ValidationError
	switch {
	case errors.Is(err, graph.ErrNotFound):
		if m, gerr := s.cfg.Store.GetMap(ctx, mapID); gerr == nil {
			return notFound("%v%s", err, graph.DidYouMean(seg, m.NodesOfKind(graph.KindSegment, graph.KindCustomer)))
		}
		return notFound("%v", err)
	case errors.Is(err, graph.ErrNotCustomer):
		return badRequest(err.Error(),
			problemField{Field: "segment", Value: short(seg), Message: "not a segment or customer of map " + mapID})
	case errors.As(err, &ve):
		return validationProblem(ve)
	}
	return storeErr(fmt.Errorf("support %s/%s: %w", mapID, seg, err))
}

// analysis answers the analysis report for the map, computed from the
// fields the analysis reads (usecase.Analyze), not the whole map.
func (s *Server) analysis(c echo.Context) error {
	var opt usecase.AnalyzeOptions
	if without := c.QueryParams()["without"]; len(without) > 0 {
		fixed, ferr := strconv.ParseBool(c.QueryParam("fixed_costs"))
		if ferr != nil && c.QueryParam("fixed_costs") != "" {
			return badRequest("fixed_costs must be true or false",
				problemField{Field: "fixed_costs", Value: short(c.QueryParam("fixed_costs")), Message: "true keeps cost to serve whole; false (the default) scales it with the net revenue kept"})
		}
		opt = usecase.AnalyzeOptions{Without: without, FixedCosts: fixed}
	}
	ctx, cancel := s.storeCtx(c)
	defer cancel()
	id := param(c, "map")
	release, err := s.admitAnalysis(ctx, id)
	if err != nil {
		return err
	}
	defer release()
	a, err := usecase.Analyze(ctx, s.cfg.Store, id, opt)
	var ue *usecase.UnanalysableError
	switch {
	case errors.Is(err, analysis.ErrNotPartner):
		return badRequest(err.Error(), problemField{Field: "without", Value: short(strings.Join(opt.Without, ",")), Message: "not a partner of map " + id})
	case errors.As(err, &ue):
		return unanalysable(id, ue.Err)
	case errors.Is(err, graph.ErrNotFound):
		return notFound("no map %q", id)
	case err != nil:
		return storeErr(fmt.Errorf("read map %q: %w", id, err))
	}
	c.Response().Header().Set("ETag", etag(a.Map.Version))
	// The report of a big map is hundreds of megabytes of JSON: it is
	// written as it is encoded, and the map it came from is not held.
	return streamJSON(c, http.StatusOK, a.Report)
}

// AnalyzeOneAtATimeAbove is the size in nodes past which a map is analysed
// by one request at a time: the analysis holds its tables and its report
// (1.9 GB at its peak for a million nodes), so two at once
// could take a server's memory. A second request waits for the first
// within its store time limit, then answers 503 analysis-busy.
const AnalyzeOneAtATimeAbove = DrawFromCountsAbove

// admitAnalysis waits its turn for the analysis of map id when the map is
// big (see AnalyzeOneAtATimeAbove); release ends the turn.
func (s *Server) admitAnalysis(ctx context.Context, id string) (release func(), err error) {
	info, err := s.mapInfo(ctx, id)
	if err != nil || info == nil || info.Nodes <= s.bigAnalysisAbove {
		return func() {}, err
	}
	select {
	case s.bigAnalyses <- struct{}{}:
		return func() { <-s.bigAnalyses }, nil
	case <-ctx.Done():
		return nil, newProblem(http.StatusServiceUnavailable, "analysis-busy",
			fmt.Sprintf("map %q has %d nodes and another map that big is being analysed; try again when it is done", id, info.Nodes)).
			with("Retry-After", "30")
	}
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
