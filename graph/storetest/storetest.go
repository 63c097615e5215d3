// Package storetest is the contract every graph.Store passes: CRUD, round
// trips of the sample maps, atomic change sets, optimistic concurrency,
// history (past versions, restore, delete against a version, undelete,
// purge),
// pushed-down support queries equal to the in-memory ones, and a 10k-node
// map; a large-map group (RunLarge: 100k nodes, and an import cancelled
// midway); plus the benchmarks that measure each store on the same work.
//
// A store's own tests call Run, RunLarge (and Bench) with a function that
// opens a store for one test. Every map the suite creates has a fresh id, so runs
// against a shared server do not clash, and is deleted when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/graph/mapio"
)

// Run runs the whole contract suite against the stores open returns. open
// is called once per sub-test; the store it returns is closed by the suite.
func Run(t *testing.T, open func(t *testing.T) graph.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s graph.Store)
	}{
		{"CRUD", testCRUD},
		{"CreateInvalid", testCreateInvalid},
		{"RoundTrip", testRoundTrip},
		{"Changes", testChanges},
		{"AtomicFailure", testAtomicFailure},
		{"Conflict", testConflict},
		{"ConcurrentWriters", testConcurrentWriters},
		{"Support", testSupport},
		{"BigMap", testBigMap},
		{"CanceledContext", testCanceledContext},
	}
	tests = append(tests, historyTests...)
	tests = append(tests, scenarioTests...)
	tests = append(tests, readTests...)
	tests = append(tests, supportTests...)
	tests = append(tests, applyTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s)
		})
	}
}

// ctx gives each call a deadline, so a hung store fails the test instead of
// hanging it. It is generous: the 10k-node map is one transaction, which a
// loaded 2-core machine with the race detector can take minutes over; the
// benchmarks measure speed, the contract checks behaviour.
func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return c
}

// FreshID returns a map id nobody has used: prefix plus random hex.
func FreshID(prefix string) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return prefix + "-" + hex.EncodeToString(b[:])
}

// create stores m under a fresh id and deletes it when the test ends.
func create(t testing.TB, s graph.Store, m *graph.Map) *graph.Map {
	t.Helper()
	m = m.Clone()
	m.ID = FreshID("st")
	m.Version = 0
	v, err := s.CreateMap(ctx(t), m)
	if err != nil {
		t.Fatalf("CreateMap(%s): %v", m.ID, err)
	}
	if v != 1 {
		t.Fatalf("CreateMap(%s) = version %d, want 1", m.ID, v)
	}
	id := m.ID
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if err := Remove(c, s, id); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	m.Version = 1
	return m
}

// Remove deletes map id (at any version) and purges it, so nothing of it
// is left in the store. A map that is already gone is no error.
func Remove(ctx context.Context, s graph.Store, id string) error {
	if err := s.DeleteMap(ctx, id, 0); err != nil && !errors.Is(err, graph.ErrNotFound) {
		return fmt.Errorf("DeleteMap(%s): %w", id, err)
	}
	if err := s.Purge(ctx, id); err != nil && !errors.Is(err, graph.ErrNotFound) {
		return fmt.Errorf("Purge(%s): %w", id, err)
	}
	return nil
}

// get reads map id and fails the test on error.
func get(t testing.TB, s graph.Store, id string) *graph.Map {
	t.Helper()
	m, err := s.GetMap(ctx(t), id)
	if err != nil {
		t.Fatalf("GetMap(%s): %v", id, err)
	}
	return m
}

// mustEqual fails when got differs from want field for field, showing the
// first difference in the JSON of both.
func mustEqual(t testing.TB, what string, got, want *graph.Map) {
	t.Helper()
	if graph.Equal(got, want) {
		return
	}
	t.Fatalf("%s: the map read back differs from the map written:\n%s", what, firstDiff(got, want))
}

