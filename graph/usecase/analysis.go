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
	// Map is the map the report was computed from. Without a what-if the
	// map is streamed into the analysis (analysis.Builder), which holds
	// only what it reads, and Map is its head: id, version, title,
	// currency and classification. With a what-if it is the map's
	// projection on AnalysisReads, nodes and edges too.
	Map    *graph.Map
	Report *analysis.Report
	// Name is the name of a node of the map, "" when it has none or the
	// map has no such node: what a report written for people shows.
	Name func(id string) string
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
// analyses it as it streams in; the report equals analysis.Analyze of the
// whole map. A missing map is graph.ErrNotFound; a map the analysis
// refuses is an *UnanalysableError. A read torn by a commit landing during it is read
// again; one torn every time is graph.ErrUnavailable.
func Analyze(ctx context.Context, st graph.Store, id string, opt AnalyzeOptions) (*Analysis, error) {
	if len(opt.Without) > 0 {
		return analyzeWithout(ctx, st, id, opt)
	}
	var b *analysis.Builder
	err := readAgain(id, func() error {
		b = analysis.NewBuilder()
		return graph.ProjectorOf(st).ProjectMap(ctx, id, AnalysisReads, graph.ShareWords(b.Visitor()))
	})
	if err != nil {
		return nil, err
	}
	r, err := b.Report()
	if err != nil {
		return nil, &UnanalysableError{Map: id, Err: err}
	}
	return &Analysis{Map: b.Head(), Report: r, Name: b.Name}, nil
}

// analyzeWithout is Analyze with a what-if: it compares two analyses of
// the whole projection, which it holds.
func analyzeWithout(ctx context.Context, st graph.Store, id string, opt AnalyzeOptions) (*Analysis, error) {
	var m *graph.Map
	err := readAgain(id, func() (err error) {
		m, err = graph.ReadProjection(ctx, st, id, AnalysisReads)
		return err
	})
	if err != nil {
		return nil, err
	}
	r, err := analysis.AnalyzeWithout(m, opt.Without, analysis.WhatIfOptions{FixedCosts: opt.FixedCosts})
	if err != nil {
		return nil, &UnanalysableError{Map: id, Err: err}
	}
	return &Analysis{Map: m, Report: r, Name: NameOf(m)}, nil
}

// NameOf is the name of a node of m, "" when it has none or m has no such
// node, as Analysis.Name says.
func NameOf(m *graph.Map) func(id string) string {
	names := make(map[string]string, len(m.Nodes))
	for _, n := range m.Nodes {
		if n != nil && n.Name != "" {
			names[n.ID] = n.Name
		}
	}
	return func(id string) string { return names[id] }
}

// readAgain runs read, a read of map id, again when a commit landing
// during it tore it, up to analysisReads times.
func readAgain(id string, read func() error) error {
	var err error
	for range analysisReads {
		if err = read(); !errors.Is(err, graph.ErrConflict) {
			break
		}
	}
	if errors.Is(err, graph.ErrConflict) {
		return fmt.Errorf("analyze map %s: it changed during each of %d reads: %w", id, analysisReads, graph.ErrUnavailable)
	}
	if err != nil {
		return fmt.Errorf("analyze map %s: %w", id, err)
	}
	return nil
}
