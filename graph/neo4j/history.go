package neo4j

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
)

// History in Neo4j (beside the public schema, in labels of its own):
//
//	(:ChannelMapVersion {gen, map, version, time, author, message, nodes, edges, change_count, changes})
//	(:ChannelMapSnapshot {gen, map, version, doc})
//
// One ChannelMapVersion per version holds its change set as JSON; a
// ChannelMapSnapshot holds a whole map (encoding/gob bytes, in
// ChannelMapSnapshotPart parts of 5,000 nodes or edges, see snapHead) at
// version 1 and whenever the change sets since the last snapshot weigh as much as it
// (graph.SnapshotDue). gen is a random id given to a map when it is
// created, kept on its ChannelMap as history_gen with history_snap (the
// newest snapshot's version), history_snap_bytes and history_log_bytes: a
// map deleted and created again under the same id starts a new history.
// Recording a version writes one small node; nothing reads the whole map
// for it. A deleted map's ChannelMap node is relabelled DeletedChannelMap
// (with deleted and deleted_by) and its nodes and relationships removed;
// undelete rebuilds them from the history.
const (
	labelVersion  = "ChannelMapVersion"
	labelSnapshot = "ChannelMapSnapshot"
	labelDeleted  = "DeletedChannelMap"
)

// histState is where a map's history stands, as kept on its ChannelMap node.
type histState struct {
	gen                       string
	snap, snapBytes, logBytes int64
}

func readHist(p map[string]any) histState {
	var h histState
	h.gen, _ = p["history_gen"].(string)
	h.snap, _ = p["history_snap"].(int64)
	h.snapBytes, _ = p["history_snap_bytes"].(int64)
	h.logBytes, _ = p["history_log_bytes"].(int64)
	return h
}

func (h histState) into(p map[string]any) {
	p["history_gen"] = h.gen
	p["history_snap"] = h.snap
	p["history_snap_bytes"] = h.snapBytes
	p["history_log_bytes"] = h.logBytes
}

// countsOf is the node and edge counts of a whole map.
func countsOf(m *graph.Map) [2]int64 { return [2]int64{int64(len(m.Nodes)), int64(len(m.Edges))} }

func newGen() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// writeSnap stores m as the snapshot of its version, in parts (see
// snapHead), inside tx.
func writeSnap(ctx context.Context, tx driver.ManagedTransaction, h *histState, m *graph.Map) error {
	head, parts, err := snapHead(m)
	if err != nil {
		return err
	}
	size := int64(len(head))
	if err := eachPart(m, func(seq int64, doc []byte) error {
		size += int64(len(doc))
		return writePart(ctx, tx, h.gen, m.ID, m.Version, seq, doc)
	}); err != nil {
		return err
	}
	return writeSnapHead(ctx, tx, h, m, head, parts, size)
}

// writeRecord records next (at its new version) as the result of cs, and a
// snapshot when one is due.
//
// counts are the map's node and edge counts at next's version; next may be
// only the part of the map a small change read (see applyLocal), which
// never falls due for a snapshot.
func writeRecord(ctx context.Context, tx driver.ManagedTransaction, h *histState, next *graph.Map, counts [2]int64, cs graph.ChangeSet, wi graph.WriteInfo, now time.Time) error {
	data, err := json.Marshal(cs)
	if err != nil {
		return fmt.Errorf("encode change set: %w", err)
	}
	if _, err := run(ctx, tx, "CREATE (r:"+labelVersion+` {gen: $gen, map: $map, version: $v, time: $time, author: $author,
		message: $message, nodes: $nodes, edges: $edges, change_count: $count, changes: $changes})`,
		map[string]any{"gen": h.gen, "map": next.ID, "v": next.Version, "time": now, "author": wi.Author, "message": wi.Message,
			"nodes": counts[0], "edges": counts[1], "count": int64(len(cs.Changes)), "changes": string(data)}); err != nil {
		return fmt.Errorf("write history of map %q: %w", next.ID, err)
	}
	if h.snap != next.Version {
		h.logBytes += int64(len(data))
		if graph.SnapshotDue(h.logBytes, h.snapBytes) {
			if counts != countsOf(next) {
				return errWhole
			}
			return writeSnap(ctx, tx, h, next)
		}
	}
	return nil
}