func firstDiff(got, want *graph.Map) string {
	got, want = got.Clone(), want.Clone()
	got.Version, want.Version = 0, 0 // not compared
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var a, b string
		if i < len(gl) {
			a = gl[i]
		}
		if i < len(wl) {
			b = wl[i]
		}
		if a != b {
			lo := max(0, i-3)
			return fmt.Sprintf("at line %d of the JSON:\n got: %s\nwant: %s\ncontext (want):\n%s", i+1, a, b,
				strings.Join(wl[lo:min(len(wl), i+3)], "\n"))
		}
	}
	return "(JSON identical; graph.Equal differs on something JSON does not show)"
}

// TestdataMaps reads every sample map in the module's testdata/maps.
func TestdataMaps(t testing.TB) map[string]*graph.Map {
	t.Helper()
	dir := filepath.Join(moduleRoot(t), "testdata", "maps")
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample maps in %s (%v)", dir, err)
	}
	out := map[string]*graph.Map{}
	for _, f := range files {
		m, err := mapio.ReadFile(f)
		if err != nil {
			t.Fatalf("read sample map: %v", err)
		}
		out[filepath.Base(f)] = m
	}
	return out
}

func moduleRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = up
	}
}

// small is the smallest sample map, for tests that need any valid map.
func small(t testing.TB) *graph.Map {
	var best *graph.Map
	for _, m := range TestdataMaps(t) {
		if best == nil || len(m.Nodes) < len(best.Nodes) {
			best = m
		}
	}
	return best
}

func testCRUD(t *testing.T, s graph.Store) {
	if err := s.Ping(ctx(t)); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	m := create(t, s, small(t))
	if _, err := s.CreateMap(ctx(t), m); !errors.Is(err, graph.ErrExists) {
		t.Fatalf("CreateMap of an existing id: err = %v, want ErrExists", err)
	}
	got := get(t, s, m.ID)
	if got.Version != 1 {
		t.Fatalf("GetMap: version %d, want 1", got.Version)
	}
	mustEqual(t, "GetMap after CreateMap", got, m)
	// A snapshot belongs to its reader: changing it changes nothing stored.
	got.Title = "changed by a reader"
	got.Nodes[0].Name = "changed by a reader"
	got.Nodes = got.Nodes[1:]
	mustEqual(t, "GetMap after a reader changed its snapshot", get(t, s, m.ID), m)

	list, err := s.ListMaps(ctx(t))
	if err != nil {
		t.Fatalf("ListMaps: %v", err)
	}
	if !sort.SliceIsSorted(list, func(i, j int) bool { return list[i].ID < list[j].ID }) {
		t.Errorf("ListMaps is not sorted by id")
	}
	var info *graph.MapInfo
	for i := range list {
		if list[i].ID == m.ID {
			info = &list[i]
		}
	}
	if info == nil {
		t.Fatalf("ListMaps does not list %s", m.ID)
	}
	want := graph.MapInfo{ID: m.ID, Title: m.Title, Currency: m.Currency, Version: 1, Nodes: len(m.Nodes), Edges: len(m.Edges)}
	if info.ID != want.ID || info.Title != want.Title || info.Currency != want.Currency || info.Version != want.Version || info.Nodes != want.Nodes || info.Edges != want.Edges {
		t.Errorf("ListMaps line = %+v, want %+v", *info, want)
	}
	if info.Updated.IsZero() || time.Since(info.Updated) > time.Hour || time.Until(info.Updated) > time.Minute {
		t.Errorf("ListMaps line updated = %v, want about now", info.Updated)
	}

	if err := s.DeleteMap(ctx(t), m.ID, 0); err != nil {
		t.Fatalf("DeleteMap: %v", err)
	}
	if _, err := s.GetMap(ctx(t), m.ID); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("GetMap after DeleteMap: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteMap(ctx(t), m.ID, 0); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("DeleteMap twice: err = %v, want ErrNotFound", err)
	}
	cs := graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpSetMap, Map: &graph.Map{Title: "x"}}}}
	if _, err := s.Apply(ctx(t), m.ID, 1, cs); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("Apply to a deleted map: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Support(ctx(t), m.ID, "anything"); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("Support on a deleted map: err = %v, want ErrNotFound", err)
	}
	list, err = s.ListMaps(ctx(t))
	if err != nil {
		t.Fatalf("ListMaps: %v", err)
	}
	for _, l := range list {
		if l.ID == m.ID {
			t.Fatalf("ListMaps still lists deleted map %s", m.ID)
		}
	}
	// The id is free again.
	m2 := m.Clone()
	m2.Version = 0
	if _, err := s.CreateMap(ctx(t), m2); err != nil {
		t.Fatalf("CreateMap after DeleteMap: %v", err)
	}
}

