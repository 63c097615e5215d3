package neo4j

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/graph/storetest"
)

// TestConcurrentImports: two imports of the same id at once (different
// maps, so their nodes do not clash by key): one wins, the other gets
// ErrExists, and what is stored is exactly the winner's map, while a
// reader polling the id all along sees no map or the whole map.
func TestConcurrentImports(t *testing.T) {
	s := open(t)
	defer s.Close()
	ctx := context.Background()
	id := storetest.FreshID("twice")
	a, b := gen.Generate(3000, 1), gen.Generate(2000, 2)
	a.ID, b.ID = id, id
	var wg sync.WaitGroup
	errs := make([]error, 2)
	done := make(chan struct{})
	for i, m := range []*graph.Map{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.CreateMap(ctx, m)
		}()
	}
	go func() { wg.Wait(); close(done) }()
	reads, whole := 0, 0
	reader := uncached{s}
poll:
	for {
		select {
		case <-done:
			break poll
		default:
		}
		got, err := reader.GetMap(ctx, id)
		reads++
		switch {
		case errors.Is(err, graph.ErrNotFound):
		case err != nil:
			t.Fatalf("GetMap during the imports: %v", err)
		case !graph.Equal(got, a) && !graph.Equal(got, b):
			t.Fatalf("a reader saw a map that is neither import: %d nodes, %d edges", len(got.Nodes), len(got.Edges))
		default:
			whole++
		}
	}
	defer storetest.Remove(ctx, s, id)
	var won *graph.Map
	switch {
	case errs[0] == nil && errors.Is(errs[1], graph.ErrExists):
		won = a
	case errs[1] == nil && errors.Is(errs[0], graph.ErrExists):
		won = b
	default:
		t.Fatalf("two imports of one id: errors %v and %v; want one nil and one ErrExists", errs[0], errs[1])
	}
	got, err := reader.GetMap(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !graph.Equal(got, won) {
		t.Fatalf("the stored map is not the winner's: %d nodes, want %d", len(got.Nodes), len(won.Nodes))
	}
	// Nothing of the loser is left: the nodes are the winner's, no
	// reservation remains, and every snapshot part belongs to the map's history.
	rows, err := s.query(ctx, `MATCH (m:ChannelMap {id: $id})
		RETURN COUNT { MATCH (n:ChannelNode {map: $id}) } AS nodes,
		       COUNT { MATCH (i:`+labelImport+` {id: $id}) } AS reservations,
		       COUNT { MATCH (p:`+labelPart+`) WHERE p.map = $id AND p.gen <> m.history_gen } AS foreign`, map[string]any{"id": id})
	if err != nil {
		t.Fatal(err)
	}
	if n := rows[0][0].(int64); int(n) != len(won.Nodes) {
		t.Errorf("%d nodes stored under the id, want the winner's %d", n, len(won.Nodes))
	}
	if r, f := rows[0][1].(int64), rows[0][2].(int64); r != 0 || f != 0 {
		t.Errorf("%d reservations and %d snapshot parts of the losing import left", r, f)
	}
	t.Logf("%d reads during the imports, %d saw the whole map", reads, whole)
}

