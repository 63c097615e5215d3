package neo4j

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
)

// The optional reads of package graph (graph.ElementReader), answered by
// queries that touch only what they return: a node by its (map, id) key, an
// edge from its start node, a page of the map's nodes or edges. Each reads
// the map's version in the same read transaction, before and after its
// rows, and reads again when a commit landed in between (read transactions
// are read-committed; see GetMap). When the Store holds the snapshot of
// the current version (it read or wrote it) the answer comes from there.

var (
	_ graph.ElementReader   = (*Store)(nil)
	_ graph.NodeEdgeReader  = (*Store)(nil)
	_ graph.MapStreamer     = (*Store)(nil)
	_ graph.OverviewCounter = (*Store)(nil)
)

// Every lookup of a map's nodes and relationships by the map's id goes
// through these patterns, so a change of the stored layout changes them
// here only. Variables: n (node), a-[r]->b (relationship); parameter $map.
const (
	// qMapHead reads the ChannelMap node: its properties, with version
	// and counts.
	qMapHead = "MATCH (m:" + labelMap + " {id: $map}) RETURN properties(m) AS p"
	// matchMapNodes is every node of the map.
	matchMapNodes = "MATCH (n:" + labelNode + " {map: $map}) USING INDEX n:" + labelNode + "(map)"
	// matchMapEdges is every relationship of the map.
	matchMapEdges = "MATCH (a:" + labelNode + " {map: $map})-[r]->(b:" + labelNode + " {map: $map}) USING INDEX a:" + labelNode + "(map) WHERE r.map = $map"
	// returnEdge is what decodeEdgeRow reads.
	returnEdge = "a.id, b.id, type(r), properties(r)"
)

// matchNodesInOrder is the map's nodes read from the (map, ord) index in
// map order, so a page is a range of the index: the rows before it are
// index entries skipped, not nodes read and sorted. ORDER BY n.map, n.ord
// is the index's own order (with ORDER BY n.ord alone the planner sorts).
const matchNodesInOrder = "MATCH (n:" + labelNode + ") USING INDEX n:" + labelNode + "(map, ord) WHERE n.map = $map"

// matchNode is the node of map $map with id $param, by its key.
func matchNode(v, param string) string {
	return "MATCH (" + v + ":" + labelNode + " {map: $map, id: $" + param + "}) " + nodeSeek(v)
}

var (
	qNodeByID = "MATCH (m:" + labelMap + " {id: $map}) OPTIONAL " + matchNode("n", "id") + " RETURN m.version, properties(n)"
	// An edge is found between the two nodes its key names: the
	// relationships carry no index (see schema), and with both ends found
	// by their key the server looks only at the relationships of the end
	// with fewer (a hub's thousands are not read). An edge whose key is not
	// FROM--KIND--TO, or whose ends the key does not name, is looked for
	// among all the map's relationships, unless the map's current hints
	// say no edge has an id of its own (the last column: null when they
	// are stale).
	qEdgeFrom = "MATCH (m:" + labelMap + " {id: $map}) OPTIONAL " + matchNode("a", "from") + " OPTIONAL " + matchNode("b", "to") +
		" OPTIONAL MATCH (a)-[r {id: $key}]->(b) WHERE r.map = $map RETURN m.version, " + returnEdge +
		", CASE WHEN m." + propOrdVersion + " = m.version THEN m." + propExplicitIDs + " END"
	qEdgeScan = matchMapEdges + " AND r.id = $key RETURN " + returnEdge + " LIMIT 1"
	qNodePage = matchNodesInOrder + " AND n.ord >= $from RETURN properties(n) ORDER BY n.map, n.ord SKIP $skip LIMIT $limit"
	// qLastNodeOrd is the highest node position of the map (see listPage).
	qLastNodeOrd = matchNodesInOrder + " AND n.ord >= 0 RETURN n.ord ORDER BY n.map DESC, n.ord DESC LIMIT 1"
	qEdgePage    = matchMapEdges + " RETURN " + returnEdge + " ORDER BY r.ord SKIP $skip LIMIT $limit"
	// qNodeRows is the map's nodes in map order, in records of $chunk
	// rows (see chunked): the server collects references in index order
	// (no sort), and builds each record's rows as it sends it.
	qNodeRows = matchNodesInOrder + " AND n.ord >= 0 WITH n ORDER BY n.map, n.ord " +
		"WITH collect(n) AS xs UNWIND range(0, size(xs) - 1, $chunk) AS i RETURN [x IN xs[i..i + $chunk] | properties(x)]"
	qVersionOf = "MATCH (m:" + labelMap + " {id: $map}) RETURN m.version"
	// qEdgesOf is the map's version and the relationships of node $id,
	// both ways, found from the node by its key: one row with no edge
	// when the node is missing or has none.
	qEdgesOf = "MATCH (m:" + labelMap + " {id: $map}) OPTIONAL " + matchNode("x", "id") +
		" OPTIONAL MATCH (x)-[r]-() WHERE r.map = $map WITH m, startNode(r) AS a, r, endNode(r) AS b RETURN m.version, " + returnEdge
)

