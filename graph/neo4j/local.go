package neo4j

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
)

// A small change set applied to a map this Store does not hold: the write
// reads only what the change set names and what its rules reach (see
// graph.ApplyToPart), instead of the whole map. On the 100k-node map the
// whole read is seconds; the part is a handful of keyed reads.
//
// Whatever the part cannot settle goes to the whole-map write (change): a
// change set that is not local, a problem found in the part (the whole map
// gives the exact errors), a supplies cycle, a history snapshot due, or a
// map last written by something else than chanmap's own writes (see
// storedHints). That write starts over in a new transaction, so the part's
// attempt leaves nothing behind.

// errWhole says the part cannot settle a change set: apply it to the whole map.
var errWhole = errors.New("the change needs the whole map")

// Properties of the ChannelMap node that let a change read only its part:
// the highest node and edge positions in use, so additions go after them
// without reading every relationship (they carry no index), and how many
// edges were given an id of their own (an edge key not found from the
// start node it names can only be such an id, elsewhere in the map: with
// none, there is nothing to look for). They are valid at the version
// ord_version. Any other writer bumps the version without setting them,
// which makes them stale and the next change read the whole map instead.
const (
	propNodeOrdMax  = "node_ord_max"
	propEdgeOrdMax  = "edge_ord_max"
	propExplicitIDs = "explicit_edge_ids"
	propOrdVersion  = "ord_version"
)

// hints are the values of those properties.
type hints struct{ nodeMax, edgeMax, explicit int64 }

func (h hints) into(p map[string]any, v int64) {
	p[propNodeOrdMax], p[propEdgeOrdMax], p[propExplicitIDs], p[propOrdVersion] = h.nodeMax, h.edgeMax, h.explicit, v
}

// hintsOf are the hints of snapshot s.
func hintsOf(s *snap) hints {
	return hints{nodeMax: s.nodeOrd.max, edgeMax: s.edgeOrd.max, explicit: explicitIDs(s.m.Edges)}
}

// denseHints are the hints of map m written whole, its positions 0, 1,
// 2, ... (an import, an undelete).
func denseHints(m *graph.Map) hints {
	return hints{nodeMax: int64(len(m.Nodes)) - 1, edgeMax: int64(len(m.Edges)) - 1, explicit: explicitIDs(m.Edges)}
}

// explicitIDs counts the edges given an id of their own.
func explicitIDs(es []*graph.Edge) int64 {
	var n int64
	for _, e := range es {
		if e.ID != "" && e.ID != graph.DefaultEdgeID(e.From, e.Kind, e.To) {
			n++
		}
	}
	return n
}

// storedHints reads the hints from the ChannelMap node's properties p at
// version v. Hints from another version mean a writer other than
// chanmap's changes, imports and undeletes (an edit by hand, an older
// chanmap) wrote last: its positions and counts are not known without
// reading the whole map, so errWhole, and that write sets them again.
func storedHints(p map[string]any, v int64) (hints, error) {
	var h hints
	var ok [3]bool
	h.nodeMax, ok[0] = p[propNodeOrdMax].(int64)
	h.edgeMax, ok[1] = p[propEdgeOrdMax].(int64)
	h.explicit, ok[2] = p[propExplicitIDs].(int64)
	if at, _ := p[propOrdVersion].(int64); at != v || ok != [3]bool{true, true, true} {
		return hints{}, errWhole
	}
	return h, nil
}

