package neo4j

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
)

// batchSize is the number of rows sent in one UNWIND statement.
const batchSize = 5000

func (s *Store) session(ctx context.Context, mode driver.AccessMode) driver.SessionWithContext {
	return s.drv.NewSession(ctx, driver.SessionConfig{AccessMode: mode, DatabaseName: s.cfg.Database, BookmarkManager: s.bookmarks})
}

// read runs work in a managed read transaction with the call deadline.
func (s *Store) read(ctx context.Context, work func(tx driver.ManagedTransaction) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	sess := s.session(ctx, driver.AccessModeRead)
	defer sess.Close(context.Background())
	_, err := sess.ExecuteRead(ctx, func(tx driver.ManagedTransaction) (any, error) { return nil, work(tx) })
	return s.describe(err)
}

// write runs work in a managed write transaction with the call deadline;
// the driver retries it on transient errors, and rolls it back when work
// returns an error.
func (s *Store) write(ctx context.Context, work func(tx driver.ManagedTransaction) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	sess := s.session(ctx, driver.AccessModeWrite)
	defer sess.Close(context.Background())
	_, err := sess.ExecuteWrite(ctx, func(tx driver.ManagedTransaction) (any, error) { return nil, work(tx) })
	return s.describe(err)
}

func run(ctx context.Context, tx driver.ManagedTransaction, q string, params map[string]any) ([]*driver.Record, error) {
	if seen := queryHook; seen != nil {
		seen(q, params)
	}
	res, err := tx.Run(ctx, q, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// queryHook, when set (by tests, before any query runs), sees every
// statement the store runs, for the test that checks their plans.
var queryHook func(q string, params map[string]any)

// ListMaps lists the stored maps, sorted by id.
func (s *Store) ListMaps(ctx context.Context) ([]graph.MapInfo, error) {
	out := []graph.MapInfo{}
	err := s.read(ctx, func(tx driver.ManagedTransaction) error {
		out = out[:0]
		recs, err := run(ctx, tx, qListMaps, nil)
		if err != nil {
			return err
		}
		for _, r := range recs {
			out = append(out, decodeInfo(r))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list maps: %w", err)
	}
	return out, nil
}

// GetMap reads the whole map in one read transaction.
func (s *Store) GetMap(ctx context.Context, id string) (*graph.Map, error) {
	var m *snap
	err := s.read(ctx, func(tx driver.ManagedTransaction) error {
		// Read transactions are read-committed: a writer may commit between
		// the queries of a snapshot, and even during one, since Neo4j makes
		// a commit's record changes visible before its index changes (the
		// new version may show while the (map) index still lacks a new
		// node). Every write bumps the version and stores the node and edge
		// counts, so a snapshot whose version is unchanged at its end and
		// whose counts match is taken as whole; one that keeps missing the
		// counts at one version (edited by hand) is returned but not cached.
		var torn *snap
		for attempt := 0; ; attempt++ {
			v, err := version(ctx, tx, id)
			if err != nil {
				return err
			}
			if m = s.cached(id, v, false); m != nil {
				return nil
			}
			m, err = snapshot(ctx, tx, id)
			if err != nil {
				return err
			}
			after, err := version(ctx, tx, id)
			if err != nil {
				return err
			}
			if m.m.Version == v && after == v {
				if m.whole() {
					s.remember(m)
					return nil
				}
				if torn != nil && torn.m.Version == v && attempt >= 3 {
					return nil
				}
				torn = m
			}
			if attempt == 10 {
				return fmt.Errorf("map %q: %w: it changed during every one of 10 reads", id, graph.ErrUnavailable)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return m.m.Clone(), nil
}

// snap is a decoded map with the stored position (ord) of each node, by
// id, and of each edge, by key. Positions are strictly increasing in map
// order but need not be dense, so a change rewrites only what it touches.
type snap struct {
	m       *graph.Map
	nodeOrd *ordIndex
	edgeOrd *ordIndex

	// nodes and edges are the counts the ChannelMap node stores (-1 if
	// missing), to tell a snapshot torn by a concurrent commit.
	nodes, edges int64
	// written: this is what a write of this Store committed, not what a
	// read saw; only such snapshots stand in for the map in Apply.
	written bool
}

// whole reports whether the snapshot holds as many nodes and edges as the
// ChannelMap node says.
func (m *snap) whole() bool {
	return m.nodes == int64(len(m.m.Nodes)) && m.edges == int64(len(m.m.Edges))
}

// version reads the stored version of map id.
func version(ctx context.Context, tx driver.ManagedTransaction, id string) (int64, error) {
	recs, err := run(ctx, tx, "MATCH (m:ChannelMap {id: $map}) RETURN m.version", map[string]any{"map": id})
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 {
		return 0, fmt.Errorf("map %q: %w", id, graph.ErrNotFound)
	}
	v, _ := recs[0].Values[0].(int64)
	return v, nil
}

// cached returns the cached snapshot of map id if it is at version v.
// Every chanmap write bumps the version in the same transaction, so such a
// snapshot is current. (An edit made by hand in Neo4j Browser must bump
// the ChannelMap's version too, or chanmap keeps serving the snapshot it
// has until the next chanmap write.)
//
// written asks for a snapshot this Store's own write committed: a read may
// have seen a commit half applied (see GetMap), which is harmless for one
// answer but would make Apply write a change against a wrong map.
func (s *Store) cached(id string, v int64, written bool) *snap {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.cache[id]; m != nil && m.m.Version == v && (m.written || !written) {
		return m
	}
	return nil
}

// remember caches m, which nobody may modify afterwards.
func (s *Store) remember(m *snap) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := m.m.ID
	if old := s.cache[id]; old != nil && (old.m.Version > m.m.Version || old.m.Version == m.m.Version && old.written && !m.written) {
		return
	}
	size := m.size()
	if size > maxCachedElements {
		// A map this big is read for each answer that needs all of it;
		// the rest (keyed reads, pages, support, small changes, the
		// stream) never needs the snapshot.
		delete(s.cache, id)
		return
	}
	total, others := size, 0
	for k, c := range s.cache {
		if k != id {
			total += c.size()
			others++
		}
	}
	for k, c := range s.cache {
		if total <= maxCachedElements && others < maxCached {
			break
		}
		if k != id {
			delete(s.cache, k)
			total -= c.size()
			others--
		}
	}
	s.cache[id] = m
}

// size is what a snapshot counts against maxCachedElements.
func (m *snap) size() int { return len(m.m.Nodes) + len(m.m.Edges) }

func (s *Store) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.cache, id)
}

// maxCached bounds how many decoded maps a Store keeps, and
// maxCachedElements how many nodes and edges they hold together: the
// generated 100k-node map (297k elements) holds 103 MB decoded, plus its
// positions, so the cache stays near 450 MB; three such maps are kept,
// and a million-node map (3M elements) never is.
const (
	maxCached         = 16
	maxCachedElements = 1_000_000
)

// snapshot reads map id inside tx, with its nodes and edges in stored order.
func snapshot(ctx context.Context, tx driver.ManagedTransaction, id string) (*snap, error) {
	params := map[string]any{"map": id}
	recs, err := run(ctx, tx, "MATCH (m:ChannelMap {id: $map}) RETURN properties(m) AS p", params)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("map %q: %w", id, graph.ErrNotFound)
	}
	mp := recs[0].Values[0].(map[string]any)
	m := &graph.Map{ID: id}
	if err := decodeMapFields(fields, m, mp); err != nil {
		return nil, fmt.Errorf("map %q: %w", id, err)
	}
	m.Version, _ = mp["version"].(int64)
	counts := [2]int64{-1, -1}
	for i, k := range []string{"node_count", "edge_count"} {
		if c, ok := mp[k].(int64); ok {
			counts[i] = c
		}
	}
	if c, ok := mp["classification"].(string); ok && c != "" {
		m.Classification = &graph.Classification{}
		if err := json.Unmarshal([]byte(c), m.Classification); err != nil {
			return nil, fmt.Errorf("map %q: stored classification is not valid JSON: %w", id, err)
		}
	}

	out := &snap{m: m, nodes: counts[0], edges: counts[1]}
	size := func(c int64) int {
		if c < 0 || c > 1<<24 {
			return 0
		}
		return int(c)
	}
	m.Nodes = make([]*graph.Node, 0, size(counts[0]))
	out.nodeOrd = newOrdIndex(size(counts[0]))
	err = chunked(ctx, tx, qSnapshotNodes, params, func(row any) error {
		p, _ := row.(map[string]any)
		n, ord, err := decodeNode(p)
		if err != nil {
			return fmt.Errorf("map %q: %w", id, err)
		}
		m.Nodes = append(m.Nodes, n)
		out.nodeOrd.put(n.ID, ord)
		return nil
	})
	if err != nil {
		return nil, err
	}

	m.Edges = make([]*graph.Edge, 0, size(counts[1]))
	out.edgeOrd = newOrdIndex(size(counts[1]))
	err = chunked(ctx, tx, qSnapshotEdges, params, func(row any) error {
		v, _ := row.([]any)
		e, ord, err := decodeEdgeRow(id, v)
		if err != nil {
			return err
		}
		m.Edges = append(m.Edges, e)
		out.edgeOrd.put(e.Key(), ord)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// The snapshot's nodes and relationships, in stored order, come in records
// of up to snapshotChunk rows each: the driver's cost is per record (every
// Bolt message read runs against the call's deadline on a goroutine of its
// own), so one record per row made the cold read of a 100k-node map cost
// seconds of client CPU in message handling alone. The server collects
// only references to the map's elements and builds each chunk's rows as it
// sends it.
const snapshotChunk = 1000

var (
	qSnapshotNodes = "MATCH (n:" + labelNode + " {map: $map}) USING INDEX n:" + labelNode + "(map) WITH n ORDER BY n.ord " +
		"WITH collect(n) AS xs UNWIND range(0, size(xs) - 1, $chunk) AS i RETURN [x IN xs[i..i + $chunk] | properties(x)]"
	qSnapshotEdges = matchMapEdges + " WITH r ORDER BY r.ord " +
		"WITH collect(r) AS xs UNWIND range(0, size(xs) - 1, $chunk) AS i RETURN [x IN xs[i..i + $chunk] | [startNode(x).id, endNode(x).id, type(x), properties(x)]]"
)

// runner is a transaction, managed or explicit.
type runner interface {
	Run(ctx context.Context, q string, params map[string]any) (driver.ResultWithContext, error)
}

// chunked runs q, whose records hold one list of rows each, and hands
// each row to fn in order.
func chunked(ctx context.Context, tx runner, q string, params map[string]any, fn func(row any) error) error {
	p := make(map[string]any, len(params)+1)
	maps.Copy(p, params)
	p["chunk"] = int64(snapshotChunk)
	if seen := queryHook; seen != nil {
		seen(q, p)
	}
	res, err := tx.Run(ctx, q, p)
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		rows, _ := res.Record().Values[0].([]any)
		for _, row := range rows {
			if err := fn(row); err != nil {
				return err
			}
		}
	}
	return res.Err()
}

// Apply locks the map's ChannelMap node, checks its version, reads the
// snapshot, applies cs in memory (graph.ApplyToSnapshot validates what it touches),
// and writes only what changed and one history record — all in one write
// transaction.
//
// When this Store does not hold the map at version expected (the first
// change after start, or after another process wrote), a small change set
// is applied from the part of the map it touches instead (see applyLocal),
// so it does not wait for the whole map to be read.
func (s *Store) Apply(ctx context.Context, id string, expected int64, cs graph.ChangeSet) (int64, error) {
	if s.cached(id, expected, true) == nil {
		v, err := s.applyLocal(ctx, id, expected, cs)
		if !errors.Is(err, errWhole) {
			return v, err
		}
	}
	return s.change(ctx, id, expected, func(driver.ManagedTransaction, *graph.Map, histState) (graph.ChangeSet, string, error) {
		return cs, "", nil
	})
}

// change runs one write: lock, version check, plan the change set (and a
// default message) from the current map, apply, write the difference and
// the history record.
func (s *Store) change(ctx context.Context, id string, expected int64, plan func(tx driver.ManagedTransaction, cur *graph.Map, h histState) (graph.ChangeSet, string, error)) (int64, error) {
	wi := graph.WriteInfoFrom(ctx)
	if err := graph.CheckWriteInfo(wi); err != nil {
		return 0, err
	}
	var version int64
	var committed *snap
	err := s.write(ctx, func(tx driver.ManagedTransaction) error {
		// Taking the write lock first makes concurrent writers queue here;
		// the version read after it is the latest committed one.
		cur, p, err := lockMap(ctx, tx, id, expected)
		if err != nil {
			return err
		}
		h := readHist(p)
		// The lock keeps every other chanmap writer out, so the cached
		// snapshot at this version, or one read now, is the current map.
		old := s.cached(id, cur, true)
		if old == nil {
			if old, err = snapshot(ctx, tx, id); err != nil {
				return err
			}
		}
		if h.gen == "" {
			// The first write of a map stored before history was kept:
			// its current state becomes the first snapshot.
			h.gen = newGen()
			if err := writeSnap(ctx, tx, &h, old.m); err != nil {
				return err
			}
		}
		cs, msg, err := plan(tx, old.m, h)
		if err != nil {
			return err
		}
		if wi.Message == "" {
			wi.Message = msg
		}
		next, err := graph.ApplyToSnapshot(old.m, cs)
		if err != nil {
			return err
		}
		d, stored, ok := diffTouched(old, next, cs)
		if !ok {
			d, stored = diff(old, next, touchedBy(cs))
		}
		if err := d.write(ctx, tx, id, false); err != nil {
			return err
		}
		version = cur + 1
		// The overview's counts, when current, take what the change
		// changed (see overview.go): from what the change set names when
		// it changes only that, else by counting both maps, which is
		// worth it only when the counts are current.
		var counts *tally
		if ok {
			counts = changeOfNamed(old.m, next, cs)
		}
		if counts == nil {
			if current, err := overviewCurrent(ctx, tx, id, cur); err != nil {
				return err
			} else if current {
				counts = changeOf(old.m, next)
			}
		}
		if counts != nil {
			if err := addOverview(ctx, tx, id, counts, version); err != nil {
				return err
			}
		}
		next.Version = version
		now := time.Now().UTC()
		if err := writeRecord(ctx, tx, &h, next, countsOf(next), cs, wi, now); err != nil {
			return err
		}
		props, err := mapProps(next)
		if err != nil {
			return err
		}
		props["version"] = version
		props["updated"] = now
		h.into(props)
		hintsOf(stored).into(props, version)
		// SET m = ... replaces every property, so a cleared classification
		// or currency is removed.
		if _, err := run(ctx, tx, "MATCH (m:ChannelMap {id: $map}) SET m = $props", map[string]any{"map": id, "props": props}); err != nil {
			return err
		}
		committed = stored
		committed.written = true
		committed.nodes, committed.edges = int64(len(next.Nodes)), int64(len(next.Edges))
		return nil
	})
	if err != nil {
		return 0, err
	}
	s.remember(committed)
	return version, nil
}

// delta is what one write changes: relationships and nodes to delete, nodes
// to create or replace, relationships to create, grouped by label and type.
type delta struct {
	delEdges map[string][]map[string]any // rel type -> rows {from, id}
	delNodes []any                       // node ids
	nodes    map[string][]map[string]any // label -> rows {props}
	edges    map[string][]map[string]any // rel type -> rows {from, to, props}
}

func (d *delta) addNode(mapID string, n *graph.Node, ord int64) {
	if d.nodes == nil {
		d.nodes = map[string][]map[string]any{}
	}
	l := kindLabels[n.Kind]
	d.nodes[l] = append(d.nodes[l], nodeProps(mapID, n, ord))
}

func (d *delta) addEdge(mapID string, e *graph.Edge, ord int64) {
	if d.edges == nil {
		d.edges = map[string][]map[string]any{}
	}
	t := relTypes[e.Kind]
	d.edges[t] = append(d.edges[t], map[string]any{"from": e.From, "to": e.To, "props": edgeProps(mapID, e, ord)})
}

func (d *delta) delEdge(e *graph.Edge) {
	if d.delEdges == nil {
		d.delEdges = map[string][]map[string]any{}
	}
	t := relTypes[e.Kind]
	d.delEdges[t] = append(d.delEdges[t], map[string]any{"from": e.From, "id": e.Key()})
}

// diff is the delta from old to next, and next with the positions it will
// have once the delta is written. Positions are kept where the order
// allows, so a change far from the end rewrites only what it touches.
//
// touched, when not nil, names the node ids and edge keys the change set
// names; everything else is known unchanged and is not compared.
func diff(old *snap, next *graph.Map, touched map[string]bool) (*delta, *snap) {
	d := &delta{}
	oldNodes := make(map[string]*graph.Node, len(old.m.Nodes))
	for _, n := range old.m.Nodes {
		oldNodes[n.ID] = n
	}
	oldEdges := make(map[string]*graph.Edge, len(old.m.Edges))
	for _, e := range old.m.Edges {
		oldEdges[e.Key()] = e
	}
	out := &snap{m: next, nodeOrd: newOrdIndex(len(next.Nodes)), edgeOrd: newOrdIndex(len(next.Edges))}

	keptNodes := map[string]bool{}
	nodeOrds := ords(next.Nodes, func(n *graph.Node) string { return n.ID }, old.nodeOrd)
	for i, n := range next.Nodes {
		out.nodeOrd.put(n.ID, nodeOrds[i])
		o, had := oldNodes[n.ID]
		if had {
			keptNodes[n.ID] = true
			if ord, _ := old.nodeOrd.get(n.ID); nodeOrds[i] == ord && (touched != nil && !touched["n:"+n.ID] || reflect.DeepEqual(nodeProps("", o, 0), nodeProps("", n, 0))) {
				continue
			}
		}
		d.addNode(next.ID, n, nodeOrds[i])
	}
	for _, n := range old.m.Nodes {
		if !keptNodes[n.ID] {
			d.delNodes = append(d.delNodes, n.ID)
		}
	}

	keptEdges := map[string]bool{}
	edgeOrds := ords(next.Edges, (*graph.Edge).Key, old.edgeOrd)
	for i, e := range next.Edges {
		k := e.Key()
		out.edgeOrd.put(k, edgeOrds[i])
		if o, had := oldEdges[k]; had {
			oldOrd, _ := old.edgeOrd.get(k)
			same := o.From == e.From && o.To == e.To && o.Kind == e.Kind && edgeOrds[i] == oldOrd &&
				(touched != nil && !touched["e:"+k] || reflect.DeepEqual(edgeProps("", o, 0), edgeProps("", e, 0)))
			if same {
				keptEdges[k] = true
				continue
			}
		}
		d.addEdge(next.ID, e, edgeOrds[i])
	}
	for _, e := range old.m.Edges {
		if !keptEdges[e.Key()] {
			d.delEdge(e) // removed or changed: a relationship's ends and type cannot change
		}
	}
	return d, out
}

// diffTouched is diff for a change set that changes only what it names,
// in time proportional to the change set (plus a scan of the map's
// pointers): nodes and edges it names are written, removed or left alone,
// everything else keeps its stored position, and additions go after the
// highest position in use (graph.ApplyChanges updates in place and appends
// additions). ok is false for change sets it leaves to diff: a node
// renamed, an edge given a new key, or an id removed and added again.
func diffTouched(old *snap, next *graph.Map, cs graph.ChangeSet) (d *delta, out *snap, ok bool) {
	nodes, edges := map[string]bool{}, map[string]bool{}
	removedN, removedE := map[string]bool{}, map[string]bool{}
	for _, c := range cs.Changes {
		switch c.Op {
		case graph.OpSetMap:
		case graph.OpAddNode:
			if c.Node == nil || removedN[c.Node.ID] {
				return nil, nil, false
			}
			nodes[c.Node.ID] = true
		case graph.OpUpdateNode:
			if c.Node == nil || c.Node.ID != "" && c.Node.ID != c.ID {
				return nil, nil, false
			}
			nodes[c.ID] = true
		case graph.OpDeleteNode:
			nodes[c.ID], removedN[c.ID] = true, true
		case graph.OpAddEdge:
			if c.Edge == nil || removedE[c.Edge.Key()] {
				return nil, nil, false
			}
			edges[c.Edge.Key()] = true
		case graph.OpUpdateEdge:
			if c.Edge == nil || c.Edge.Key() != c.ID {
				return nil, nil, false
			}
			edges[c.ID] = true
		case graph.OpDeleteEdge:
			edges[c.ID], removedE[c.ID] = true, true
		default:
			return nil, nil, false
		}
	}
	// Default edge keys start with the edge's from: only edges out of a
	// node some named key can start with need their key built (a node id
	// may hold "--" itself: every split counts).
	from := map[string]bool{}
	for k := range edges {
		for _, e := range keyEnds(k) {
			from[e[0]] = true
		}
	}
	named := func(e *graph.Edge) (string, bool) {
		if e.ID != "" {
			return e.ID, edges[e.ID]
		}
		if !from[e.From] {
			return "", false
		}
		k := e.Key()
		return k, edges[k]
	}
	oldNodes := map[string]*graph.Node{}
	named1 := memberOf(nodes)
	if len(nodes) > 0 {
		for _, n := range old.m.Nodes {
			if named1(n.ID) {
				oldNodes[n.ID] = n
			}
		}
	}
	oldEdges := map[string]*graph.Edge{}
	if len(edges) > 0 {
		for _, e := range old.m.Edges {
			if k, ok := named(e); ok {
				oldEdges[k] = e
			}
		}
	}

	d = &delta{}
	nodeOrd, edgeOrd := map[string]int64{}, map[string]int64{}
	next1 := old.nodeOrd.max + 1
	seen := map[string]bool{}
	if len(nodes) > 0 {
		for _, n := range next.Nodes {
			if !named1(n.ID) {
				continue
			}
			seen[n.ID] = true
			ord, had := old.nodeOrd.get(n.ID)
			o := oldNodes[n.ID]
			if !had || o == nil {
				ord = next1
				next1++
				nodeOrd[n.ID] = ord
			} else if graph.EqualNode(o, n) && o.Kind == n.Kind {
				continue
			}
			d.addNode(next.ID, n, ord)
		}
		for id := range nodes {
			if !seen[id] && oldNodes[id] != nil {
				d.delNodes = append(d.delNodes, id)
				nodeOrd[id] = -1
			}
		}
	}
	next1 = old.edgeOrd.max + 1
	clear(seen)
	if len(edges) > 0 {
		for _, e := range next.Edges {
			k, ok := named(e)
			if !ok {
				continue
			}
			seen[k] = true
			ord, had := old.edgeOrd.get(k)
			o := oldEdges[k]
			if !had || o == nil {
				ord = next1
				next1++
				edgeOrd[k] = ord
			} else if graph.EqualEdge(o, e) && o.From == e.From && o.To == e.To && o.Kind == e.Kind {
				continue
			} else {
				d.delEdge(o) // a relationship's ends and type cannot change: write it again
			}
			d.addEdge(next.ID, e, ord)
		}
		for k := range edges {
			if o := oldEdges[k]; !seen[k] && o != nil {
				d.delEdge(o)
				edgeOrd[k] = -1
			}
		}
	}
	out = &snap{m: next, nodeOrd: old.nodeOrd.with(nodeOrd), edgeOrd: old.edgeOrd.with(edgeOrd)}
	return d, out, true
}

// memberOf is set's membership test. A change set names a few nodes and
// the map has many: comparing each id with a few strings (most differ in
// length or first bytes) costs far less than hashing it, which on the 100k
// map was most of a one-field change's client CPU.
func memberOf(set map[string]bool) func(string) bool {
	if len(set) > 8 {
		return func(k string) bool { return set[k] }
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	return func(k string) bool {
		for _, x := range keys {
			if x == k {
				return true
			}
		}
		return false
	}
}

// ordIndex maps node ids (or edge keys) to their stored positions. A
// written snapshot's index is the one before it with the write's changes
// on top, so a small change set on a big map does not copy every position
// (copying a 20k-entry Go map takes milliseconds); the changes are folded
// into a new base once they grow past an eighth of it.
type ordIndex struct {
	base map[string]int64 // shared by snapshots: never changed once shared
	over map[string]int64 // this snapshot's own entries; -1: removed
	max  int64            // at least the highest position in use (-1: none)
}

func newOrdIndex(n int) *ordIndex { return &ordIndex{base: make(map[string]int64, n), max: -1} }

// put sets k's position while the index is being built.
func (o *ordIndex) put(k string, ord int64) {
	o.base[k] = ord
	o.max = max(o.max, ord)
}

func (o *ordIndex) get(k string) (int64, bool) {
	if v, ok := o.over[k]; ok {
		return v, v >= 0
	}
	v, ok := o.base[k]
	return v, ok
}

// with returns o with changes on top (-1 removes a key); o is unchanged.
func (o *ordIndex) with(changes map[string]int64) *ordIndex {
	out := &ordIndex{base: o.base, max: o.max}
	for _, v := range changes {
		out.max = max(out.max, v)
	}
	if len(o.over)+len(changes) > 1024+len(o.base)/8 {
		out.base = make(map[string]int64, len(o.base)+len(changes))
		for _, layer := range []map[string]int64{o.base, o.over, changes} {
			for k, v := range layer {
				if v < 0 {
					delete(out.base, k)
				} else {
					out.base[k] = v
				}
			}
		}
		return out
	}
	out.over = make(map[string]int64, len(o.over)+len(changes))
	maps.Copy(out.over, o.over)
	maps.Copy(out.over, changes)
	return out
}

// touchedBy names what cs may change: "n:ID" for nodes, "e:KEY" for edges.
// graph.ApplyChanges changes nothing else.
func touchedBy(cs graph.ChangeSet) map[string]bool {
	t := map[string]bool{}
	for _, c := range cs.Changes {
		switch c.Op {
		case graph.OpAddNode, graph.OpUpdateNode, graph.OpDeleteNode:
			t["n:"+c.ID] = true
			if c.Node != nil {
				t["n:"+c.Node.ID] = true
			}
		case graph.OpAddEdge, graph.OpUpdateEdge, graph.OpDeleteEdge:
			t["e:"+c.ID] = true
			if c.Edge != nil {
				t["e:"+c.Edge.Key()] = true
			}
		}
	}
	return t
}

// ords gives every item of next a strictly increasing position, reusing its
// old position whenever that keeps the order.
func ords[T any](next []T, key func(T) string, old *ordIndex) []int64 {
	out := make([]int64, len(next))
	prev := int64(-1)
	for i, x := range next {
		if o, ok := old.get(key(x)); ok && o > prev {
			out[i] = o
		} else {
			out[i] = prev + 1
		}
		prev = out[i]
	}
	return out
}

// nodeSeek is the planner hint that finds node variable v of label
// ChannelNode by its (map, id) key. Every query that looks a node up by its
// key carries it: on a fresh database the planner's statistics say there
// are no nodes, and a plan made then (a label scan and a filter, cached for
// the rest of the import) turned a 10k-node import into minutes of CPU. With
// the hint the plan does not depend on statistics, and a missing index is
// an error instead of a slow scan.
func nodeSeek(v string) string { return "USING INDEX " + v + ":" + labelNode + "(map, id)" }

// write sends the delta in UNWIND batches. fresh means the map is new: nodes
// are created without looking for existing ones.
//
// An import's time grows with nodes, relationships and properties, not with
// statements: batch sizes and the planner's Eager before SET r = row.props
// were measured to make no difference (README, Performance).
func (d *delta) write(ctx context.Context, tx driver.ManagedTransaction, mapID string, fresh bool) error {
	for _, k := range graph.EdgeKinds {
		t := relTypes[k]
		for _, b := range chunks(d.delEdges[t]) {
			q := fmt.Sprintf("UNWIND $rows AS row MATCH (a:%s {map: $map, id: row.from})-[r:%s {id: row.id}]->() "+nodeSeek("a")+" WHERE r.map = $map DELETE r", labelNode, t)
			if _, err := run(ctx, tx, q, map[string]any{"map": mapID, "rows": b}); err != nil {
				return fmt.Errorf("delete %s relationships: %w", t, err)
			}
		}
	}
	for _, b := range chunks(d.delNodes) {
		if _, err := run(ctx, tx, "UNWIND $rows AS id MATCH (n:ChannelNode {map: $map, id: id}) "+nodeSeek("n")+" DETACH DELETE n",
			map[string]any{"map": mapID, "rows": b}); err != nil {
			return fmt.Errorf("delete nodes: %w", err)
		}
	}
	for _, k := range graph.NodeKinds {
		l := kindLabels[k]
		for _, b := range chunks(d.nodes[l]) {
			var q string
			if fresh {
				q = fmt.Sprintf("UNWIND $rows AS row CREATE (n:%s:%s) SET n = row", labelNode, l)
			} else {
				// A node may change kind: drop every kind label, then set its own.
				q = fmt.Sprintf("UNWIND $rows AS row MERGE (n:%s {map: row.map, id: row.id}) SET n = row REMOVE n%s SET n:%s",
					labelNode, allKindLabels, l)
			}
			if _, err := run(ctx, tx, q, map[string]any{"rows": b}); err != nil {
				return fmt.Errorf("write %s nodes: %w", l, err)
			}
		}
	}
	for _, k := range graph.EdgeKinds {
		t := relTypes[k]
		for _, b := range chunks(d.edges[t]) {
			q := fmt.Sprintf(`UNWIND $rows AS row
				MATCH (a:%[1]s {map: $map, id: row.from}) %[3]s MATCH (b:%[1]s {map: $map, id: row.to}) %[4]s
				CREATE (a)-[r:%[2]s]->(b) SET r = row.props RETURN count(r)`, labelNode, t, nodeSeek("a"), nodeSeek("b"))
			recs, err := run(ctx, tx, q, map[string]any{"map": mapID, "rows": b})
			if err != nil {
				return fmt.Errorf("write %s relationships: %w", t, err)
			}
			if n, _ := recs[0].Values[0].(int64); int(n) != len(b) {
				// Validation rules this out; never write half a change.
				return fmt.Errorf("write %s relationships: %d of %d found both ends", t, n, len(b))
			}
		}
	}
	return nil
}

func chunks[T any](rows []T) [][]T {
	var out [][]T
	for len(rows) > 0 {
		n := min(batchSize, len(rows))
		out = append(out, rows[:n])
		rows = rows[n:]
	}
	return out
}

// query runs one read-only Cypher statement and returns its rows; for
// tests and tools that run Cypher against the public schema.
func (s *Store) query(ctx context.Context, q string, params map[string]any) ([][]any, error) {
	var rows [][]any
	err := s.read(ctx, func(tx driver.ManagedTransaction) error {
		recs, err := run(ctx, tx, q, params)
		if err != nil {
			return err
		}
		rows = rows[:0]
		for _, r := range recs {
			rows = append(rows, r.Values)
		}
		return nil
	})
	return rows, err
}