// loadVersion rebuilds version v of the map whose history is gen: the
// nearest snapshot at or below v with the later change sets replayed.
func loadVersion(ctx context.Context, tx driver.ManagedTransaction, id, gen string, v int64) (*graph.Map, error) {
	recs, err := run(ctx, tx, "MATCH (s:"+labelSnapshot+" {gen: $gen}) WHERE s.version <= $v RETURN s.version, s.doc, s.parts ORDER BY s.version DESC LIMIT 1",
		map[string]any{"gen": gen, "v": v})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("map %q has no version %d: %w", id, v, graph.ErrNotFound)
	}
	sv, _ := recs[0].Values[0].(int64)
	doc, _ := recs[0].Values[1].([]byte)
	parts, _ := recs[0].Values[2].(int64)
	var m graph.Map
	if parts > 0 {
		p, err := readSnap(ctx, tx, id, gen, sv, doc, parts)
		if err != nil {
			return nil, err
		}
		m = *p
	} else if err := gob.NewDecoder(bytes.NewReader(doc)).Decode(&m); err != nil {
		return nil, fmt.Errorf("map %q: corrupt snapshot: %w", id, err)
	}
	if m.Version == v {
		return &m, nil
	}
	recs, err = run(ctx, tx, "MATCH (r:"+labelVersion+" {gen: $gen}) WHERE r.version > $from AND r.version <= $v RETURN r.version, r.changes ORDER BY r.version",
		map[string]any{"gen": gen, "from": m.Version, "v": v})
	if err != nil {
		return nil, err
	}
	rp := graph.NewReplayer(&m)
	next := m.Version + 1
	for _, r := range recs {
		if got, _ := r.Values[0].(int64); got != next {
			return nil, fmt.Errorf("map %q: corrupt history: version %d missing", id, next)
		}
		var cs graph.ChangeSet
		data, _ := r.Values[1].(string)
		if err := json.Unmarshal([]byte(data), &cs); err != nil {
			return nil, fmt.Errorf("map %q: corrupt history record %d: %w", id, next, err)
		}
		if err := rp.Apply(cs); err != nil {
			return nil, fmt.Errorf("map %q: replay version %d: %w", id, next, err)
		}
		next++
	}
	if next <= v {
		return nil, fmt.Errorf("map %q has no version %d: %w", id, v, graph.ErrNotFound)
	}
	out := rp.Map()
	out.Version = v
	return out, nil
}

// mapState reads the version and history state of live map id.
func mapState(ctx context.Context, tx driver.ManagedTransaction, id string) (int64, histState, error) {
	recs, err := run(ctx, tx, "MATCH (m:ChannelMap {id: $map}) RETURN properties(m)", map[string]any{"map": id})
	if err != nil {
		return 0, histState{}, err
	}
	if len(recs) == 0 {
		return 0, histState{}, fmt.Errorf("map %q: %w", id, graph.ErrNotFound)
	}
	p, _ := recs[0].Values[0].(map[string]any)
	v, _ := p["version"].(int64)
	return v, readHist(p), nil
}

