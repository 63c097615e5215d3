package graph_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
)

// decodingStore hands its map over as a store that decodes rows does:
// every string of every piece is a string of its own.
type decodingStore struct {
	graph.Store
	m *graph.Map
}

func (s decodingStore) ProjectMap(_ context.Context, _ string, _ graph.Projection, v graph.MapVisitor) error {
	own := strings.Clone
	owns := func(xs []string) []string {
		for i := range xs {
			xs[i] = own(xs[i])
		}
		return xs
	}
	ownKeys := func(m map[string]float64) map[string]float64 {
		if m == nil {
			return nil
		}
		out := map[string]float64{}
		for k, x := range m {
			out[own(k)] = x
		}
		return out
	}
	if err := v.Head(&graph.Map{ID: s.m.ID, Version: s.m.Version}); err != nil {
		return err
	}
	for _, n := range s.m.Nodes {
		c := n.Clone()
		c.ID, c.Kind, c.Market, c.Region = own(c.ID), graph.NodeKind(own(string(c.Kind))), own(c.Market), own(c.Region)
		c.Prefers, c.Services = owns(c.Prefers), owns(c.Services)
		c.Scores, c.Quality = ownKeys(c.Scores), ownKeys(c.Quality)
		if err := v.Node(c); err != nil {
			return err
		}
	}
	for _, e := range s.m.Edges {
		c := e.Clone()
		c.From, c.To, c.Kind, c.Delivery = own(c.From), own(c.To), graph.EdgeKind(own(string(c.Kind))), own(c.Delivery)
		c.Products, c.Services = owns(c.Products), owns(c.Services)
		if err := v.Edge(c); err != nil {
			return err
		}
	}
	return nil
}

func sameBytes(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }

// TestReadProjectionSharesStrings checks that a map read as rows holds
// each repeated string once, so a million-node map does not carry two
// million copies of node ids in its edges, and that nothing changes value
// on the way.
func TestReadProjectionSharesStrings(t *testing.T) {
	want := gen.Generate(2000, 3)
	got, err := graph.ReadProjection(context.Background(), decodingStore{m: want}, want.ID, graph.Projection{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Nodes) != len(want.Nodes) || len(got.Edges) != len(want.Edges) {
		t.Fatalf("read %d nodes and %d edges, want %d and %d", len(got.Nodes), len(got.Edges), len(want.Nodes), len(want.Edges))
	}
	byID := map[string]*graph.Node{}
	for i, n := range got.Nodes {
		if !reflect.DeepEqual(n, want.Nodes[i]) {
			t.Fatalf("node %d: read %+v, want %+v", i, n, want.Nodes[i])
		}
		byID[n.ID] = n
	}
	kinds := map[string]string{}
	shared := func(what, s string) {
		t.Helper()
		if s == "" {
			return
		}
		if first, ok := kinds[s]; !ok {
			kinds[s] = s
		} else if !sameBytes(first, s) {
			t.Fatalf("%s %q is a string of its own", what, s)
		}
	}
	scored := 0
	for _, n := range got.Nodes {
		shared("node kind", string(n.Kind))
		shared("market", n.Market)
		for k := range n.Scores {
			shared("score name", k)
			scored++
		}
	}
	if scored == 0 {
		t.Fatal("the generated map has no scores, so score names are not checked")
	}
	products := 0
	for i, e := range got.Edges {
		if !reflect.DeepEqual(e, want.Edges[i]) {
			t.Fatalf("edge %d: read %+v, want %+v", i, e, want.Edges[i])
		}
		if !sameBytes(e.From, byID[e.From].ID) || !sameBytes(e.To, byID[e.To].ID) {
			t.Fatalf("edge %s: its ends are strings of their own, not its nodes' ids", e.Key())
		}
		shared("edge kind", string(e.Kind))
		shared("delivery", e.Delivery)
		for _, p := range e.Products {
			shared("product", p)
			products++
		}
	}
	if products == 0 {
		t.Fatal("the generated map names no products on edges, so products are not checked")
	}
}

// TestShareWordsKeepsNoIDs: ShareWords shares the vocabulary as
// ShareStrings does but leaves edge ends alone, so a reader that keeps no
// edge's ends holds no index of node ids for them.
func TestShareWordsKeepsNoIDs(t *testing.T) {
	want := gen.Generate(500, 3)
	var nodes []*graph.Node
	var edges []*graph.Edge
	err := decodingStore{m: want}.ProjectMap(context.Background(), want.ID, graph.Projection{}, graph.ShareWords(graph.MapVisitor{
		Head: func(*graph.Map) error { return nil },
		Node: func(n *graph.Node) error { nodes = append(nodes, n); return nil },
		Edge: func(e *graph.Edge) error { edges = append(edges, e); return nil },
	}))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*graph.Node{}
	for i, n := range nodes {
		if !reflect.DeepEqual(n, want.Nodes[i]) {
			t.Fatalf("node %d: read %+v, want %+v", i, n, want.Nodes[i])
		}
		byID[n.ID] = n
	}
	var kind graph.EdgeKind
	for i, e := range edges {
		if !reflect.DeepEqual(e, want.Edges[i]) {
			t.Fatalf("edge %d: read %+v, want %+v", i, e, want.Edges[i])
		}
		if sameBytes(e.From, byID[e.From].ID) {
			t.Fatalf("edge %s: its start shares its node's id", e.Key())
		}
		if e.Kind == graph.EdgeSupplies {
			if kind != "" && !sameBytes(string(kind), string(e.Kind)) {
				t.Fatalf("edge %s: its kind is a string of its own", e.Key())
			}
			kind = e.Kind
		}
	}
	if kind == "" {
		t.Fatal("the generated map has no supplies edge")
	}
}