func testCreateInvalid(t *testing.T, s graph.Store) {
	m := small(t).Clone()
	m.ID = FreshID("st")
	m.Edges = append(m.Edges, &graph.Edge{From: m.Nodes[0].ID, To: "no-such-node", Kind: graph.EdgeSupplies})
	_, err := s.CreateMap(ctx(t), m)
	var ve *graph.ValidationError
	if !errors.As(err, &ve) {
		Remove(ctx(t), s, m.ID)
		t.Fatalf("CreateMap of a map with a dangling edge: err = %v, want *graph.ValidationError", err)
	}
	if _, err := s.GetMap(ctx(t), m.ID); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("an invalid map was stored: GetMap err = %v", err)
	}
}

func testRoundTrip(t *testing.T, s graph.Store) {
	for name, m := range TestdataMaps(t) {
		t.Run(name, func(t *testing.T) {
			stored := create(t, s, m)
			mustEqual(t, name, get(t, s, stored.ID), stored)
		})
	}
}

// testChanges applies change sets of every kind and compares the stored
// result with graph.ApplyChanges in memory.
func testChanges(t *testing.T, s graph.Store) {
	m := create(t, s, sample(t, "industrial.yaml"))
	want := m.Clone()
	version := int64(1)
	apply := func(what string, cs graph.ChangeSet) {
		t.Helper()
		next, err := graph.ApplyChanges(want, cs)
		if err != nil {
			t.Fatalf("%s: the change set is invalid in memory: %v", what, err)
		}
		v, err := s.Apply(ctx(t), m.ID, version, cs)
		if err != nil {
			t.Fatalf("%s: Apply: %v", what, err)
		}
		if v != version+1 {
			t.Fatalf("%s: Apply returned version %d, want %d", what, v, version+1)
		}
		version, want = v, next
		got := get(t, s, m.ID)
		if got.Version != version {
			t.Fatalf("%s: GetMap version %d, want %d", what, got.Version, version)
		}
		mustEqual(t, what, got, want)
	}

	seg := firstOfKind(want, graph.KindSegment)
	org := firstOfKind(want, graph.KindCompany)
	rev := 123456.5
	upd := cloneNode(seg)
	upd.Name = "Renamed segment – ümlaut & <tags>"
	upd.Revenue = &rev
	upd.Tags = []string{"b", "a"}
	upd.Scores = map[string]float64{"growth": 12, "fresh_score": 99}
	upd.Attrs = map[string]any{"note": "free text", "flag": true, "weight": 2.5}
	apply("set_map and update_node", graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpSetMap, Map: &graph.Map{Title: "New title", Currency: "USD", Classification: &graph.Classification{
			Tiers: map[string]float64{"tier1": 0.3, "tier2": 0.1, "tier3": 0}, Indicators: map[string]float64{"profit": 1}}}},
		{Op: graph.OpUpdateNode, ID: seg.ID, Node: upd},
	}})

	newSeg := &graph.Node{ID: "st-new-segment", Kind: graph.KindSegment, Name: "New segment", Market: "consumer", Prefers: []string{"online"}}
	tp := &graph.Node{ID: "st-new-touchpoint", Kind: graph.KindTouchpoint, Name: "Chat", Channel: "web", Purpose: "support"}
	share := 0.5
	apply("add nodes and edges", graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpAddNode, Node: newSeg},
		{Op: graph.OpAddNode, Node: tp},
		{Op: graph.OpAddEdge, Edge: &graph.Edge{From: org.ID, To: newSeg.ID, Kind: graph.EdgeSupplies, Delivery: "online", Share: &share}},
		{Op: graph.OpAddEdge, Edge: &graph.Edge{ID: "st-chat-use", From: newSeg.ID, To: tp.ID, Kind: graph.EdgeUses, Purpose: "questions", Attrs: map[string]any{"since": 2024.0}}},
		{Op: graph.OpAddEdge, Edge: &graph.Edge{From: org.ID, To: tp.ID, Kind: graph.EdgeOperates}},
		// An id given explicitly although it is the default one stays given.
		{Op: graph.OpAddEdge, Edge: &graph.Edge{ID: graph.DefaultEdgeID(org.ID, graph.EdgeSupports, newSeg.ID), From: org.ID, To: newSeg.ID, Kind: graph.EdgeSupports, Services: []string{"training"}}},
	}})

	key := graph.DefaultEdgeID(org.ID, graph.EdgeSupplies, newSeg.ID)
	apply("update_edge", graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpUpdateEdge, ID: key, Edge: &graph.Edge{From: org.ID, To: newSeg.ID, Kind: graph.EdgeSupplies, Delivery: "courier"}},
	}})

	apply("delete edges and nodes", graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpDeleteEdge, ID: "st-chat-use"},
		{Op: graph.OpDeleteEdge, ID: graph.DefaultEdgeID(org.ID, graph.EdgeOperates, tp.ID)},
		{Op: graph.OpDeleteNode, ID: tp.ID},
	}})

	// Delete every edge of the first segment, then the segment.
	var cs graph.ChangeSet
	for _, e := range want.Edges {
		if e.From == seg.ID || e.To == seg.ID {
			cs.Changes = append(cs.Changes, graph.Change{Op: graph.OpDeleteEdge, ID: e.Key()})
		}
	}
	cs.Changes = append(cs.Changes, graph.Change{Op: graph.OpDeleteNode, ID: seg.ID})
	apply("delete a segment with its edges", cs)

	// Additions after deletions in the middle keep their place at the end,
	// twice over (stores that keep positions must not reuse a taken one).
	for i := 0; i < 2; i++ {
		n := &graph.Node{ID: fmt.Sprintf("st-late-%d", i), Kind: graph.KindReseller, Name: "Late reseller"}
		var cs graph.ChangeSet
		if mid := want.Nodes[len(want.Nodes)/2]; i == 0 {
			cs = graph.DeleteNodeCascade(want, mid.ID)
		}
		cs.Changes = append(cs.Changes,
			graph.Change{Op: graph.OpAddNode, Node: n},
			graph.Change{Op: graph.OpAddEdge, Edge: &graph.Edge{From: org.ID, To: n.ID, Kind: graph.EdgeSupplies, Delivery: "freight"}})
		apply(fmt.Sprintf("add after a deletion (%d)", i), cs)
	}
}

