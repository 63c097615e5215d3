package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/compare"
	"github.com/chanmap/chanmap/graph/usecase"
)

// scenarioTests are the contract's scenario cases, run by Run. Scenarios
// are ordinary maps (see usecase.ScenarioID), so these check that a store
// keeps everything the scenario use cases rely on: the fork_of field, the
// history of the base, and delete with an expected version.
var scenarioTests = []struct {
	name string
	fn   func(t *testing.T, s graph.Store)
}{
	{"ScenarioLifecycle", testScenarioLifecycle},
	{"ScenarioStale", testScenarioStale},
	{"ScenarioConflict", testScenarioConflict},
	{"ScenarioDrop", testScenarioDrop},
}

// fork creates scenario name of base at version (0: current) and removes
// it when the test ends.
func fork(t testing.TB, s graph.Store, base, name string, version int64) usecase.Scenario {
	t.Helper()
	id := usecase.ScenarioID(base, name)
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := Remove(c, s, id); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	sc, err := usecase.CreateScenario(ctx(t), s, base, name, version)
	if err != nil {
		t.Fatalf("CreateScenario(%s, %s, %d): %v", base, name, version, err)
	}
	return sc
}

// segmentOf returns the first segment of m with a revenue.
func segmentOf(t testing.TB, m *graph.Map) *graph.Node {
	for _, n := range m.Nodes {
		if n.Kind == graph.KindSegment && n.Revenue != nil {
			return n
		}
	}
	t.Fatal("the sample has no segment with a revenue")
	return nil
}

// setRevenue is the change set that sets node id's revenue to r.
func setRevenue(m *graph.Map, id string, r float64) graph.ChangeSet {
	n := cloneNode(m.Node(id))
	n.Revenue = &r
	return graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: id, Node: n}}}
}

// setRegion is the change set that sets the region of intermediary id.
func setRegion(m *graph.Map, id, region string) graph.ChangeSet {
	n := cloneNode(m.Node(id))
	n.Region = region
	return graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: id, Node: n}}}
}

func firstWithRegion(t testing.TB, m *graph.Map) *graph.Node {
	for _, n := range m.Nodes {
		if n.Region != "" {
			return n
		}
	}
	t.Fatal("the sample has no node with a region")
	return nil
}

