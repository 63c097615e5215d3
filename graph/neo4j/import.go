package neo4j

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"golang.org/x/sync/errgroup"

	"github.com/chanmap/chanmap/graph"
)

// A new map is imported in stages, so that neither the client nor the
// server ever holds the whole map in one transaction, and readers see no
// map or the whole map:
//
//  1. reserve: one small transaction creates (:ChannelMapImport {id, token,
//     gen, started, touched}); the id is unique among reservations, so of
//     two imports of the same id one gets graph.ErrExists here and writes
//     nothing. A live map with the id gives ErrExists too.
//  2. stage: the nodes, then the relationships, then the parts of the
//     version 1 snapshot, and beside these two the overview's rows (see
//     overview.go), each batch in its own transaction, which also
//     checks that the reservation is still this import's and notes the
//     time (touched). Staged nodes and rows carry their map id in `map`
//     like live ones, but no (:ChannelMap) with that id exists yet, and
//     every read starts from the ChannelMap node, so nobody sees them;
//     the rows' header is valid at no version until the next step.
//  3. publish: one small transaction creates the ChannelMap node at
//     version 1, the history record and the snapshot's head, makes the
//     overview's header valid at version 1, and deletes the reservation.
//
// An import that fails or is cancelled removes what it staged (nodes and
// relationships in batches, then the snapshot parts, the overview's rows,
// then the reservation). One whose process died leaves its reservation behind:
// Open sweeps reservations untouched for Config.StaleImport (default
// DefaultStaleImport) and everything staged under them.
const (
	labelImport = "ChannelMapImport"
	labelPart   = "ChannelMapSnapshotPart"
)

// DefaultStaleImport is how long an import's reservation may go untouched
// (no batch written) before Open takes it for the leftover of a crashed
// process and removes it with what it staged.
const DefaultStaleImport = 15 * time.Minute

// partRows is the number of nodes or edges in one part of a stored
// snapshot, so no property holds a whole big map.
const partRows = 5000

// phaseHook, when set (by the import benchmark, before any import runs),
// is told when each phase of an import starts and ends.
var phaseHook func(name string, start bool)

// phase marks the start of import phase name; the function it returns
// marks its end.
func phase(name string) func() {
	seen := phaseHook
	if seen == nil {
		return func() {}
	}
	seen(name, true)
	return func() { seen(name, false) }
}

// reservation is an import in progress.
type reservation struct {
	id, token, gen string
	// touched is when a batch last noted on the reservation that the
	// import is alive (UnixNano; nil: every batch does).
	touched *atomic.Int64
}

func newToken() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// CreateMap validates m and imports it in stages (see above): batches of
// nodes, relationships and snapshot parts in their own transactions, made
// visible at version 1 by one small final transaction.
func (s *Store) CreateMap(ctx context.Context, m *graph.Map) (int64, error) {
	if m == nil || m.ID == "" {
		return 0, errors.New("create map: the map has no id")
	}
	if err := graph.Validate(m); err != nil {
		return 0, err
	}
	wi := graph.WriteInfoFrom(ctx)
	if err := graph.CheckWriteInfo(wi); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("create map %q: %w", m.ID, err)
	}
	r := reservation{id: m.ID, token: newToken(), gen: newGen(), touched: new(atomic.Int64)}
	r.touched.Store(time.Now().UnixNano())
	defer phase("import")()
	if err := s.reserve(ctx, r); err != nil {
		return 0, err
	}
	size, err := s.stage(ctx, r, m)
	if err == nil {
		done := phase("publish")
		err = s.publish(ctx, r, m, wi, size)
		done()
	}
	if err != nil {
		published, cerr := s.abandon(r, r.gen)
		if published {
			// The final transaction committed although its answer was
			// lost: the map is stored.
			return 1, nil
		}
		if cerr != nil {
			err = fmt.Errorf("%w (and removing what was staged failed: %v; the store removes it when it is opened after %v)", err, cerr, s.staleImport())
		}
		return 0, fmt.Errorf("create map %q: %w", m.ID, err)
	}
	if len(m.Nodes)+len(m.Edges) <= maxRemembered {
		s.remember(created(m))
	}
	return 1, nil
}

