package api

import (
	"context"

	"github.com/chanmap/chanmap/graph"
)

// Answers to writes carry the warnings of the map after the write (near-miss
// field names, shares that add up to less than 1): a `warnings` list next to
// what was written. Warnings never block a write.

// mapWritten is the answer to a write of a whole map.
type mapWritten struct {
	*graph.Map
	Warnings []graph.Warning `json:"warnings"`
}

// nodeWritten is the answer to a write of a node.
type nodeWritten struct {
	*graph.Node
	Warnings []graph.Warning `json:"warnings"`
}

// edgeWritten is the answer to a write of an edge.
type edgeWritten struct {
	*graph.Edge
	Warnings []graph.Warning `json:"warnings"`
}

// warningsOf lists the warnings of m, [] when there are none.
func warningsOf(m *graph.Map) []graph.Warning {
	if w := graph.Warnings(m); w != nil {
		return w
	}
	return []graph.Warning{}
}

// warningsAfter lists the warnings of m once cs is applied (the store has
// just applied it; this replays it on the snapshot read before the write).
//
// m nil (a big map whose element alone was read) gives none.
func warningsAfter(m *graph.Map, cs graph.ChangeSet) []graph.Warning {
	if m == nil {
		return []graph.Warning{}
	}
	next, err := graph.ApplyChanges(m, cs)
	if err != nil {
		return []graph.Warning{}
	}
	return warningsOf(next)
}

// warningsNow lists the warnings of the stored map id as it is now (after a
// restore or an undelete); none when it cannot be read.
func (s *Server) warningsNow(ctx context.Context, id string) []graph.Warning {
	m, err := s.cfg.Store.GetMap(ctx, id)
	if err != nil {
		return []graph.Warning{}
	}
	return warningsOf(m)
}
