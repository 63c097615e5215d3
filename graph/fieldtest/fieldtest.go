// Package fieldtest gives tests a copy of the field table with one new row
// each for maps, nodes and edges, so they can show that a field added to the
// table reaches every reader, writer and store without code of its own.
package fieldtest

import (
	"sync"

	"github.com/chanmap/chanmap/graph"
)

// The names of the extra rows.
const (
	MapField  = "owner"    // text
	NodeField = "loyalty"  // number 0-10 on segments and customers
	EdgeField = "contract" // enum spot | yearly on supplies edges
)

// Extra is a field table with the three extra rows. Their values live in
// Extra itself (the typed structs have no field for them), keyed by the
// map, node or edge they belong to.
type Extra struct {
	*graph.Schema

	mu    sync.Mutex
	maps  map[*graph.Map]string
	nodes map[*graph.Node]*float64
	edges map[*graph.Edge]string
}

// New returns graph.DefaultSchema with the extra rows.
func New() *Extra {
	x := &Extra{
		Schema: graph.DefaultSchema(),
		maps:   map[*graph.Map]string{},
		nodes:  map[*graph.Node]*float64{},
		edges:  map[*graph.Edge]string{},
	}
	ten := 10.0
	zero := 0.0
	x.Map = append(x.Map, graph.Field[graph.Map]{
		Name: MapField, Type: graph.TypeText, Help: "where the figures come from",
		Get: func(m *graph.Map) any { return get(x, x.maps, m) },
		Set: func(m *graph.Map, v any) { s, _ := v.(string); set(x, x.maps, m, s) },
	})
	x.Node = append(x.Node, graph.Field[graph.Node]{
		Name: NodeField, Type: graph.TypeNumber, Kinds: []string{"segment", "customer"},
		Min: &zero, Max: &ten, Unit: "score", Help: "how loyal the customers are, 0-10",
		Get: func(n *graph.Node) any { return get(x, x.nodes, n) },
		Set: func(n *graph.Node, v any) { f, _ := v.(*float64); set(x, x.nodes, n, f) },
	})
	x.Edge = append(x.Edge, graph.Field[graph.Edge]{
		Name: EdgeField, Type: graph.TypeEnum, Kinds: []string{"supplies"},
		Values: []string{"spot", "yearly"}, Noun: "contract type", Help: "how the supply is contracted",
		Get: func(e *graph.Edge) any { return get(x, x.edges, e) },
		Set: func(e *graph.Edge, v any) { s, _ := v.(string); set(x, x.edges, e, s) },
	})
	return x
}

func get[K comparable, V any](x *Extra, m map[K]V, k K) V {
	x.mu.Lock()
	defer x.mu.Unlock()
	return m[k]
}

func set[K comparable, V any](x *Extra, m map[K]V, k K, v V) {
	x.mu.Lock()
	defer x.mu.Unlock()
	m[k] = v
}

// Loyalty is the node's value of the extra node row (nil when absent).
func (x *Extra) Loyalty(n *graph.Node) *float64 { return get(x, x.nodes, n) }

// Contract is the edge's value of the extra edge row.
func (x *Extra) Contract(e *graph.Edge) string { return get(x, x.edges, e) }

// Source is the map's value of the extra map row.
func (x *Extra) Source(m *graph.Map) string { return get(x, x.maps, m) }
