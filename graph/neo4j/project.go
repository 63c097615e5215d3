package neo4j

import (
	"context"
	"fmt"
	"slices"
	"strings"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
)

var _ graph.MapProjector = (*Store)(nil)

// ProjectMap reads map id like StreamMap (one explicit read transaction,
// the version and the counts checked at the end, graph.ErrConflict when a
// commit landed during the read), but the server sends only the
// properties of the fields p names: each node and relationship goes out
// as a Cypher map projection, in records of snapshotChunk rows. A score
// map, stored flattened (scores_growth), and the free attributes (attr_)
// go out as the [key, value] pairs whose keys have their prefix. When
// this Store holds the snapshot of the version read first, v gets that
// snapshot's projection instead.
func (s *Store) ProjectMap(ctx context.Context, id string, p graph.Projection, v graph.MapVisitor) error {
	if err := p.Check(); err != nil {
		return err
	}
	return s.explicitRead(ctx, id, func(tx driver.ExplicitTransaction, h *head) error {
		return s.project(ctx, tx, h, p, v)
	})
}

func (s *Store) project(ctx context.Context, tx driver.ExplicitTransaction, h *head, p graph.Projection, v graph.MapVisitor) error {
	id := h.m.ID
	if c := s.cached(id, h.m.Version, false); c != nil {
		return graph.WalkProjected(c.m, p, v)
	}
	if v.Head != nil {
		hm, err := graph.Project(h.m, p)
		if err != nil {
			return err
		}
		hm.Nodes, hm.Edges = nil, nil
		if err := v.Head(hm); err != nil {
			return err
		}
	}
	return streamRows(ctx, tx, h, v, nodeProjection(p), edgeProjection(p), func(row any) (map[string]any, error) {
		return projected(id, row)
	}, func(r []any) error {
		if len(r) == 4 {
			props, err := projected(id, r[3])
			if err != nil {
				return err
			}
			r[3] = props
		}
		return nil
	})
}

// prefixedKey is the key of a projected row that holds the [key, value]
// pairs of the prefixed properties; no field name starts with "_".
const prefixedKey = "_prefixed"

// nodeProjection is the query of the map's nodes in stored order, each
// the map projection of the node fields of p.
func nodeProjection(p graph.Projection) string {
	props, prefixes := projectedProps(graph.Fields().Node, p.NodeFields(), p.Attrs)
	return "MATCH (n:" + labelNode + " {map: $map}) USING INDEX n:" + labelNode + "(map) WITH n ORDER BY n.ord " +
		"WITH collect(n) AS xs UNWIND range(0, size(xs) - 1, $chunk) AS i RETURN [x IN xs[i..i + $chunk] | " + mapProjection("x", props, prefixes) + "]"
}

// edgeProjection is nodeProjection for the map's relationships: rows of
// [from id, to id, type, map projection] as decodeEdgeRow reads them.
func edgeProjection(p graph.Projection) string {
	names := slices.DeleteFunc(p.EdgeFields(), func(n string) bool { return slices.Contains(edgeEnds, n) })
	props, prefixes := projectedProps(graph.Fields().Edge, names, p.Attrs)
	props = append(props, propIDExplicit)
	return matchMapEdges + " WITH r ORDER BY r.ord " +
		"WITH collect(r) AS xs UNWIND range(0, size(xs) - 1, $chunk) AS i RETURN [x IN xs[i..i + $chunk] | [startNode(x).id, endNode(x).id, type(x), " +
		mapProjection("x", props, prefixes) + "]]"
}

// projectedProps are the stored property names of the fields names of fs,
// and the prefixes of those stored flattened (score maps, and with attrs
// the free attributes).
func projectedProps[T any](fs []graph.Field[T], names []string, attrs bool) (props, prefixes []string) {
	for _, n := range names {
		f, _ := graph.Lookup(fs, n)
		if f.Type == graph.TypeScoreMap {
			prefixes = append(prefixes, n+"_")
		} else {
			props = append(props, n)
		}
	}
	if attrs {
		prefixes = append(prefixes, prefixAttr)
	}
	return props, prefixes
}

// mapProjection is the Cypher map projection of variable x on props, with
// the pairs of the properties whose keys have one of the prefixes under
// prefixedKey. Names and prefixes come from the field table, never from
// input, and are quoted all the same; the prefixes are written out (k
// STARTS WITH 'a' OR ...), which the server runs faster than a test over a
// list parameter for each key.
func mapProjection(x string, props, prefixes []string) string {
	var b strings.Builder
	b.WriteString(x + "{")
	for i, p := range props {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(".`" + strings.ReplaceAll(p, "`", "``") + "`")
	}
	if len(prefixes) > 0 {
		if len(props) > 0 {
			b.WriteString(", ")
		}
		b.WriteString(prefixedKey + ": [k IN keys(" + x + ") WHERE ")
		for i, p := range prefixes {
			if i > 0 {
				b.WriteString(" OR ")
			}
			b.WriteString("k STARTS WITH '" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(p) + "'")
		}
		b.WriteString(" | [k, " + x + "[k]]]")
	}
	b.WriteString("}")
	return b.String()
}

// projected turns a projected row into the properties decodeNode and
// decodeEdge read, in place: absent properties (null in a projection)
// dropped, the prefixed pairs spread out.
func projected(mapID string, row any) (map[string]any, error) {
	p, ok := row.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("map %q: a projected row is %T, want a map", mapID, row)
	}
	pairs, _ := p[prefixedKey].([]any)
	for k, v := range p {
		if v == nil || k == prefixedKey {
			delete(p, k)
		}
	}
	for _, pr := range pairs {
		kv, _ := pr.([]any)
		if len(kv) != 2 {
			return nil, fmt.Errorf("map %q: a projected property is %v, want [key, value]", mapID, pr)
		}
		k, _ := kv[0].(string)
		p[k] = kv[1]
	}
	return p, nil
}
