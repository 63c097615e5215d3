package neo4j

import (
	"context"

	"github.com/chanmap/chanmap/graph"
)

func (u uncachedReads) ProjectMap(ctx context.Context, id string, p graph.Projection, v graph.MapVisitor) error {
	u.forget(id)
	return u.Store.ProjectMap(ctx, id, p, v)
}
