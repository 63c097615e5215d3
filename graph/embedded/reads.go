package embedded

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/chanmap/chanmap/graph"
)

// The optional reads of package graph, answered from the current snapshot
// (decoded once per version and cached, see get): the embedded store has
// no cheaper way to reach one node, and the snapshot is already in memory
// after the first read, so they behave exactly like the snapshot.

var (
	_ graph.ElementReader   = (*Store)(nil)
	_ graph.NodeEdgeReader  = (*Store)(nil)
	_ graph.MapStreamer     = (*Store)(nil)
	_ graph.OverviewCounter = (*Store)(nil)
	_ graph.MapInfoReader   = (*Store)(nil)
)

// current runs fn on the shared current snapshot of map id, which fn must
// not modify or keep.
func (s *Store) current(ctx context.Context, id string, fn func(m *graph.Map) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var m *graph.Map
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		m, _, err = s.get(tx, id)
		return err
	})
	if err != nil {
		return err
	}
	return fn(m)
}

// GetNode reads one node of map mapID (nil when absent) and its version.
func (s *Store) GetNode(ctx context.Context, mapID, id string) (*graph.Node, int64, error) {
	var n *graph.Node
	var v int64
	err := s.current(ctx, mapID, func(m *graph.Map) error {
		if x := m.Node(id); x != nil {
			n = x.Clone()
		}
		v = m.Version
		return nil
	})
	return n, v, err
}

// GetEdge reads one edge of map mapID by key (nil when absent) and its version.
func (s *Store) GetEdge(ctx context.Context, mapID, key string) (*graph.Edge, int64, error) {
	var e *graph.Edge
	var v int64
	err := s.current(ctx, mapID, func(m *graph.Map) error {
		if x := m.Edge(key); x != nil {
			e = x.Clone()
		}
		v = m.Version
		return nil
	})
	return e, v, err
}

// ListNodes reads a page of nodes of map mapID in map order and its version.
func (s *Store) ListNodes(ctx context.Context, mapID string, offset, limit int) ([]*graph.Node, int64, error) {
	var out []*graph.Node
	var v int64
	err := s.current(ctx, mapID, func(m *graph.Map) error {
		out = graph.Page(m.Nodes, offset, limit)
		for i, n := range out {
			out[i] = n.Clone()
		}
		v = m.Version
		return nil
	})
	return out, v, err
}

// ListEdges reads a page of edges of map mapID in map order and its version.
func (s *Store) ListEdges(ctx context.Context, mapID string, offset, limit int) ([]*graph.Edge, int64, error) {
	var out []*graph.Edge
	var v int64
	err := s.current(ctx, mapID, func(m *graph.Map) error {
		out = graph.Page(m.Edges, offset, limit)
		for i, e := range out {
			out[i] = e.Clone()
		}
		v = m.Version
		return nil
	})
	return out, v, err
}

// EdgesOf reads the edges of node id of map mapID in map order and its version.
func (s *Store) EdgesOf(ctx context.Context, mapID, id string) ([]*graph.Edge, int64, error) {
	out := []*graph.Edge{}
	var v int64
	err := s.current(ctx, mapID, func(m *graph.Map) error {
		for _, e := range graph.EdgesTouching(m, id) {
			out = append(out, e.Clone())
		}
		v = m.Version
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, v, nil
}

// StreamMap hands the current snapshot of map id to v, piece by piece.
// Each piece is a copy, so v may keep it.
func (s *Store) StreamMap(ctx context.Context, id string, v graph.MapVisitor) error {
	return s.current(ctx, id, func(m *graph.Map) error { return graph.WalkCopy(m, v) })
}

// OverviewCounts counts the current snapshot of map mapID by kind and region.
func (s *Store) OverviewCounts(ctx context.Context, mapID string) (*graph.Overview, error) {
	var out *graph.Overview
	err := s.current(ctx, mapID, func(m *graph.Map) error {
		out = graph.CountOverview(m)
		return nil
	})
	return out, err
}
