package usecase_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/embedded"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/graph/usecase"
	"github.com/chanmap/chanmap/testdata"
)

func store(t *testing.T) graph.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "u.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func sample(t *testing.T) *graph.Map {
	t.Helper()
	m, err := mapio.Read(testdata.Sample("hybrid"), "hybrid")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestImportCreatesThenReplacesByDifference(t *testing.T) {
	ctx := context.Background()
	st := store(t)
	m := sample(t)
	r, err := usecase.Import(ctx, st, m, false)
	if err != nil || !r.Created || r.Version != 1 {
		t.Fatalf("first import: %+v, %v", r, err)
	}
	if _, err := usecase.Import(ctx, st, m.Clone(), false); !errors.Is(err, graph.ErrExists) {
		t.Fatalf("second import without replace: %v, want ErrExists", err)
	}
	same, err := usecase.Import(ctx, st, m.Clone(), true)
	if err != nil || same.Changes != 0 || same.Version != 1 {
		t.Fatalf("replacing with the same map: %+v, %v; want no change at version 1", same, err)
	}
	next := m.Clone()
	next.Title = "Renamed"
	next.Nodes[0].Name = "Other name"
	r, err = usecase.Import(ctx, st, next, true)
	if err != nil || r.Changes != 2 || r.Version != 2 {
		t.Fatalf("replace: %+v, %v; want 2 changes at version 2", r, err)
	}
	got, _ := st.GetMap(ctx, m.ID)
	if !graph.Equal(got, next) {
		t.Error("the stored map is not the replacement")
	}
}

func TestReplaceRefusesAnotherMapAndAStaleOne(t *testing.T) {
	ctx := context.Background()
	st := store(t)
	m := sample(t)
	if _, err := usecase.Import(ctx, st, m, false); err != nil {
		t.Fatal(err)
	}
	old, _ := st.GetMap(ctx, m.ID)
	other := m.Clone()
	other.ID = "other"
	if _, err := usecase.Replace(ctx, st, old, other); !errors.Is(err, usecase.ErrOtherMap) {
		t.Errorf("another id: %v", err)
	}
	a := m.Clone()
	a.Title = "A"
	if _, err := usecase.Replace(ctx, st, old, a); err != nil {
		t.Fatal(err)
	}
	b := m.Clone()
	b.Title = "B"
	if _, err := usecase.Replace(ctx, st, old, b); !errors.Is(err, graph.ErrConflict) {
		t.Errorf("a replacement based on a stale version: %v, want ErrConflict", err)
	}
}

func TestExportEveryFormatAndNothingForNoMap(t *testing.T) {
	ctx := context.Background()
	st := store(t)
	m := sample(t)
	if _, err := usecase.Import(ctx, st, m, false); err != nil {
		t.Fatal(err)
	}
	for _, f := range mapio.Formats {
		got, enc, err := usecase.Export(ctx, st, m.ID, f)
		if err != nil || got.ID != m.ID || enc.Format != f || len(enc.Map)+len(enc.Nodes) == 0 {
			t.Errorf("export %s: %v", f, err)
		}
		if _, enc, err := usecase.Export(ctx, st, "nosuch", f); !errors.Is(err, graph.ErrNotFound) || enc.Map != nil || enc.Nodes != nil {
			t.Errorf("export nosuch as %s: %v", f, err)
		}
	}
	if _, _, err := usecase.Export(ctx, st, m.ID, "xml"); err == nil {
		t.Error("export as xml")
	}
}
