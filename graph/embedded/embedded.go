// Package embedded is chanmap's default graph.Store: every map kept in one
// local bbolt file, crash-safe through bbolt's fsync'd transactions and
// opened by a single process at a time.
//
// Layout: a top-level bucket "maps" holds one sub-bucket per map id with two
// keys, "info" (the list line as JSON: title, currency, version, counts,
// update time) and "map.gob" (the whole map, encoding/gob: several times
// faster to decode than encoding/json; figures in the README, Performance).
// A snapshot read is one key lookup and one decode; a change set reads the
// document, checks the version, applies the changes in memory through
// graph.ApplyChanges, and writes the new document and info in the same
// bbolt write transaction, so a crash or a failed check leaves the previous
// version intact.
//
// Decoded snapshots are kept in memory by (map id, version). The file is
// locked to this process and every write bumps the version, so a snapshot
// whose version equals the stored one is current; each read checks that
// inside its transaction before trusting the cache.
package embedded

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/chanmap/chanmap/graph"
)

var (
	bucketMaps = []byte("maps")
	keyInfo    = []byte("info")
	keyDoc     = []byte("map.gob")
)

// Store is a graph.Store on a bbolt file. It is safe for concurrent use by
// many goroutines of the one process that opened it.
type Store struct {
	db   *bolt.DB
	path string
	now  func() time.Time

	mu    sync.Mutex
	cache map[string]*graph.Map // by map id; never modified once cached
}

// maxCached bounds how many decoded maps the store keeps.
const maxCached = 16

// cached returns the cached snapshot of map id if it is at version v.
func (s *Store) cached(id string, v int64) *graph.Map {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.cache[id]; m != nil && m.Version == v {
		return m
	}
	return nil
}

// remember caches m (which nobody may modify afterwards).
func (s *Store) remember(m *graph.Map) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.cache[m.ID]; old != nil && old.Version > m.Version {
		return
	}
	if _, ok := s.cache[m.ID]; !ok && len(s.cache) >= maxCached {
		for k := range s.cache {
			delete(s.cache, k)
			break
		}
	}
	s.cache[m.ID] = m
}

func (s *Store) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.cache, id)
}

var _ graph.Store = (*Store)(nil)

type options struct {
	lockTimeout time.Duration
	noSync      bool
}

// Option tunes Open.
type Option func(*options)

// WithLockTimeout sets how long Open waits for another process to release
// the file (default 1 s) before it gives up with an "in use" error.
func WithLockTimeout(d time.Duration) Option { return func(o *options) { o.lockTimeout = d } }

// WithoutSync skips fsync on commit. Only for throw-away stores (benchmarks
// of everything but the disk): a crash may lose acknowledged writes.
func WithoutSync() Option { return func(o *options) { o.noSync = true } }

// Open opens (creating if needed) the store file at path. When another
// process holds the file, Open fails after the lock timeout with an error
// that says so and wraps graph.ErrUnavailable.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{lockTimeout: time.Second}
	for _, f := range opts {
		f(&o)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: o.lockTimeout, NoSync: o.noSync, FreelistType: bolt.FreelistMapType})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("database file %s is in use by another process (it is opened by one process at a time): %w", path, graph.ErrUnavailable)
	}
	if err != nil {
		return nil, fmt.Errorf("open database file %s: %w", path, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketMaps)
		return err
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("initialise database file %s: %w", path, err)
	}
	return &Store{db: db, path: path, now: time.Now, cache: map[string]*graph.Map{}}, nil
}

// Path is the file the store was opened on.
func (s *Store) Path() string { return s.path }

// info is the stored list line of a map.
type info struct {
	Title    string    `json:"title"`
	Currency string    `json:"currency,omitempty"`
	Version  int64     `json:"version"`
	Nodes    int       `json:"nodes"`
	Edges    int       `json:"edges"`
	Updated  time.Time `json:"updated"`
}

// ListMaps lists the stored maps, sorted by id (bbolt keeps keys sorted).
func (s *Store) ListMaps(ctx context.Context) ([]graph.MapInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := []graph.MapInfo{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMaps).ForEachBucket(func(k []byte) error {
			var in info
			if err := json.Unmarshal(tx.Bucket(bucketMaps).Bucket(k).Get(keyInfo), &in); err != nil {
				return fmt.Errorf("map %s: corrupt info record: %w", k, err)
			}
			out = append(out, graph.MapInfo{ID: string(k), Title: in.Title, Currency: in.Currency, Version: in.Version, Nodes: in.Nodes, Edges: in.Edges, Updated: in.Updated})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list maps in %s: %w", s.path, err)
	}
	return out, nil
}

// CreateMap validates m and stores it at version 1.
func (s *Store) CreateMap(ctx context.Context, m *graph.Map) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if m == nil || m.ID == "" {
		return 0, fmt.Errorf("create map: the map has no id")
	}
	if err := graph.Validate(m); err != nil {
		return 0, err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		maps := tx.Bucket(bucketMaps)
		if maps.Bucket([]byte(m.ID)) != nil {
			return fmt.Errorf("map %q: %w", m.ID, graph.ErrExists)
		}
		b, err := maps.CreateBucket([]byte(m.ID))
		if err != nil {
			return fmt.Errorf("create map %q: %w", m.ID, err)
		}
		return s.put(b, m, 1)
	})
	if err != nil {
		return 0, err
	}
	return 1, nil
}