// applyLocal applies cs to map id at version expected from the part cs
// touches, in one write transaction; errWhole when the part cannot settle it.
func (s *Store) applyLocal(ctx context.Context, id string, expected int64, cs graph.ChangeSet) (int64, error) {
	wi := graph.WriteInfoFrom(ctx)
	if err := graph.CheckWriteInfo(wi); err != nil {
		return 0, err
	}
	var version int64
	err := s.write(ctx, func(tx driver.ManagedTransaction) error {
		cur, p, err := lockMap(ctx, tx, id, expected)
		if err != nil {
			return err
		}
		h := readHist(p)
		if h.gen == "" {
			return errWhole // the first write of a map stored before history: snapshot it whole
		}
		data, err := json.Marshal(cs)
		if err != nil {
			return fmt.Errorf("encode change set: %w", err)
		}
		if graph.SnapshotDue(h.logBytes+int64(len(data)), h.snapBytes) {
			return errWhole // the history takes a whole snapshot at this version
		}
		hd, err := decodeHead(id, p)
		if err != nil {
			return err
		}
		if hd.nodes < 0 || hd.edges < 0 {
			return errWhole
		}
		hint, err := storedHints(p, cur)
		if err != nil {
			return err
		}
		old, err := readPart(ctx, tx, hd.m, cs, hint.explicit > 0)
		if err != nil {
			return err
		}
		old.nodeOrd.max = max(old.nodeOrd.max, hint.nodeMax)
		old.edgeOrd.max = max(old.edgeOrd.max, hint.edgeMax)
		next, ok := graph.ApplyToPart(old.m, cs)
		if !ok {
			return errWhole
		}
		d, stored, ok := diffTouched(old, next, cs)
		if !ok {
			return errWhole
		}
		// What the change does to the overview's counts, read before it is
		// written (see changedOverview); added to them below if they are
		// current.
		counts, err := changedOverview(ctx, tx, old.m, next)
		if err != nil {
			return err
		}
		if err := d.write(ctx, tx, id, false); err != nil {
			return err
		}
		if err := noCycle(ctx, tx, id, graph.NewSupplies(next, cs)); err != nil {
			return err
		}
		nodes := hd.nodes + int64(len(next.Nodes)-len(old.m.Nodes))
		edges := hd.edges + int64(len(next.Edges)-len(old.m.Edges))
		version = cur + 1
		next.Version = version
		now := time.Now().UTC()
		if err := writeRecord(ctx, tx, &h, next, [2]int64{nodes, edges}, cs, wi, now); err != nil {
			return err
		}
		props, err := mapProps(next)
		if err != nil {
			return err
		}
		props["node_count"], props["edge_count"] = nodes, edges
		props["version"] = version
		props["updated"] = now
		h.into(props)
		hint.nodeMax, hint.edgeMax = stored.nodeOrd.max, stored.edgeOrd.max
		hint.explicit += explicitIDs(next.Edges) - explicitIDs(old.m.Edges) // the part's other edges are in both
		hint.into(props, version)
		if counts != nil {
			if err := addOverview(ctx, tx, id, counts, version); err != nil {
				return err
			}
		}
		_, err = run(ctx, tx, "MATCH (m:ChannelMap {id: $map}) SET m = $props", map[string]any{"map": id, "props": props})
		return err
	})
	if err != nil {
		return 0, err
	}
	return version, nil
}

// lockMap takes map id's write lock (concurrent writers queue on it),
// checks its version, and returns the version and the ChannelMap node's
// properties.
func lockMap(ctx context.Context, tx driver.ManagedTransaction, id string, expected int64) (int64, map[string]any, error) {
	recs, err := run(ctx, tx, "MATCH (m:ChannelMap {id: $map}) SET m._lock = true REMOVE m._lock RETURN m.version, properties(m)", map[string]any{"map": id})
	if err != nil {
		return 0, nil, err
	}
	if len(recs) == 0 {
		return 0, nil, fmt.Errorf("map %q: %w", id, graph.ErrNotFound)
	}
	cur, _ := recs[0].Values[0].(int64)
	if cur != expected {
		return 0, nil, fmt.Errorf("map %q is at version %d, not %d: %w", id, cur, expected, graph.ErrConflict)
	}
	p, _ := recs[0].Values[1].(map[string]any)
	return cur, p, nil
}