// head is the decoded ChannelMap node: the map without nodes and edges,
// and the counts it stores (-1 if missing).
type head struct {
	m            *graph.Map
	nodes, edges int64
}

func decodeHead(id string, mp map[string]any) (*head, error) {
	m := &graph.Map{ID: id}
	if err := decodeMapFields(fields, m, mp); err != nil {
		return nil, fmt.Errorf("map %q: %w", id, err)
	}
	m.Version, _ = mp["version"].(int64)
	h := &head{m: m, nodes: -1, edges: -1}
	if c, ok := mp["node_count"].(int64); ok {
		h.nodes = c
	}
	if c, ok := mp["edge_count"].(int64); ok {
		h.edges = c
	}
	if c, ok := mp["classification"].(string); ok && c != "" {
		m.Classification = &graph.Classification{}
		if err := json.Unmarshal([]byte(c), m.Classification); err != nil {
			return nil, fmt.Errorf("map %q: stored classification is not valid JSON: %w", id, err)
		}
	}
	return h, nil
}

// readHead reads the ChannelMap node of map id.
func readHead(ctx context.Context, tx driver.ManagedTransaction, id string) (*head, error) {
	recs, err := run(ctx, tx, qMapHead, map[string]any{"map": id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("map %q: %w", id, graph.ErrNotFound)
	}
	return decodeHead(id, recs[0].Values[0].(map[string]any))
}

// decodeEdgeRow decodes a row [from id, to id, type, properties] of map
// mapID, or says that the row has another shape.
func decodeEdgeRow(mapID string, v []any) (*graph.Edge, int64, error) {
	if len(v) != 4 {
		return nil, 0, fmt.Errorf("map %q: an edge row has %d columns, want 4", mapID, len(v))
	}
	from, _ := v[0].(string)
	to, _ := v[1].(string)
	t, _ := v[2].(string)
	p, _ := v[3].(map[string]any)
	e, ord, err := decodeEdge(t, from, to, p)
	if err != nil {
		return nil, 0, fmt.Errorf("map %q: %w", mapID, err)
	}
	return e, ord, nil
}

// stable runs read, which returns the version its rows belong to, until
// the map's version after it is the same: no commit landed between the
// version and the rows.
func (s *Store) stable(ctx context.Context, id string, read func(tx driver.ManagedTransaction) (int64, error)) error {
	return s.read(ctx, func(tx driver.ManagedTransaction) error {
		for attempt := 0; ; attempt++ {
			v, err := read(tx)
			if err != nil {
				return err
			}
			after, err := version(ctx, tx, id)
			if err != nil {
				return err
			}
			if after == v {
				return nil
			}
			if attempt == 10 {
				return fmt.Errorf("map %q: %w: it changed during every one of 10 reads", id, graph.ErrUnavailable)
			}
		}
	})
}

// GetNode reads node id of map mapID by its key, and the map's version.
func (s *Store) GetNode(ctx context.Context, mapID, id string) (*graph.Node, int64, error) {
	return keyed(ctx, s, mapID, qNodeByID, map[string]any{"map": mapID, "id": id},
		func(m *graph.Map) *graph.Node {
			if x := m.Node(id); x != nil {
				return x.Clone()
			}
			return nil
		},
		func(_ driver.ManagedTransaction, rows [][]any) (*graph.Node, error) {
			p, ok := rows[0][0].(map[string]any)
			if !ok {
				return nil, nil
			}
			n, _, err := decodeNode(p)
			if err != nil {
				return nil, fmt.Errorf("map %q: %w", mapID, err)
			}
			return n, nil
		})
}

// GetEdge reads the edge of key of map mapID, and the map's version.
func (s *Store) GetEdge(ctx context.Context, mapID, key string) (*graph.Edge, int64, error) {
	from, to := key, ""
	ends := keyEnds(key)
	if len(ends) > 0 {
		from, to = ends[0][0], ends[0][1]
	}
	params := map[string]any{"map": mapID, "key": key, "from": from, "to": to}
	return keyed(ctx, s, mapID, qEdgeFrom, params,
		func(m *graph.Map) *graph.Edge {
			if x := m.Edge(key); x != nil {
				return x.Clone()
			}
			return nil
		},
		func(tx driver.ManagedTransaction, rows [][]any) (*graph.Edge, error) {
			row := rows[0]
			explicit, known := row[4].(int64)
			row = row[:4]
			if row[2] == nil {
				// Not between the ends the key names: elsewhere only as an
				// id of its own, or between other ends a key with more
				// than one "--" split can name.
				if known && explicit == 0 && len(ends) <= 1 {
					return nil, nil
				}
				recs, err := run(ctx, tx, qEdgeScan, params)
				if err != nil || len(recs) == 0 {
					return nil, err
				}
				row = recs[0].Values
			}
			e, _, err := decodeEdgeRow(mapID, row)
			return e, err
		})
}

// EdgesOf reads the edges of node id of map mapID from the node's own
// relationships (a hub's are all read, nothing else is), in map order,
// and the map's version.
func (s *Store) EdgesOf(ctx context.Context, mapID, id string) ([]*graph.Edge, int64, error) {
	return keyed(ctx, s, mapID, qEdgesOf, map[string]any{"map": mapID, "id": id},
		func(m *graph.Map) []*graph.Edge {
			out := []*graph.Edge{}
			for _, e := range graph.EdgesTouching(m, id) {
				out = append(out, e.Clone())
			}
			return out
		},
		func(_ driver.ManagedTransaction, rows [][]any) ([]*graph.Edge, error) {
			out := []*graph.Edge{}
			ord := map[*graph.Edge]int64{}
			seen := map[string]bool{} // an edge from the node to itself matches both ways
			for _, r := range rows {
				if r[2] == nil {
					continue // no edge
				}
				e, o, err := decodeEdgeRow(mapID, r)
				if err != nil {
					return nil, err
				}
				if !seen[e.Key()] {
					seen[e.Key()] = true
					ord[e] = o
					out = append(out, e)
				}
			}
			slices.SortFunc(out, func(a, b *graph.Edge) int { return cmp.Compare(ord[a], ord[b]) })
			return out, nil
		})
}

// keyed reads what a key names (an element, a node's edges) and the map's
// version: each of q's rows is the version and the element's columns (no
// row when the map is missing). The answer comes from the snapshot cache
// when it holds that version (cached), else from the rows without their
// version (decode, which may read more in tx).
func keyed[T any](ctx context.Context, s *Store, mapID, q string, params map[string]any,
	cached func(*graph.Map) T, decode func(tx driver.ManagedTransaction, rows [][]any) (T, error)) (T, int64, error) {
	var out, zero T
	var v int64
	err := s.stable(ctx, mapID, func(tx driver.ManagedTransaction) (int64, error) {
		out = zero
		recs, err := run(ctx, tx, q, params)
		if err != nil {
			return 0, err
		}
		if len(recs) == 0 {
			return 0, fmt.Errorf("map %q: %w", mapID, graph.ErrNotFound)
		}
		v, _ = recs[0].Values[0].(int64)
		if c := s.cached(mapID, v, false); c != nil {
			out = cached(c.m)
			return v, nil
		}
		rows := make([][]any, len(recs))
		for i, r := range recs {
			rows[i] = r.Values[1:]
		}
		out, err = decode(tx, rows)
		return v, err
	})
	if err != nil {
		return zero, 0, err
	}
	return out, v, nil
}

// pageParams are the parameters of a page query; limit < 0 is every row.
// The rows start at position $from and skip $skip more: from 0, skipping
// offset, unless dense says the positions are 0, 1, 2, ... (then the page
// starts at position offset and skips none).
func pageParams(mapID string, offset, limit int, total int64, dense bool) map[string]any {
	if limit < 0 || int64(limit) > total {
		limit = int(max(total, 0))
	}
	from, skip := int64(0), int64(max(offset, 0))
	if dense {
		from, skip = skip, 0
	}
	return map[string]any{"map": mapID, "from": from, "skip": skip, "limit": int64(limit)}
}

// ListNodes reads a page of the map's nodes in map order, and its version.
func (s *Store) ListNodes(ctx context.Context, mapID string, offset, limit int) ([]*graph.Node, int64, error) {
	return listPage(ctx, s, mapID, offset, limit, page[*graph.Node]{
		query:  qNodePage,
		last:   qLastNodeOrd,
		count:  func(h *head) int64 { return h.nodes },
		cached: func(m *graph.Map) []*graph.Node { return m.Nodes },
		clone:  (*graph.Node).Clone,
		decode: func(row []any) (*graph.Node, error) {
			n, _, err := decodeNode(row[0].(map[string]any))
			if err != nil {
				return nil, fmt.Errorf("map %q: %w", mapID, err)
			}
			return n, nil
		},
	})
}

// ListEdges reads a page of the map's edges in map order, and its version.
func (s *Store) ListEdges(ctx context.Context, mapID string, offset, limit int) ([]*graph.Edge, int64, error) {
	return listPage(ctx, s, mapID, offset, limit, page[*graph.Edge]{
		query:  qEdgePage,
		count:  func(h *head) int64 { return h.edges },
		cached: func(m *graph.Map) []*graph.Edge { return m.Edges },
		clone:  (*graph.Edge).Clone,
		decode: func(row []any) (*graph.Edge, error) {
			e, _, err := decodeEdgeRow(mapID, row)
			return e, err
		},
	})
}

// page says how to read one kind of element a page at a time.
type page[T any] struct {
	query  string               // the page's Cypher (pageParams)
	last   string               // the highest position ("": not asked, the query skips)
	count  func(*head) int64    // the stored count (-1: unknown)
	cached func(*graph.Map) []T // the elements of a cached snapshot
	clone  func(T) T            // a copy the caller may change
	decode func(row []any) (T, error)
}

// listPage reads a page of elements and the map's version: from the
// snapshot cache when it holds the version read, else by p.query.
func listPage[T any](ctx context.Context, s *Store, mapID string, offset, limit int, p page[T]) ([]T, int64, error) {
	var out []T
	var v int64
	err := s.stable(ctx, mapID, func(tx driver.ManagedTransaction) (int64, error) {
		out = []T{}
		h, err := readHead(ctx, tx, mapID)
		if err != nil {
			return 0, err
		}
		v = h.m.Version
		if c := s.cached(mapID, v, false); c != nil {
			for _, x := range graph.Page(p.cached(c.m), offset, limit) {
				out = append(out, p.clone(x))
			}
			return v, nil
		}
		total := p.count(h)
		if limit == 0 || total >= 0 && int64(offset) >= total {
			return v, nil
		}
		// Positions are distinct and at least 0, so when the highest is
		// total-1 they are 0 .. total-1 and the page starts at position
		// offset. A map whose elements were deleted has gaps; its page
		// skips offset index entries.
		dense := false
		if p.last != "" && offset > 0 && total > 0 {
			recs, err := run(ctx, tx, p.last, map[string]any{"map": mapID})
			if err != nil {
				return 0, err
			}
			if len(recs) > 0 {
				last, _ := recs[0].Values[0].(int64)
				dense = last == total-1
			}
		}
		if total < 0 {
			total = 1 << 62
		}
		recs, err := run(ctx, tx, p.query, pageParams(mapID, offset, limit, total, dense))
		if err != nil {
			return 0, err
		}
		for _, r := range recs {
			x, err := p.decode(r.Values)
			if err != nil {
				return 0, err
			}
			out = append(out, x)
		}
		return v, nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, v, nil
}

// The overview's counts, aggregated by the server: one row per group and
// one per (group, type, group) link, whatever the map's size.
var (
	qGroupCounts = matchMapNodes + " RETURN n.kind, coalesce(n.region, ''), count(*)"
	qLinkCounts  = matchMapEdges + " RETURN a.kind, coalesce(a.region, ''), type(r), b.kind, coalesce(b.region, ''), count(*)"
)

// OverviewCounts counts map mapID by kind and region: from the rows kept
// beside the map when they are valid at its version (see overview.go),
// else with two aggregating queries, whose answer is then kept; nothing per
// node reaches the client.
func (s *Store) OverviewCounts(ctx context.Context, mapID string) (*graph.Overview, error) {
	var out *graph.Overview
	var counted bool
	err := s.stable(ctx, mapID, func(tx driver.ManagedTransaction) (int64, error) {
		counted = false
		recs, err := run(ctx, tx, qOverviewHead, map[string]any{"map": mapID})
		if err != nil {
			return 0, err
		}
		if len(recs) == 0 {
			return 0, fmt.Errorf("map %q: %w", mapID, graph.ErrNotFound)
		}
		v, _ := recs[0].Values[0].(int64)
		if c := s.cached(mapID, v, false); c != nil {
			out = graph.CountOverview(c.m)
			return v, nil
		}
		if at, ok := recs[0].Values[1].(int64); ok && at == v {
			out, err = readOverview(ctx, tx, mapID, v)
			return v, err
		}
		counted = true
		out = &graph.Overview{Version: v, Groups: []graph.GroupCount{}, Links: []graph.LinkCount{}}
		params := map[string]any{"map": mapID}
		recs, err = run(ctx, tx, qGroupCounts, params)
		if err != nil {
			return 0, err
		}
		var d decoder
		for _, r := range recs {
			out.Groups = append(out.Groups, graph.GroupCount{Kind: graph.NodeKind(d.str("kind", r.Values[0])),
				Region: d.str("region", r.Values[1]), Nodes: int(d.int("count", r.Values[2]))})
		}
		if recs, err = run(ctx, tx, qLinkCounts, params); err != nil {
			return 0, err
		}
		for _, r := range recs {
			t := d.str("type", r.Values[2])
			k, ok := edgeKindOf[t]
			if !ok {
				return 0, fmt.Errorf("map %q: relationship type %s is not a chanmap edge kind", mapID, t)
			}
			out.Links = append(out.Links, graph.LinkCount{
				FromKind: graph.NodeKind(d.str("kind", r.Values[0])), FromRegion: d.str("region", r.Values[1]), Kind: k,
				ToKind: graph.NodeKind(d.str("kind", r.Values[3])), ToRegion: d.str("region", r.Values[4]),
				Edges: int(d.int("count", r.Values[5]))})
		}
		if d.err != nil {
			return 0, fmt.Errorf("map %q: %w", mapID, d.err)
		}
		out.Sort()
		return v, nil
	})
	if err != nil {
		return nil, err
	}
	if counted {
		s.keepOverview(ctx, mapID, out)
	}
	return out, nil
}

// edgeKindOf is the edge kind of each relationship type.
var edgeKindOf = func() map[string]graph.EdgeKind {
	m := make(map[string]graph.EdgeKind, len(relTypes))
	for k, t := range relTypes {
		m[t] = k
	}
	return m
}()