func sample(t testing.TB, name string) *graph.Map {
	t.Helper()
	m, ok := TestdataMaps(t)[name]
	if !ok {
		t.Fatalf("sample map %s missing from testdata/maps", name)
	}
	return m
}

func firstOfKind(m *graph.Map, k graph.NodeKind) *graph.Node {
	for _, n := range m.Nodes {
		if n.Kind == k {
			return n
		}
	}
	panic(fmt.Sprintf("sample map %s has no %s node", m.ID, k))
}

func testAtomicFailure(t *testing.T, s graph.Store) {
	m := create(t, s, small(t))
	org := firstOfKind(m, graph.KindCompany)
	cs := graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpSetMap, Map: &graph.Map{Title: "must not be stored"}},
		{Op: graph.OpAddNode, Node: &graph.Node{ID: "st-partner", Kind: graph.KindReseller, Name: "Must not be stored"}},
		{Op: graph.OpAddEdge, Edge: &graph.Edge{From: org.ID, To: "st-partner", Kind: graph.EdgeSupplies}},
		{Op: graph.OpDeleteNode, ID: m.Nodes[len(m.Nodes)-1].ID},
		// Last: an edge to a node that does not exist.
		{Op: graph.OpAddEdge, Edge: &graph.Edge{From: "st-partner", To: "no-such-node", Kind: graph.EdgeSupplies}},
	}}
	_, err := s.Apply(ctx(t), m.ID, 1, cs)
	var ve *graph.ValidationError
	if !errors.As(err, &ve) && !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("Apply of a change set ending in a dangling edge: err = %v, want *graph.ValidationError or ErrNotFound", err)
	}
	got := get(t, s, m.ID)
	if got.Version != 1 {
		t.Fatalf("a failed change set moved the version to %d", got.Version)
	}
	mustEqual(t, "after a failed change set", got, m)

	// A bad field value is rejected as well.
	bad := cloneNode(org)
	bad.Kind = "spaceship"
	_, err = s.Apply(ctx(t), m.ID, 1, graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpSetMap, Map: &graph.Map{Title: "must not be stored"}},
		{Op: graph.OpUpdateNode, ID: org.ID, Node: bad},
	}})
	if !errors.As(err, &ve) {
		t.Fatalf("Apply of an unknown kind: err = %v, want *graph.ValidationError", err)
	}
	mustEqual(t, "after a rejected kind", get(t, s, m.ID), m)
}