// maxRemembered is the most nodes and edges of a map an import keeps as
// its cached snapshot (a copy: the caller keeps its map); a bigger one is
// read back when it is next needed, so an import's memory stays at about
// the input map.
const maxRemembered = 300_000

// created is the snapshot an import committed: m at version 1, every node
// and edge at its index. The next change set starts from it without
// reading the map back.
func created(m *graph.Map) *snap {
	c := m.Clone()
	c.Version = 1
	out := &snap{m: c, nodeOrd: newOrdIndex(len(c.Nodes)), edgeOrd: newOrdIndex(len(c.Edges)),
		nodes: int64(len(c.Nodes)), edges: int64(len(c.Edges)), written: true}
	for i, n := range c.Nodes {
		out.nodeOrd.put(n.ID, int64(i))
	}
	for i, e := range c.Edges {
		out.edgeOrd.put(e.Key(), int64(i))
	}
	return out
}

func (s *Store) staleImport() time.Duration {
	if s.cfg.StaleImport > 0 {
		return s.cfg.StaleImport
	}
	return DefaultStaleImport
}

// reserve takes map id for import r: ErrExists when a live map or another
// import has it. Nodes of the id left by an interrupted delete are removed
// first (no map owns them).
func (s *Store) reserve(ctx context.Context, r reservation) error {
	err := s.write(ctx, func(tx driver.ManagedTransaction) error {
		// Creating the reservation first takes the id's lock, so the check
		// below sees any map created or undeleted under that id.
		now := time.Now().UTC()
		if _, err := run(ctx, tx, "CREATE (:"+labelImport+" {id: $id, token: $token, gen: $gen, started: $now, touched: $now})",
			map[string]any{"id": r.id, "token": r.token, "gen": r.gen, "now": now}); err != nil {
			return err
		}
		recs, err := run(ctx, tx, "MATCH (m:ChannelMap {id: $id}) RETURN 1", map[string]any{"id": r.id})
		if err != nil {
			return err
		}
		if len(recs) > 0 {
			return fmt.Errorf("map %q: %w", r.id, graph.ErrExists)
		}
		return nil
	})
	var ne *driver.Neo4jError
	if errors.As(err, &ne) && strings.Contains(ne.Code, "ConstraintValidationFailed") {
		return fmt.Errorf("map %q (another import of it is under way): %w", r.id, graph.ErrExists)
	}
	if err != nil {
		if errors.Is(err, graph.ErrExists) {
			return err
		}
		return fmt.Errorf("create map %q: %w", r.id, err)
	}
	if err := s.deleteNodes(ctx, r.id, &r); err != nil {
		s.abandon(r, r.gen)
		return fmt.Errorf("create map %q: remove nodes left by an interrupted delete: %w", r.id, err)
	}
	return nil
}

// owned is the statement every staging transaction starts with: it checks
// that reservation r is still there (not swept as stale). ownedTouch also
// notes that the import is alive; it takes the reservation's write lock
// until the batch commits, so it runs only every touchEvery, and batches
// in between can be written side by side.
const (
	owned      = "MATCH (i:" + labelImport + " {id: $id}) WHERE i.token = $token RETURN 1"
	ownedTouch = "MATCH (i:" + labelImport + " {id: $id}) WHERE i.token = $token SET i.touched = $now RETURN 1"
)

// touchEvery is how often a running import notes that it is alive: a
// tenth of the time after which Open takes its reservation for a crashed
// import's.
func (s *Store) touchEvery() time.Duration { return s.staleImport() / 10 }

func (s *Store) batch(ctx context.Context, r *reservation, work func(tx driver.ManagedTransaction) error) error {
	q := ownedTouch
	if r != nil && r.touched != nil {
		now, last := time.Now().UnixNano(), r.touched.Load()
		if time.Duration(now-last) < s.touchEvery() || !r.touched.CompareAndSwap(last, now) {
			q = owned
		}
	}
	return s.write(ctx, func(tx driver.ManagedTransaction) error {
		if r != nil {
			recs, err := run(ctx, tx, q, map[string]any{"id": r.id, "token": r.token, "now": time.Now().UTC()})
			if err != nil {
				return err
			}
			if len(recs) == 0 {
				return fmt.Errorf("map %q: the import's reservation is gone (taken for a crashed import after %v without a batch)", r.id, s.staleImport())
			}
		}
		return work(tx)
	})
}

