package usecase_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/graph/usecase"
)

// tornReads is a store whose first torn reads of a projection fail with
// graph.ErrConflict, as a read that a commit landed in does.
// With late, a torn read first hands the whole map over, as a store that
// finds at its end that a commit landed during the read.
type tornReads struct {
	graph.Store
	torn, reads int
	late        bool
}

func (s *tornReads) ProjectMap(ctx context.Context, id string, p graph.Projection, v graph.MapVisitor) error {
	s.reads++
	if s.reads <= s.torn {
		if s.late {
			if err := graph.ProjectorOf(s.Store).ProjectMap(ctx, id, p, v); err != nil {
				return err
			}
		}
		return graph.ErrConflict
	}
	return graph.ProjectorOf(s.Store).ProjectMap(ctx, id, p, v)
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The analysis of a stored map is the analysis of the whole map, plain and
// without a partner, from the projection at the map's version; the title
// comes along for the report's heading.
func TestAnalyzeStoredMap(t *testing.T) {
	ctx := context.Background()
	st := store(t)
	if _, err := usecase.Import(ctx, st, sample(t), false); err != nil {
		t.Fatal(err)
	}
	whole, err := st.GetMap(ctx, "voltair")
	if err != nil {
		t.Fatal(err)
	}
	want, err := analysis.Analyze(whole)
	if err != nil {
		t.Fatal(err)
	}
	got, err := usecase.Analyze(ctx, st, "voltair", usecase.AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if jsonOf(t, got.Report) != jsonOf(t, want) {
		t.Errorf("the report of the stored map differs from the whole map's")
	}
	if got.Map.Version != 1 || got.Map.Title != whole.Title || got.Map.Title == "" || len(got.Map.Nodes)+len(got.Map.Edges) != 0 {
		t.Errorf("map read: version %d, title %q, %d nodes and %d edges held; want 1, %q, the head alone", got.Map.Version, got.Map.Title, len(got.Map.Nodes), len(got.Map.Edges), whole.Title)
	}
	for _, n := range whole.Nodes {
		if name := got.Name(n.ID); name != n.Name {
			t.Errorf("node %s is named %q, want %q", n.ID, name, n.Name)
		}
	}

	partner := want.Partners[0].ID
	wantW, err := analysis.AnalyzeWithout(whole, []string{partner}, analysis.WhatIfOptions{FixedCosts: true})
	if err != nil {
		t.Fatal(err)
	}
	gotW, err := usecase.Analyze(ctx, st, "voltair", usecase.AnalyzeOptions{Without: []string{partner}, FixedCosts: true})
	if err != nil {
		t.Fatal(err)
	}
	if jsonOf(t, gotW.Report) != jsonOf(t, wantW) || gotW.Report.WhatIf == nil {
		t.Errorf("the what-if of the stored map differs from the whole map's")
	}
	if len(gotW.Map.Nodes) != len(whole.Nodes) || gotW.Name(whole.Nodes[0].ID) != whole.Nodes[0].Name {
		t.Errorf("the what-if's map has %d nodes, want %d with their names", len(gotW.Map.Nodes), len(whole.Nodes))
	}
	if gotW.Map.Nodes[0].Description != "" && whole.Nodes[0].Description != "" {
		t.Errorf("the description came along, but the analysis does not read it")
	}
}

// A missing map is graph.ErrNotFound; a partner that is none is an
// UnanalysableError wrapping analysis.ErrNotPartner; a read torn twice is
// read again, one torn every time is graph.ErrUnavailable.
func TestAnalyzeStoredMapErrors(t *testing.T) {
	ctx := context.Background()
	st := store(t)
	if _, err := usecase.Import(ctx, st, sample(t), false); err != nil {
		t.Fatal(err)
	}
	if _, err := usecase.Analyze(ctx, st, "no-such-map", usecase.AnalyzeOptions{}); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("a missing map: %v, want ErrNotFound", err)
	}
	_, err := usecase.Analyze(ctx, st, "voltair", usecase.AnalyzeOptions{Without: []string{"no-such-partner"}})
	var ue *usecase.UnanalysableError
	if !errors.As(err, &ue) || !errors.Is(err, analysis.ErrNotPartner) || ue.Map != "voltair" {
		t.Errorf("an unknown partner: %v, want an UnanalysableError of voltair wrapping ErrNotPartner", err)
	}
	twice := &tornReads{Store: st, torn: 2}
	if _, err := usecase.Analyze(ctx, twice, "voltair", usecase.AnalyzeOptions{}); err != nil || twice.reads != 3 {
		t.Errorf("torn twice: %v after %d reads, want a report after 3", err, twice.reads)
	}
	late := &tornReads{Store: st, torn: 2, late: true}
	if a, err := usecase.Analyze(ctx, late, "voltair", usecase.AnalyzeOptions{}); err != nil || late.reads != 3 || a.Map.Version != 1 {
		t.Errorf("torn twice after handing the map over: %v after %d reads, want the report of one read after 3", err, late.reads)
	}
	always := &tornReads{Store: st, torn: 100}
	if _, err := usecase.Analyze(ctx, always, "voltair", usecase.AnalyzeOptions{}); !errors.Is(err, graph.ErrUnavailable) || always.reads != 3 {
		t.Errorf("torn every time: %v after %d reads, want ErrUnavailable after 3", err, always.reads)
	}
}