var (
	qPartNodes = "UNWIND $ids AS id " + matchNodeBy("n", "id") + " RETURN properties(n)"
	// Edges by key, between the ends each row names (see qEdgeFrom).
	qPartEdges = "UNWIND $rows AS row " + matchNodeBy("a", "row.from") + " " + matchNodeBy("b", "row.to") +
		" MATCH (a)-[r]->(b) WHERE r.map = $map AND r.id = row.key RETURN " + returnEdge
	// Edges by key among all of the map's: a key that names no ends (an
	// edge given its own id), or one not found between them.
	qPartEdgesScan = matchMapEdges + " AND r.id IN $keys RETURN " + returnEdge
	qPartTouching  = "UNWIND $ids AS id " + matchNodeBy("x", "id") + " MATCH (x)-[r]-() WHERE r.map = $map " +
		"WITH startNode(r) AS a, r, endNode(r) AS b RETURN " + returnEdge
	qPartSupplies = "UNWIND $ids AS id " + matchNodeBy("b", "id") + " MATCH (a)-[r:" + relSupplies + "]->(b) WHERE r.map = $map RETURN " + returnEdge
	// qCycles counts the supplies paths from each row's buyer back to its
	// seller: one is a cycle the change closes.
	qCycles = "UNWIND $rows AS row " + matchNodeBy("b", "row.buyer") + " " + matchNodeBy("s", "row.seller") +
		" MATCH p = shortestPath((b)-[:" + relSupplies + "*]->(s)) RETURN count(p)"
)

// matchNodeBy is the node of map $map whose id is the expression expr
// (a variable of the query), by its key.
func matchNodeBy(v, expr string) string {
	return "MATCH (" + v + ":" + labelNode + " {map: $map, id: " + expr + "}) " + nodeSeek(v)
}

var relSupplies = relTypes[graph.EdgeSupplies]

// readPart reads, inside tx, the part of the map (head h) that cs needs
// (see graph.ApplyToPart), in map order, with the positions of what it
// holds.
//
// explicit says the map has edges given an id of their own: only then can
// an edge key not found from the start node it names be anywhere else.
func readPart(ctx context.Context, tx driver.ManagedTransaction, h *graph.Map, cs graph.ChangeSet, explicit bool) (*snap, error) {
	mapID := h.ID
	ids := map[string]bool{}     // nodes to read
	keys := map[string]bool{}    // edges to read, by key
	deleted := map[string]bool{} // nodes whose every edge is read
	ends := map[[3]string]bool{} // {from, to, key}: where an edge named by key may be
	buyers := map[string]bool{}  // nodes whose incoming supplies edges are read
	edgeNames := func(e *graph.Edge) {
		ids[e.From], ids[e.To] = true, true
		for _, p := range e.Products {
			ids[p] = true
		}
		keys[e.Key()] = true
		if e.Kind == graph.EdgeSupplies {
			buyers[e.To] = true
		}
	}
	for _, c := range cs.Changes {
		switch c.Op {
		case graph.OpAddNode:
			if c.Node != nil {
				ids[c.Node.ID] = true
			}
		case graph.OpUpdateNode:
			ids[c.ID] = true
		case graph.OpDeleteNode:
			ids[c.ID], deleted[c.ID] = true, true
		case graph.OpAddEdge:
			if c.Edge != nil {
				edgeNames(c.Edge)
			}
		case graph.OpUpdateEdge:
			keys[c.ID] = true
			if c.Edge != nil {
				edgeNames(c.Edge)
				ends[[3]string{c.Edge.From, c.Edge.To, c.ID}] = true // most updates keep the edge's ends
			}
		case graph.OpDeleteEdge:
			keys[c.ID] = true
		default:
			return nil, errWhole
		}
	}

	part := &snap{m: h, nodeOrd: newOrdIndex(len(ids)), edgeOrd: newOrdIndex(len(keys))}
	nodeOrd := map[*graph.Node]int64{}
	edgeOrd := map[*graph.Edge]int64{}
	haveNode := map[string]bool{}
	haveEdge := map[string]bool{}
	readNodes := func(want map[string]bool) error {
		var ids []any
		for id := range want {
			if !haveNode[id] {
				ids = append(ids, id)
				haveNode[id] = true // read or known missing
			}
		}
		if len(ids) == 0 {
			return nil
		}
		recs, err := run(ctx, tx, qPartNodes, map[string]any{"map": mapID, "ids": ids})
		if err != nil {
			return err
		}
		for _, r := range recs {
			n, ord, err := decodeNode(r.Values[0].(map[string]any))
			if err != nil {
				return fmt.Errorf("map %q: %w", mapID, err)
			}
			h.Nodes = append(h.Nodes, n)
			nodeOrd[n] = ord
		}
		return nil
	}
	readEdges := func(q string, params map[string]any) error {
		params["map"] = mapID
		recs, err := run(ctx, tx, q, params)
		if err != nil {
			return err
		}
		for _, r := range recs {
			e, ord, err := decodeEdgeRow(mapID, r.Values)
			if err != nil {
				return err
			}
			if k := e.Key(); !haveEdge[k] {
				haveEdge[k] = true
				h.Edges = append(h.Edges, e)
				edgeOrd[e] = ord
			}
		}
		return nil
	}

	if len(keys) > 0 {
		for k := range keys {
			for _, e := range keyEnds(k) {
				ends[[3]string{e[0], e[1], k}] = true
			}
		}
		rows := make([]any, 0, len(ends))
		for e := range ends {
			rows = append(rows, map[string]any{"from": e[0], "to": e[1], "key": e[2]})
		}
		if err := readEdges(qPartEdges, map[string]any{"rows": rows}); err != nil {
			return nil, err
		}
		missing := map[string]bool{}
		for k := range keys {
			if !haveEdge[k] {
				missing[k] = true
			}
		}
		// A key not found from its start may still be taken by an edge
		// given that id explicitly, anywhere in the map: look at them all.
		if len(missing) > 0 && explicit {
			if err := readEdges(qPartEdgesScan, map[string]any{"keys": keysOf(missing)}); err != nil {
				return nil, err
			}
		}
	}
	if len(deleted) > 0 {
		if err := readEdges(qPartTouching, map[string]any{"ids": keysOf(deleted)}); err != nil {
			return nil, err
		}
	}
	if len(buyers) > 0 {
		if err := readEdges(qPartSupplies, map[string]any{"ids": keysOf(buyers)}); err != nil {
			return nil, err
		}
	}
	// The ends and products of every edge read.
	for _, e := range h.Edges {
		ids[e.From], ids[e.To] = true, true
		for _, p := range e.Products {
			ids[p] = true
		}
	}
	if err := readNodes(ids); err != nil {
		return nil, err
	}

	slices.SortStableFunc(h.Nodes, func(a, b *graph.Node) int { return cmp.Compare(nodeOrd[a], nodeOrd[b]) })
	slices.SortStableFunc(h.Edges, func(a, b *graph.Edge) int { return cmp.Compare(edgeOrd[a], edgeOrd[b]) })
	for _, n := range h.Nodes {
		part.nodeOrd.put(n.ID, nodeOrd[n])
	}
	for _, e := range h.Edges {
		part.edgeOrd.put(e.Key(), edgeOrd[e])
	}
	return part, nil
}

