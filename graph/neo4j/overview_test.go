package neo4j

import (
	"context"
	"reflect"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/storetest"
)

// TestOverviewKeptCurrent checks that every chanmap write keeps the
// overview's rows current, so OverviewCounts answers the map's counts
// without counting it: after an import, a small change (one node and two
// linked nodes moving region), a change through the whole map (a node
// given another id, a node changing kind, set_map, a change to a map the
// Store holds, a restore).
// Rows made stale by an edit by hand, by the older one-document form, or
// found wrong (a count below zero) are counted again once, then kept.
// A purge leaves no row behind.
func TestOverviewKeptCurrent(t *testing.T) {
	s := openFor(t)
	ctx := context.Background()
	m := storedSample(t, s, "overview", nil)
	v := m.Version
	w := watchQueries(t)
	check := func(name string, wantCounted bool) {
		t.Helper()
		s.forget(m.ID)
		w.reset()
		got, err := s.OverviewCounts(ctx, m.ID)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := graph.CountOverview(m); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the overview's counts\n%+v\nwant\n%+v", name, got, want)
		}
		if c := w.any(qGroupCounts, qLinkCounts); c != wantCounted {
			t.Fatalf("%s: counted the map: %v, want %v", name, c, wantCounted)
		}
	}
	// apply applies cs (to the map read afresh unless held) and checks
	// which write path it took.
	apply := func(name string, cs graph.ChangeSet, held, wantWhole bool) {
		t.Helper()
		next, err := graph.ApplyChanges(m.Clone(), cs)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if held {
			if _, err := s.GetMap(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
		} else {
			s.forget(m.ID)
		}
		w.reset()
		if v, err = s.Apply(ctx, m.ID, v, cs); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if whole := w.any(qSnapshotNodes); whole != wantWhole && !held {
			t.Fatalf("%s: read the whole map: %v, want %v", name, whole, wantWhole)
		}
		m = next
		m.Version = v
		check(name, false)
	}
	update := func(id string, edit func(n *graph.Node)) graph.Change {
		n := m.Node(id).Clone()
		edit(n)
		return graph.Change{Op: graph.OpUpdateNode, ID: id, Node: n}
	}
	changes := func(c ...graph.Change) graph.ChangeSet { return graph.ChangeSet{Changes: c} }

	check("after the import", false)
	var reseller *graph.Node
	for _, n := range m.Nodes {
		if n.Kind == graph.KindReseller {
			reseller = n
			break
		}
	}
	apply("a reseller moves region", changes(update(reseller.ID, func(n *graph.Node) { n.Region = "Far North" })), false, false)
	// Two linked nodes move, neither edge named: their relationships are
	// read from the server, the one between them counted once.
	e := m.Edges[len(m.Edges)/2]
	apply("two linked nodes move region", changes(
		update(e.From, func(n *graph.Node) { n.Region = "Moved A" }),
		update(e.To, func(n *graph.Node) { n.Region = "Moved B" })), false, false)
	apply("a new reseller and its supplies", changes(
		graph.Change{Op: graph.OpAddNode, Node: &graph.Node{ID: "ov-new", Kind: graph.KindReseller, Name: "New", Region: "Far North"}},
		graph.Change{Op: graph.OpAddEdge, Edge: &graph.Edge{From: reseller.ID, To: "ov-new", Kind: graph.EdgeSupplies}}), false, false)
	apply("a node deleted with its edges", graph.DeleteNodeCascade(m, "ov-new"), false, false)
	// A node given another id: the change goes through the whole map,
	// which counts the map before and after it.
	apply("a lone node added", changes(graph.Change{Op: graph.OpAddNode, Node: &graph.Node{ID: "ov-lone", Kind: graph.KindAgent, Name: "Lone", Region: "Far North"}}), false, false)
	apply("a node given another id", changes(update("ov-lone", func(n *graph.Node) { n.ID, n.Region = "ov-lone-2", "South" })), false, true)
	apply("set_map", changes(graph.Change{Op: graph.OpSetMap, Map: &graph.Map{Title: "Renamed", Currency: m.Currency, Classification: m.Classification}}), false, true)
	apply("a reseller changes kind", changes(update(reseller.ID, func(n *graph.Node) { n.Kind = graph.KindDistributor })), false, true)
	apply("a change to the map held", changes(update(reseller.ID, func(n *graph.Node) { n.Region = "Held" })), true, false)

	first, err := s.GetVersion(ctx, m.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v, err = s.Restore(ctx, m.ID, v, 1); err != nil {
		t.Fatal(err)
	}
	m = first
	m.Version = v
	check("a restore", false)

	handEdit := func(q string) { t.Helper(); editByHand(t, s, m.ID, q) }
	handEdit(bumpByHand)
	v++
	m.Version = v
	check("after an edit by hand", true)
	check("counted and kept", false)
	// (the edit by hand also makes the change read the whole map, see applyLocal)
	apply("and a change after it", changes(update(reseller.ID, func(n *graph.Node) { n.Region = "Back" })), false, true)

	handEdit("MATCH (o:" + labelOverview + " {map: $map}) SET o.doc = '{}'")
	check("the older one-document form", true)
	if rows, err := s.query(ctx, "MATCH (o:"+labelOverview+" {map: $map}) RETURN o.doc IS NULL", map[string]any{"map": m.ID}); err != nil || len(rows) != 1 || rows[0][0] != true {
		t.Fatalf("the header after a count: %v %v, want one without its document", rows, err)
	}
	check("rewritten as rows", false)

	// A row lost by hand: the change that takes its node away would take
	// the count below zero, so the rows go stale instead of wrong.
	handEdit("MATCH (g:" + labelGroupCount + " {map: $map, kind: '" + string(m.Node(reseller.ID).Kind) + "', region: 'Back'}) DELETE g")
	next, err := graph.ApplyChanges(m.Clone(), graph.DeleteNodeCascade(m, reseller.ID))
	if err != nil {
		t.Fatal(err)
	}
	s.forget(m.ID)
	if v, err = s.Apply(ctx, m.ID, v, graph.DeleteNodeCascade(m, reseller.ID)); err != nil {
		t.Fatal(err)
	}
	m = next
	m.Version = v
	check("rows found wrong", true)
	check("and counted again", false)

	if err := storetest.Remove(ctx, s, m.ID); err != nil {
		t.Fatal(err)
	}
	rows, err := s.query(ctx, `CALL { MATCH (g:`+labelGroupCount+` {map: $map}) RETURN count(g) AS c
		UNION ALL MATCH (l:`+labelLinkCount+` {map: $map}) RETURN count(l) AS c
		UNION ALL MATCH (o:`+labelOverview+` {map: $map}) RETURN count(o) AS c } RETURN sum(c)`, map[string]any{"map": m.ID})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := rows[0][0].(int64); n != 0 {
		t.Fatalf("%d overview nodes left after the purge", n)
	}
}

// TestChangeOfNamed checks that the counts' change worked out from what a
// change set names equals counting the map before and after it, for
// changes that move nodes (and so all their edges) between groups.
func TestChangeOfNamed(t *testing.T) {
	m := storetest.TestdataMaps(t)["industrial.yaml"].Clone()
	update := func(id string, edit func(n *graph.Node)) graph.Change {
		n := m.Node(id).Clone()
		edit(n)
		return graph.Change{Op: graph.OpUpdateNode, ID: id, Node: n}
	}
	changes := func(c ...graph.Change) graph.ChangeSet { return graph.ChangeSet{Changes: c} }
	nonzero := func(t *tally) *tally {
		out := newTally()
		for k, d := range t.groups {
			if d != 0 {
				out.groups[k] = d
			}
		}
		for k, d := range t.links {
			if d != 0 {
				out.links[k] = d
			}
		}
		return out
	}
	var reseller, seller *graph.Node
	for _, n := range m.Nodes {
		switch {
		case n.Kind == graph.KindReseller && reseller == nil:
			reseller = n
		case n.Kind == graph.KindDistributor && seller == nil:
			seller = n
		}
	}
	e := m.Edges[len(m.Edges)/2]
	steps := []struct {
		name string
		cs   func() graph.ChangeSet
	}{
		{"one field", func() graph.ChangeSet { return changes(update(reseller.ID, func(n *graph.Node) { n.Name = "x" })) }},
		{"a node moves region", func() graph.ChangeSet {
			return changes(update(seller.ID, func(n *graph.Node) { n.Region = "Elsewhere" }))
		}},
		{"two linked nodes move", func() graph.ChangeSet {
			return changes(update(e.From, func(n *graph.Node) { n.Region = "A" }), update(e.To, func(n *graph.Node) { n.Region = "B" }))
		}},
		{"a node changes kind", func() graph.ChangeSet {
			return changes(update(reseller.ID, func(n *graph.Node) { n.Kind = graph.KindRetailer }))
		}},
		{"a node and an edge added", func() graph.ChangeSet {
			return changes(graph.Change{Op: graph.OpAddNode, Node: &graph.Node{ID: "new", Kind: graph.KindReseller, Name: "New", Region: "A"}},
				graph.Change{Op: graph.OpAddEdge, Edge: &graph.Edge{From: seller.ID, To: "new", Kind: graph.EdgeSupplies}})
		}},
		{"a node deleted with its edges", func() graph.ChangeSet { return graph.DeleteNodeCascade(m, seller.ID) }},
	}
	for _, st := range steps {
		cs := st.cs()
		next, err := graph.ApplyChanges(m.Clone(), cs)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := changeOfNamed(m, next, cs)
		if got == nil {
			t.Fatalf("%s: no change worked out", st.name)
		}
		if got, want := nonzero(got), nonzero(changeOf(m, next)); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the counts' change\n%+v\nwant\n%+v", st.name, got, want)
		}
		m = next
	}
}
