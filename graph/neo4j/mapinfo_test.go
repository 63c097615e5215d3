package neo4j

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/storetest"
)

// TestMapInfoReadAfterWrite: over a routing (neo4j://) URI, as a cluster
// needs, a map's line read alone right after a write carries the write
// (the read session waits for the write's bookmark), and after a delete
// the map is not found.
func TestMapInfoReadAfterWrite(t *testing.T) {
	ctx := context.Background()
	s := openRouting(t)
	m := storedSample(t, s, "info", nil)
	v := m.Version
	var err error
	for i, title := range []string{"first title", "second title", "third title"} {
		cs := graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpSetMap, Map: &graph.Map{Title: title, Currency: m.Currency, Classification: m.Classification}}}}
		if v, err = s.Apply(ctx, m.ID, v, cs); err != nil {
			t.Fatal(err)
		}
		in, err := s.MapInfo(ctx, m.ID)
		if err != nil || in.Version != v || in.Title != title || in.Nodes != len(m.Nodes) {
			t.Fatalf("write %d: map info %+v, %v; want version %d, title %q, %d nodes", i+1, in, err, v, title, len(m.Nodes))
		}
	}
	if err := s.DeleteMap(ctx, m.ID, v); err != nil {
		t.Fatal(err)
	}
	if in, err := s.MapInfo(ctx, m.ID); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("map info right after a delete: %+v, %v; want ErrNotFound", in, err)
	}
}

// BenchmarkMapInfo reads one map's line of the map list in a store of
// 200 more maps, from the whole list and alone (see
// storetest.BenchMapInfo), with this process's and the server's CPU per
// read.
//
//	set -a && eval "$(bash .ci/neo4j-up)" && set +a && go test ./graph/neo4j -run '^$' -bench MapInfo
func BenchmarkMapInfo(b *testing.B) {
	s := open(b)
	b.Cleanup(func() { s.Close() }) // after the maps' clean-up
	storetest.BenchMapInfo(b, s, 200, func() map[string]time.Duration {
		return map[string]time.Duration{"client-cpu": cpuTime(), "server-cpu": serverCPU()}
	})
}