// TestSweepStaleImport: an import whose process died (a reservation not
// touched for longer than StaleImport, with staged nodes, relationships and
// snapshot parts, overview rows) is removed when a store is opened, and the id can be
// imported again; a fresh reservation is left alone.
func TestSweepStaleImport(t *testing.T) {
	s := open(t)
	defer s.Close()
	ctx := context.Background()
	stale := reservation{id: storetest.FreshID("crashed"), token: newToken(), gen: newGen()}
	fresh := reservation{id: storetest.FreshID("running"), token: newToken(), gen: newGen()}
	for _, r := range []reservation{stale, fresh} {
		if err := s.reserve(ctx, r); err != nil {
			t.Fatal(err)
		}
		m := gen.Generate(300, 3)
		m.ID = r.id
		if _, err := s.stage(ctx, r, m); err != nil {
			t.Fatal(err)
		}
	}
	defer s.sweep(ctx, fresh)
	err := s.write(ctx, func(tx driver.ManagedTransaction) error {
		_, err := run(ctx, tx, "MATCH (i:"+labelImport+" {id: $id}) SET i.touched = $then",
			map[string]any{"id": stale.id, "then": time.Now().UTC().Add(-time.Hour)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateMap(ctx, &graph.Map{ID: stale.id, Title: "x", Nodes: []*graph.Node{{ID: "c", Kind: graph.KindCompany, Name: "C"}}}); !errors.Is(err, graph.ErrExists) {
		t.Fatalf("CreateMap of an id under import: err = %v, want ErrExists", err)
	}
	cfg := testConfig(t)
	cfg.StaleImport = 30 * time.Minute
	o, err := Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open with a crashed import to sweep: %v", err)
	}
	defer o.Close()
	count := func(r reservation) int64 {
		rows, err := s.query(ctx, `RETURN COUNT { MATCH (n:ChannelNode {map: $id}) } + COUNT { MATCH (i:`+labelImport+` {id: $id}) }
			+ COUNT { MATCH (p:`+labelPart+` {gen: $gen}) } + COUNT { MATCH (o:`+labelOverview+` {map: $id}) }
			+ COUNT { MATCH (g:`+labelGroupCount+` {map: $id}) } + COUNT { MATCH (l:`+labelLinkCount+` {map: $id}) }`, map[string]any{"id": r.id, "gen": r.gen})
		if err != nil {
			t.Fatal(err)
		}
		return rows[0][0].(int64)
	}
	if n := count(stale); n != 0 {
		t.Errorf("%d items of the crashed import left after Open", n)
	}
	if n := count(fresh); n < 300 {
		t.Errorf("Open swept an import that is still running: %d items left of it", n)
	}
	m := storetest.TestdataMaps(t)["industrial.yaml"].Clone()
	m.ID = stale.id
	if _, err := o.CreateMap(ctx, m); err != nil {
		t.Fatalf("CreateMap after the sweep: %v", err)
	}
	storetest.Remove(ctx, o, m.ID)
}

// TestUndeleteInBatches: a deleted map bigger than a batch comes back
// whole, and an undelete cancelled after its nodes were staged leaves the
// map deleted as it was, with nothing staged and the id free to undelete.
func TestUndeleteInBatches(t *testing.T) {
	s := open(t)
	defer s.Close()
	ctx := context.Background()
	m := gen.Generate(6000, 4)
	m.ID = storetest.FreshID("undelete")
	if _, err := s.CreateMap(ctx, m); err != nil {
		t.Fatal(err)
	}
	defer storetest.Remove(ctx, s, m.ID)
	if err := s.DeleteMap(ctx, m.ID, 0); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	queryHook = func(q string, _ map[string]any) {
		if strings.Contains(q, "elementId(a)") { // the first relationship batch
			cancel()
		}
	}
	_, err := s.Undelete(cctx, m.ID)
	queryHook = nil
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Undelete cancelled while staging: err = %v, want context.Canceled", err)
	}
	rows, err := s.query(ctx, `RETURN COUNT { MATCH (n:ChannelNode {map: $id}) } + COUNT { MATCH (i:`+labelImport+` {id: $id}) }`, map[string]any{"id": m.ID})
	if err != nil {
		t.Fatal(err)
	}
	if n := rows[0][0].(int64); n != 0 {
		t.Errorf("%d staged nodes and reservations left by the cancelled undelete", n)
	}
	if _, err := (uncached{s}).GetMap(ctx, m.ID); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("GetMap after the cancelled undelete: err = %v, want ErrNotFound", err)
	}
	v, err := s.Undelete(ctx, m.ID)
	if err != nil || v != 2 {
		t.Fatalf("Undelete: version %d, err %v; want version 2", v, err)
	}
	got, err := (uncached{s}).GetMap(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := m.Clone()
	want.Version = 2
	if !graph.Equal(got, want) {
		t.Errorf("the undeleted map differs from the one deleted: %d nodes, %d edges; want %d, %d", len(got.Nodes), len(got.Edges), len(m.Nodes), len(m.Edges))
	}
	if old, err := s.GetVersion(ctx, m.ID, 1); err != nil || !graph.Equal(old, m) {
		t.Errorf("version 1 after the undelete: err %v", err)
	}
}

// TestImportStagesOverview: an import writes the overview's rows before
// its final transaction, where no reader takes them for the map's (no
// map, and a header valid at no version), and the final transaction
// writes no row; after it the rows are the map's counts, read without
// counting. An import cancelled while its rows are written, or just before
// the final transaction, leaves no row behind, and a deleted map of the
// same id comes back with its own counts. A purge of that deleted map
// during the import takes the staged rows: the map is published without
// them and counted when first read.
func TestImportStagesOverview(t *testing.T) {
	s := open(t)
	defer s.Close()
	ctx := context.Background()

	var mu sync.Mutex
	var publishing, wroteRows, counted bool
	var atPublish func()
	var cancelOn string
	var cancel context.CancelFunc
	queryHook = func(q string, _ map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		counted = counted || q == qGroupCounts || q == qLinkCounts
		rows := q == qStageGroupRows || q == qStageLinkRows || q == qPutGroupRows || q == qPutLinkRows
		wroteRows = wroteRows || publishing && rows
		if q == cancelOn && cancel != nil {
			cancel()
		}
	}
	phaseHook = func(name string, start bool) {
		if name != "publish" {
			return
		}
		mu.Lock()
		publishing = start
		f := atPublish
		mu.Unlock()
		if start && f != nil {
			f()
		}
	}
	defer func() { queryHook, phaseHook = nil, nil }()
	reset := func(publish func(), on string, c context.CancelFunc) {
		mu.Lock()
		defer mu.Unlock()
		atPublish, cancelOn, cancel = publish, on, c
		wroteRows, counted = false, false
	}
	flags := func() (wrote, count bool) {
		mu.Lock()
		defer mu.Unlock()
		return wroteRows, counted
	}
	// left counts the overview's nodes under id.
	left := func(id string) int64 {
		t.Helper()
		rows, err := s.query(ctx, `RETURN COUNT { MATCH (g:`+labelGroupCount+` {map: $id}) } + COUNT { MATCH (l:`+labelLinkCount+` {map: $id}) }
			+ COUNT { MATCH (o:`+labelOverview+` {map: $id}) }`, map[string]any{"id": id})
		if err != nil {
			t.Fatal(err)
		}
		return rows[0][0].(int64)
	}
	// staged checks, just before the final transaction, that the rows of
	// map m are written and that no reader takes them for a map's.
	staged := func(m *graph.Map) {
		t.Helper()
		if _, err := s.OverviewCounts(ctx, m.ID); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("OverviewCounts before the final transaction: err = %v, want ErrNotFound", err)
		}
		head, err := s.query(ctx, "MATCH (o:"+labelOverview+" {map: $id}) RETURN o.version, o.staged IS NOT NULL", map[string]any{"id": m.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(head) != 1 || head[0][0] != nil || head[0][1] != true {
			t.Errorf("the overview's header before the final transaction: %v, want one staged, at no version", head)
		}
		var got *graph.Overview
		if err := s.read(ctx, func(tx driver.ManagedTransaction) error {
			var err error
			got, err = readOverview(ctx, tx, m.ID, 1)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		want := graph.CountOverview(m)
		want.Version = 1
		if !reflect.DeepEqual(got, want) {
			t.Errorf("the rows written before the final transaction: %d groups, %d links; want %d, %d", len(got.Groups), len(got.Links), len(want.Groups), len(want.Links))
		}
	}
	// current checks that the overview's counts of m are its own, and
	// whether they had to be counted.
	current := func(name string, m *graph.Map, wantCounted bool) {
		t.Helper()
		s.forget(m.ID)
		reset(nil, "", nil)
		got, err := s.OverviewCounts(ctx, m.ID)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := graph.CountOverview(m); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the overview's counts\n%+v\nwant\n%+v", name, got, want)
		}
		if _, c := flags(); c != wantCounted {
			t.Fatalf("%s: counted the map: %v, want %v", name, c, wantCounted)
		}
	}

	// A map imported and deleted: its rows stay under the id.
	old := storetest.TestdataMaps(t)["industrial.yaml"].Clone()
	old.ID = storetest.FreshID("restaged")
	if _, err := s.CreateMap(ctx, old); err != nil {
		t.Fatal(err)
	}
	defer storetest.Remove(ctx, s, old.ID)
	if err := s.DeleteMap(ctx, old.ID, 0); err != nil {
		t.Fatal(err)
	}
	next := gen.Generate(400, 7)
	next.ID = old.ID
	for _, at := range []string{qStageLinkRows, "publish"} {
		cctx, c := context.WithCancel(ctx)
		if at == "publish" {
			reset(func() { staged(next); c() }, "", nil)
		} else {
			reset(nil, at, c)
		}
		_, err := s.CreateMap(cctx, next)
		c()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("an import cancelled at %.30q: err = %v, want context.Canceled", at, err)
		}
		if n := left(old.ID); n != 0 {
			t.Fatalf("an import cancelled at %.30q left %d overview nodes", at, n)
		}
	}
	if _, err := s.Undelete(ctx, old.ID); err != nil {
		t.Fatal(err)
	}
	old.Version = 2
	current("the deleted map undeleted after the cancelled imports", old, false)

	// An import that succeeds.
	m := gen.Generate(500, 8)
	m.ID = storetest.FreshID("staged")
	reset(func() { staged(m) }, "", nil)
	if _, err := s.CreateMap(ctx, m); err != nil {
		t.Fatal(err)
	}
	defer storetest.Remove(ctx, s, m.ID)
	if w, _ := flags(); w {
		t.Error("the final transaction wrote overview rows")
	}
	m.Version = 1
	current("after the import", m, false)

	// A purge of the deleted map of the id while it is imported again.
	if err := s.DeleteMap(ctx, old.ID, 0); err != nil {
		t.Fatal(err)
	}
	reset(func() {
		if err := s.Purge(ctx, old.ID); err != nil {
			t.Errorf("Purge during the import: %v", err)
		}
	}, "", nil)
	if _, err := s.CreateMap(ctx, next); err != nil {
		t.Fatal(err)
	}
	next.Version = 1
	current("an import whose staged rows were purged", next, true)
	current("and counted", next, false)
}
