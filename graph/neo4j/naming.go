package neo4j

import (
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// label is the Neo4j label of a node kind, in PascalCase
// (service_provider -> ServiceProvider).
func label(k graph.NodeKind) string {
	var b strings.Builder
	for _, part := range strings.Split(string(k), "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// relType is the Neo4j relationship type of an edge kind, in upper case
// (belongs_to -> BELONGS_TO).
func relType(k graph.EdgeKind) string { return strings.ToUpper(string(k)) }