// testScenarioLifecycle: a scenario starts as its base under its own id,
// is edited like any map without touching the base, compares with the
// base (elements and figures), and merges back as one version whose
// message names it; the merge drops it.
func testScenarioLifecycle(t *testing.T, s graph.Store) {
	base := create(t, s, sample(t, "hybrid.yaml"))
	sc := fork(t, s, base.ID, "price-cut", 0)
	if sc.ID != base.ID+"--scenario--price-cut" || sc.Version != 1 || sc.BaseVersion != 1 || sc.Stale {
		t.Fatalf("CreateScenario = %+v", sc)
	}
	m := get(t, s, sc.ID)
	if m.ForkOf != base.ID+"@1" {
		t.Errorf("the scenario's fork_of is %q, want %s@1", m.ForkOf, base.ID)
	}
	mustEqual(t, "a fresh scenario", asBaseMap(m, base), base)
	if _, err := usecase.CreateScenario(ctx(t), s, base.ID, "price-cut", 0); !errors.Is(err, graph.ErrExists) {
		t.Errorf("a second scenario of the same name: err = %v, want ErrExists", err)
	}

	// Edit the scenario: a segment's revenue and a new reseller.
	seg := segmentOf(t, m)
	v := applyAs(t, s, sc.ID, 1, setRevenue(m, seg.ID, *seg.Revenue*2), "alice", "double it")
	m = get(t, s, sc.ID)
	v = applyAs(t, s, sc.ID, v, edit(m, 1), "alice", "")
	if got := get(t, s, base.ID); got.Version != 1 {
		t.Fatalf("editing the scenario changed its base to version %d", got.Version)
	}

	list, err := usecase.ListScenarios(ctx(t), s, base.ID)
	if err != nil || len(list) != 1 || list[0].Name != "price-cut" || list[0].Version != v || list[0].Stale {
		t.Fatalf("ListScenarios = %+v, %v; want price-cut at version %d, not stale", list, err, v)
	}
	st, err := usecase.GetScenario(ctx(t), s, base.ID, "price-cut")
	if err != nil {
		t.Fatal(err)
	}
	if st.Stale || st.BaseChanges != nil || st.Changes.NodesChanged != 1 || st.Changes.NodesAdded != 1 || st.Changes.EdgesAdded != 1 {
		t.Errorf("GetScenario = %+v, want not stale, 1 node changed, 1 node and 1 edge added", st)
	}
	d, err := usecase.CompareScenario(ctx(t), s, base.ID, "price-cut", false)
	if err != nil {
		t.Fatal(err)
	}
	if d.Same || d.Counts.NodesChanged != 1 || len(d.Nodes) != 2 || d.Nodes[0].ID != seg.ID || d.Nodes[0].Fields[0].Field != "revenue" {
		t.Errorf("CompareScenario nodes = %+v, want %s's revenue changed and a reseller added", d.Nodes, seg.ID)
	}
	if !figureMoved(d.Figures, seg.ID) {
		t.Errorf("CompareScenario figures = %+v, want %s's net revenue moved", d.Figures, seg.ID)
	}

	want := asBaseMap(get(t, s, sc.ID), base)
	res, err := usecase.MergeScenario(ctx(t), s, base.ID, "price-cut", usecase.MergeOptions{Message: "board said yes"})
	if err != nil {
		t.Fatalf("MergeScenario: %v", err)
	}
	if res.Version != 2 || res.Changes != 3 || res.Kept || len(res.Conflicts) != 0 {
		t.Errorf("MergeScenario = %+v, want version 2 with 3 changes, scenario dropped", res)
	}
	mustEqual(t, "the base after the merge", get(t, s, base.ID), want)
	vs, err := s.Versions(ctx(t), base.ID, 0, 1)
	if err != nil || len(vs) != 1 || !strings.Contains(vs[0].Message, "merge scenario price-cut") || !strings.Contains(vs[0].Message, "board said yes") {
		t.Errorf("the merge's version = %+v, %v; want a message naming scenario price-cut and the user's words", vs, err)
	}
	if _, err := s.GetMap(ctx(t), sc.ID); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("the merged scenario is still there: err = %v", err)
	}
	if list, err := usecase.ListScenarios(ctx(t), s, base.ID); err != nil || len(list) != 0 {
		t.Errorf("ListScenarios after the merge = %+v, %v; want none", list, err)
	}
}

// asBaseMap is scenario m as its base would hold it: the base's id, no
// fork_of.
func asBaseMap(m, base *graph.Map) *graph.Map {
	c := m.Clone()
	c.ID, c.ForkOf, c.Version = base.ID, base.ForkOf, base.Version
	return c
}

func figureMoved(fs []compare.FigureChange, id string) bool {
	for _, f := range fs {
		if f.ID == id && f.Before.NetRevenue != nil && f.After.NetRevenue != nil && *f.After.NetRevenue > *f.Before.NetRevenue {
			return true
		}
	}
	return false
}

// testScenarioStale: a base that changed since the fork makes the
// scenario stale, with the base's changes listed; changes to other
// elements merge, and the base keeps both sides' edits.
func testScenarioStale(t *testing.T, s graph.Store) {
	base := create(t, s, sample(t, "hybrid.yaml"))
	fork(t, s, base.ID, "north", 0)
	org := firstWithRegion(t, base)
	bv := applyAs(t, s, base.ID, 1, setRegion(base, org.ID, "Far North"), "bob", "region renamed")

	st, err := usecase.GetScenario(ctx(t), s, base.ID, "north")
	if err != nil {
		t.Fatal(err)
	}
	if !st.Stale || st.BaseVersion != 1 || st.BaseCurrent != bv || st.BaseChanges == nil ||
		len(st.BaseChanges.Nodes) != 1 || st.BaseChanges.Nodes[0].ID != org.ID {
		t.Fatalf("GetScenario = %+v, want stale since version 1 with %s changed in the base", st, org.ID)
	}
	if list, _ := usecase.ListScenarios(ctx(t), s, base.ID); len(list) != 1 || !list[0].Stale {
		t.Errorf("ListScenarios = %+v, want north stale", list)
	}

	// A scenario forked at a past version is stale from the start.
	old := fork(t, s, base.ID, "from-v1", 1)
	if !old.Stale || old.BaseVersion != 1 || get(t, s, old.ID).ForkOf != base.ID+"@1" {
		t.Errorf("CreateScenario at version 1 = %+v, want stale, forked from version 1", old)
	}
	mustEqual(t, "a scenario forked at version 1", asBaseMap(get(t, s, old.ID), base), base)

	// The scenario edits another element: the merge keeps both.
	sid := usecase.ScenarioID(base.ID, "north")
	m := get(t, s, sid)
	seg := segmentOf(t, m)
	sv := applyAs(t, s, sid, 1, setRevenue(m, seg.ID, 12345), "carol", "")
	// and another field of the node the base changed: merged field by field.
	n := cloneNode(m.Node(org.ID))
	n.Description = "described in the scenario"
	applyAs(t, s, sid, sv, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: org.ID, Node: n}}}, "carol", "")
	res, err := usecase.MergeScenario(ctx(t), s, base.ID, "north", usecase.MergeOptions{})
	if err != nil {
		t.Fatalf("MergeScenario of a stale scenario without conflicts: %v", err)
	}
	got := get(t, s, base.ID)
	if res.Version != bv+1 || got.Version != res.Version || got.Node(org.ID).Region != "Far North" ||
		got.Node(org.ID).Description != "described in the scenario" ||
		got.Node(seg.ID).Revenue == nil || *got.Node(seg.ID).Revenue != 12345 {
		t.Errorf("after the merge (%+v): region %q, description %q, revenue %v; want every edit at version %d",
			res, got.Node(org.ID).Region, got.Node(org.ID).Description, got.Node(seg.ID).Revenue, bv+1)
	}
}