// stage writes m's nodes, relationships and snapshot parts in batches,
// and beside the last two the overview's rows, and returns the size of
// the parts. The client holds one batch's parameters at a time besides m.
func (s *Store) stage(ctx context.Context, r reservation, m *graph.Map) (int64, error) {
	elem, err := s.stageNodes(ctx, r, m)
	if err != nil {
		return 0, err
	}
	// The overview's rows share no lock with the relationships, and the
	// server has a core to spare while those go one batch at a time
	// (relsInFlight; the nodes, two at a time, keep both busy), so the rows
	// are written beside them.
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.stageOverview(gctx, r, m) })
	var size int64
	g.Go(func() error {
		if err := s.stageRels(gctx, r, m, elem); err != nil {
			return err
		}
		done := phase("parts")
		defer done()
		return eachPart(m, func(seq int64, doc []byte) error {
			size += int64(len(doc))
			return s.batch(gctx, &r, func(tx driver.ManagedTransaction) error {
				return writePart(gctx, tx, r.gen, m.ID, 1, seq, doc)
			})
		})
	})
	if err := g.Wait(); err != nil {
		return 0, err
	}
	return size, ctx.Err()
}

// stageOverview writes the overview's rows of m under reservation r, in
// batches of their own transactions: it removes the rows left under the id
// (a deleted map's, which an undelete writes again whole), makes the
// header that of the rows of import r.gen, valid at no version, and writes
// the rows under it. The final transaction makes it valid at version 1
// (qPublishOverview). A purge of a deleted map of the same id meanwhile
// takes the header and the rows: those still to come are not written, and
// the map is published without a header, so its first read counts it and
// writes its rows again (over any of a batch that committed after the
// purge).
func (s *Store) stageOverview(ctx context.Context, r reservation, m *graph.Map) error {
	done := phase("overview")
	defer done()
	if err := s.dropOverviewRows(ctx, &r); err != nil {
		return err
	}
	p := map[string]any{"map": r.id, "gen": r.gen}
	if err := s.batch(ctx, &r, func(tx driver.ManagedTransaction) error {
		_, err := run(ctx, tx, qStageOverview, p)
		return err
	}); err != nil {
		return fmt.Errorf("write the overview's counts: %w", err)
	}
	groups, links := overviewRows(graph.CountOverview(m))
	for _, set := range []struct {
		q    string
		rows []map[string]any
	}{{qStageGroupRows, groups}, {qStageLinkRows, links}} {
		for _, b := range chunks(set.rows) {
			var n int64
			err := s.batch(ctx, &r, func(tx driver.ManagedTransaction) error {
				recs, err := run(ctx, tx, set.q, map[string]any{"map": r.id, "gen": r.gen, "rows": b})
				if err != nil {
					return err
				}
				n, _ = recs[0].Values[0].(int64)
				return nil
			})
			if err != nil {
				return fmt.Errorf("write the overview's counts: %w", err)
			}
			if n == 0 {
				return nil // the header was purged
			}
		}
	}
	return nil
}

// dropOverviewRows removes the overview's header and rows of map r.id in
// batches of their own transactions under reservation r: the header first,
// so that a batch of rows staged under it that starts after writes none.
func (s *Store) dropOverviewRows(ctx context.Context, r *reservation) error {
	p := map[string]any{"map": r.id, "limit": int64(deleteBatch)}
	if err := s.batch(ctx, r, func(tx driver.ManagedTransaction) error {
		_, err := run(ctx, tx, qDropOverviewHead, p)
		return err
	}); err != nil {
		return fmt.Errorf("remove the overview's counts of map %q: %w", r.id, err)
	}
	for _, q := range []string{qDropSomeGroupRows, qDropSomeLinkRows} {
		for {
			var n int64
			err := s.batch(ctx, r, func(tx driver.ManagedTransaction) error {
				recs, err := run(ctx, tx, q, p)
				if err != nil {
					return err
				}
				n, _ = recs[0].Values[0].(int64)
				return nil
			})
			if err != nil {
				return fmt.Errorf("remove the overview's counts of map %q: %w", r.id, err)
			}
			if n == 0 {
				break
			}
		}
	}
	return nil
}

