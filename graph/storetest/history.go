package storetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

// historyTests are the contract's history cases, run by Run.
var historyTests = []struct {
	name string
	fn   func(t *testing.T, s graph.Store)
}{
	{"HistoryVersions", testHistoryVersions},
	{"HistoryManyVersions", testHistoryManyVersions},
	{"HistoryRestore", testHistoryRestore},
	{"DeleteExpectedVersion", testDeleteExpectedVersion},
	{"UndeleteAndPurge", testUndeleteAndPurge},
}

// edit is a small change set on a map that holds a company node: one new
// reseller supplied by it, described at some length.
func edit(m *graph.Map, i int) graph.ChangeSet {
	co := firstOfKind(m, graph.KindCompany).ID
	id := fmt.Sprintf("hist-r%d", i)
	return graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpAddNode, Node: &graph.Node{ID: id, Kind: graph.KindReseller, Name: "Reseller " + id, Description: strings.Repeat("d", 400)}},
		{Op: graph.OpAddEdge, Edge: &graph.Edge{From: co, To: id, Kind: graph.EdgeSupplies, Delivery: "freight"}},
	}}
}

// applyAs applies cs as author with message and returns the new version.
func applyAs(t testing.TB, s graph.Store, id string, expected int64, cs graph.ChangeSet, author, message string) int64 {
	t.Helper()
	c := graph.WithWriteInfo(ctx(t), graph.WriteInfo{Author: author, Message: message})
	v, err := s.Apply(c, id, expected, cs)
	if err != nil {
		t.Fatalf("Apply at version %d: %v", expected, err)
	}
	return v
}

func getVersion(t testing.TB, s graph.Store, id string, v int64) *graph.Map {
	t.Helper()
	m, err := s.GetVersion(ctx(t), id, v)
	if err != nil {
		t.Fatalf("GetVersion(%s, %d): %v", id, v, err)
	}
	if m.Version != v {
		t.Fatalf("GetVersion(%s, %d) has Version %d", id, v, m.Version)
	}
	return m
}

// testHistoryVersions: every applied change set is a version with its
// author, message and counts; every version reads back as it was; paging
// walks the list newest first.
func testHistoryVersions(t *testing.T, s graph.Store) {
	m := create(t, s, sample(t, "hybrid.yaml"))
	want := map[int64]*graph.Map{1: m}
	cur := m
	authors := []string{"", "alice", "bob", "carol"}
	for i := 1; i <= 3; i++ {
		cs := edit(cur, i)
		next, err := graph.ApplyChanges(cur, cs)
		if err != nil {
			t.Fatal(err)
		}
		v := applyAs(t, s, m.ID, cur.Version, cs, authors[i], fmt.Sprintf("add reseller %d", i))
		next.Version = v
		want[v], cur = next, next
	}
	for v, w := range want {
		mustEqual(t, fmt.Sprintf("version %d", v), getVersion(t, s, m.ID, v), w)
	}
	vs, err := s.Versions(ctx(t), m.ID, 0, 0)
	if err != nil {
		t.Fatalf("Versions: %v", err)
	}
	if len(vs) != 4 {
		t.Fatalf("Versions lists %d versions, want 4: %+v", len(vs), vs)
	}
	for i, vi := range vs {
		v := int64(4 - i)
		if vi.Version != v {
			t.Fatalf("Versions[%d] is version %d, want %d (newest first)", i, vi.Version, v)
		}
		if vi.Nodes != len(want[v].Nodes) || vi.Edges != len(want[v].Edges) {
			t.Errorf("version %d counts %d nodes %d edges, want %d and %d", v, vi.Nodes, vi.Edges, len(want[v].Nodes), len(want[v].Edges))
		}
		if vi.Time.IsZero() {
			t.Errorf("version %d has no time", v)
		}
		if v > 1 {
			if vi.Author != authors[v-1] || vi.Message != fmt.Sprintf("add reseller %d", v-1) || vi.Changes != 2 {
				t.Errorf("version %d = %+v, want author %q, message %q, 2 changes", v, vi, authors[v-1], fmt.Sprintf("add reseller %d", v-1))
			}
		}
	}
	page, err := s.Versions(ctx(t), m.ID, 3, 1)
	if err != nil {
		t.Fatalf("Versions(before 3, limit 1): %v", err)
	}
	if len(page) != 1 || page[0].Version != 2 {
		t.Fatalf("Versions(before 3, limit 1) = %+v, want version 2 only", page)
	}
	for _, v := range []int64{0, 5, -1} {
		if _, err := s.GetVersion(ctx(t), m.ID, v); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("GetVersion(%d): err = %v, want ErrNotFound", v, err)
		}
	}
	if _, err := s.Versions(ctx(t), "no-such-map", 0, 0); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("Versions of a missing map: err = %v, want ErrNotFound", err)
	}
	big := graph.WithWriteInfo(ctx(t), graph.WriteInfo{Message: strings.Repeat("m", graph.MaxMessageLen+1)})
	var ve *graph.ValidationError
	if _, err := s.Apply(big, m.ID, cur.Version, edit(cur, 9)); !errors.As(err, &ve) {
		t.Errorf("Apply with an overlong message: err = %v, want *graph.ValidationError", err)
	}
}