// testScenarioConflict: both sides changed the same field differently, or
// one removed what the other changed: the merge is refused with every
// conflict listed and nothing written; forced, the scenario wins; kept,
// the scenario is forked again from the merge.
func testScenarioConflict(t *testing.T, s graph.Store) {
	base := create(t, s, sample(t, "hybrid.yaml"))
	fork(t, s, base.ID, "clash", 0)
	sid := usecase.ScenarioID(base.ID, "clash")
	m := get(t, s, sid)
	seg := segmentOf(t, m)
	org := firstWithRegion(t, m)

	// The scenario raises the revenue and renames the region...
	sv := applyAs(t, s, sid, 1, setRevenue(m, seg.ID, 111), "", "")
	m = get(t, s, sid)
	sv = applyAs(t, s, sid, sv, setRegion(m, org.ID, "Scenario region"), "", "")
	// ...the base sets another revenue and the same region.
	bv := applyAs(t, s, base.ID, 1, setRevenue(base, seg.ID, 222), "", "")
	cur := get(t, s, base.ID)
	bv = applyAs(t, s, base.ID, bv, setRegion(cur, org.ID, "Scenario region"), "", "")

	_, err := usecase.MergeScenario(ctx(t), s, base.ID, "clash", usecase.MergeOptions{})
	var mc *usecase.MergeConflictError
	if !errors.As(err, &mc) || !errors.Is(err, graph.ErrConflict) {
		t.Fatalf("MergeScenario with a conflict: err = %v, want *MergeConflictError", err)
	}
	if len(mc.Conflicts) != 1 || mc.Conflicts[0].ID != seg.ID || mc.Conflicts[0].Field != "revenue" ||
		mc.Conflicts[0].Scenario != 111.0 || mc.Conflicts[0].Base != 222.0 {
		t.Fatalf("conflicts = %+v, want only %s revenue (111 in the scenario, 222 in the base); the same region on both sides is none", mc.Conflicts, seg.ID)
	}
	if !strings.Contains(err.Error(), seg.ID) || !strings.Contains(err.Error(), "revenue") {
		t.Errorf("the error does not name the node and field: %v", err)
	}
	if got := get(t, s, base.ID); got.Version != bv {
		t.Errorf("a refused merge wrote the base: version %d, want %d", got.Version, bv)
	}
	if got := get(t, s, sid); got.Version != sv {
		t.Errorf("a refused merge changed the scenario: version %d, want %d", got.Version, sv)
	}

	// Removed in the scenario, changed in the base: a conflict too.
	other := firstOfKind(m, graph.KindTouchpoint)
	sv = applyAs(t, s, sid, sv, graph.DeleteNodeCascade(get(t, s, sid), other.ID), "", "")
	tp := cloneNode(other)
	tp.Name = "Renamed in the base"
	bv = applyAs(t, s, base.ID, bv, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: other.ID, Node: tp}}}, "", "")
	_, err = usecase.MergeScenario(ctx(t), s, base.ID, "clash", usecase.MergeOptions{})
	if !errors.As(err, &mc) || len(mc.Conflicts) != 2 || mc.Conflicts[1].ID != other.ID || mc.Conflicts[1].Field != "" {
		t.Fatalf("after removing %s in the scenario: err = %v, want 2 conflicts, the second the removed node", other.ID, err)
	}
	if got := get(t, s, sid); got.Version != sv || got.Node(other.ID) != nil {
		t.Errorf("a refused merge changed the scenario: version %d, want %d without %s", got.Version, sv, other.ID)
	}

	// Forced and kept: the scenario wins and is forked again from the merge.
	res, err := usecase.MergeScenario(ctx(t), s, base.ID, "clash", usecase.MergeOptions{Force: true, Keep: true})
	if err != nil {
		t.Fatalf("forced merge: %v", err)
	}
	got := get(t, s, base.ID)
	if res.Version != bv+1 || len(res.Conflicts) != 2 || !res.Kept || *got.Node(seg.ID).Revenue != 111 || got.Node(other.ID) != nil {
		t.Errorf("forced merge = %+v; revenue %v, %s there: %v; want the scenario's side at version %d", res,
			*got.Node(seg.ID).Revenue, other.ID, got.Node(other.ID) != nil, bv+1)
	}
	st, err := usecase.GetScenario(ctx(t), s, base.ID, "clash")
	if err != nil {
		t.Fatalf("the kept scenario: %v", err)
	}
	if st.Stale || st.BaseVersion != res.Version || st.Changes != (compare.Counts{}) {
		t.Errorf("the kept scenario = %+v, want forked from version %d with no changes of its own", st, res.Version)
	}
	mustEqual(t, "the kept scenario", asBaseMap(get(t, s, sid), got), got)
}