// put writes m as the given version into the map's bucket b.
func (s *Store) put(b *bolt.Bucket, m *graph.Map, version int64) error {
	c := *m
	c.Version = version
	var doc bytes.Buffer
	if err := gob.NewEncoder(&doc).Encode(&c); err != nil {
		return fmt.Errorf("encode map %q: %w", m.ID, err)
	}
	in, err := json.Marshal(info{Title: m.Title, Currency: m.Currency, Version: version, Nodes: len(m.Nodes), Edges: len(m.Edges), Updated: s.now().UTC()})
	if err != nil {
		return fmt.Errorf("encode map %q info: %w", m.ID, err)
	}
	if err := b.Put(keyDoc, doc.Bytes()); err != nil {
		return fmt.Errorf("write map %q: %w", m.ID, err)
	}
	if err := b.Put(keyInfo, in); err != nil {
		return fmt.Errorf("write map %q info: %w", m.ID, err)
	}
	return nil
}

// get returns the map stored in tx under id: the cached snapshot when it is
// at the stored version, else the decoded document. The result is shared:
// callers must not modify it.
func (s *Store) get(tx *bolt.Tx, id string) (*graph.Map, error) {
	b := tx.Bucket(bucketMaps).Bucket([]byte(id))
	if b == nil {
		return nil, fmt.Errorf("map %q: %w", id, graph.ErrNotFound)
	}
	var in info
	if err := json.Unmarshal(b.Get(keyInfo), &in); err != nil {
		return nil, fmt.Errorf("map %q: corrupt info record: %w", id, err)
	}
	if m := s.cached(id, in.Version); m != nil {
		return m, nil
	}
	var m graph.Map
	// The bytes are only valid inside the transaction; decoding copies them.
	if err := gob.NewDecoder(bytes.NewReader(b.Get(keyDoc))).Decode(&m); err != nil {
		return nil, fmt.Errorf("map %q: corrupt document: %w", id, err)
	}
	if m.Version != in.Version {
		return nil, fmt.Errorf("map %q: document is at version %d, its info record at %d", id, m.Version, in.Version)
	}
	s.remember(&m)
	return &m, nil
}

// GetMap reads the whole map with its Version set.
func (s *Store) GetMap(ctx context.Context, id string) (*graph.Map, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var m *graph.Map
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		m, err = s.get(tx, id)
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
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var version int64
	var next *graph.Map
	err := s.db.Update(func(tx *bolt.Tx) error {
		cur, err := s.get(tx, id)
		if err != nil {
			return err
		}
		if cur.Version != expected {
			return fmt.Errorf("map %q is at version %d, not %d: %w", id, cur.Version, expected, graph.ErrConflict)
		}
		next, err = graph.ApplyChanges(cur, cs)
		if err != nil {
			return err
		}
		version = cur.Version + 1
		next.Version = version
		return s.put(tx.Bucket(bucketMaps).Bucket([]byte(id)), next, version)
	})
	if err != nil {
		return 0, err
	}
	s.remember(next) // committed: next is the stored version
	return version, nil
}

// DeleteMap removes map id.
func (s *Store) DeleteMap(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer s.forget(id)
	return s.db.Update(func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketMaps).DeleteBucket([]byte(id))
		if errors.Is(err, bolterrors.ErrBucketNotFound) {
			return fmt.Errorf("map %q: %w", id, graph.ErrNotFound)
		}
		return err
	})
}

// Support answers from the (cached) snapshot: the whole document is one
// read, so there is nothing to push down.
func (s *Store) Support(ctx context.Context, mapID, segmentID string) (*graph.Support, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var m *graph.Map
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		m, err = s.get(tx, mapID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.SupportOf(m, segmentID) // reads m only
}

// Ping checks that the file is still open.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.db.View(func(*bolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("database file %s: %w: %v", s.path, graph.ErrUnavailable, err)
	}
	return nil
}

// Check runs bbolt's consistency check over the whole file and returns the
// problems it finds joined, or nil for an intact file.
func (s *Store) Check() error {
	var errs []error
	err := s.db.View(func(tx *bolt.Tx) error {
		for e := range tx.Check() {
			errs = append(errs, e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}

// Close releases the file (and its lock).
func (s *Store) Close() error { return s.db.Close() }
