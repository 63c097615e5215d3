package neo4j

import (
	"context"
	"fmt"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
)

// The overview's counts are kept beside the map as rows, so that a map too
// big to read answers them with two small reads: counting a million-node
// map's two million relationships by the kind and region of their ends
// takes the server tens of seconds. A header (:ChannelMapOverview {map,
// version}) says at which version of the map the rows are valid; one
// (:ChannelMapGroupCount {map, kind, region, nodes}) per group and one
// (:ChannelMapLinkCount {map, from_kind, from_region, kind, to_kind,
// to_region, edges}) per link hold the counts, none with a count of zero.
//
// An undelete writes them whole in its final transaction. An import
// writes them before its final transaction (see stageOverview in
// import.go): under a header marked with the import's gen (staged) and
// without a version, which the final transaction gives version 1 (no row
// is written there). No reader takes staged rows for a map's: every read
// starts from the ChannelMap node, which does not exist until then, and
// the header says the rows are valid at no version. Every other chanmap write
// adds what it changed to them (a small change from its part, see
// changedOverview; the whole-map write from the old and the new map) and
// moves the header to its version, as long as the header was current:
// rows that are stale (an edit by hand, a database written by an older
// chanmap, whose header held the counts as one document) stay stale, and
// the next OverviewCounts counts the map and writes them all again.
const (
	labelOverview   = "ChannelMapOverview"
	labelGroupCount = "ChannelMapGroupCount"
	labelLinkCount  = "ChannelMapLinkCount"
)

var (
	// qOverviewHead reads the map's version and the version its rows are
	// valid at (none for a header in the older one-document form).
	qOverviewHead = "MATCH (m:" + labelMap + " {id: $map}) OPTIONAL MATCH (o:" + labelOverview + " {map: $map}) " +
		"RETURN m.version, CASE WHEN o.doc IS NULL THEN o.version END"
	// qOverviewCurrent counts the headers of map $map valid at version $v: 1 or 0.
	qOverviewCurrent = "MATCH (o:" + labelOverview + " {map: $map}) WHERE o.version = $v AND o.doc IS NULL RETURN count(o)"
	qOverviewAt      = "MERGE (o:" + labelOverview + " {map: $map}) SET o.version = $v REMOVE o.doc, o.staged"
	// qStageOverview makes the header of map $map that of the rows import
	// $gen stages: valid at no version until qPublishOverview.
	qStageOverview = "MERGE (o:" + labelOverview + " {map: $map}) SET o.staged = $gen REMOVE o.version, o.doc"
	// qStageGroupRows and qStageLinkRows write rows under the header import
	// $gen staged, and count them: none when the header is gone (a purge
	// of a deleted map of the same id took it and the rows meanwhile).
	qStageGroupRows = "MATCH (o:" + labelOverview + " {map: $map}) WHERE o.staged = $gen " +
		"UNWIND $rows AS row CREATE (g:" + labelGroupCount + ") SET g = row, g.map = $map RETURN count(g)"
	qStageLinkRows = "MATCH (o:" + labelOverview + " {map: $map}) WHERE o.staged = $gen " +
		"UNWIND $rows AS row CREATE (l:" + labelLinkCount + ") SET l = row, l.map = $map RETURN count(l)"
	// qPublishOverview makes the rows import $gen staged valid at version
	// $v: the one write to them in the import's final transaction.
	qPublishOverview = "MATCH (o:" + labelOverview + " {map: $map}) WHERE o.staged = $gen SET o.version = $v REMOVE o.staged"
	// qDropSomeGroupRows and qDropSomeLinkRows remove up to $limit rows of
	// map $map, for a removal in batches of their own transactions.
	qDropSomeGroupRows = "MATCH (g:" + labelGroupCount + " {map: $map}) WITH g LIMIT $limit DELETE g RETURN count(*)"
	qDropSomeLinkRows  = "MATCH (l:" + labelLinkCount + " {map: $map}) WITH l LIMIT $limit DELETE l RETURN count(*)"
	qDropOverviewHead  = "MATCH (o:" + labelOverview + " {map: $map}) DELETE o"
	// The rows come as one list each: one record per row cost the client
	// 250 ms for the 100k-node map's 11,700 links.
	qGroupRows     = "MATCH (g:" + labelGroupCount + " {map: $map}) RETURN collect([g.kind, g.region, g.nodes])"
	qLinkRows      = "MATCH (l:" + labelLinkCount + " {map: $map}) RETURN collect([l.from_kind, l.from_region, l.kind, l.to_kind, l.to_region, l.edges])"
	qDropGroupRows = "MATCH (g:" + labelGroupCount + " {map: $map}) DELETE g"
	qDropLinkRows  = "MATCH (l:" + labelLinkCount + " {map: $map}) DELETE l"
	qPutGroupRows  = "UNWIND $rows AS row CREATE (g:" + labelGroupCount + ") SET g = row, g.map = $map"
	qPutLinkRows   = "UNWIND $rows AS row CREATE (l:" + labelLinkCount + ") SET l = row, l.map = $map"
	// qAddRows adds, when the rows are valid at version $cur, each row's
	// d to its count, deletes the rows that reach zero, and counts those
	// that went below it (the rows were not the map's); with $last and
	// none below zero, it makes them valid at version $v. No row: the
	// rows were stale, and stay so.
	qAddRows = "MATCH (o:" + labelOverview + " {map: $map}) WHERE o.version = $cur AND o.doc IS NULL " +
		"CALL { UNWIND $groups AS row MERGE (g:" + labelGroupCount + " {map: $map, kind: row.kind, region: row.region}) " +
		"SET g.nodes = coalesce(g.nodes, 0) + row.d WITH g, g.nodes AS n WHERE n <= 0 DELETE g RETURN count(CASE WHEN n < 0 THEN 1 END) AS ng } " +
		"CALL { UNWIND $links AS row MERGE (l:" + labelLinkCount + " {map: $map, from_kind: row.from_kind, from_region: row.from_region, " +
		"kind: row.kind, to_kind: row.to_kind, to_region: row.to_region}) " +
		"SET l.edges = coalesce(l.edges, 0) + row.d WITH l, l.edges AS n WHERE n <= 0 DELETE l RETURN count(CASE WHEN n < 0 THEN 1 END) AS nl } " +
		"WITH o, ng + nl AS below FOREACH (_ IN CASE WHEN below = 0 AND $last THEN [1] ELSE [] END | SET o.version = $v) RETURN below"
	// qLockAt takes the write lock of map $map when it is at version $v.
	qLockAt = "MATCH (m:" + labelMap + " {id: $map}) WHERE m.version = $v SET m._lock = true REMOVE m._lock RETURN count(m)"
)

