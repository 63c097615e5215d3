package analysis

import (
	"fmt"
	"sort"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// supplyNet is the supplies graph of a map with nodes numbered in map order,
// its topological order, the share and margin of every edge, and what flows
// over it.
type supplyNet struct {
	nodes   []*node
	index   map[string]int
	in      [][]arc // supplies edges into each node, in map order
	out     [][]int // supplies successors of each node
	order   []int   // topological order: every edge goes from earlier to later
	pos     []int   // position of each node in order
	company []bool

	// coef is the fraction of the value a node sells that arrives at a
	// company: 1 for a company, Σ share·(1−m)·coef(from) over its inbound
	// supplies edges otherwise.
	coef []float64
	// reach tells whether some supply path leads from a company to the node.
	reach []bool
	// missing is 1 − Σ share for a node whose inbound supplies edges all
	// carry a share and add up to less than 1 (0 otherwise): that part of its
	// sales comes from nowhere on the map.
	missing []float64
	// lost is the fraction of what a node sells that comes from nowhere, on
	// its own inbound edges or further upstream: missing + Σ share·lost(from).
	lost []float64
	// idom is the immediate dominator of each reachable node in the supplies
	// graph below a virtual root joined to every company (rootNode for the
	// companies themselves), noNode for unreachable nodes.
	idom []int

	warnings []string
	gaps     []shareGap // the nodes with a missing part, in node order
}

// keepLookups lets go of all but the nodes, their index and the arcs
// into each node, which the insights and the what-if read once the
// figures are computed.
func (s *supplyNet) keepLookups() {
	s.out, s.order, s.pos, s.company = nil, nil, nil, nil
	s.coef, s.reach, s.missing, s.lost, s.idom = nil, nil, nil, nil, nil
	s.warnings, s.gaps = nil, nil
}

// shareGap is a node whose inbound supplies edges all carry a share, the
// shares summing to given, less than 1.
type shareGap struct {
	v     int
	given float64
}

// shareWarnings are the map's warnings on the nodes with a missing part
// (graph.Warnings gives the same).
func (s *supplyNet) shareWarnings() []string {
	ws := make([]string, len(s.gaps))
	for i, g := range s.gaps {
		ws[i] = graph.SharesMessage(s.nodes[g.v].ID, s.nodes[g.v].Name, g.given)
	}
	return ws
}

const (
	rootNode = -1
	noNode   = -2
)

// arc is one supplies edge into a node: what the analysis reads of it,
// with its effective share and margin, in a third of a graph.Edge's bytes.
type arc struct {
	from     int
	at       int32 // the edge's place among the map's edges
	given    bool  // the edge gives its share
	share    float64
	margin   float64
	delivery string
	products []string // the products it names, none for all
}

// weight is the fraction of value sold through the edge's target that is
// paid upstream along it.
func (a arc) weight() float64 { return a.share * (1 - a.margin) }

// supplyNetOf is the supply network of m (newSupplyNet).
func supplyNetOf(m *graph.Map) (*supplyNet, error) {
	index := make(map[string]int, len(m.Nodes))
	nodes := make([]*node, len(m.Nodes))
	for i, n := range m.Nodes {
		if err := indexNode(index, i, n); err != nil {
			return nil, err
		}
		nodes[i] = slimNode(n)
	}
	return newSupplyNet(nodes, index, m.Edges)
}

// indexNode adds node i to index, or says why it cannot be there.
func indexNode(index map[string]int, i int, n *graph.Node) error {
	if n == nil {
		return fmt.Errorf("node %d is empty", i+1)
	}
	if _, dup := index[n.ID]; dup {
		return fmt.Errorf("node %q appears twice", n.ID)
	}
	index[n.ID] = i
	return nil
}

// newSupplyNet builds the supplies graph of nodes (indexed by id in
// index) and the supplies edges among edges (newNet, add, finish).
func newSupplyNet(nodes []*node, index map[string]int, edges []*graph.Edge) (*supplyNet, error) {
	s := newNet(nodes, index)
	for i, e := range edges {
		if err := s.add(e, i); err != nil {
			return nil, err
		}
	}
	if err := s.finish(); err != nil {
		return nil, err
	}
	return s, nil
}

// newNet starts the supplies graph of nodes, indexed by id in index.
func newNet(nodes []*node, index map[string]int) *supplyNet {
	n := len(nodes)
	s := &supplyNet{
		nodes:   nodes,
		index:   index,
		in:      make([][]arc, n),
		out:     make([][]int, n),
		company: make([]bool, n),
	}
	for i, n := range nodes {
		s.company[i] = n.Kind == graph.KindCompany
	}
	return s
}

// add takes edge e, the map's edge number at, into the graph when it is a
// supplies edge, or says why it cannot be one. The net holds what it
// reads of e, not e.
func (s *supplyNet) add(e *graph.Edge, at int) error {
	if e == nil || e.Kind != graph.EdgeSupplies {
		return nil
	}
	from, okf := s.index[e.From]
	to, okt := s.index[e.To]
	switch {
	case !okf:
		return fmt.Errorf("edge %s: no node %q", e.Key(), e.From)
	case !okt:
		return fmt.Errorf("edge %s: no node %q", e.Key(), e.To)
	}
	fk, tk := s.nodes[from].Kind, s.nodes[to].Kind
	if !graph.EdgeSupplies.Allows(fk, tk) {
		return fmt.Errorf("edge %s: %s", e.Key(), graph.PairingError(graph.EdgeSupplies, fk, tk))
	}
	a := arc{from: from, at: int32(at), delivery: e.Delivery, products: e.Products}
	if e.Share != nil {
		if *e.Share < 0 || *e.Share > 1 {
			return fmt.Errorf("edge %s: share %v is outside [0,1]", e.Key(), *e.Share)
		}
		a.given, a.share = true, *e.Share
	}
	if e.Margin != nil {
		if *e.Margin < 0 || *e.Margin >= 1 {
			return fmt.Errorf("edge %s: margin %v is outside [0,1)", e.Key(), *e.Margin)
		}
		if tk.IsIntermediary() {
			a.margin = *e.Margin
		} else {
			s.warnings = append(s.warnings, fmt.Sprintf("%s: margin ignored (only supplies edges into an intermediary carry one)", e.Key()))
		}
	}
	s.in[to] = append(s.in[to], a)
	s.out[from] = append(s.out[from], to)
	return nil
}

// finish computes shares, the topological order (a cycle is an error
// naming it), flow coefficients, reachability and dominators.
func (s *supplyNet) finish() error {
	if err := s.splitShares(); err != nil {
		return err
	}
	if err := s.sort(); err != nil {
		return err
	}
	s.propagate()
	s.dominators()
	return nil
}

// splitShares gives every inbound supplies edge its share: the given one, or
// an even split of what the given shares leave over.
func (s *supplyNet) splitShares() error {
	s.missing = make([]float64, len(s.in))
	for v, arcs := range s.in {
		given, unshared := 0.0, 0
		for _, a := range arcs {
			if a.given {
				given += a.share
			} else {
				unshared++
			}
		}
		if given > 1+1e-9 {
			return fmt.Errorf("%s: the shares of its inbound supplies edges add up to %.6g, more than 1", s.nodes[v].ID, given)
		}
		rest := 0.0
		if unshared > 0 {
			rest = max(0, 1-given) / float64(unshared)
		} else if len(arcs) > 0 && given < 1-1e-9 {
			s.missing[v] = 1 - given
			s.gaps = append(s.gaps, shareGap{v, given})
		}
		for i := range arcs {
			if !arcs[i].given {
				arcs[i].share = rest
			}
		}
	}
	return nil
}

// sort orders the nodes topologically (Kahn, map order among equals) or
// reports a supplies cycle.
func (s *supplyNet) sort() error {
	n := len(s.nodes)
	indeg := make([]int, n)
	for v := range s.in {
		indeg[v] = len(s.in[v])
	}
	s.order = make([]int, 0, n)
	for v := 0; v < n; v++ {
		if indeg[v] == 0 {
			s.order = append(s.order, v)
		}
	}
	for i := 0; i < len(s.order); i++ {
		for _, w := range s.out[s.order[i]] {
			indeg[w]--
			if indeg[w] == 0 {
				s.order = append(s.order, w)
			}
		}
	}
	if len(s.order) < n {
		return fmt.Errorf("supplies cycle: %s", s.cycle(indeg))
	}
	s.pos = make([]int, n)
	for i, v := range s.order {
		s.pos[v] = i
	}
	return nil
}

// cycle names one supplies cycle among the nodes Kahn's sort left over (those
// with indeg > 0): walking inbound edges from such a node stays among them and
// must come back to a node already seen.
func (s *supplyNet) cycle(indeg []int) string {
	start := -1
	for v := range indeg {
		if indeg[v] > 0 {
			start = v
			break
		}
	}
	seen := map[int]int{}
	var walk []int
	v := start
	for {
		if at, ok := seen[v]; ok {
			walk = walk[at:]
			break
		}
		seen[v] = len(walk)
		walk = append(walk, v)
		for _, a := range s.in[v] {
			if indeg[a.from] > 0 {
				v = a.from
				break
			}
		}
	}
	// walk follows edges backwards; print it in the direction goods flow,
	// starting at its smallest id.
	ids := make([]string, 0, len(walk)+1)
	for i := len(walk) - 1; i >= 0; i-- {
		ids = append(ids, s.nodes[walk[i]].ID)
	}
	first := 0
	for i, id := range ids {
		if id < ids[first] {
			first = i
		}
	}
	ids = append(ids[first:], ids[:first]...)
	ids = append(ids, ids[0])
	return strings.Join(ids, " -> ")
}

// propagate computes coef and reach in topological order. Paths stop at the
// first company going upstream: supplies edges into a company are outside
// the sums.
func (s *supplyNet) propagate() {
	n := len(s.nodes)
	s.coef = make([]float64, n)
	s.reach = make([]bool, n)
	s.lost = make([]float64, n)
	for _, v := range s.order {
		if s.company[v] {
			s.coef[v], s.reach[v] = 1, true
			continue
		}
		c, l := 0.0, s.missing[v]
		for _, a := range s.in[v] {
			c += a.weight() * s.coef[a.from]
			l += a.share * s.lost[a.from]
			if s.reach[a.from] {
				s.reach[v] = true
			}
		}
		s.coef[v], s.lost[v] = c, l
	}
}

// dominators computes immediate dominators below a virtual root joined to
// every company with the Cooper–Harvey–Kennedy intersection. The supplies
// graph is acyclic, so one pass in topological order (a reverse postorder)
// already reaches the fixed point.
func (s *supplyNet) dominators() {
	n := len(s.nodes)
	s.idom = make([]int, n)
	pos := func(v int) int {
		if v == rootNode {
			return -1
		}
		return s.pos[v]
	}
	intersect := func(a, b int) int {
		for a != b {
			for pos(a) > pos(b) {
				a = s.idom[a]
			}
			for pos(b) > pos(a) {
				b = s.idom[b]
			}
		}
		return a
	}
	for _, v := range s.order {
		switch {
		case s.company[v]:
			s.idom[v] = rootNode
		case !s.reach[v]:
			s.idom[v] = noNode
		default:
			d := noNode
			for _, a := range s.in[v] {
				if !s.reach[a.from] {
					continue
				}
				if d == noNode {
					d = a.from
				} else {
					d = intersect(a.from, d)
				}
			}
			s.idom[v] = d
		}
	}
}

// shortfalls returns the ids of v and the nodes upstream of it whose inbound
// shares add up to less than 1, sorted.
func (s *supplyNet) shortfalls(v int) []string {
	seen := map[int]bool{v: true}
	stack := []int{v}
	var ids []string
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s.missing[u] > 0 {
			ids = append(ids, s.nodes[u].ID)
		}
		if s.company[u] {
			continue
		}
		for _, a := range s.in[u] {
			if !seen[a.from] && a.share > 0 {
				seen[a.from] = true
				stack = append(stack, a.from)
			}
		}
	}
	sort.Strings(ids)
	return ids
}

// dominatingPartners returns the ids of the nodes other than companies that
// lie on every supply path from a company to v, sorted; nil when v is
// unreachable.
func (s *supplyNet) dominatingPartners(v int) []string {
	if !s.reach[v] {
		return nil
	}
	var ids []string
	for d := s.idom[v]; d >= 0; d = s.idom[d] {
		if !s.company[d] {
			ids = append(ids, s.nodes[d].ID)
		}
	}
	sort.Strings(ids)
	return ids
}

// credit pushes value sold by segments back up the supplies edges: sold[v]
// starts as what segment v's customers pay and, in reverse topological order,
// every node passes share·(1−m) of its value to each supplier. Companies keep
// what reaches them. The company net revenue flowing through node p is then
// coef[p]·sold[p].
func (s *supplyNet) credit(sold []float64) {
	for i := len(s.order) - 1; i >= 0; i-- {
		v := s.order[i]
		if s.company[v] || sold[v] == 0 {
			continue
		}
		for _, a := range s.in[v] {
			sold[a.from] += sold[v] * a.weight()
		}
	}
}
