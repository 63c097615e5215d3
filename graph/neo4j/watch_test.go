package neo4j

import (
	"context"
	"strings"
	"sync"
	"testing"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/storetest"
)

// queryWatch tells which statements this package ran since its last reset
// (through queryHook): for the tests that check what a read or a write
// touches.
type queryWatch struct {
	mu  sync.Mutex
	ran map[string]bool
}

// watchQueries watches every statement until t ends.
func watchQueries(t *testing.T) *queryWatch {
	t.Helper()
	w := &queryWatch{ran: map[string]bool{}}
	queryHook = func(q string, _ map[string]any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.ran[q] = true
	}
	t.Cleanup(func() { queryHook = nil })
	return w
}

func (w *queryWatch) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	clear(w.ran)
}

// any tells whether one of qs ran since the last reset.
func (w *queryWatch) any(qs ...string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, q := range qs {
		if w.ran[q] {
			return true
		}
	}
	return false
}

// openFor opens a Store for t, closed when t ends, after the maps
// storedSample stored are removed (clean-ups run last first).
func openFor(t *testing.T) *Store {
	t.Helper()
	s := open(t)
	t.Cleanup(func() { s.Close() })
	return s
}

// openRouting is openFor over a routing (neo4j://) URI, as a cluster
// needs; routing works against a single server too.
func openRouting(t *testing.T) *Store {
	t.Helper()
	cfg := testConfig(t)
	cfg.URI = "neo4j://" + strings.TrimPrefix(strings.TrimPrefix(cfg.URI, "bolt://"), "neo4j://")
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open with a routing URI %s: %v", cfg.URI, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// storedSample stores the industrial sample under a fresh id with prefix,
// changed by edit first when edit is not nil, and removes it when t ends.
// The map returned carries its stored version.
func storedSample(t *testing.T, s *Store, prefix string, edit func(m *graph.Map)) *graph.Map {
	t.Helper()
	ctx := context.Background()
	m := storetest.TestdataMaps(t)["industrial.yaml"].Clone()
	m.ID = storetest.FreshID(prefix)
	if edit != nil {
		edit(m)
	}
	v, err := s.CreateMap(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { storetest.Remove(ctx, s, m.ID) })
	m.Version = v
	return m
}

// editByHand runs q with $map bound to map id, as someone editing the
// database in Neo4j Browser would.
func editByHand(t *testing.T, s *Store, id, q string) {
	t.Helper()
	ctx := context.Background()
	if err := s.write(ctx, func(tx driver.ManagedTransaction) error {
		_, err := run(ctx, tx, q, map[string]any{"map": id})
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// bumpByHand moves map id's version on by hand (as the package doc asks of
// an edit by hand) without the hints chanmap's own writes keep.
const bumpByHand = "MATCH (m:ChannelMap {id: $map}) SET m.version = m.version + 1"