// groupRow and linkRow are the stored form of a group's and a link's key;
// the count goes under field, when not zero.
func groupRow(g graph.GroupCount, field string, n int) map[string]any {
	r := map[string]any{"kind": string(g.Kind), "region": g.Region}
	if field != "" {
		r[field] = int64(n)
	}
	return r
}

func linkRow(l graph.LinkCount, field string, n int) map[string]any {
	r := map[string]any{"from_kind": string(l.FromKind), "from_region": l.FromRegion, "kind": string(l.Kind),
		"to_kind": string(l.ToKind), "to_region": l.ToRegion}
	if field != "" {
		r[field] = int64(n)
	}
	return r
}

// overviewRows is ov as rows to store: its groups' and its links'.
func overviewRows(ov *graph.Overview) (groups, links []map[string]any) {
	groups = make([]map[string]any, len(ov.Groups))
	for i, g := range ov.Groups {
		groups[i] = groupRow(g, "nodes", g.Nodes)
	}
	links = make([]map[string]any, len(ov.Links))
	for i, l := range ov.Links {
		links[i] = linkRow(l, "edges", l.Edges)
	}
	return groups, links
}

// writeOverview replaces, in tx, the rows of map mapID by the counts ov,
// valid at version v.
func writeOverview(ctx context.Context, tx driver.ManagedTransaction, mapID string, ov *graph.Overview, v int64) error {
	p := map[string]any{"map": mapID}
	for _, q := range []string{qDropGroupRows, qDropLinkRows} {
		if _, err := run(ctx, tx, q, p); err != nil {
			return err
		}
	}
	groups, links := overviewRows(ov)
	for _, b := range chunks(groups) {
		if _, err := run(ctx, tx, qPutGroupRows, map[string]any{"map": mapID, "rows": b}); err != nil {
			return err
		}
	}
	for _, b := range chunks(links) {
		if _, err := run(ctx, tx, qPutLinkRows, map[string]any{"map": mapID, "rows": b}); err != nil {
			return err
		}
	}
	_, err := run(ctx, tx, qOverviewAt, map[string]any{"map": mapID, "v": v})
	return err
}

