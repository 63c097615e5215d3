// Package embedded is chanmap's default graph.Store: every map kept in one
// local bbolt file, crash-safe through bbolt's fsync'd transactions and
// opened by a single process at a time.
//
// Layout: a top-level bucket "maps" holds one sub-bucket per map id with
// the key "info" (the list line as JSON: title, currency, version, counts,
// update time, where the last snapshot is) and two sub-buckets keyed by
// version (8 bytes, big-endian): "log", one record per version (time,
// author, message and the change set, as JSON) and "snap", a whole map
// (encoding/gob: decoding a 10k-node map takes about 35 ms against about
// 300 ms for encoding/json) at version 1 and whenever the change sets
// since the last snapshot weigh as much as it (graph.SnapshotDue). A
// version is the nearest snapshot at or below it with the later change
// sets replayed (graph.Replayer). A change set checks the version, applies
// the changes in memory through graph.ApplyToSnapshot and writes one log
// record (and sometimes a snapshot) and the info in one bbolt write
// transaction, so a crash or a failed check leaves the previous version
// intact. Deleting a map moves its bucket, history included, under the
// top-level bucket "deleted" (with a "deleted" key saying when and by
// whom), from where Undelete moves it back.
//
// Maps written before history was kept hold one key "map.gob" (the whole
// map); it reads as the snapshot of their current version, and their first
// write starts the history from there.
//
// Decoded snapshots are kept in memory by (map id, version). The file is
// locked to this process and every write bumps the version, so a snapshot
// whose version equals the stored one is current; each read checks that
// inside its transaction before trusting the cache.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/chanmap/chanmap/graph"
)

var (
	bucketMaps    = []byte("maps")
	bucketDeleted = []byte("deleted")
	bucketLog     = []byte("log")
	bucketSnap    = []byte("snap")
	keyDeleted    = []byte("deleted")
	keyInfo       = []byte("info")
	keyDoc        = []byte("map.gob")
)

// Store is a graph.Store on a bbolt file. It is safe for concurrent use by
// many goroutines of the one process that opened it.
type Store struct {
	db        *bolt.DB
	path      string
	now       func() time.Time
	retention time.Duration

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
	retention   time.Duration
}

// Option tunes Open.
type Option func(*options)

// WithLockTimeout sets how long Open waits for another process to release
// the file (default 1 s) before it gives up with an "in use" error.
func WithLockTimeout(d time.Duration) Option { return func(o *options) { o.lockTimeout = d } }

// WithoutSync skips fsync on commit. Only for throw-away stores (benchmarks
// of everything but the disk): a crash may lose acknowledged writes.
func WithoutSync() Option { return func(o *options) { o.noSync = true } }

// WithRetention sets how long a deleted map is kept before the store
// purges it on its own (default graph.DeletedRetention).
func WithRetention(d time.Duration) Option { return func(o *options) { o.retention = d } }

// Open opens (creating if needed) the store file at path. When another
// process holds the file, Open fails after the lock timeout with an error
// that says so and wraps graph.ErrUnavailable.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{lockTimeout: time.Second, retention: graph.DeletedRetention}
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
		if _, err := tx.CreateBucketIfNotExists(bucketMaps); err != nil {
			return err
		}
		_, err := tx.CreateBucketIfNotExists(bucketDeleted)
		return err
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("initialise database file %s: %w", path, err)
	}
	return &Store{db: db, path: path, now: time.Now, retention: o.retention, cache: map[string]*graph.Map{}}, nil
}

// Path is the file the store was opened on.
func (s *Store) Path() string { return s.path }

// The map list, reads, writes and history are in history.go.

// Support answers from the (cached) snapshot: the whole document is one
// read, so there is nothing to push down.
func (s *Store) Support(ctx context.Context, mapID, segmentID string) (*graph.Support, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var m *graph.Map
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		m, _, err = s.get(tx, mapID)
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