// noCycle checks, after the change is written in tx, that no supplies
// edge of es closes a supplies cycle (a supplies path from its buyer back
// to its seller); errWhole when one does, so the whole-map write reports it.
func noCycle(ctx context.Context, tx driver.ManagedTransaction, mapID string, es []*graph.Edge) error {
	if len(es) == 0 {
		return nil
	}
	rows := make([]any, len(es))
	for i, e := range es {
		if e.From == e.To {
			return errWhole // validation refuses it; shortestPath cannot ask it
		}
		rows[i] = map[string]any{"buyer": e.To, "seller": e.From}
	}
	recs, err := run(ctx, tx, qCycles, map[string]any{"map": mapID, "rows": rows})
	if err != nil {
		return err
	}
	if n, _ := recs[0].Values[0].(int64); n > 0 {
		return errWhole
	}
	return nil
}

// keyEnds lists the {from, to} a default edge key FROM--KIND--TO can name:
// node ids may hold "--" themselves, so every split at a "--KIND--" is one.
func keyEnds(key string) [][2]string {
	var out [][2]string
	for _, k := range graph.EdgeKinds {
		sep := "--" + string(k) + "--"
		for i := 0; ; {
			j := strings.Index(key[i:], sep)
			if j < 0 {
				break
			}
			at := i + j
			if from, to := key[:at], key[at+len(sep):]; from != "" && to != "" {
				out = append(out, [2]string{from, to})
			}
			i = at + 1
		}
	}
	return out
}

// keysOf is the keys of set as a query parameter.
func keysOf(set map[string]bool) []any {
	out := make([]any, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	return out
}