// testHistoryManyVersions: enough edits that the store takes snapshots
// between change sets; every version still reads back exactly.
func testHistoryManyVersions(t *testing.T, s graph.Store) {
	m := create(t, s, small(t))
	want := []*graph.Map{nil, m}
	cur := m
	const n = 200 // about 100 KB of change sets: past graph.SnapshotDue's floor
	for i := 1; i <= n; i++ {
		cs := edit(cur, i)
		next, err := graph.ApplyChanges(cur, cs)
		if err != nil {
			t.Fatal(err)
		}
		next.Version = applyAs(t, s, m.ID, cur.Version, cs, "bot", "")
		want, cur = append(want, next), next
	}
	for v := int64(1); v <= int64(len(want)-1); v += 7 {
		mustEqual(t, fmt.Sprintf("version %d", v), getVersion(t, s, m.ID, v), want[v])
	}
	mustEqual(t, "the newest version", getVersion(t, s, m.ID, cur.Version), cur)
	mustEqual(t, "GetMap after many versions", get(t, s, m.ID), cur)
}

// testHistoryRestore: restoring a past version writes it as a new version
// and keeps the versions in between.
func testHistoryRestore(t *testing.T, s graph.Store) {
	m := create(t, s, sample(t, "hybrid.yaml"))
	v2 := applyAs(t, s, m.ID, 1, edit(m, 1), "alice", "")
	after, _ := graph.ApplyChanges(m, edit(m, 1))
	seg := firstOfKind(after, graph.KindSegment)
	cs := graph.DeleteNodeCascade(after, seg.ID)
	v3 := applyAs(t, s, m.ID, v2, cs, "bob", "drop a segment")

	if _, err := s.Restore(ctx(t), m.ID, v2, 1); !errors.Is(err, graph.ErrConflict) {
		t.Fatalf("Restore against a stale version: err = %v, want ErrConflict", err)
	}
	c := graph.WithWriteInfo(ctx(t), graph.WriteInfo{Author: "carol"})
	v4, err := s.Restore(c, m.ID, v3, 1)
	if err != nil {
		t.Fatalf("Restore(1): %v", err)
	}
	if v4 != v3+1 {
		t.Fatalf("Restore gave version %d, want %d", v4, v3+1)
	}
	mustEqual(t, "the map after restoring version 1", get(t, s, m.ID), m)
	if got := getVersion(t, s, m.ID, v3); got.Node(seg.ID) != nil {
		t.Errorf("version %d changed by the restore: segment %s is back in it", v3, seg.ID)
	}
	vs, err := s.Versions(ctx(t), m.ID, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Author != "carol" || !strings.Contains(vs[0].Message, "restore version 1") {
		t.Errorf("the restore's history line = %+v, want author carol and a message naming version 1", vs)
	}
	if _, err := s.Restore(ctx(t), m.ID, v4, 99); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("Restore of a missing version: err = %v, want ErrNotFound", err)
	}
	mustEqual(t, "the map after a failed restore", get(t, s, m.ID), m)
}