// testScenarioDrop: a dropped scenario is gone (kept as a deleted map);
// its base stays; missing scenarios, bad names and scenarios of scenarios
// are refused.
func testScenarioDrop(t *testing.T, s graph.Store) {
	base := create(t, s, small(t))
	sc := fork(t, s, base.ID, "tmp", 0)
	if err := usecase.DropScenario(ctx(t), s, base.ID, "tmp"); err != nil {
		t.Fatalf("DropScenario: %v", err)
	}
	if _, err := s.GetMap(ctx(t), sc.ID); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("the dropped scenario is still there: %v", err)
	}
	if deleted(t, s, sc.ID) == nil {
		t.Errorf("the dropped scenario is not among the deleted maps")
	}
	mustEqual(t, "the base after a drop", get(t, s, base.ID), base)
	for _, op := range []struct {
		what string
		err  error
	}{
		{"drop", usecase.DropScenario(ctx(t), s, base.ID, "tmp")},
		{"get", func() error { _, err := usecase.GetScenario(ctx(t), s, base.ID, "nope"); return err }()},
		{"merge", func() error {
			_, err := usecase.MergeScenario(ctx(t), s, base.ID, "nope", usecase.MergeOptions{})
			return err
		}()},
		{"fork of a missing map", func() error {
			_, err := usecase.CreateScenario(ctx(t), s, "no-such-map", "x", 0)
			return err
		}()},
	} {
		if !errors.Is(op.err, graph.ErrNotFound) {
			t.Errorf("%s of a missing scenario: err = %v, want ErrNotFound", op.what, op.err)
		}
	}
	var ve *graph.ValidationError
	for _, name := range []string{"", "Bad Name", strings.Repeat("x", graph.MaxIDLen)} {
		if _, err := usecase.CreateScenario(ctx(t), s, base.ID, name, 0); !errors.As(err, &ve) || ve.Problems[0].Field != "name" {
			t.Errorf("CreateScenario(name %.20q): err = %v, want a problem with the name", name, err)
		}
	}
	if _, err := usecase.CreateScenario(ctx(t), s, base.ID, "late", 9); !errors.As(err, &ve) || ve.Problems[0].Field != "version" {
		t.Errorf("CreateScenario at a version the base never had: err = %v, want a problem with the version", err)
	}
	inner := fork(t, s, base.ID, "outer", 0)
	if _, err := usecase.CreateScenario(ctx(t), s, inner.ID, "inner", 0); !errors.As(err, &ve) || !strings.Contains(err.Error(), "itself a scenario") {
		t.Errorf("a scenario of a scenario: err = %v, want refused", err)
	}
	if list, err := usecase.ListScenarios(ctx(t), s, "no-such-map"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("ListScenarios of a missing map = %v, %v; want ErrNotFound", list, err)
	}
}