func testConflict(t *testing.T, s graph.Store) {
	m := create(t, s, small(t))
	title := func(s string) graph.ChangeSet {
		return graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpSetMap, Map: &graph.Map{Title: s, Currency: m.Currency, Classification: m.Classification}}}}
	}
	v, err := s.Apply(ctx(t), m.ID, 1, title("first"))
	if err != nil || v != 2 {
		t.Fatalf("Apply at version 1 = %d, %v; want 2, nil", v, err)
	}
	if _, err := s.Apply(ctx(t), m.ID, 1, title("stale")); !errors.Is(err, graph.ErrConflict) {
		t.Fatalf("Apply at stale version 1: err = %v, want ErrConflict", err)
	}
	if _, err := s.Apply(ctx(t), m.ID, 7, title("future")); !errors.Is(err, graph.ErrConflict) {
		t.Fatalf("Apply at future version 7: err = %v, want ErrConflict", err)
	}
	got := get(t, s, m.ID)
	if got.Version != 2 || got.Title != "first" {
		t.Fatalf("after conflicts: version %d title %q, want 2 %q", got.Version, got.Title, "first")
	}
}

// testConcurrentWriters runs 8 writers that each add their own nodes, one
// change set at a time, retrying on conflict: every write must survive.
func testConcurrentWriters(t *testing.T, s graph.Store) {
	const writers, each = 8, 4
	m := create(t, s, small(t))
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	var mu sync.Mutex
	conflicts := 0
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				n := &graph.Node{ID: fmt.Sprintf("w%d-n%d", w, i), Kind: graph.KindReseller, Name: fmt.Sprintf("Writer %d node %d", w, i)}
				for attempt := 0; ; attempt++ {
					if attempt > 200 {
						errs <- fmt.Errorf("writer %d: gave up after 200 conflicts", w)
						return
					}
					cur, err := s.GetMap(ctx(t), m.ID)
					if err != nil {
						errs <- fmt.Errorf("writer %d: GetMap: %w", w, err)
						return
					}
					_, err = s.Apply(ctx(t), m.ID, cur.Version, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpAddNode, Node: n}}})
					if errors.Is(err, graph.ErrConflict) {
						mu.Lock()
						conflicts++
						mu.Unlock()
						continue
					}
					if err != nil {
						errs <- fmt.Errorf("writer %d: Apply: %w", w, err)
						return
					}
					break
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got := get(t, s, m.ID)
	if got.Version != 1+writers*each {
		t.Errorf("final version %d, want %d (one per acknowledged write)", got.Version, 1+writers*each)
	}
	for w := 0; w < writers; w++ {
		for i := 0; i < each; i++ {
			if got.Node(fmt.Sprintf("w%d-n%d", w, i)) == nil {
				t.Errorf("lost update: node w%d-n%d is missing", w, i)
			}
		}
	}
	t.Logf("%d writers x %d writes: %d conflicts retried", writers, each, conflicts)
}