// stageGraph writes m's nodes and relationships in batches under
// reservation r.
func (s *Store) stageGraph(ctx context.Context, r reservation, m *graph.Map) error {
	elem, err := s.stageNodes(ctx, r, m)
	if err != nil {
		return err
	}
	return s.stageRels(ctx, r, m, elem)
}

// stageNodes writes m's nodes in batches under reservation r, and returns
// the element id of each (by its index in m.Nodes). The relationships
// find their ends by these, not through the (map, id) index: looking 5000
// pairs of ends up by key in a batch of their own took minutes of server
// CPU (most of it in the seek's transaction-state checks), by element id
// well under a second.
func (s *Store) stageNodes(ctx context.Context, r reservation, m *graph.Map) ([]string, error) {
	elem := make([]string, len(m.Nodes))
	byLabel := map[string][]int32{}
	for i, n := range m.Nodes {
		l := kindLabels[n.Kind]
		byLabel[l] = append(byLabel[l], int32(i))
	}
	done := phase("nodes")
	defer done()
	nodes, nctx := errgroup.WithContext(ctx)
	nodes.SetLimit(nodesInFlight)
	for _, k := range graph.NodeKinds {
		l := kindLabels[k]
		q := fmt.Sprintf("UNWIND $rows AS row CREATE (n:%s:%s) SET n = row RETURN row.ord, elementId(n)", labelNode, l)
		for _, idx := range chunks(byLabel[l]) {
			rows := make([]map[string]any, len(idx))
			for j, i := range idx {
				rows[j] = nodeProps(m.ID, m.Nodes[i], int64(i))
			}
			if nctx.Err() != nil {
				break // a batch failed: Wait says why
			}
			nodes.Go(func() error {
				err := s.batch(nctx, &r, func(tx driver.ManagedTransaction) error {
					recs, err := run(nctx, tx, q, map[string]any{"rows": rows})
					if err != nil {
						return err
					}
					if len(recs) != len(rows) {
						return fmt.Errorf("%d of %d nodes created", len(recs), len(rows))
					}
					for _, rec := range recs {
						i, _ := rec.Values[0].(int64)
						elem[i], _ = rec.Values[1].(string)
					}
					return nil
				})
				if err != nil {
					return fmt.Errorf("write %s nodes: %w", l, err)
				}
				return nil
			})
		}
	}
	if err := nodes.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err // cancelled before a batch could fail
	}
	return elem, nil
}

// stageRels writes m's relationships in batches under reservation r,
// finding their ends by the element ids of m's nodes (elem).
func (s *Store) stageRels(ctx context.Context, r reservation, m *graph.Map, elem []string) error {
	at := make(map[string]int32, len(m.Nodes))
	for i, n := range m.Nodes {
		at[n.ID] = int32(i)
	}
	done := phase("relationships")
	defer done()
	byType := map[string][]int32{}
	for i, e := range m.Edges {
		t := relTypes[e.Kind]
		byType[t] = append(byType[t], int32(i))
	}
	rels, rctx := errgroup.WithContext(ctx)
	rels.SetLimit(relsInFlight)
	for _, k := range graph.EdgeKinds {
		t := relTypes[k]
		q := fmt.Sprintf(`UNWIND $rows AS row
			MATCH (a) WHERE elementId(a) = row.from MATCH (b) WHERE elementId(b) = row.to
			CREATE (a)-[r:%s]->(b) SET r = row.props RETURN count(r)`, t)
		for _, idx := range chunks(byType[t]) {
			rows := make([]map[string]any, len(idx))
			for j, i := range idx {
				e := m.Edges[i]
				rows[j] = map[string]any{"from": elem[at[e.From]], "to": elem[at[e.To]], "props": edgeProps(m.ID, e, int64(i))}
			}
			if rctx.Err() != nil {
				break // a batch failed: Wait says why
			}
			rels.Go(func() error {
				err := s.batch(rctx, &r, func(tx driver.ManagedTransaction) error {
					recs, err := run(rctx, tx, q, map[string]any{"rows": rows})
					if err != nil {
						return err
					}
					if n, _ := recs[0].Values[0].(int64); int(n) != len(rows) {
						return fmt.Errorf("%d of %d found both ends", n, len(rows))
					}
					return nil
				})
				if err != nil {
					return fmt.Errorf("write %s relationships: %w", t, err)
				}
				return nil
			})
		}
	}
	if err := rels.Wait(); err != nil {
		return err
	}
	return ctx.Err() // cancelled before a batch could fail
}

