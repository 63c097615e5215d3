package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/chanmap/chanmap/graph"
)

// info is the stored list line of a map, and where its history stands.
type info struct {
	Title    string    `json:"title"`
	Currency string    `json:"currency,omitempty"`
	Version  int64     `json:"version"`
	Nodes    int       `json:"nodes"`
	Edges    int       `json:"edges"`
	Updated  time.Time `json:"updated"`
	// Snap is the version of the newest snapshot, SnapBytes its size and
	// LogBytes the size of the log records written after it.
	Snap      int64 `json:"snap,omitempty"`
	SnapBytes int64 `json:"snap_bytes,omitempty"`
	LogBytes  int64 `json:"log_bytes,omitempty"`
}

// record is one version's entry in the log.
type record struct {
	Time    time.Time       `json:"time"`
	Author  string          `json:"author,omitempty"`
	Message string          `json:"message,omitempty"`
	Nodes   int             `json:"nodes"`
	Edges   int             `json:"edges"`
	Changes graph.ChangeSet `json:"changes"`
}

// deletion is stored in a deleted map's bucket.
type deletion struct {
	Time   time.Time `json:"time"`
	Author string    `json:"author,omitempty"`
}

func vkey(v int64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], uint64(v))
	return k[:]
}

// mapBucket is map id's bucket and what it says of the map; ErrNotFound
// when the store has no such map.
func mapBucket(tx *bolt.Tx, id string) (*bolt.Bucket, info, error) {
	b := tx.Bucket(bucketMaps).Bucket([]byte(id))
	if b == nil {
		return nil, info{}, fmt.Errorf("map %q: %w", id, graph.ErrNotFound)
	}
	in, err := readInfo(b, id)
	return b, in, err
}

func readInfo(b *bolt.Bucket, id string) (info, error) {
	var in info
	if err := json.Unmarshal(b.Get(keyInfo), &in); err != nil {
		return in, fmt.Errorf("map %q: corrupt info record: %w", id, err)
	}
	return in, nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) (int, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return 0, err
	}
	return len(data), b.Put(key, data)
}

// ListMaps lists the stored maps, sorted by id (bbolt keeps keys sorted).
func (s *Store) ListMaps(ctx context.Context) ([]graph.MapInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := []graph.MapInfo{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMaps).ForEachBucket(func(k []byte) error {
			in, err := readInfo(tx.Bucket(bucketMaps).Bucket(k), string(k))
			if err != nil {
				return err
			}
			out = append(out, in.line(string(k)))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list maps in %s: %w", s.path, err)
	}
	return out, nil
}

// MapInfo reads map id's line of the map list from its info record
// alone, as ListMaps reads every map's.
func (s *Store) MapInfo(ctx context.Context, id string) (graph.MapInfo, error) {
	if err := ctx.Err(); err != nil {
		return graph.MapInfo{}, err
	}
	var out graph.MapInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		_, in, err := mapBucket(tx, id)
		if err != nil {
			return err
		}
		out = in.line(id)
		return nil
	})
	if err != nil {
		return graph.MapInfo{}, err
	}
	return out, nil
}

// line is the map list's line of map id.
func (in info) line(id string) graph.MapInfo {
	return graph.MapInfo{ID: id, Title: in.Title, Currency: in.Currency, Version: in.Version, Nodes: in.Nodes, Edges: in.Edges, Updated: in.Updated}
}