// testSupport checks the pushed-down support answer against graph.SupportOf
// on the snapshot, for every segment and customer of every sample map.
func testSupport(t *testing.T, s graph.Store) {
	for name, m := range TestdataMaps(t) {
		if len(m.Nodes) > 2000 {
			continue // the big generated map is covered by BigMap
		}
		t.Run(name, func(t *testing.T) {
			stored := create(t, s, m)
			snap := get(t, s, stored.ID)
			checked := 0
			for _, n := range snap.Nodes {
				if !n.Kind.IsCustomer() {
					continue
				}
				checkSupport(t, s, snap, n.ID)
				checked++
			}
			if checked == 0 {
				t.Fatalf("%s has no segment to ask about", name)
			}
			// A node that is not a segment, and one that does not exist.
			org := firstOfKind(snap, graph.KindCompany)
			_, wantErr := graph.SupportOf(snap, org.ID)
			_, gotErr := s.Support(ctx(t), snap.ID, org.ID)
			if !errors.Is(gotErr, graph.ErrNotCustomer) || !errors.Is(wantErr, graph.ErrNotCustomer) {
				t.Errorf("Support of company %s: err = %v, graph.SupportOf err = %v; want ErrNotCustomer from both", org.ID, gotErr, wantErr)
			}
			if _, err := s.Support(ctx(t), snap.ID, "no-such-segment"); !errors.Is(err, graph.ErrNotFound) {
				t.Errorf("Support of an unknown segment: err = %v, want ErrNotFound", err)
			}
		})
	}
}

func checkSupport(t testing.TB, s graph.Store, snap *graph.Map, seg string) {
	t.Helper()
	want, err := graph.SupportOf(snap, seg)
	if err != nil {
		t.Fatalf("graph.SupportOf(%s): %v", seg, err)
	}
	got, err := s.Support(ctx(t), snap.ID, seg)
	if err != nil {
		t.Fatalf("Support(%s): %v", seg, err)
	}
	gj, _ := json.MarshalIndent(got, "", " ")
	wj, _ := json.MarshalIndent(want, "", " ")
	if string(gj) != string(wj) {
		t.Errorf("Support(%s) differs from graph.SupportOf:\n got: %s\nwant: %s", seg, gj, wj)
	}
}

func testBigMap(t *testing.T, s graph.Store) {
	if testing.Short() {
		t.Skip("10k-node map skipped in -short mode")
	}
	m := gen.Generate(10000, 42)
	start := time.Now()
	stored := create(t, s, m)
	created := time.Since(start)
	start = time.Now()
	got := get(t, s, stored.ID)
	read := time.Since(start)
	t.Logf("10k-node map (%d nodes, %d edges): create %v, read %v", len(m.Nodes), len(m.Edges), created, read)
	mustEqual(t, "10k-node map", got, stored)

	// One small change on the big map, then the support answer of a segment.
	seg := firstOfKind(got, graph.KindSegment)
	upd := cloneNode(seg)
	upd.Name = "changed"
	if _, err := s.Apply(ctx(t), got.ID, got.Version, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: seg.ID, Node: upd}}}); err != nil {
		t.Fatalf("Apply on the big map: %v", err)
	}
	after := get(t, s, got.ID)
	if after.Node(seg.ID).Name != "changed" {
		t.Fatalf("the change on the big map was not stored")
	}
	checkSupport(t, s, after, seg.ID)
}

func testCanceledContext(t *testing.T, s graph.Store) {
	m := create(t, s, small(t))
	c, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.GetMap(c, m.ID); err == nil {
		t.Errorf("GetMap with a canceled context succeeded")
	}
	if _, err := s.Apply(c, m.ID, 1, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpSetMap, Map: &graph.Map{Title: "x"}}}}); err == nil {
		t.Errorf("Apply with a canceled context succeeded")
	}
	if got := get(t, s, m.ID); got.Version != 1 {
		t.Errorf("a canceled Apply changed the map to version %d", got.Version)
	}
}

// cloneNode deep-copies n through its JSON form (all a node holds).
func cloneNode(n *graph.Node) *graph.Node {
	b, err := json.Marshal(n)
	if err != nil {
		panic(err) // a Node always encodes
	}
	var c graph.Node
	if err := json.Unmarshal(b, &c); err != nil {
		panic(err)
	}
	return &c
}