// nodesInFlight is how many batches of nodes an import has sent at once:
// the client encodes the next batch while the server writes those sent, and
// a server with two cores writes two at a time (batches of nodes share no
// locks: their keys differ, and the reservation is only read). Batches of
// relationships go one at a time (relsInFlight), still encoded while the
// one before is written: two of them lock the same hub nodes (a segment
// and its thousands of customers), and would wait on or deadlock with
// each other.
const (
	nodesInFlight = 2
	relsInFlight  = 1
)

// publish makes the staged map visible: the ChannelMap node at version 1,
// the first history record and the snapshot's head, the overview's staged
// rows valid at version 1, and the reservation removed, in one small
// transaction.
func (s *Store) publish(ctx context.Context, r reservation, m *graph.Map, wi graph.WriteInfo, size int64) error {
	first := *m
	first.Version = 1
	head, parts, err := snapHead(&first)
	if err != nil {
		return err
	}
	return s.batch(ctx, &r, func(tx driver.ManagedTransaction) error {
		props, err := mapProps(m)
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		h := histState{gen: r.gen}
		if err := writeSnapHead(ctx, tx, &h, &first, head, parts, size+int64(len(head))); err != nil {
			return err
		}
		if err := writeRecord(ctx, tx, &h, &first, countsOf(&first), graph.ChangeSet{}, wi, now); err != nil {
			return err
		}
		h.into(props)
		denseHints(m).into(props, 1)
		if _, err := run(ctx, tx, qPublishOverview, map[string]any{"map": m.ID, "gen": r.gen, "v": int64(1)}); err != nil {
			return err
		}
		if _, err := run(ctx, tx, "CREATE (m:ChannelMap) SET m = $props, m.id = $id, m.version = 1, m.updated = $now",
			map[string]any{"id": m.ID, "props": props, "now": now}); err != nil {
			return err
		}
		_, err = run(ctx, tx, "MATCH (i:"+labelImport+" {id: $id}) WHERE i.token = $token DELETE i", map[string]any{"id": r.id, "token": r.token})
		return err
	})
}

// abandon removes what import r staged, with a context of its own (the
// import's may be cancelled). published is true when r's final transaction
// committed after all (its reservation is gone and the live map has
// history gen), and nothing is removed then.
func (s *Store) abandon(r reservation, gen string) (published bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), max(s.cfg.Timeout, time.Minute))
	defer cancel()
	var mine bool
	err = s.read(ctx, func(tx driver.ManagedTransaction) error {
		recs, err := run(ctx, tx, "OPTIONAL MATCH (i:"+labelImport+" {id: $id}) OPTIONAL MATCH (m:ChannelMap {id: $id}) RETURN i.token, m.history_gen",
			map[string]any{"id": r.id})
		if err != nil {
			return err
		}
		tok, _ := recs[0].Values[0].(string)
		live, _ := recs[0].Values[1].(string)
		mine, published = tok == r.token, live != "" && live == gen
		return nil
	})
	if err != nil || published || !mine {
		return published, err
	}
	return false, s.sweep(ctx, r)
}

