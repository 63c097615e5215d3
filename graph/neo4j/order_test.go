package neo4j

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
)

// TestOrds: positions stay strictly increasing in map order and are reused
// wherever that allows, so a change rewrites few positions.
func TestOrds(t *testing.T) {
	tests := []struct {
		name string
		old  map[string]int64
		next []string
		want []int64
	}{
		{"unchanged", map[string]int64{"a": 0, "b": 1, "c": 2}, []string{"a", "b", "c"}, []int64{0, 1, 2}},
		{"append", map[string]int64{"a": 0, "b": 1}, []string{"a", "b", "c"}, []int64{0, 1, 2}},
		{"delete in the middle keeps the rest", map[string]int64{"a": 0, "b": 1, "c": 2}, []string{"a", "c"}, []int64{0, 2}},
		{"append after a gap never reuses a taken position", map[string]int64{"a": 0, "c": 2}, []string{"a", "c", "d"}, []int64{0, 2, 3}},
		{"replacement in place takes the next free", map[string]int64{"a": 0, "b": 5, "c": 9}, []string{"a", "x", "c"}, []int64{0, 1, 9}},
		{"moved to the front renumbers what follows", map[string]int64{"a": 0, "b": 1, "c": 2}, []string{"c", "a", "b"}, []int64{2, 3, 4}},
		{"empty", map[string]int64{}, nil, []int64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			old := newOrdIndex(len(tc.old))
			for k, v := range tc.old {
				old.put(k, v)
			}
			got := ords(tc.next, func(s string) string { return s }, old)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("ords = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestOrdIndexLayers: an index derived with changes sees them, the one it
// came from does not, and folding the layers into a new base (after many
// changes) keeps every entry.
func TestOrdIndexLayers(t *testing.T) {
	base := newOrdIndex(4)
	for i, k := range []string{"a", "b", "c"} {
		base.put(k, int64(i))
	}
	next := base.with(map[string]int64{"b": -1, "d": 7})
	if _, ok := next.get("b"); ok {
		t.Error("a removed key is still found")
	}
	if v, ok := next.get("d"); !ok || v != 7 || next.max != 7 {
		t.Errorf("an added key: %d %v, max %d; want 7 true 7", v, ok, next.max)
	}
	if v, ok := base.get("b"); !ok || v != 1 {
		t.Error("deriving an index changed the one it came from")
	}
	if _, ok := base.get("d"); ok {
		t.Error("deriving an index changed the one it came from")
	}
	cur := next
	for i := 0; i < 3000; i++ {
		cur = cur.with(map[string]int64{fmt.Sprint("k", i): int64(10 + i)})
	}
	if len(cur.over) > 1024+len(cur.base)/8 {
		t.Errorf("%d entries on top of %d: the layers were never folded", len(cur.over), len(cur.base))
	}
	for _, k := range []string{"a", "c", "d", "k0", "k2999"} {
		if _, ok := cur.get(k); !ok {
			t.Errorf("%s lost when the layers were folded", k)
		}
	}
	if _, ok := cur.get("b"); ok {
		t.Error("a removed key came back when the layers were folded")
	}
}

// fakeGraph is what the stored nodes and relationships hold, by id and key:
// written by a delta as the server would.
type fakeGraph struct {
	nodes map[string]map[string]any
	edges map[string]map[string]any
}

func (g *fakeGraph) apply(d *delta) {
	for _, rows := range d.delEdges {
		for _, r := range rows {
			delete(g.edges, r["id"].(string))
		}
	}
	for _, id := range d.delNodes {
		delete(g.nodes, id.(string))
	}
	for _, rows := range d.nodes {
		for _, r := range rows {
			g.nodes[r["id"].(string)] = r
		}
	}
	for _, rows := range d.edges {
		for _, r := range rows {
			p := r["props"].(map[string]any)
			g.edges[p["id"].(string)] = p
		}
	}
}

// check compares the stored graph with m: the same nodes and edges, with
// the same properties, in the same order by position.
func (g *fakeGraph) check(t *testing.T, step int, m *graph.Map) {
	t.Helper()
	if len(g.nodes) != len(m.Nodes) || len(g.edges) != len(m.Edges) {
		t.Fatalf("step %d: stored %d nodes and %d edges, the map has %d and %d", step, len(g.nodes), len(g.edges), len(m.Nodes), len(m.Edges))
	}
	prev := int64(-1)
	for _, n := range m.Nodes {
		p := g.nodes[n.ID]
		if p == nil {
			t.Fatalf("step %d: node %s is not stored", step, n.ID)
		}
		ord := p[propOrd].(int64)
		if ord <= prev {
			t.Fatalf("step %d: node %s is stored at position %d, after %d: out of order", step, n.ID, ord, prev)
		}
		prev = ord
		if !reflect.DeepEqual(p, nodeProps(m.ID, n, ord)) {
			t.Fatalf("step %d: node %s stored as %v, want %v", step, n.ID, p, nodeProps(m.ID, n, ord))
		}
	}
	prev = -1
	for _, e := range m.Edges {
		p := g.edges[e.Key()]
		if p == nil {
			t.Fatalf("step %d: edge %s is not stored", step, e.Key())
		}
		ord := p[propOrd].(int64)
		if ord <= prev {
			t.Fatalf("step %d: edge %s is stored at position %d, after %d: out of order", step, e.Key(), ord, prev)
		}
		prev = ord
		if !reflect.DeepEqual(p, edgeProps(m.ID, e, ord)) {
			t.Fatalf("step %d: edge %s stored as %v, want %v", step, e.Key(), p, edgeProps(m.ID, e, ord))
		}
	}
}

// TestDiffTouched walks a generated map through random accepted change
// sets (renames, additions, deletions, edge updates, node kinds), writing
// each delta to a stand-in for the server, and checks after every step that
// what is stored is the map, in order.
func TestDiffTouched(t *testing.T) {
	m := gen.Generate(200, 5)
	var g fakeGraph
	g.nodes, g.edges = map[string]map[string]any{}, map[string]map[string]any{}
	cur := &snap{m: m, nodeOrd: newOrdIndex(0), edgeOrd: newOrdIndex(0)}
	var d delta
	for i, n := range m.Nodes {
		d.addNode(m.ID, n, int64(i))
		cur.nodeOrd.put(n.ID, int64(i))
	}
	for i, e := range m.Edges {
		d.addEdge(m.ID, e, int64(i))
		cur.edgeOrd.put(e.Key(), int64(i))
	}
	g.apply(&d)
	g.check(t, 0, m)
	r := rand.New(rand.NewPCG(3, 4))
	incremental := 0
	for step := 1; step <= 400; step++ {
		cs := randomEdit(r, cur.m, step)
		next, err := graph.ApplyChanges(cur.m, cs)
		if err != nil {
			continue
		}
		d, out, ok := diffTouched(cur, next, cs)
		if ok {
			incremental++
		} else {
			d, out = diff(cur, next, touchedBy(cs))
		}
		g.apply(d)
		g.check(t, step, next)
		cur = out
	}
	if incremental < 200 {
		t.Fatalf("only %d change sets took the incremental path", incremental)
	}
}

// randomEdit is one plausible edit: rename or change a node's figures, add
// a reseller supplied by an existing node, delete a node with its edges,
// change an edge, or re-add an edge deleted in the same change set.
func randomEdit(r *rand.Rand, m *graph.Map, step int) graph.ChangeSet {
	pick := func() *graph.Node { return m.Nodes[r.IntN(len(m.Nodes))] }
	switch r.IntN(6) {
	case 0:
		n := *pick()
		n.Name = fmt.Sprint("renamed ", step)
		return graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: n.ID, Node: &n}}}
	case 1:
		from := pick()
		id := fmt.Sprint("new-", step)
		return graph.ChangeSet{Changes: []graph.Change{
			{Op: graph.OpAddNode, Node: &graph.Node{ID: id, Kind: graph.KindReseller, Name: id}},
			{Op: graph.OpAddEdge, Edge: &graph.Edge{From: from.ID, To: id, Kind: graph.EdgeSupplies}},
		}}
	case 2:
		n := pick()
		if n.Kind == graph.KindCompany || n.Kind == graph.KindProduct {
			return graph.ChangeSet{}
		}
		return graph.DeleteNodeCascade(m, n.ID)
	case 3:
		e := *m.Edges[r.IntN(len(m.Edges))]
		e.Attrs = map[string]any{"note": fmt.Sprint("note ", step)}
		return graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateEdge, ID: e.Key(), Edge: &e}}}
	case 4:
		e := m.Edges[r.IntN(len(m.Edges))]
		return graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpDeleteEdge, ID: e.Key()}, {Op: graph.OpAddEdge, Edge: e}}}
	default:
		n := *pick()
		n.Kind = graph.KindWholesaler
		return graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: n.ID, Node: &n}}}
	}
}
