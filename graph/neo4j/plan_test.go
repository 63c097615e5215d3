package neo4j

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/storetest"
)

// scanned are the statements that read every node of a small label on
// purpose (the map list, the deleted maps, the import reservations): they
// look nothing up by key.
var scanned = []string{
	"MATCH (m:ChannelMap) RETURN m.id AS id",
	"MATCH (d:" + labelDeleted + ") RETURN",
	"MATCH (d:" + labelDeleted + ") WHERE d.deleted < $cutoff",
	"MATCH (i:" + labelImport + ") WHERE i.touched < $cutoff",
}

// TestPlans runs the store's whole write and read path (import, change
// sets, support, history, restore, delete, undelete, purge) on the real
// server, records every statement, and EXPLAINs each with the parameters
// it ran with: a plan that scans a label (NodeByLabelScan) or every node
// (AllNodesScan) to find something by its key fails the test. On a fresh
// database such a plan made a 10k-node import take minutes; with an
// index it takes seconds.
func TestPlans(t *testing.T) {
	s := open(t)
	defer s.Close()
	var mu sync.Mutex
	seen := map[string]map[string]any{}
	queryHook = func(q string, params map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		if _, ok := seen[q]; !ok {
			seen[q] = params
		}
	}
	defer func() { queryHook = nil }()

	ctx := context.Background()
	m := storetest.TestdataMaps(t)["industrial.yaml"].Clone()
	m.ID = storetest.FreshID("plans")
	if _, err := s.CreateMap(ctx, m); err != nil {
		t.Fatal(err)
	}
	defer storetest.Remove(ctx, s, m.ID)
	s.forget(m.ID)
	cur, err := s.GetMap(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The optional reads, each through the server (nothing cached).
	for _, read := range []func() error{
		func() error { _, _, err := s.GetNode(ctx, m.ID, cur.Nodes[1].ID); return err },
		func() error { _, _, err := s.GetEdge(ctx, m.ID, cur.Edges[1].Key()); return err },
		func() error { _, _, err := s.ListNodes(ctx, m.ID, 2, 3); return err },
		func() error { _, _, err := s.ListEdges(ctx, m.ID, 2, 3); return err },
		func() error { _, err := s.OverviewCounts(ctx, m.ID); return err },
		func() error { _, err := s.MapInfo(ctx, m.ID); return err },
		func() error {
			return s.StreamMap(ctx, m.ID, graph.MapVisitor{Node: func(*graph.Node) error { return nil }})
		},
		func() error {
			return s.ProjectMap(ctx, m.ID, graph.Projection{Node: []string{"scores"}, Attrs: true}, graph.MapVisitor{
				Node: func(*graph.Node) error { return nil }, Edge: func(*graph.Edge) error { return nil }})
		},
	} {
		s.forget(m.ID)
		if err := read(); err != nil {
			t.Fatal(err)
		}
	}
	var seg, reseller *graph.Node
	for _, n := range cur.Nodes {
		switch {
		case n.Kind == graph.KindSegment && seg == nil:
			seg = n
		case n.Kind == graph.KindReseller && reseller == nil:
			reseller = n
		}
	}
	upd := *seg
	upd.Name = "renamed"
	s.forget(m.ID) // the change set reads the map inside its transaction
	v, err := s.Apply(ctx, m.ID, cur.Version, graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpUpdateNode, ID: seg.ID, Node: &upd},
		{Op: graph.OpAddNode, Node: &graph.Node{ID: "plan-new", Kind: graph.KindReseller, Name: "New"}},
		{Op: graph.OpAddEdge, Edge: &graph.Edge{From: reseller.ID, To: "plan-new", Kind: graph.EdgeSupplies}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if cur, err = s.GetMap(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if v, err = s.Apply(ctx, m.ID, v, graph.DeleteNodeCascade(cur, reseller.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Support(ctx, m.ID, seg.ID); err != nil {
		t.Fatal(err)
	}
	// With a second company the support answer walks paths past companies.
	if v, err = s.Apply(ctx, m.ID, v, graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpAddNode, Node: &graph.Node{ID: "plan-company", Kind: graph.KindCompany, Name: "Second"}},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Support(ctx, m.ID, seg.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Versions(ctx, m.ID, 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetVersion(ctx, m.ID, 2); err != nil {
		t.Fatal(err)
	}
	if v, err = s.Restore(ctx, m.ID, v, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMap(ctx, m.ID, v); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undelete(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deleted(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ListMaps(ctx); err != nil {
		t.Fatal(err)
	}
	if err := storetest.Remove(ctx, s, m.ID); err != nil {
		t.Fatal(err)
	}
	// A cancelled import's clean-up and the sweep of crashed ones.
	r := reservation{id: storetest.FreshID("plans"), token: newToken(), gen: newGen()}
	if err := s.reserve(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := s.sweep(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := s.sweepStale(ctx); err != nil {
		t.Fatal(err)
	}
	queryHook = nil

	mu.Lock()
	defer mu.Unlock()
	qs := slices.Sorted(maps.Keys(seen))
	if len(qs) < 30 {
		t.Fatalf("only %d distinct statements recorded: the workload does not cover the store", len(qs))
	}
	for _, q := range qs {
		plan, err := explain(ctx, s.read, q, seen[q])
		if err != nil {
			// EXPLAIN of a write needs a write transaction.
			plan, err = explain(ctx, s.write, q, seen[q])
		}
		if err != nil {
			t.Errorf("EXPLAIN %s: %v", q, err)
			continue
		}
		scans := scansIn(plan)
		if len(scans) > 0 && !slices.ContainsFunc(scanned, func(p string) bool { return strings.HasPrefix(strings.TrimSpace(q), p) }) {
			t.Errorf("this statement scans instead of looking up by key (%s):\n%s\nplan:\n%s", strings.Join(scans, ", "), q, describePlan(plan, ""))
		}
	}
	t.Logf("%d statements explained", len(qs))
}

// explain asks the server for the plan of statement q in a transaction
// run by in (the store's read or write).
func explain(ctx context.Context, in func(context.Context, func(driver.ManagedTransaction) error) error, q string, params map[string]any) (driver.Plan, error) {
	var plan driver.Plan
	err := in(ctx, func(tx driver.ManagedTransaction) error {
		res, err := tx.Run(ctx, "EXPLAIN "+q, params)
		if err != nil {
			return err
		}
		sum, err := res.Consume(ctx)
		if err != nil {
			return err
		}
		plan = sum.Plan()
		return nil
	})
	return plan, err
}

// inIndexOrder are the statements that read rows in the order of an index
// instead of sorting them: a page of nodes reads the index entries up to
// its end, whatever the map's size, and a streamed map's first node goes
// out before the server has read the last.
var inIndexOrder = []string{qNodePage, qLastNodeOrd, qNodeRows}

// TestPlansInIndexOrder EXPLAINs the statements of inIndexOrder: a Sort or
// Top in their plan means every node of the map is read to make a page.
func TestPlansInIndexOrder(t *testing.T) {
	s := open(t)
	defer s.Close()
	ctx := context.Background()
	params := map[string]any{"map": "plans-order", "from": int64(0), "skip": int64(10), "limit": int64(10), "chunk": int64(snapshotChunk)}
	for _, q := range inIndexOrder {
		plan, err := explain(ctx, s.read, q, params)
		if err != nil {
			t.Fatalf("EXPLAIN %s: %v", q, err)
		}
		if ops := operatorsIn(plan, "Sort", "PartialSort", "Top", "PartialTop"); len(ops) > 0 {
			t.Errorf("this statement sorts (%s) instead of reading an index in order:\n%s\nplan:\n%s", strings.Join(ops, ", "), q, describePlan(plan, ""))
		}
		if scans := scansIn(plan); len(scans) > 0 {
			t.Errorf("this statement scans (%s):\n%s", strings.Join(scans, ", "), q)
		}
	}
}

// operatorsIn lists the operators of p named one of names.
func operatorsIn(p driver.Plan, names ...string) []string {
	if p == nil {
		return nil
	}
	var out []string
	op, _, _ := strings.Cut(p.Operator(), "@")
	if slices.Contains(names, op) {
		out = append(out, op)
	}
	for _, c := range p.Children() {
		out = append(out, operatorsIn(c, names...)...)
	}
	return out
}

// scansIn lists the scanning operators of a plan.
func scansIn(p driver.Plan) []string {
	if p == nil {
		return nil
	}
	var out []string
	op := p.Operator()
	if strings.HasPrefix(op, "NodeByLabelScan") || strings.HasPrefix(op, "AllNodesScan") {
		out = append(out, fmt.Sprintf("%s %v", op, p.Arguments()["Details"]))
	}
	for _, c := range p.Children() {
		out = append(out, scansIn(c)...)
	}
	return out
}

func describePlan(p driver.Plan, indent string) string {
	s := fmt.Sprintf("%s%s %v\n", indent, p.Operator(), p.Arguments()["Details"])
	for _, c := range p.Children() {
		s += describePlan(c, indent+"  ")
	}
	return s
}