// sweep removes reservation r and everything staged under it: nodes and
// relationships, snapshot parts and the overview's rows (of an import; a
// delete's or an undelete's reservation has no gen), then the reservation,
// each in batches of their own transactions, so a big import is removed
// without one big transaction (and a sweep that is interrupted can run
// again). No live map has the id while r holds it, so every row under the
// id is the import's (or a deleted map's, which an undelete writes again).
func (s *Store) sweep(ctx context.Context, r reservation) error {
	if err := s.deleteNodes(ctx, r.id, &r); err != nil {
		return err
	}
	for r.gen != "" {
		var n int64
		err := s.batch(ctx, &r, func(tx driver.ManagedTransaction) error {
			recs, err := run(ctx, tx, "MATCH (p:"+labelPart+" {gen: $gen, version: 1}) USING INDEX p:"+labelPart+"(gen) WITH p LIMIT 1000 DELETE p RETURN count(*)", map[string]any{"gen": r.gen})
			if err != nil {
				return err
			}
			n, _ = recs[0].Values[0].(int64)
			return nil
		})
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	if r.gen != "" {
		if err := s.dropOverviewRows(ctx, &r); err != nil {
			return err
		}
	}
	return s.write(ctx, func(tx driver.ManagedTransaction) error {
		_, err := run(ctx, tx, "MATCH (i:"+labelImport+" {id: $id}) WHERE i.token = $token DELETE i", map[string]any{"id": r.id, "token": r.token})
		return err
	})
}

// deleteBatch is how many nodes one transaction of a staged delete removes
// (with their relationships).
const deleteBatch = 10000

// deleteNodes removes the nodes of map id (and their relationships) in
// batches of their own transactions, under reservation r. Only for nodes
// no live map owns: staged ones, or those left by an interrupted delete.
func (s *Store) deleteNodes(ctx context.Context, id string, r *reservation) error {
	for {
		var n int64
		err := s.batch(ctx, r, func(tx driver.ManagedTransaction) error {
			recs, err := run(ctx, tx, "MATCH (n:ChannelNode {map: $map}) USING INDEX n:ChannelNode(map) WITH n LIMIT $limit DETACH DELETE n RETURN count(*)",
				map[string]any{"map": id, "limit": int64(deleteBatch)})
			if err != nil {
				return err
			}
			n, _ = recs[0].Values[0].(int64)
			return nil
		})
		if err != nil {
			return fmt.Errorf("remove the nodes of map %q: %w", id, err)
		}
		if n == 0 {
			return nil
		}
	}
}

// sweepStale removes the reservations of imports untouched for the stale
// time, and what they staged: the leftovers of processes that died while
// importing.
func (s *Store) sweepStale(ctx context.Context) error {
	var stale []reservation
	err := s.read(ctx, func(tx driver.ManagedTransaction) error {
		recs, err := run(ctx, tx, "MATCH (i:"+labelImport+") WHERE i.touched < $cutoff RETURN i.id, i.token, i.gen",
			map[string]any{"cutoff": time.Now().UTC().Add(-s.staleImport())})
		if err != nil {
			return err
		}
		stale = stale[:0]
		for _, rec := range recs {
			var r reservation
			r.id, _ = rec.Values[0].(string)
			r.token, _ = rec.Values[1].(string)
			r.gen, _ = rec.Values[2].(string)
			stale = append(stale, r)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("neo4j: look for crashed imports: %w", err)
	}
	for _, r := range stale {
		if err := s.sweep(ctx, r); err != nil {
			return fmt.Errorf("neo4j: remove the crashed import of map %q: %w", r.id, err)
		}
	}
	return nil
}

// Snapshots are stored in parts: the head (ChannelMapSnapshot {gen, map,
// version, doc, parts}) holds the map without its nodes and edges, and
// each (:ChannelMapSnapshotPart {gen, version, seq, doc}) up to partRows
// nodes or edges, all encoding/gob. A head without parts (written before
// snapshots had parts) holds the whole map.

// snapPart is one part of a stored snapshot.
type snapPart struct {
	Nodes []*graph.Node
	Edges []*graph.Edge
}

// snapHead encodes m without its nodes and edges, and says how many parts
// hold them.
func snapHead(m *graph.Map) ([]byte, int64, error) {
	h := *m
	h.Nodes, h.Edges = nil, nil
	var doc bytes.Buffer
	if err := gob.NewEncoder(&doc).Encode(&h); err != nil {
		return nil, 0, fmt.Errorf("encode map %q: %w", m.ID, err)
	}
	parts := (len(m.Nodes)+partRows-1)/partRows + (len(m.Edges)+partRows-1)/partRows
	return doc.Bytes(), int64(parts), nil
}

// eachPart encodes m's nodes and edges part by part.
func eachPart(m *graph.Map, write func(seq int64, doc []byte) error) error {
	var seq int64
	put := func(p snapPart) error {
		var doc bytes.Buffer
		if err := gob.NewEncoder(&doc).Encode(&p); err != nil {
			return fmt.Errorf("encode map %q: %w", m.ID, err)
		}
		err := write(seq, doc.Bytes())
		seq++
		return err
	}
	for ns := range slicesChunk(m.Nodes) {
		if err := put(snapPart{Nodes: ns}); err != nil {
			return err
		}
	}
	for es := range slicesChunk(m.Edges) {
		if err := put(snapPart{Edges: es}); err != nil {
			return err
		}
	}
	return nil
}

func slicesChunk[T any](xs []T) func(func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(xs) > 0 {
			n := min(partRows, len(xs))
			if !yield(xs[:n]) {
				return
			}
			xs = xs[n:]
		}
	}
}

func writePart(ctx context.Context, tx driver.ManagedTransaction, gen, mapID string, version, seq int64, doc []byte) error {
	if _, err := run(ctx, tx, "CREATE (:"+labelPart+" {gen: $gen, map: $map, version: $v, seq: $seq, doc: $doc})",
		map[string]any{"gen": gen, "map": mapID, "v": version, "seq": seq, "doc": doc}); err != nil {
		return fmt.Errorf("write snapshot of map %q: %w", mapID, err)
	}
	return nil
}

// writeSnapHead writes the head of m's snapshot, whose parts are written
// and weigh size bytes with the head.
func writeSnapHead(ctx context.Context, tx driver.ManagedTransaction, h *histState, m *graph.Map, head []byte, parts, size int64) error {
	if _, err := run(ctx, tx, "CREATE (s:"+labelSnapshot+" {gen: $gen, map: $map, version: $v, doc: $doc, parts: $parts})",
		map[string]any{"gen": h.gen, "map": m.ID, "v": m.Version, "doc": head, "parts": parts}); err != nil {
		return fmt.Errorf("write snapshot of map %q: %w", m.ID, err)
	}
	h.snap, h.snapBytes, h.logBytes = m.Version, size, 0
	return nil
}

// readSnap reads the snapshot whose head is doc (with parts parts) of
// history gen at version v, a page of parts at a time.
func readSnap(ctx context.Context, tx driver.ManagedTransaction, id, gen string, v int64, doc []byte, parts int64) (*graph.Map, error) {
	var m graph.Map
	if err := gob.NewDecoder(bytes.NewReader(doc)).Decode(&m); err != nil {
		return nil, fmt.Errorf("map %q: corrupt snapshot: %w", id, err)
	}
	const page = 20
	for from := int64(0); from < parts; from += page {
		recs, err := run(ctx, tx, "MATCH (p:"+labelPart+" {gen: $gen, version: $v}) WHERE p.seq >= $from AND p.seq < $to RETURN p.seq, p.doc ORDER BY p.seq",
			map[string]any{"gen": gen, "v": v, "from": from, "to": min(from+page, parts)})
		if err != nil {
			return nil, err
		}
		for i, r := range recs {
			if seq, _ := r.Values[0].(int64); seq != from+int64(i) {
				return nil, fmt.Errorf("map %q: corrupt snapshot %d: part %d missing", id, v, from+int64(i))
			}
			var p snapPart
			b, _ := r.Values[1].([]byte)
			if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&p); err != nil {
				return nil, fmt.Errorf("map %q: corrupt snapshot %d part %d: %w", id, v, from+int64(i), err)
			}
			m.Nodes = append(m.Nodes, p.Nodes...)
			m.Edges = append(m.Edges, p.Edges...)
		}
		if int64(len(recs)) != min(from+page, parts)-from {
			return nil, fmt.Errorf("map %q: corrupt snapshot %d: parts missing after %d", id, v, from+int64(len(recs)))
		}
	}
	return &m, nil
}
