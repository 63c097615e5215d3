package neo4j

import "github.com/chanmap/chanmap/graph"

// What the store writes, for tools that write the same graph another way
// (the offline import's CSV files under .ci/neo4j): one definition, so the
// two cannot drift apart.

// Label is the Neo4j label of a node kind (service_provider: ServiceProvider).
func Label(k graph.NodeKind) string { return label(k) }

// RelType is the Neo4j relationship type of an edge kind (belongs_to: BELONGS_TO).
func RelType(k graph.EdgeKind) string { return relType(k) }

// NodeProperties are the properties of node n of map mapID at position ord.
func NodeProperties(mapID string, n *graph.Node, ord int64) map[string]any {
	return nodeProps(mapID, n, ord)
}

// EdgeProperties are the properties of edge e of map mapID at position
// ord; its ends and kind are the relationship's, not properties.
func EdgeProperties(mapID string, e *graph.Edge, ord int64) map[string]any {
	return edgeProps(mapID, e, ord)
}
