package graph_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
)

// randomChanges builds a change set of 1-4 random changes on m: mostly
// valid edits, with invalid ones mixed in (bad figures, wrong pairings,
// dangling ends, shares over 1, cycles, taken ids, kind changes, deleting
// nodes that edges touch, products that do not exist).
func randomChanges(r *rand.Rand, m *graph.Map, serial int) graph.ChangeSet {
	var cs graph.ChangeSet
	node := func() *graph.Node { return m.Nodes[r.IntN(len(m.Nodes))] }
	edge := func() *graph.Edge { return m.Edges[r.IntN(len(m.Edges))] }
	num := func(lo, hi float64) *float64 { v := lo + r.Float64()*(hi-lo); return &v }
	kinds := graph.NodeKinds
	for i := 0; i < 1+r.IntN(4); i++ {
		switch r.IntN(9) {
		case 0: // rename, sometimes with a bad figure
			n := *node()
			n.Name = fmt.Sprintf("renamed %d", serial)
			if r.IntN(4) == 0 {
				n.Revenue = num(-10, 10)
			}
			cs.Changes = append(cs.Changes, graph.Change{Op: graph.OpUpdateNode, ID: n.ID, Node: &n})
		case 1: // a kind change
			n := *node()
			n.Kind = kinds[r.IntN(len(kinds))]
			cs.Changes = append(cs.Changes, graph.Change{Op: graph.OpUpdateNode, ID: n.ID, Node: &n})
		case 2: // a new node, sometimes with a taken id or a bad market
			id := fmt.Sprintf("new-%d-%d", serial, i)
			if r.IntN(5) == 0 {
				id = node().ID
			}
			n := &graph.Node{ID: id, Kind: kinds[r.IntN(len(kinds))], Name: "New " + id}
			if r.IntN(5) == 0 {
				n.Market = "moon"
			}
			cs.Changes = append(cs.Changes, graph.Change{Op: graph.OpAddNode, Node: n})
		case 3: // delete a node (refused while edges touch it)
			cs.Changes = append(cs.Changes, graph.Change{Op: graph.OpDeleteNode, ID: node().ID})
		case 4, 5: // a new edge between random nodes: pairings, cycles, shares
			a, b := node(), node()
			e := &graph.Edge{From: a.ID, To: b.ID, Kind: graph.EdgeKinds[r.IntN(len(graph.EdgeKinds))]}
			if r.IntN(2) == 0 {
				e.Kind = graph.EdgeSupplies
			}
			if r.IntN(3) == 0 {
				e.Share = num(0, 1.2)
			}
			if r.IntN(6) == 0 {
				e.To = "nowhere"
			}
			if r.IntN(6) == 0 {
				e.Products = []string{node().ID}
			}
			cs.Changes = append(cs.Changes, graph.Change{Op: graph.OpAddEdge, Edge: e})
		case 6: // reverse an existing supplies edge (a two-node cycle)
			o := edge()
			e := &graph.Edge{ID: fmt.Sprintf("back-%d-%d", serial, i), From: o.To, To: o.From, Kind: o.Kind}
			cs.Changes = append(cs.Changes, graph.Change{Op: graph.OpAddEdge, Edge: e})
		case 7: // change an edge's share or margin
			o := *edge()
			if r.IntN(2) == 0 {
				o.Share = num(0, 1.1)
			} else {
				o.Margin = num(-0.1, 1.05)
			}
			cs.Changes = append(cs.Changes, graph.Change{Op: graph.OpUpdateEdge, ID: o.Key(), Edge: &o})
		case 8:
			cs.Changes = append(cs.Changes, graph.Change{Op: graph.OpDeleteEdge, ID: edge().Key()})
		}
	}
	return cs
}

// TestApplyToSnapshotAgreesWithApplyChanges: on random change sets, the
// incremental path accepts exactly what full validation accepts, with the
// same result, and refuses with the same error.
func TestApplyToSnapshotAgreesWithApplyChanges(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 11))
	m := gen.Generate(300, 3)
	if err := graph.Validate(m); err != nil {
		t.Fatal(err)
	}
	accepted, refused := 0, 0
	for i := 0; i < 3000; i++ {
		cs := randomChanges(r, m, i)
		want, wantErr := graph.ApplyChanges(m, cs)
		got, gotErr := graph.ApplyToSnapshot(m, cs)
		switch {
		case (wantErr == nil) != (gotErr == nil):
			t.Fatalf("change set %d %+v: full validation says %v, incremental %v", i, cs, wantErr, gotErr)
		case wantErr != nil:
			if wantErr.Error() != gotErr.Error() {
				t.Fatalf("change set %d: errors differ:\nfull: %v\nincremental: %v", i, wantErr, gotErr)
			}
			refused++
		default:
			if !graph.Equal(got, want) {
				t.Fatalf("change set %d: the incremental result differs from the full one", i)
			}
			accepted++
			if i%7 == 0 {
				m = got // walk on, so later sets see earlier edits
			}
		}
	}
	if accepted < 300 || refused < 300 {
		t.Fatalf("only %d accepted and %d refused change sets: the generator does not exercise both sides", accepted, refused)
	}
	t.Logf("%d accepted, %d refused, all agreeing", accepted, refused)
}

// BenchmarkApplySmallChange10000 compares the two paths on one rename in a
// 10,000-node map.
func BenchmarkApplySmallChange10000(b *testing.B) {
	m := gen.Generate(10000, 7)
	n := *m.Node(m.NodesOfKind(graph.KindSegment)[0])
	n.Name = "renamed"
	cs := graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: n.ID, Node: &n}}}
	for name, apply := range map[string]func(*graph.Map, graph.ChangeSet) (*graph.Map, error){
		"Full": graph.ApplyChanges, "Incremental": graph.ApplyToSnapshot,
	} {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := apply(m, cs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestApplyToSnapshotChain walks on after every accepted change set, so each
// one is applied to the result of the one before: the index handed from
// snapshot to snapshot must find the same nodes and edges as a fresh one,
// after renames, deletions (which move everything after them) and
// additions. Node deletions come as cascades, so they are accepted.
func TestApplyToSnapshotChain(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 1))
	m := gen.Generate(300, 4)
	deletes := 0
	for i := 0; i < 1500 && len(m.Edges) > 100; i++ {
		cs := randomChanges(r, m, i)
		if r.IntN(8) == 0 {
			id := m.Nodes[r.IntN(len(m.Nodes))].ID
			if m.Node(id).Kind != graph.KindCompany && m.Node(id).Kind != graph.KindProduct {
				cs = graph.DeleteNodeCascade(m, id)
			}
		}
		want, wantErr := graph.ApplyChanges(m, cs)
		got, gotErr := graph.ApplyToSnapshot(m, cs)
		if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
			t.Fatalf("change set %d %+v: full validation says %v, incremental %v", i, cs, wantErr, gotErr)
		}
		if wantErr != nil {
			continue
		}
		if !graph.Equal(got, want) {
			t.Fatalf("change set %d: the incremental result differs from the full one", i)
		}
		if len(got.Nodes) < len(m.Nodes) {
			deletes++
		}
		m = got
	}
	if deletes < 50 {
		t.Fatalf("only %d change sets deleted nodes: the chain does not exercise deletions", deletes)
	}
	t.Logf("%d nodes left, %d change sets deleted nodes", len(m.Nodes), deletes)
}