// dropOverview removes, in tx, the counts of map mapID (a purge).
func dropOverview(ctx context.Context, tx driver.ManagedTransaction, mapID string) error {
	p := map[string]any{"map": mapID}
	for _, q := range []string{qDropGroupRows, qDropLinkRows, qDropOverviewHead} {
		if _, err := run(ctx, tx, q, p); err != nil {
			return err
		}
	}
	return nil
}

// overviewCurrent says, in tx, whether the rows of map mapID are valid at
// version v, so that a write to it can add what it changes.
func overviewCurrent(ctx context.Context, tx driver.ManagedTransaction, mapID string, v int64) (bool, error) {
	recs, err := run(ctx, tx, qOverviewCurrent, map[string]any{"map": mapID, "v": v})
	if err != nil {
		return false, err
	}
	n, _ := recs[0].Values[0].(int64)
	return n > 0, nil
}

// addOverview adds the changes t to the rows of map mapID when they are
// valid at version v-1, and makes them valid at v: one statement for a
// change of up to batchSize rows. A count that would go below zero shows
// the rows were not the map's: they are left stale, to be counted again.
func addOverview(ctx context.Context, tx driver.ManagedTransaction, mapID string, t *tally, v int64) error {
	var rows []map[string]any
	for g, d := range t.groups {
		if d != 0 {
			rows = append(rows, groupRow(g, "d", d))
		}
	}
	groups := len(rows)
	for l, d := range t.links {
		if d != 0 {
			rows = append(rows, linkRow(l, "d", d))
		}
	}
	for i := 0; i == 0 || i < len(rows); i += batchSize {
		b := rows[i:min(i+batchSize, len(rows))]
		g := b[:max(0, min(len(b), groups-i))]
		recs, err := run(ctx, tx, qAddRows, map[string]any{"map": mapID, "cur": v - 1, "v": v,
			"groups": g, "links": b[len(g):], "last": i+batchSize >= len(rows)})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return nil // stale
		}
		if below, _ := recs[0].Values[0].(int64); below > 0 {
			return nil
		}
	}
	return nil
}

// readOverview reads, in tx, the rows of map mapID as its counts at version v.
func readOverview(ctx context.Context, tx driver.ManagedTransaction, mapID string, v int64) (*graph.Overview, error) {
	out := &graph.Overview{Version: v, Groups: []graph.GroupCount{}, Links: []graph.LinkCount{}}
	p := map[string]any{"map": mapID}
	recs, err := run(ctx, tx, qGroupRows, p)
	if err != nil {
		return nil, err
	}
	var d decoder
	rows, _ := recs[0].Values[0].([]any)
	for _, r := range rows {
		f, _ := r.([]any)
		if len(f) != 3 {
			return nil, fmt.Errorf("map %q: an overview row is not a group count: %v", mapID, r)
		}
		out.Groups = append(out.Groups, graph.GroupCount{Kind: graph.NodeKind(d.str("kind", f[0])),
			Region: d.str("region", f[1]), Nodes: int(d.int("nodes", f[2]))})
	}
	if recs, err = run(ctx, tx, qLinkRows, p); err != nil {
		return nil, err
	}
	rows, _ = recs[0].Values[0].([]any)
	for _, r := range rows {
		f, _ := r.([]any)
		if len(f) != 6 {
			return nil, fmt.Errorf("map %q: an overview row is not a link count: %v", mapID, r)
		}
		out.Links = append(out.Links, graph.LinkCount{
			FromKind: graph.NodeKind(d.str("from_kind", f[0])), FromRegion: d.str("from_region", f[1]),
			Kind:   graph.EdgeKind(d.str("kind", f[2])),
			ToKind: graph.NodeKind(d.str("to_kind", f[3])), ToRegion: d.str("to_region", f[4]),
			Edges: int(d.int("edges", f[5]))})
	}
	if d.err != nil {
		return nil, fmt.Errorf("map %q: %w", mapID, d.err)
	}
	out.Sort()
	return out, nil
}

// tally is a change to an Overview: what it adds to each group's and each
// link's count (below zero for what it takes away).
type tally struct {
	groups map[graph.GroupCount]int
	links  map[graph.LinkCount]int
}