// testDeleteExpectedVersion: DeleteMap against a stale version changes
// nothing; against the current one it deletes.
func testDeleteExpectedVersion(t *testing.T, s graph.Store) {
	m := create(t, s, small(t))
	v2 := applyAs(t, s, m.ID, 1, edit(m, 1), "", "")
	if err := s.DeleteMap(ctx(t), m.ID, 1); !errors.Is(err, graph.ErrConflict) {
		t.Fatalf("DeleteMap at a stale version: err = %v, want ErrConflict", err)
	}
	if got := get(t, s, m.ID); got.Version != v2 {
		t.Fatalf("after a refused delete the map is at version %d, want %d", got.Version, v2)
	}
	if err := s.DeleteMap(ctx(t), m.ID, v2); err != nil {
		t.Fatalf("DeleteMap at the current version: %v", err)
	}
	if _, err := s.GetMap(ctx(t), m.ID); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("GetMap after DeleteMap: err = %v, want ErrNotFound", err)
	}
	for _, l := range list(t, s) {
		if l.ID == m.ID {
			t.Fatalf("ListMaps still lists deleted map %s", m.ID)
		}
	}
}

func list(t testing.TB, s graph.Store) []graph.MapInfo {
	t.Helper()
	ls, err := s.ListMaps(ctx(t))
	if err != nil {
		t.Fatalf("ListMaps: %v", err)
	}
	return ls
}

func deleted(t testing.TB, s graph.Store, id string) *graph.DeletedMap {
	t.Helper()
	ds, err := s.Deleted(ctx(t))
	if err != nil {
		t.Fatalf("Deleted: %v", err)
	}
	for i := range ds {
		if ds[i].ID == id {
			return &ds[i]
		}
	}
	return nil
}

// testUndeleteAndPurge: a deleted map is listed as deleted, comes back with
// its history as a new version, cannot come back over a new map of its id,
// and is gone for good once purged.
func testUndeleteAndPurge(t *testing.T, s graph.Store) {
	m := create(t, s, sample(t, "hybrid.yaml"))
	v2 := applyAs(t, s, m.ID, 1, edit(m, 1), "alice", "")
	cur := get(t, s, m.ID)
	if err := s.DeleteMap(graph.WithWriteInfo(ctx(t), graph.WriteInfo{Author: "bob"}), m.ID, v2); err != nil {
		t.Fatalf("DeleteMap: %v", err)
	}
	d := deleted(t, s, m.ID)
	if d == nil {
		t.Fatalf("Deleted does not list map %s", m.ID)
	}
	if d.Version != v2 || d.Title != m.Title || d.Author != "bob" || d.Deleted.IsZero() || !d.Expires.After(d.Deleted) {
		t.Errorf("Deleted line = %+v, want version %d, title %q, author bob, an expiry after the deletion", *d, v2, m.Title)
	}
	v3, err := s.Undelete(ctx(t), m.ID)
	if err != nil {
		t.Fatalf("Undelete: %v", err)
	}
	if v3 != v2+1 {
		t.Errorf("Undelete gave version %d, want %d", v3, v2+1)
	}
	mustEqual(t, "the undeleted map", get(t, s, m.ID), cur)
	mustEqual(t, "version 1 of the undeleted map", getVersion(t, s, m.ID, 1), m)
	if deleted(t, s, m.ID) != nil {
		t.Errorf("Deleted still lists %s after Undelete", m.ID)
	}
	if _, err := s.Undelete(ctx(t), m.ID); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("Undelete of a live map: err = %v, want ErrNotFound", err)
	}
	// The same change sets work on the undeleted map.
	applyAs(t, s, m.ID, v3, edit(cur, 2), "", "")

	// Deleted, then a new map takes the id: undelete is refused.
	if err := s.DeleteMap(ctx(t), m.ID, 0); err != nil {
		t.Fatal(err)
	}
	other := small(t).Clone()
	other.ID = m.ID
	if _, err := s.CreateMap(ctx(t), other); err != nil {
		t.Fatalf("CreateMap over a deleted map's id: %v", err)
	}
	if v, err := s.Versions(ctx(t), m.ID, 0, 0); err != nil || len(v) != 1 {
		t.Errorf("the new map of a deleted map's id has history %+v (err %v), want version 1 only", v, err)
	}
	if _, err := s.Undelete(ctx(t), m.ID); !errors.Is(err, graph.ErrExists) {
		t.Errorf("Undelete over a live map of the same id: err = %v, want ErrExists", err)
	}
	if err := s.Purge(ctx(t), m.ID); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if deleted(t, s, m.ID) != nil {
		t.Errorf("Deleted lists %s after Purge", m.ID)
	}
	if err := s.Purge(ctx(t), m.ID); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("Purge twice: err = %v, want ErrNotFound", err)
	}
	mustEqual(t, "the live map after purging the deleted one", get(t, s, m.ID), other)
}
