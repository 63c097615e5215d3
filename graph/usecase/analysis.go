package usecase

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
)

// AnalysisReads is what Analyze reads of a stored map: analysis.Reads, and
// the map's title for a report that names the map.
var AnalysisReads = func() graph.Projection {
	p := analysis.Reads
	p.Map = append(slices.Clip(p.Map), "title")
	return p
}()

// AnalyzeOptions tune Analyze.
type AnalyzeOptions struct {
	// Without are partners taken away: the report is then the map's as if
	// they were gone, with its what_if block (analysis.AnalyzeWithout).
	Without []string
	// FixedCosts keeps cost to serve whole in a what-if.
	FixedCosts bool
}

// Analysis is the analysis of a stored map.
type Analysis struct {
	// Map is what the report was computed from: the map's projection on
	// AnalysisReads, with its id, version and nodes. Without a what-if
	// its edges are only the supplies and supports edges: the analysis
	// lets go of the others once it has indexed them
	// (analysis.AnalyzeOwned).
	Map    *graph.Map
	Report *analysis.Report
}

// UnanalysableError is a stored map the analysis refuses (a supplies
// cycle, shares over 1, a partner to take away that is none: Err is the
// analysis's error, analysis.ErrNotPartner for the last).
type UnanalysableError struct {
	Map string
	Err error
}

func (e *UnanalysableError) Error() string { return e.Err.Error() }
func (e *UnanalysableError) Unwrap() error { return e.Err }

// analysisReads is how often Analyze reads a map that keeps changing
// during the read before it gives up.
const analysisReads = 3

// Analyze reads map id of st through its projection on AnalysisReads
// (graph.ProjectorOf: a store that can sends only those fields) and
// analyses it; the report equals analysis.Analyze of the whole map. A
// missing map is graph.ErrNotFound; a map the analysis refuses is an
// *UnanalysableError. A read torn by a commit landing during it is read
// again; one torn every time is graph.ErrUnavailable.
func Analyze(ctx context.Context, st graph.Store, id string, opt AnalyzeOptions) (*Analysis, error) {
	var m *graph.Map
	var err error
	for range analysisReads {
		m, err = graph.ReadProjection(ctx, st, id, AnalysisReads)
		if !errors.Is(err, graph.ErrConflict) {
			break
		}
	}
	if errors.Is(err, graph.ErrConflict) {
		return nil, fmt.Errorf("analyze map %s: it changed during each of %d reads: %w", id, analysisReads, graph.ErrUnavailable)
	}
	if err != nil {
		return nil, fmt.Errorf("analyze map %s: %w", id, err)
	}
	var r *analysis.Report
	if len(opt.Without) > 0 {
		r, err = analysis.AnalyzeWithout(m, opt.Without, analysis.WhatIfOptions{FixedCosts: opt.FixedCosts})
	} else {
		r, err = analysis.AnalyzeOwned(m)
	}
	if err != nil {
		return nil, &UnanalysableError{Map: id, Err: err}
	}
	return &Analysis{Map: m, Report: r}, nil
}
