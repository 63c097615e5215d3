// Package usecase is what chanmap does for its users with maps in a store,
// written once for the command line and the HTTP API: import a map (create
// it, or replace it by the difference in one atomic change set), export
// a stored map in a format, whole or (YAML and JSON) as it is read, and
// keep scenarios: named forks of a map that are compared with it and
// merged back or dropped (scenario.go).
package usecase

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
)

// ErrOtherMap is a replacement whose map id differs from the map it
// replaces.
var ErrOtherMap = errors.New("the new map has another id")

// Result is what an import or a replacement did.
type Result struct {
	Created bool  // a new map was stored
	Version int64 // the map's version now
	Changes int   // changes applied (0: the map was already the same)
}

// Replace turns the stored map old into next with one change set (the
// difference) applied against old's version, so readers see one map or
// the other, never a mix. next without an id takes old's; another id is
// ErrOtherMap. When nothing differs nothing is written and the version
// stays. A map changed meanwhile is graph.ErrConflict and nothing is
// written. next.Version is set to the result's version.
func Replace(ctx context.Context, st graph.Store, old, next *graph.Map) (Result, error) {
	if next.ID == "" {
		next.ID = old.ID
	}
	if next.ID != old.ID {
		return Result{}, fmt.Errorf("map %q cannot replace map %q: %w", next.ID, old.ID, ErrOtherMap)
	}
	cs := graph.Diff(old, next)
	if len(cs.Changes) == 0 {
		next.Version = old.Version
		return Result{Version: old.Version}, nil
	}
	v, err := st.Apply(ctx, old.ID, old.Version, cs)
	if err != nil {
		return Result{}, fmt.Errorf("replace map %s: %w", old.ID, err)
	}
	next.Version = v
	return Result{Version: v, Changes: len(cs.Changes)}, nil
}

// Import stores m as a new map. When a map of its id exists it is
// graph.ErrExists, unless replace is set: then the stored map is replaced
// by m (see Replace).
func Import(ctx context.Context, st graph.Store, m *graph.Map, replace bool) (Result, error) {
	v, err := st.CreateMap(ctx, m)
	if err == nil {
		return Result{Created: true, Version: v, Changes: len(m.Nodes) + len(m.Edges)}, nil
	}
	if !errors.Is(err, graph.ErrExists) || !replace {
		return Result{}, fmt.Errorf("import map %s: %w", m.ID, err)
	}
	cur, err := st.GetMap(ctx, m.ID)
	if err != nil {
		return Result{}, fmt.Errorf("import map %s: %w", m.ID, err)
	}
	return Replace(ctx, st, cur, m)
}

// Export reads the map id from st and encodes it in format f. A map that
// is not there is graph.ErrNotFound; a format that is not known, or a map
// the format cannot hold, is an error; either way nothing is encoded.
func Export(ctx context.Context, st graph.Store, id string, f mapio.Format) (*graph.Map, mapio.Encoded, error) {
	if _, err := mapio.ParseFormat(string(f)); err != nil {
		return nil, mapio.Encoded{}, err
	}
	m, err := st.GetMap(ctx, id)
	if err != nil {
		return nil, mapio.Encoded{}, fmt.Errorf("export map %s: %w", id, err)
	}
	enc, err := mapio.Encode(m, f)
	if err != nil {
		return nil, mapio.Encoded{}, err
	}
	return m, enc, nil
}

// Streamed is what a streamed export wrote: the map's own fields with its
// version (no nodes or edges) and how many nodes and edges.
type Streamed struct {
	Head         *graph.Map
	Nodes, Edges int
}

// ExportStream writes map id from st to w in format f (YAML or JSON) as
// it is read (graph.MapStreamer), holding one node or edge at a time; the
// bytes equal Export's. A map that is not there is graph.ErrNotFound and
// nothing is written. A read that fails part way (the store became
// unreachable, or a commit landed during it: graph.ErrConflict) returns
// the error after part of the file was written: the caller discards it.
func ExportStream(ctx context.Context, st graph.Store, id string, f mapio.Format, w io.Writer) (Streamed, error) {
	enc, err := mapio.NewEncoder(w, f)
	if err != nil {
		return Streamed{}, err
	}
	var out Streamed
	v := enc.Visitor()
	head, node, edge := v.Head, v.Node, v.Edge
	v.Head = func(m *graph.Map) error { out.Head = m; return head(m) }
	v.Node = func(n *graph.Node) error { out.Nodes++; return node(n) }
	v.Edge = func(e *graph.Edge) error { out.Edges++; return edge(e) }
	if err := graph.StreamOf(st).StreamMap(ctx, id, v); err != nil {
		return Streamed{}, fmt.Errorf("export map %s: %w", id, err)
	}
	if err := enc.Close(); err != nil {
		return Streamed{}, fmt.Errorf("export map %s: %w", id, err)
	}
	return out, nil
}