func newTally() *tally {
	return &tally{groups: map[graph.GroupCount]int{}, links: map[graph.LinkCount]int{}}
}

// add adds the counts of ov, times d, to t.
func (t *tally) add(ov *graph.Overview, d int) {
	for _, g := range ov.Groups {
		n := g.Nodes
		g.Nodes = 0
		t.groups[g] += d * n
	}
	for _, l := range ov.Links {
		n := l.Edges
		l.Edges = 0
		t.links[l] += d * n
	}
}

// changeOf is the change from map old's counts to map next's.
func changeOf(old, next *graph.Map) *tally {
	t := newTally()
	t.add(graph.CountOverview(old), -1)
	t.add(graph.CountOverview(next), 1)
	return t
}

func (t *tally) node(n *graph.Node, d int) {
	t.groups[graph.GroupCount{Kind: n.Kind, Region: n.Region}] += d
}

func (t *tally) edge(a, b *graph.Node, kind graph.EdgeKind, d int) {
	t.links[graph.LinkCount{FromKind: a.Kind, FromRegion: a.Region, Kind: kind, ToKind: b.Kind, ToRegion: b.Region}] += d
}

// qMovedEdges counts the relationships of the nodes $ids that the part of
// a change does not hold (keys not in $keys), by node, direction, type and
// the kind and region of their other end, and that end's id when it is
// one of $ids too (such a relationship is counted once, from its start).
var qMovedEdges = "UNWIND $ids AS id " + matchNodeBy("x", "id") + " MATCH (x)-[r]-(y) WHERE r.map = $map AND NOT r.id IN $keys " +
	"AND (startNode(r) = x OR NOT y.id IN $ids) " +
	"RETURN x.id, startNode(r) = x, type(r), y.kind, coalesce(y.region, ''), CASE WHEN y.id IN $ids THEN y.id ELSE '' END, count(*)"

// changedOverview is the change to the overview's counts made by a change
// that turned part old into part next; nil when it cannot be worked out
// (a relationship of a type chanmap does not know). For the nodes that
// changed kind or region it reads, in tx before the change is written,
// their relationships outside the part.
func changedOverview(ctx context.Context, tx driver.ManagedTransaction, old, next *graph.Map) (*tally, error) {
	t := newTally()
	before := make(map[string]*graph.Node, len(old.Nodes))
	for _, n := range old.Nodes {
		before[n.ID] = n
		t.node(n, -1)
	}
	after := make(map[string]*graph.Node, len(next.Nodes))
	var moved []any
	for _, n := range next.Nodes {
		after[n.ID] = n
		t.node(n, 1)
		if o := before[n.ID]; o != nil && (o.Region != n.Region || o.Kind != n.Kind) {
			moved = append(moved, n.ID)
		}
	}
	keys := make([]any, 0, len(old.Edges))
	for _, e := range old.Edges {
		t.edge(before[e.From], before[e.To], e.Kind, -1)
		keys = append(keys, e.Key())
	}
	for _, e := range next.Edges {
		t.edge(after[e.From], after[e.To], e.Kind, 1)
	}
	if len(moved) == 0 {
		return t, nil
	}
	recs, err := run(ctx, tx, qMovedEdges, map[string]any{"map": old.ID, "ids": moved, "keys": keys})
	if err != nil {
		return nil, err
	}
	var d decoder
	for _, r := range recs {
		x := d.str("id", r.Values[0])
		out, _ := r.Values[1].(bool)
		k, ok := edgeKindOf[d.str("type", r.Values[2])]
		if !ok || before[x] == nil || after[x] == nil {
			return nil, nil
		}
		y := &graph.Node{Kind: graph.NodeKind(d.str("kind", r.Values[3])), Region: d.str("region", r.Values[4])}
		yb, ya := y, y
		if id := d.str("id", r.Values[5]); id != "" {
			if yb, ya = before[id], after[id]; yb == nil || ya == nil {
				return nil, nil
			}
		}
		n := int(d.int("count", r.Values[6]))
		if out {
			t.edge(before[x], yb, k, -n)
			t.edge(after[x], ya, k, n)
		} else {
			t.edge(yb, before[x], k, -n)
			t.edge(ya, after[x], k, n)
		}
	}
	if d.err != nil {
		return nil, nil
	}
	return t, nil
}

