package analysis

import (
	"fmt"

	"github.com/chanmap/chanmap/graph"
)

// Builder analyses a map handed to it piece by piece, as a store streams
// it (graph.MapProjector): its Visitor takes the map's head, then every
// node, then every edge, and Report computes the report, which is
// Analyze's on the map the pieces make. It keeps only what the analysis
// reads, not the pieces: the head, the fields of each node the analysis
// reads, what the supply network reads of each supplies edge, the product
// lists of supports edges, and belongs_to and uses edges as a few bytes
// each. Other edges are dropped, and the map's warnings and limits are
// checked piece by piece, so that a million-node map's analysis never
// holds the map.
type Builder struct {
	b    *builder
	done bool // Report was called
}

// NewBuilder starts the analysis of one map.
func NewBuilder() *Builder { return &Builder{} }

// Visitor is what the map is read into. A piece out of order (a node or
// an edge before the head, a node after an edge) is an error.
func (s *Builder) Visitor() graph.MapVisitor {
	return graph.MapVisitor{
		Head: func(h *graph.Map) error {
			if s.b != nil {
				return fmt.Errorf("analyze: a second map head")
			}
			s.b = newBuilder(h, true)
			return nil
		},
		Node: func(n *graph.Node) error {
			if s.b == nil || s.b.edges > 0 {
				return fmt.Errorf("analyze: a node before the map's head or after its edges")
			}
			s.b.node(n)
			return nil
		},
		Edge: func(e *graph.Edge) error {
			if s.b == nil {
				return fmt.Errorf("analyze: an edge before the map's head")
			}
			s.b.edge(e)
			return nil
		},
	}
}

// Report analyses the map read: Analyze's report and errors. A builder
// that was given no head has no map to analyse.
func (s *Builder) Report() (*Report, error) {
	if s.b == nil {
		return nil, fmt.Errorf("analyze: no map")
	}
	if s.done {
		return nil, fmt.Errorf("analyze %s: the report was already made", s.b.head.ID)
	}
	s.done = true
	a, err := s.b.analyse()
	if err != nil {
		return nil, fmt.Errorf("analyze %s: %w", s.b.head.ID, err)
	}
	// Name needs the nodes and their index only.
	s.b.net, s.b.supports, s.b.uses, s.b.belongs, s.b.warnings = nil, nil, nil, nil, nil
	return a.report, nil
}

// Head is the map's head as read (its id, version and the map fields the
// reader asked for), nil before it was read.
func (s *Builder) Head() *graph.Map {
	if s.b == nil {
		return nil
	}
	return s.b.head
}

// Name is the name of node id of the map read, "" when it has none or
// the map has no such node: what a report written for people shows.
func (s *Builder) Name(id string) string {
	if s.b == nil {
		return ""
	}
	if v, ok := s.b.index[id]; ok && s.b.nodes[v] != nil {
		return s.b.nodes[v].Name
	}
	return ""
}

// builder gathers, piece by piece, what the analysis reads of a map. It
// keeps no node and no edge it is given: nodes become their slim part
// (node), supplies edges the supply network's arcs, supports edges their
// product lists, belongs_to and uses edges a few bytes in flat arrays.
type builder struct {
	head   *graph.Map
	limits *graph.LimitCheck // nil when the caller checked them

	nodes []*node // nil for a nil node (an error)
	index map[string]int
	bad   error // the first node the analysis cannot index

	edges    int                // edges seen: the next edge's place in the map
	net      *supplyNet         // started at the first edge, once every node is in
	badEdge  error              // the first supplies edge the network refuses
	belongs  [][2]int32         // belongs_to edges as (customer, segment), in map order
	uses     []bool             // by node: it uses a touchpoint
	warnings []string           // the map's warnings on single pieces
	supports map[int][][]string // by node: the products of each supports edge into it
}

// newBuilder starts gathering the map whose head is h; limits tells
// whether to bound every piece (graph.CheckLimits).
func newBuilder(h *graph.Map, limits bool) *builder {
	b := &builder{head: h, index: map[string]int{}, supports: map[int][][]string{}}
	if limits {
		b.limits = graph.NewLimitCheck()
		b.limits.Head(h)
	}
	return b
}

func (b *builder) node(n *graph.Node) {
	i := len(b.nodes)
	if err := indexNode(b.index, i, n); err != nil && b.bad == nil {
		b.bad = err
	}
	if n == nil {
		b.nodes = append(b.nodes, nil)
		return
	}
	b.nodes = append(b.nodes, slimNode(n))
	if b.limits != nil {
		b.limits.Node(i, n)
	}
	for _, w := range graph.NodeWarnings(i, n) {
		b.warnings = append(b.warnings, w.Message)
	}
}

// nodesDone ends the nodes: what follows are edges.
func (b *builder) nodesDone() {
	if b.uses != nil {
		return
	}
	b.uses = make([]bool, len(b.nodes))
	if b.bad == nil {
		b.net = newNet(b.nodes, b.index)
	}
}

func (b *builder) edge(e *graph.Edge) {
	i := b.edges
	b.edges++
	b.nodesDone()
	if e == nil {
		return
	}
	if b.limits != nil {
		b.limits.Edge(i, e)
	}
	for _, w := range graph.EdgeWarnings(i, e) {
		b.warnings = append(b.warnings, w.Message)
	}
	switch e.Kind {
	case graph.EdgeSupplies: // the network looks its ends up
		if b.net != nil && b.badEdge == nil {
			b.badEdge = b.net.add(e, i)
		}
	case graph.EdgeSupports:
		if to, ok := b.index[e.To]; ok {
			b.supports[to] = append(b.supports[to], e.Products)
		}
	case graph.EdgeUses:
		if from, to, ok := b.ends(e); ok && b.nodes[to].Kind == graph.KindTouchpoint {
			b.uses[from] = true
		}
	case graph.EdgeBelongsTo:
		if from, to, ok := b.ends(e); ok {
			b.belongs = append(b.belongs, [2]int32{int32(from), int32(to)})
		}
	}
}

// ends are the places of e's nodes, false when one is not on the map.
func (b *builder) ends(e *graph.Edge) (from, to int, ok bool) {
	from, okf := b.index[e.From]
	to, okt := b.index[e.To]
	return from, to, okf && okt
}

// analyse computes the report from what was gathered. The limits come
// first (figures past them could overflow), then the nodes' ids, then the
// supply network's rules.
func (b *builder) analyse() (*analysis, error) {
	b.nodesDone()
	if b.limits != nil {
		if err := b.limits.Err(); err != nil {
			return nil, err
		}
	}
	if b.bad != nil {
		return nil, b.bad
	}
	if b.badEdge != nil {
		return nil, b.badEdge
	}
	net := b.net
	if err := net.finish(); err != nil {
		return nil, err
	}
	a := &analysis{
		head:     b.head,
		net:      net,
		segOf:    newMembers(len(b.nodes), b.belongs),
		supports: b.supports,
		replace:  map[string]bool{},
		uses:     b.uses,
		report: &Report{
			Map:      b.head.ID,
			Segments: []Segment{},
			Partners: []Partner{},
			Warnings: []string{},
		},
	}
	b.belongs = nil
	if c := b.head.Currency; c != "" {
		a.report.Currency = &c
	}
	if err := a.run(b); err != nil {
		return nil, err
	}
	return a, nil
}