// Versions lists the history of map id, newest first.
func (s *Store) Versions(ctx context.Context, id string, before int64, limit int) ([]graph.VersionInfo, error) {
	if limit <= 0 {
		limit = graph.DefaultVersionPage
	}
	limit = min(limit, graph.MaxVersionPage)
	out := []graph.VersionInfo{}
	err := s.read(ctx, func(tx driver.ManagedTransaction) error {
		out = out[:0]
		cur, h, err := mapState(ctx, tx, id)
		if err != nil {
			return err
		}
		if h.gen == "" { // written before history was kept
			if before == 0 || before > cur {
				out = append(out, graph.VersionInfo{Version: cur})
			}
			return nil
		}
		recs, err := run(ctx, tx, "MATCH (r:"+labelVersion+` {gen: $gen}) USING INDEX r:`+labelVersion+`(gen) WHERE $before = 0 OR r.version < $before
			RETURN r.version, r.time, r.author, r.message, r.change_count, r.nodes, r.edges ORDER BY r.version DESC LIMIT $limit`,
			map[string]any{"gen": h.gen, "before": before, "limit": int64(limit)})
		if err != nil {
			return err
		}
		for _, r := range recs {
			var vi graph.VersionInfo
			vi.Version, _ = r.Values[0].(int64)
			vi.Time, _ = r.Values[1].(time.Time)
			vi.Time = vi.Time.UTC()
			vi.Author, _ = r.Values[2].(string)
			vi.Message, _ = r.Values[3].(string)
			c, _ := r.Values[4].(int64)
			n, _ := r.Values[5].(int64)
			e, _ := r.Values[6].(int64)
			vi.Changes, vi.Nodes, vi.Edges = int(c), int(n), int(e)
			out = append(out, vi)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("versions of map %q: %w", id, err)
	}
	return out, nil
}

// GetVersion rebuilds map id as it was at version v.
func (s *Store) GetVersion(ctx context.Context, id string, v int64) (*graph.Map, error) {
	var m *graph.Map
	current := false
	err := s.read(ctx, func(tx driver.ManagedTransaction) error {
		cur, h, err := mapState(ctx, tx, id)
		if err != nil {
			return err
		}
		if v < 1 || v > cur {
			return fmt.Errorf("map %q has no version %d (it is at version %d): %w", id, v, cur, graph.ErrNotFound)
		}
		if v == cur {
			current = true
			return nil
		}
		if h.gen == "" {
			return fmt.Errorf("map %q has no version %d (history starts at %d): %w", id, v, cur, graph.ErrNotFound)
		}
		m, err = loadVersion(ctx, tx, id, h.gen, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	if current {
		m, err = s.GetMap(ctx, id)
		if err == nil && m.Version != v {
			return s.GetVersion(ctx, id, v) // it moved on between the reads
		}
	}
	return m, err
}

// Restore makes version v the new version of map id.
func (s *Store) Restore(ctx context.Context, id string, expected, v int64) (int64, error) {
	return s.change(ctx, id, expected, func(tx driver.ManagedTransaction, cur *graph.Map, h histState) (graph.ChangeSet, string, error) {
		if v < 1 || v > cur.Version || h.gen == "" && v != cur.Version {
			return graph.ChangeSet{}, "", fmt.Errorf("map %q has no version %d: %w", id, v, graph.ErrNotFound)
		}
		past := cur
		if v != cur.Version {
			var err error
			if past, err = loadVersion(ctx, tx, id, h.gen, v); err != nil {
				return graph.ChangeSet{}, "", err
			}
		}
		return graph.Diff(cur, past), fmt.Sprintf("restore version %d", v), nil
	})
}

// Deleted lists the deleted maps still kept.
func (s *Store) Deleted(ctx context.Context) ([]graph.DeletedMap, error) {
	out := []graph.DeletedMap{}
	err := s.read(ctx, func(tx driver.ManagedTransaction) error {
		out = out[:0]
		recs, err := run(ctx, tx, "MATCH (d:"+labelDeleted+") RETURN d.id, d.title, d.version, d.deleted, d.deleted_by ORDER BY d.id", nil)
		if err != nil {
			return err
		}
		for _, r := range recs {
			var d graph.DeletedMap
			d.ID, _ = r.Values[0].(string)
			d.Title, _ = r.Values[1].(string)
			d.Version, _ = r.Values[2].(int64)
			d.Deleted, _ = r.Values[3].(time.Time)
			d.Deleted = d.Deleted.UTC()
			d.Author, _ = r.Values[4].(string)
			d.Expires = d.Deleted.Add(s.retention())
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list deleted maps: %w", err)
	}
	return out, nil
}

func (s *Store) retention() time.Duration {
	if s.cfg.Retention > 0 {
		return s.cfg.Retention
	}
	return graph.DeletedRetention
}

// DeleteMap relabels the map's ChannelMap node DeletedChannelMap (keeping
// its history) if its version is still expected (0: any), in one small
// transaction that also reserves the id (see import.go); then removes its
// nodes and relationships in batches of their own transactions, and frees
// the id. Readers see the whole map until the first transaction commits
// and no map after it. Deleted maps past the retention are purged.
func (s *Store) DeleteMap(ctx context.Context, id string, expected int64) error {
	defer s.forget(id)
	wi := graph.WriteInfoFrom(ctx)
	r := reservation{id: id, token: newToken()}
	err := s.write(ctx, func(tx driver.ManagedTransaction) error {
		recs, err := run(ctx, tx, "MATCH (m:ChannelMap {id: $map}) SET m._lock = true REMOVE m._lock RETURN m.version, properties(m)", map[string]any{"map": id})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return fmt.Errorf("map %q: %w", id, graph.ErrNotFound)
		}
		cur, _ := recs[0].Values[0].(int64)
		if expected != 0 && cur != expected {
			return fmt.Errorf("map %q is at version %d, not %d: %w", id, cur, expected, graph.ErrConflict)
		}
		p, _ := recs[0].Values[1].(map[string]any)
		h := readHist(p)
		if h.gen == "" {
			// Written before history was kept: its current state becomes
			// the history's first snapshot, so it can be undeleted.
			sn, err := snapshot(ctx, tx, id)
			if err != nil {
				return err
			}
			h.gen = newGen()
			if err := writeSnap(ctx, tx, &h, sn.m); err != nil {
				return err
			}
		}
		// An older deletion of the same id is replaced by this one.
		if err := purge(ctx, tx, id); err != nil && !isNotFound(err) {
			return err
		}
		now := time.Now().UTC()
		props := map[string]any{"deleted": now, "deleted_by": wi.Author}
		h.into(props)
		if _, err := run(ctx, tx, "MATCH (m:ChannelMap {id: $map}) REMOVE m:ChannelMap SET m:"+labelDeleted+" SET m += $props",
			map[string]any{"map": id, "props": props}); err != nil {
			return err
		}
		// The map's nodes are removed after this commits; the reservation
		// keeps imports and undeletes of the id out meanwhile, and tells
		// Open what to remove if this process dies first.
		if _, err := run(ctx, tx, "CREATE (:"+labelImport+" {id: $id, token: $token, gen: '', started: $now, touched: $now})",
			map[string]any{"id": id, "token": r.token, "now": now}); err != nil {
			return err
		}
		expired, err := run(ctx, tx, "MATCH (d:"+labelDeleted+") WHERE d.deleted < $cutoff RETURN d.id",
			map[string]any{"cutoff": time.Now().UTC().Add(-s.retention())})
		if err != nil {
			return err
		}
		for _, r := range expired {
			old, _ := r.Values[0].(string)
			if err := purge(ctx, tx, old); err != nil {
				return err
			}
		}
		return nil
	})
	var ne *driver.Neo4jError
	if errors.As(err, &ne) && strings.Contains(ne.Code, "ConstraintValidationFailed") {
		return fmt.Errorf("map %q is being imported or deleted: %w", id, graph.ErrConflict)
	}
	if err != nil {
		return err
	}
	// The map is deleted; removing its nodes may be finished by Open's
	// sweep if it fails now.
	if err := s.sweep(ctx, r); err != nil {
		return fmt.Errorf("map %q is deleted, but removing its nodes failed (the store finishes it when it is opened after %v): %w", id, s.staleImport(), err)
	}
	return nil
}

func isNotFound(err error) bool { return err != nil && errors.Is(err, graph.ErrNotFound) }

// purge removes deleted map id and its history inside tx.
func purge(ctx context.Context, tx driver.ManagedTransaction, id string) error {
	recs, err := run(ctx, tx, "MATCH (d:"+labelDeleted+" {id: $map}) RETURN d.history_gen", map[string]any{"map": id})
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return fmt.Errorf("deleted map %q: %w", id, graph.ErrNotFound)
	}
	gen, _ := recs[0].Values[0].(string)
	for _, l := range []string{labelVersion, labelSnapshot, labelPart} {
		for {
			recs, err := run(ctx, tx, "MATCH (r:"+l+" {gen: $gen}) USING INDEX r:"+l+"(gen) WITH r LIMIT 10000 DELETE r RETURN count(*)", map[string]any{"gen": gen})
			if err != nil {
				return err
			}
			if n, _ := recs[0].Values[0].(int64); n == 0 {
				break
			}
		}
	}
	if err := dropOverview(ctx, tx, id); err != nil {
		return err
	}
	_, err = run(ctx, tx, "MATCH (d:"+labelDeleted+" {id: $map}) DELETE d", map[string]any{"map": id})
	return err
}

// Purge removes a deleted map and its history for good.
func (s *Store) Purge(ctx context.Context, id string) error {
	return s.write(ctx, func(tx driver.ManagedTransaction) error { return purge(ctx, tx, id) })
}

// Undelete rebuilds a deleted map from its history as a new version, in
// stages like an import (see import.go), so a big map is not written in one
// transaction: one small transaction reserves the id (the reservation has
// no gen, so nothing of the history is removed with what it staged); the
// nodes and relationships are written in batches; one small transaction
// checks that the deleted map is still the one read, records the version
// and turns it back into a ChannelMap. Readers see no map until then, and
// an undelete that fails leaves the map deleted as it was.
func (s *Store) Undelete(ctx context.Context, id string) (int64, error) {
	wi := graph.WriteInfoFrom(ctx)
	if err := graph.CheckWriteInfo(wi); err != nil {
		return 0, err
	}
	if wi.Message == "" {
		wi.Message = "undelete"
	}
	r := reservation{id: id, token: newToken(), touched: new(atomic.Int64)}
	r.touched.Store(time.Now().UnixNano())
	var h histState
	var v int64
	err := s.write(ctx, func(tx driver.ManagedTransaction) error {
		recs, err := run(ctx, tx, "MATCH (d:"+labelDeleted+" {id: $map}) SET d._lock = true REMOVE d._lock RETURN properties(d)", map[string]any{"map": id})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return fmt.Errorf("deleted map %q: %w", id, graph.ErrNotFound)
		}
		// The reservation of the id (see import.go) keeps an import of
		// the same id out, and an import under way makes this fail.
		now := time.Now().UTC()
		if _, err := run(ctx, tx, "CREATE (:"+labelImport+" {id: $map, token: $token, gen: '', started: $now, touched: $now})",
			map[string]any{"map": id, "token": r.token, "now": now}); err != nil {
			return err
		}
		if live, err := run(ctx, tx, "MATCH (m:ChannelMap {id: $map}) RETURN 1", map[string]any{"map": id}); err != nil {
			return err
		} else if len(live) > 0 {
			return fmt.Errorf("map %q was created again after it was deleted: %w", id, graph.ErrExists)
		}
		p, _ := recs[0].Values[0].(map[string]any)
		h = readHist(p)
		v, _ = p["version"].(int64)
		return nil
	})
	var ne *driver.Neo4jError
	if errors.As(err, &ne) && strings.Contains(ne.Code, "ConstraintValidationFailed") {
		return 0, fmt.Errorf("map %q is being imported again: %w", id, graph.ErrExists)
	}
	if err != nil {
		return 0, err
	}
	version, err := s.undelete(ctx, r, h, v, wi)
	if err != nil {
		published, cerr := s.abandon(r, h.gen)
		if published {
			// The final transaction committed although its answer was lost.
			return v + 1, nil
		}
		if cerr != nil {
			err = fmt.Errorf("%w (and removing what was staged failed: %v; the store removes it when it is opened after %v)", err, cerr, s.staleImport())
		}
		return 0, fmt.Errorf("undelete map %q: %w", id, err)
	}
	return version, nil
}

// undelete stages version v of deleted map r.id (history h) and publishes
// it as version v+1.
func (s *Store) undelete(ctx context.Context, r reservation, h histState, v int64, wi graph.WriteInfo) (int64, error) {
	// Nodes a crashed delete of the id left behind belong to no map.
	if err := s.deleteNodes(ctx, r.id, &r); err != nil {
		return 0, err
	}
	var m *graph.Map
	if err := s.read(ctx, func(tx driver.ManagedTransaction) error {
		var err error
		m, err = loadVersion(ctx, tx, r.id, h.gen, v)
		return err
	}); err != nil {
		return 0, err
	}
	if err := s.stageGraph(ctx, r, m); err != nil {
		return 0, err
	}
	m.Version = v + 1
	err := s.batch(ctx, &r, func(tx driver.ManagedTransaction) error {
		recs, err := run(ctx, tx, "MATCH (d:"+labelDeleted+" {id: $map}) SET d._lock = true REMOVE d._lock RETURN d.version, d.history_gen", map[string]any{"map": r.id})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return fmt.Errorf("deleted map %q (purged meanwhile): %w", r.id, graph.ErrNotFound)
		}
		if dv, _ := recs[0].Values[0].(int64); dv != v {
			return fmt.Errorf("deleted map %q changed meanwhile: %w", r.id, graph.ErrConflict)
		}
		if gen, _ := recs[0].Values[1].(string); gen != h.gen {
			return fmt.Errorf("deleted map %q changed meanwhile: %w", r.id, graph.ErrConflict)
		}
		now := time.Now().UTC()
		hh := h
		if err := writeRecord(ctx, tx, &hh, m, countsOf(m), graph.ChangeSet{}, wi, now); err != nil {
			return err
		}
		props, err := mapProps(m)
		if err != nil {
			return err
		}
		props["version"], props["updated"] = m.Version, now
		hh.into(props)
		denseHints(m).into(props, m.Version)
		if err := writeOverview(ctx, tx, m.ID, graph.CountOverview(m), m.Version); err != nil {
			return err
		}
		if _, err := run(ctx, tx, "MATCH (d:"+labelDeleted+" {id: $map}) REMOVE d:"+labelDeleted+" SET d:ChannelMap SET d = $props",
			map[string]any{"map": r.id, "props": props}); err != nil {
			return err
		}
		_, err = run(ctx, tx, "MATCH (i:"+labelImport+" {id: $map}) WHERE i.token = $token DELETE i", map[string]any{"map": r.id, "token": r.token})
		return err
	})
	if err != nil {
		return 0, err
	}
	return m.Version, nil
}