// keepOverview stores ov, counted at its version, unless the map has
// moved on meanwhile; it takes the map's write lock, so no change adds to
// rows half written. It is a cache: an error (a user allowed only to read,
// say) leaves the counts to be counted again.
func (s *Store) keepOverview(ctx context.Context, mapID string, ov *graph.Overview) {
	_ = s.write(ctx, func(tx driver.ManagedTransaction) error {
		recs, err := run(ctx, tx, qLockAt, map[string]any{"map": mapID, "v": ov.Version})
		if err != nil {
			return err
		}
		if n, _ := recs[0].Values[0].(int64); n == 0 {
			return nil
		}
		return writeOverview(ctx, tx, mapID, ov, ov.Version)
	})
}

// changeOfNamed is changeOf for a change set that changes only the nodes
// and edges it names (see diffTouched), in time proportional to the
// change set and the relationships of the nodes it adds, removes or gives
// another kind or region (plus scans of the map's pointers): counting the
// 100k-node map twice took 340 ms, more than the rest of a small change.
// nil when an edge's end is not found (the change set was not such).
func changeOfNamed(old, next *graph.Map, cs graph.ChangeSet) *tally {
	nodes, edges := map[string]bool{}, map[string]bool{}
	for _, c := range cs.Changes {
		switch c.Op {
		case graph.OpAddNode, graph.OpUpdateNode, graph.OpDeleteNode:
			nodes[c.ID] = true
			if c.Node != nil {
				nodes[c.Node.ID] = true
			}
		case graph.OpAddEdge, graph.OpUpdateEdge, graph.OpDeleteEdge:
			edges[c.ID] = true
			if c.Edge != nil {
				edges[c.Edge.Key()] = true
			}
		}
	}
	delete(nodes, "")
	delete(edges, "")
	named := memberOf(nodes)
	before, after := map[string]*graph.Node{}, map[string]*graph.Node{}
	if len(nodes) > 0 {
		for _, n := range old.Nodes {
			if named(n.ID) {
				before[n.ID] = n
			}
		}
		for _, n := range next.Nodes {
			if named(n.ID) {
				after[n.ID] = n
			}
		}
	}
	// Nodes added, removed, or of another kind or region: every
	// relationship of theirs counts elsewhere.
	moved := map[string]bool{}
	for id := range nodes {
		b, a := before[id], after[id]
		if (b == nil) != (a == nil) || b != nil && (b.Kind != a.Kind || b.Region != a.Region) {
			moved[id] = true
		}
	}
	from := map[string]bool{}
	for k := range edges {
		for _, e := range keyEnds(k) {
			from[e[0]] = true
		}
	}
	isMoved := memberOf(moved)
	pick := func(es []*graph.Edge) []*graph.Edge {
		var out []*graph.Edge
		for _, e := range es {
			switch {
			case isMoved(e.From) || isMoved(e.To):
			case e.ID != "" && edges[e.ID]:
			case e.ID == "" && from[e.From] && edges[e.Key()]:
			default:
				continue
			}
			out = append(out, e)
		}
		return out
	}
	oldEdges, nextEdges := pick(old.Edges), pick(next.Edges)
	// The other ends, which the change set leaves as they were.
	others := map[string]bool{}
	for _, es := range [][]*graph.Edge{oldEdges, nextEdges} {
		for _, e := range es {
			for _, id := range []string{e.From, e.To} {
				if !nodes[id] {
					others[id] = true
				}
			}
		}
	}
	if len(others) > 0 {
		other := memberOf(others)
		for _, n := range old.Nodes {
			if other(n.ID) {
				before[n.ID], after[n.ID] = n, n
			}
		}
	}
	t := newTally()
	for id := range nodes {
		if n := before[id]; n != nil {
			t.node(n, -1)
		}
		if n := after[id]; n != nil {
			t.node(n, 1)
		}
	}
	for _, e := range oldEdges {
		a, b := before[e.From], before[e.To]
		if a == nil || b == nil {
			return nil
		}
		t.edge(a, b, e.Kind, -1)
	}
	for _, e := range nextEdges {
		a, b := after[e.From], after[e.To]
		if a == nil || b == nil {
			return nil
		}
		t.edge(a, b, e.Kind, 1)
	}
	return t
}