// CreateMap validates m and stores it at version 1: a snapshot and the
// first log record.
func (s *Store) CreateMap(ctx context.Context, m *graph.Map) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if m == nil || m.ID == "" {
		return 0, fmt.Errorf("create map: the map has no id")
	}
	wi := graph.WriteInfoFrom(ctx)
	if err := graph.CheckWriteInfo(wi); err != nil {
		return 0, err
	}
	if err := graph.Validate(m); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("create map %q: %w", m.ID, err)
	}
	c := m.Clone()
	c.Version = 1
	err := s.db.Update(func(tx *bolt.Tx) error {
		maps := tx.Bucket(bucketMaps)
		if maps.Bucket([]byte(m.ID)) != nil {
			return fmt.Errorf("map %q: %w", m.ID, graph.ErrExists)
		}
		b, err := maps.CreateBucket([]byte(m.ID))
		if err != nil {
			return fmt.Errorf("create map %q: %w", m.ID, err)
		}
		in := info{}
		if err := s.putSnap(b, c, &in); err != nil {
			return err
		}
		if err := s.commit(b, c, graph.ChangeSet{}, wi, &in); err != nil {
			return err
		}
		// A big map takes a while to encode: a caller who gave up by now
		// gets nothing stored (the transaction rolls back).
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("create map %q: %w", m.ID, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return 1, nil
}

// putSnap writes m as the snapshot of its version and notes it in in.
func (s *Store) putSnap(b *bolt.Bucket, m *graph.Map, in *info) error {
	snaps, err := b.CreateBucketIfNotExists(bucketSnap)
	if err != nil {
		return fmt.Errorf("map %q: %w", m.ID, err)
	}
	var doc bytes.Buffer
	if err := gob.NewEncoder(&doc).Encode(m); err != nil {
		return fmt.Errorf("encode map %q: %w", m.ID, err)
	}
	if err := snaps.Put(vkey(m.Version), doc.Bytes()); err != nil {
		return fmt.Errorf("write map %q: %w", m.ID, err)
	}
	in.Snap, in.SnapBytes, in.LogBytes = m.Version, int64(doc.Len()), 0
	return nil
}

// commit records next (already at its new version) as the result of cs:
// one log record, a snapshot when one is due, and the info.
func (s *Store) commit(b *bolt.Bucket, next *graph.Map, cs graph.ChangeSet, wi graph.WriteInfo, in *info) error {
	log, err := b.CreateBucketIfNotExists(bucketLog)
	if err != nil {
		return fmt.Errorf("map %q: %w", next.ID, err)
	}
	now := s.now().UTC()
	n, err := putJSON(log, vkey(next.Version), record{Time: now, Author: wi.Author, Message: wi.Message, Nodes: len(next.Nodes), Edges: len(next.Edges), Changes: cs})
	if err != nil {
		return fmt.Errorf("write map %q history: %w", next.ID, err)
	}
	if in.Snap != next.Version {
		in.LogBytes += int64(n)
		if graph.SnapshotDue(in.LogBytes, in.SnapBytes) {
			if err := s.putSnap(b, next, in); err != nil {
				return err
			}
		}
	}
	in.Title, in.Currency, in.Version = next.Title, next.Currency, next.Version
	in.Nodes, in.Edges, in.Updated = len(next.Nodes), len(next.Edges), now
	if _, err := putJSON(b, keyInfo, in); err != nil {
		return fmt.Errorf("write map %q info: %w", next.ID, err)
	}
	return nil
}

// load rebuilds version v of the map in bucket b: the nearest snapshot at
// or below v, with the later change sets replayed.
func load(b *bolt.Bucket, id string, v int64, in info) (*graph.Map, error) {
	if v < 1 || v > in.Version {
		return nil, fmt.Errorf("map %q has no version %d (it is at version %d): %w", id, v, in.Version, graph.ErrNotFound)
	}
	snaps := b.Bucket(bucketSnap)
	if snaps == nil { // written before history was kept
		if v != in.Version {
			return nil, fmt.Errorf("map %q has no version %d (history starts at %d): %w", id, v, in.Version, graph.ErrNotFound)
		}
		return decodeSnap(b.Get(keyDoc), id)
	}
	c := snaps.Cursor()
	k, doc := c.Seek(vkey(v))
	if k == nil || !bytes.Equal(k, vkey(v)) {
		k, doc = c.Prev()
	}
	if k == nil {
		return nil, fmt.Errorf("map %q has no version %d (history starts later): %w", id, v, graph.ErrNotFound)
	}
	m, err := decodeSnap(doc, id)
	if err != nil {
		return nil, err
	}
	if m.Version == v {
		return m, nil
	}
	log := b.Bucket(bucketLog)
	if log == nil {
		return nil, fmt.Errorf("map %q: corrupt history: no log after snapshot %d", id, m.Version)
	}
	rp := graph.NewReplayer(m)
	next := m.Version + 1
	lc := log.Cursor()
	for k, data := lc.Seek(vkey(next)); k != nil && next <= v; k, data = lc.Next() {
		if got := int64(binary.BigEndian.Uint64(k)); got != next {
			return nil, fmt.Errorf("map %q: corrupt history: version %d missing", id, next)
		}
		var rec record
		if err := json.Unmarshal(data, &rec); err != nil {
			return nil, fmt.Errorf("map %q: corrupt history record %d: %w", id, next, err)
		}
		if err := rp.Apply(rec.Changes); err != nil {
			return nil, fmt.Errorf("map %q: replay version %d: %w", id, next, err)
		}
		next++
	}
	if next <= v {
		return nil, fmt.Errorf("map %q: corrupt history: version %d missing", id, next)
	}
	m = rp.Map()
	m.Version = v
	return m, nil
}

func decodeSnap(doc []byte, id string) (*graph.Map, error) {
	var m graph.Map
	// The bytes are only valid inside the transaction; decoding copies them.
	if err := gob.NewDecoder(bytes.NewReader(doc)).Decode(&m); err != nil {
		return nil, fmt.Errorf("map %q: corrupt document: %w", id, err)
	}
	return &m, nil
}

// get returns the current map stored in tx under id: the cached snapshot
// when it is at the stored version, else the rebuilt one. The result is
// shared: callers must not modify it.
func (s *Store) get(tx *bolt.Tx, id string) (*graph.Map, info, error) {
	b, in, err := mapBucket(tx, id)
	if err != nil {
		return nil, in, err
	}
	if m := s.cached(id, in.Version); m != nil {
		return m, in, nil
	}
	m, err := load(b, id, in.Version, in)
	if err != nil {
		return nil, in, err
	}
	if m.Version != in.Version {
		return nil, in, fmt.Errorf("map %q: document is at version %d, its info record at %d", id, m.Version, in.Version)
	}
	s.remember(m)
	return m, in, nil
}

// GetMap reads the whole map with its Version set.
func (s *Store) GetMap(ctx context.Context, id string) (*graph.Map, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var m *graph.Map
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		m, _, err = s.get(tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m.Clone(), nil
}

// Apply applies cs to map id if its version is still expected. Everything
// happens in one bbolt write transaction (bbolt allows one writer at a
// time), so the version check and the write cannot interleave with another
// writer, and an error leaves the file unchanged.
func (s *Store) Apply(ctx context.Context, id string, expected int64, cs graph.ChangeSet) (int64, error) {
	return s.change(ctx, id, expected, func(cur *graph.Map, _ *bolt.Bucket, _ info) (graph.ChangeSet, string, error) {
		return cs, "", nil
	})
}

// change runs one write: it reads the current map, checks the version,
// asks plan for the change set (and a default message), applies it and
// commits the new version.
func (s *Store) change(ctx context.Context, id string, expected int64, plan func(cur *graph.Map, b *bolt.Bucket, in info) (graph.ChangeSet, string, error)) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	wi := graph.WriteInfoFrom(ctx)
	if err := graph.CheckWriteInfo(wi); err != nil {
		return 0, err
	}
	var next *graph.Map
	err := s.db.Update(func(tx *bolt.Tx) error {
		cur, in, err := s.get(tx, id)
		if err != nil {
			return err
		}
		if cur.Version != expected {
			return fmt.Errorf("map %q is at version %d, not %d: %w", id, cur.Version, expected, graph.ErrConflict)
		}
		b := tx.Bucket(bucketMaps).Bucket([]byte(id))
		cs, msg, err := plan(cur, b, in)
		if err != nil {
			return err
		}
		if wi.Message == "" {
			wi.Message = msg
		}
		next, err = graph.ApplyToSnapshot(cur, cs)
		if err != nil {
			return err
		}
		next.Version = cur.Version + 1
		if b.Bucket(bucketSnap) == nil {
			// The first write of a map stored before history was kept:
			// its document becomes the first snapshot.
			if err := s.putSnap(b, cur, &in); err != nil {
				return err
			}
			if err := b.Delete(keyDoc); err != nil {
				return err
			}
		}
		return s.commit(b, next, cs, wi, &in)
	})
	if err != nil {
		return 0, err
	}
	s.remember(next) // committed: next is the stored version
	return next.Version, nil
}

// DeleteMap moves map id, with its history, to the deleted maps if its
// version is still expected (0: any), and purges deleted maps kept past
// the retention time.
func (s *Store) DeleteMap(ctx context.Context, id string, expected int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer s.forget(id)
	wi := graph.WriteInfoFrom(ctx)
	return s.db.Update(func(tx *bolt.Tx) error {
		maps, trash := tx.Bucket(bucketMaps), tx.Bucket(bucketDeleted)
		b := maps.Bucket([]byte(id))
		if b == nil {
			return fmt.Errorf("map %q: %w", id, graph.ErrNotFound)
		}
		in, err := readInfo(b, id)
		if err != nil {
			return err
		}
		if expected != 0 && in.Version != expected {
			return fmt.Errorf("map %q is at version %d, not %d: %w", id, in.Version, expected, graph.ErrConflict)
		}
		if trash.Bucket([]byte(id)) != nil {
			// An older map of the same id was deleted before: the newer
			// deletion replaces it.
			if err := trash.DeleteBucket([]byte(id)); err != nil {
				return err
			}
		}
		if err := tx.MoveBucket([]byte(id), maps, trash); err != nil {
			return fmt.Errorf("delete map %q: %w", id, err)
		}
		if _, err := putJSON(trash.Bucket([]byte(id)), keyDeleted, deletion{Time: s.now().UTC(), Author: wi.Author}); err != nil {
			return err
		}
		return s.purgeExpired(trash)
	})
}

func (s *Store) purgeExpired(trash *bolt.Bucket) error {
	var old [][]byte
	cutoff := s.now().Add(-s.retention)
	err := trash.ForEachBucket(func(k []byte) error {
		var d deletion
		if json.Unmarshal(trash.Bucket(k).Get(keyDeleted), &d) == nil && d.Time.Before(cutoff) {
			old = append(old, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range old {
		if err := trash.DeleteBucket(k); err != nil {
			return err
		}
	}
	return nil
}

// Versions lists the history of map id, newest first.
func (s *Store) Versions(ctx context.Context, id string, before int64, limit int) ([]graph.VersionInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = graph.DefaultVersionPage
	}
	limit = min(limit, graph.MaxVersionPage)
	out := []graph.VersionInfo{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b, in, err := mapBucket(tx, id)
		if err != nil {
			return err
		}
		log := b.Bucket(bucketLog)
		if log == nil { // written before history was kept
			if before == 0 || before > in.Version {
				out = append(out, graph.VersionInfo{Version: in.Version, Time: in.Updated, Nodes: in.Nodes, Edges: in.Edges})
			}
			return nil
		}
		c := log.Cursor()
		var k, data []byte
		if before > 0 {
			c.Seek(vkey(before))
			k, data = c.Prev()
		} else {
			k, data = c.Last()
		}
		for ; k != nil && len(out) < limit; k, data = c.Prev() {
			var rec record
			if err := json.Unmarshal(data, &rec); err != nil {
				return fmt.Errorf("map %q: corrupt history record: %w", id, err)
			}
			out = append(out, graph.VersionInfo{Version: int64(binary.BigEndian.Uint64(k)), Time: rec.Time, Author: rec.Author,
				Message: rec.Message, Changes: len(rec.Changes.Changes), Nodes: rec.Nodes, Edges: rec.Edges})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetVersion rebuilds map id as it was at version v.
func (s *Store) GetVersion(ctx context.Context, id string, v int64) (*graph.Map, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var m *graph.Map
	err := s.db.View(func(tx *bolt.Tx) error {
		b, in, err := mapBucket(tx, id)
		if err != nil {
			return err
		}
		if c := s.cached(id, in.Version); c != nil && v == in.Version {
			m = c.Clone()
			return nil
		}
		m, err = load(b, id, v, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Restore makes version v the new version of map id.
func (s *Store) Restore(ctx context.Context, id string, expected, v int64) (int64, error) {
	return s.change(ctx, id, expected, func(cur *graph.Map, b *bolt.Bucket, in info) (graph.ChangeSet, string, error) {
		past, err := load(b, id, v, in)
		if err != nil {
			return graph.ChangeSet{}, "", err
		}
		return graph.Diff(cur, past), fmt.Sprintf("restore version %d", v), nil
	})
}

// Deleted lists the deleted maps still kept.
func (s *Store) Deleted(ctx context.Context) ([]graph.DeletedMap, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := []graph.DeletedMap{}
	err := s.db.View(func(tx *bolt.Tx) error {
		trash := tx.Bucket(bucketDeleted)
		return trash.ForEachBucket(func(k []byte) error {
			b := trash.Bucket(k)
			in, err := readInfo(b, string(k))
			if err != nil {
				return err
			}
			var d deletion
			if err := json.Unmarshal(b.Get(keyDeleted), &d); err != nil {
				return fmt.Errorf("deleted map %q: corrupt record: %w", k, err)
			}
			out = append(out, graph.DeletedMap{ID: string(k), Title: in.Title, Version: in.Version, Deleted: d.Time, Author: d.Author, Expires: d.Time.Add(s.retention)})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list deleted maps in %s: %w", s.path, err)
	}
	return out, nil
}

// Undelete moves a deleted map back and records that as a new version.
func (s *Store) Undelete(ctx context.Context, id string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	wi := graph.WriteInfoFrom(ctx)
	if err := graph.CheckWriteInfo(wi); err != nil {
		return 0, err
	}
	if wi.Message == "" {
		wi.Message = "undelete"
	}
	var version int64
	err := s.db.Update(func(tx *bolt.Tx) error {
		maps, trash := tx.Bucket(bucketMaps), tx.Bucket(bucketDeleted)
		if trash.Bucket([]byte(id)) == nil {
			return fmt.Errorf("deleted map %q: %w", id, graph.ErrNotFound)
		}
		if maps.Bucket([]byte(id)) != nil {
			return fmt.Errorf("map %q was created again after it was deleted: %w", id, graph.ErrExists)
		}
		if err := tx.MoveBucket([]byte(id), trash, maps); err != nil {
			return fmt.Errorf("undelete map %q: %w", id, err)
		}
		b := maps.Bucket([]byte(id))
		if err := b.Delete(keyDeleted); err != nil {
			return err
		}
		in, err := readInfo(b, id)
		if err != nil {
			return err
		}
		m, err := load(b, id, in.Version, in)
		if err != nil {
			return err
		}
		if b.Bucket(bucketSnap) == nil {
			if err := s.putSnap(b, m, &in); err != nil {
				return err
			}
			if err := b.Delete(keyDoc); err != nil {
				return err
			}
		}
		m.Version = in.Version + 1
		version = m.Version
		return s.commit(b, m, graph.ChangeSet{}, wi, &in)
	})
	if err != nil {
		return 0, err
	}
	return version, nil
}

// Purge removes a deleted map for good.
func (s *Store) Purge(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		trash := tx.Bucket(bucketDeleted)
		if trash.Bucket([]byte(id)) == nil {
			return fmt.Errorf("deleted map %q: %w", id, graph.ErrNotFound)
		}
		return trash.DeleteBucket([]byte(id))
	})
}
