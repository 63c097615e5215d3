package neo4j

import (
	"context"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/storetest"
)

// uncachedReads answers every optional read with Cypher: the Store's
// snapshot of the map is dropped before each, so the contract checks the
// queries, not the cache.
type uncachedReads struct{ *Store }

func (u uncachedReads) Apply(ctx context.Context, id string, expected int64, cs graph.ChangeSet) (int64, error) {
	defer u.forget(id)
	return u.Store.Apply(ctx, id, expected, cs)
}

func (u uncachedReads) GetNode(ctx context.Context, mapID, id string) (*graph.Node, int64, error) {
	u.forget(mapID)
	return u.Store.GetNode(ctx, mapID, id)
}

func (u uncachedReads) GetEdge(ctx context.Context, mapID, key string) (*graph.Edge, int64, error) {
	u.forget(mapID)
	return u.Store.GetEdge(ctx, mapID, key)
}

func (u uncachedReads) EdgesOf(ctx context.Context, mapID, id string) ([]*graph.Edge, int64, error) {
	u.forget(mapID)
	return u.Store.EdgesOf(ctx, mapID, id)
}

func (u uncachedReads) ListNodes(ctx context.Context, mapID string, offset, limit int) ([]*graph.Node, int64, error) {
	u.forget(mapID)
	return u.Store.ListNodes(ctx, mapID, offset, limit)
}

func (u uncachedReads) ListEdges(ctx context.Context, mapID string, offset, limit int) ([]*graph.Edge, int64, error) {
	u.forget(mapID)
	return u.Store.ListEdges(ctx, mapID, offset, limit)
}

func (u uncachedReads) StreamMap(ctx context.Context, id string, v graph.MapVisitor) error {
	u.forget(id)
	return u.Store.StreamMap(ctx, id, v)
}

func TestReadsUncached(t *testing.T) {
	testConfig(t)
	storetest.RunReads(t, func(t *testing.T) graph.Store { return uncachedReads{open(t)} })
}

func (u uncachedReads) OverviewCounts(ctx context.Context, mapID string) (*graph.Overview, error) {
	u.forget(mapID)
	return u.Store.OverviewCounts(ctx, mapID)
}
