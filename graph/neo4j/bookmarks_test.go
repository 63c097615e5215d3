package neo4j

import (
	"context"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestReadAfterWriteCarriesBookmarks: over a routing (neo4j://) URI, which a
// cluster needs, a write's bookmark is handed to the next transaction, and a
// read in a different session, bypassing the snapshot cache, sees the write.
func TestReadAfterWriteCarriesBookmarks(t *testing.T) {
	ctx := context.Background()
	s := openRouting(t)
	m := storedSample(t, s, "bookmarks", nil)
	before, err := s.bookmarks.GetBookmarks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cs := graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpSetMap, Map: &graph.Map{Title: "after the write", Currency: m.Currency, Classification: m.Classification}}}}
	if _, err := s.Apply(ctx, m.ID, 1, cs); err != nil {
		t.Fatal(err)
	}
	after, err := s.bookmarks.GetBookmarks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) == 0 || strings.Join(after, ",") == strings.Join(before, ",") {
		t.Fatalf("bookmarks after the write %v, before %v: the write left no new bookmark", after, before)
	}
	// A fresh read session (as another request would open), not the cache.
	sess := s.session(ctx, driver.AccessModeRead)
	defer sess.Close(ctx)
	title, err := sess.ExecuteRead(ctx, func(tx driver.ManagedTransaction) (any, error) {
		rec, err := run(ctx, tx, "MATCH (m:ChannelMap {id: $id}) RETURN m.title AS title", map[string]any{"id": m.ID})
		if err != nil || len(rec) != 1 {
			return nil, err
		}
		v, _ := rec[0].Get("title")
		return v, nil
	})
	if err != nil || title != "after the write" {
		t.Fatalf("read after write in another session: %v, %v; want %q", title, err, "after the write")
	}
}
