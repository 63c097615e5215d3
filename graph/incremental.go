package graph

import (
	"runtime"
	"slices"
	"sync"
	"weak"
)

// ApplyToSnapshot is ApplyChanges for stores, whose snapshots are valid and
// never modified: it gives the same result and the same errors, but costs
// time in proportion to what cs touches rather than to the map. The result
// shares the nodes and edges cs leaves alone with m (so neither may be
// modified afterwards), and validation looks only at what cs touches plus
// the rules a change can break elsewhere:
//
//   - added and updated nodes and edges get every node and edge rule;
//   - a supplies edge brings in the other supplies edges into its buyer
//     (shares add up to at most 1) and is checked for closing a cycle (a
//     walk from its buyer along supplies edges back to its seller);
//   - a removed node cannot strand an edge (delete_node refuses while edges
//     touch it), and ids stay unique (add and rename refuse taken ids);
//   - changes that reach further (set_map, a node changing kind, a product
//     node changed or removed, which edges name in their product lists) are
//     validated whole.
//
// When the touched part shows a problem, the whole map is validated, so the
// error lists every problem exactly as ApplyChanges does.
func ApplyToSnapshot(m *Map, cs ChangeSet) (*Map, error) {
	if m == nil {
		return ApplyChanges(m, cs)
	}
	ix := takeIndex(m)
	var (
		out *Map
		nx  *index
		err error
	)
	if localChanges(m, ix, cs) {
		c := *m
		c.Nodes = slices.Clone(m.Nodes)
		c.Edges = slices.Clone(m.Edges)
		out, nx, err = applyChanges(&c, ix.view(), cs, func(next *Map) *ValidationError {
			if validate(touchedPart(next, cs)) == nil {
				return nil
			}
			return validate(next)
		})
	} else {
		out, nx, err = applyChanges(m.Clone(), ix.view(), cs, validate)
	}
	if err != nil {
		keepIndex(m, ix) // the overlay was dropped: ix still indexes m
		return nil, err
	}
	keepIndex(out, nx)
	return out, nil
}

// The index of a snapshot (its nodes and edges by id and key, and the
// number of edges touching each node) costs time in proportion to the map
// to build, more than the rest of a small change. ApplyToSnapshot keeps
// the index of each result it returns, and hands it on to the result of
// the next change set applied to that result: a store that applies change
// after change to the snapshot it last wrote builds the index once. An
// index moves rather than being copied (the snapshot it leaves builds a new
// one if it is applied to again), and it is dropped with its snapshot.
var snapIndexes = struct {
	sync.Mutex
	m map[weak.Pointer[Map]]*indexSlot
}{m: map[weak.Pointer[Map]]*indexSlot{}}

type indexSlot struct{ ix *index }

// takeIndex returns the index of snapshot m, which nobody else holds
// until keepIndex gives it back or on.
func takeIndex(m *Map) *index {
	wp := weak.Make(m)
	snapIndexes.Lock()
	var ix *index
	if s := snapIndexes.m[wp]; s != nil {
		ix, s.ix = s.ix, nil
	}
	snapIndexes.Unlock()
	if ix == nil || ix.nodes != len(m.Nodes) || ix.edges != len(m.Edges) {
		ix = newIndex(m)
	}
	return ix
}

// keepIndex makes ix the index of snapshot m until m is collected.
func keepIndex(m *Map, ix *index) {
	wp := weak.Make(m)
	snapIndexes.Lock()
	defer snapIndexes.Unlock()
	s := snapIndexes.m[wp]
	if s == nil {
		s = &indexSlot{}
		snapIndexes.m[wp] = s
		runtime.AddCleanup(m, func(wp weak.Pointer[Map]) {
			snapIndexes.Lock()
			delete(snapIndexes.m, wp)
			snapIndexes.Unlock()
		}, wp)
	}
	s.ix = ix
}

// index finds a map's nodes by id and edges by key (the first of
// duplicates, in a map that is not valid) and counts the edges touching
// each node.
type index struct {
	nodes, edges int // the lengths of the slices it indexes
	nodeAt       map[string]int
	edgeAt       map[string]int
	degree       map[string]int
}

func newIndex(m *Map) *index {
	ix := &index{nodeAt: map[string]int{}, edgeAt: map[string]int{}, degree: map[string]int{}}
	if m == nil {
		return ix
	}
	ix.nodes, ix.edges = len(m.Nodes), len(m.Edges)
	ix.nodeAt = make(map[string]int, len(m.Nodes))
	for i, n := range m.Nodes {
		if n != nil {
			if _, dup := ix.nodeAt[n.ID]; !dup {
				ix.nodeAt[n.ID] = i
			}
		}
	}
	ix.edgeAt = make(map[string]int, len(m.Edges))
	for i, e := range m.Edges {
		k := e.Key()
		if _, dup := ix.edgeAt[k]; !dup {
			ix.edgeAt[k] = i
		}
		ix.degree[e.From]++
		ix.degree[e.To]++
	}
	return ix
}

func (ix *index) view() *indexView {
	return &indexView{base: ix, nodeAt: map[string]int{}, edgeAt: map[string]int{}, deg: map[string]int{}, firstDeadNode: -1, firstDeadEdge: -1}
}

// indexView is an index with a change set's changes on top, kept apart
// from the index until commit, so a refused change set leaves it as it was.
// Positions are in the map being changed, before deleted items are
// compacted away.
type indexView struct {
	base           *index
	nodeAt, edgeAt map[string]int // -1: removed
	deg            map[string]int // added to the base's
	// The lowest positions deleted: compaction moves everything after them.
	firstDeadNode, firstDeadEdge int
}

func (v *indexView) node(id string) (int, bool) {
	if at, ok := v.nodeAt[id]; ok {
		return at, at >= 0
	}
	at, ok := v.base.nodeAt[id]
	return at, ok
}

func (v *indexView) edge(k string) (int, bool) {
	if at, ok := v.edgeAt[k]; ok {
		return at, at >= 0
	}
	at, ok := v.base.edgeAt[k]
	return at, ok
}

func (v *indexView) degree(id string) int      { return v.base.degree[id] + v.deg[id] }
func (v *indexView) setNode(id string, at int) { v.nodeAt[id] = at }
func (v *indexView) delNode(id string)         { v.nodeAt[id] = -1 }
func (v *indexView) setEdge(k string, at int)  { v.edgeAt[k] = at }
func (v *indexView) delEdge(k string)          { v.edgeAt[k] = -1 }
func (v *indexView) addDegree(id string, d int) {
	v.deg[id] += d
}

func (v *indexView) deadNode(at int) {
	if v.firstDeadNode < 0 || at < v.firstDeadNode {
		v.firstDeadNode = at
	}
}

func (v *indexView) deadEdge(at int) {
	if v.firstDeadEdge < 0 || at < v.firstDeadEdge {
		v.firstDeadEdge = at
	}
}

// commit writes the overlay into the base index, which then indexes out
// (the changed map, compacted). It costs time in proportion to the changes
// and, after a deletion, to the items that moved.
func (v *indexView) commit(out *Map) *index {
	b := v.base
	for id, at := range v.nodeAt {
		if at < 0 {
			delete(b.nodeAt, id)
		} else {
			b.nodeAt[id] = at
		}
	}
	for k, at := range v.edgeAt {
		if at < 0 {
			delete(b.edgeAt, k)
		} else {
			b.edgeAt[k] = at
		}
	}
	for id, d := range v.deg {
		if n := b.degree[id] + d; n != 0 {
			b.degree[id] = n
		} else {
			delete(b.degree, id)
		}
	}
	if v.firstDeadNode >= 0 {
		for i := v.firstDeadNode; i < len(out.Nodes); i++ {
			if n := out.Nodes[i]; n != nil {
				b.nodeAt[n.ID] = i
			}
		}
	}
	if v.firstDeadEdge >= 0 {
		for i := v.firstDeadEdge; i < len(out.Edges); i++ {
			b.edgeAt[out.Edges[i].Key()] = i
		}
	}
	b.nodes, b.edges = len(out.Nodes), len(out.Edges)
	return b
}

// localChanges reports whether every change in cs can be validated by
// looking at what it touches.
func localChanges(m *Map, ix *index, cs ChangeSet) bool {
	kindOf := func(id string) (NodeKind, bool) {
		at, ok := ix.nodeAt[id]
		if !ok || m.Nodes[at] == nil {
			return "", false
		}
		return m.Nodes[at].Kind, true
	}
	for _, c := range cs.Changes {
		switch c.Op {
		case OpAddNode, OpAddEdge, OpUpdateEdge, OpDeleteEdge:
		case OpUpdateNode:
			k, ok := kindOf(c.ID)
			if !ok || c.Node == nil || k == KindProduct || c.Node.Kind != k || (c.Node.ID != "" && c.Node.ID != c.ID) {
				return false
			}
		case OpDeleteNode:
			if k, ok := kindOf(c.ID); !ok || k == KindProduct {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// touchedPart is the part of next that cs can have made invalid: the nodes
// and edges it adds or updates, the ends and products of those edges, the
// other supplies edges into the buyers of supplies edges, and for each
// supplies edge the supplies paths from its buyer back to its seller (a
// cycle it closes). Validating it finds every problem cs brings into a map
// that was valid before.
func touchedPart(next *Map, cs ChangeSet) *Map {
	nodeIDs := map[string]bool{}
	edgeKeys := map[string]bool{}
	for _, c := range cs.Changes {
		switch c.Op {
		case OpAddNode, OpUpdateNode:
			if c.Node != nil {
				id := c.Node.ID
				if id == "" {
					id = c.ID
				}
				nodeIDs[id] = true
			}
		case OpAddEdge, OpUpdateEdge:
			if c.Edge != nil {
				edgeKeys[c.Edge.Key()] = true
			}
		}
	}
	sub := &Map{ID: next.ID, Currency: next.Currency}
	if len(edgeKeys) == 0 && len(nodeIDs) == 0 {
		return sub
	}
	var touched []*Edge
	buyers := map[string]bool{}
	for _, e := range next.Edges {
		if len(edgeKeys) > 0 && edgeKeys[e.Key()] {
			touched = append(touched, e)
			if e.Kind == EdgeSupplies {
				buyers[e.To] = true
			}
		}
	}
	// Supplies edges out of each node, for the cycle walk, and into each
	// buyer, for the share sums.
	var out map[string][]*Edge
	keep := map[*Edge]bool{}
	if len(buyers) > 0 {
		out = map[string][]*Edge{}
		for _, e := range next.Edges {
			if e.Kind != EdgeSupplies {
				continue
			}
			out[e.From] = append(out[e.From], e)
			if buyers[e.To] {
				keep[e] = true
			}
		}
	}
	for _, e := range touched {
		keep[e] = true
		if e.Kind == EdgeSupplies {
			for _, p := range pathEdges(out, e.To, e.From) {
				keep[p] = true
			}
		}
	}
	for _, e := range next.Edges {
		if keep[e] {
			sub.Edges = append(sub.Edges, e)
			nodeIDs[e.From], nodeIDs[e.To] = true, true
			for _, p := range e.Products {
				nodeIDs[p] = true
			}
		}
	}
	for _, n := range next.Nodes {
		if nodeIDs[n.ID] {
			sub.Nodes = append(sub.Nodes, n)
		}
	}
	return sub
}

// pathEdges returns the edges of one supplies path from -> ... -> to, or
// nil when there is none (a breadth-first walk over what from reaches).
func pathEdges(out map[string][]*Edge, from, to string) []*Edge {
	via := map[string]*Edge{from: nil}
	queue := []string{from}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if id == to {
			var path []*Edge
			for e := via[id]; e != nil; e = via[e.From] {
				path = append(path, e)
			}
			return path
		}
		for _, e := range out[id] {
			if _, seen := via[e.To]; !seen {
				via[e.To] = e
				queue = append(queue, e.To)
			}
		}
	}
	return nil
}

// ApplyToPart applies cs to part, a piece of a valid map, for a store that
// reads only what a small change set needs instead of the whole map. part
// must hold every node cs names (by id, as an edge end or in an edge's
// products), every edge touching a node cs deletes, every edge cs names
// (by key, old or new), the supplies edges into the buyers of supplies
// edges cs adds or updates, and the ends and products of all its edges.
//
// ok is false when cs reaches past what it names (set_map, a node changing
// kind or id, a product node changed or removed) or when applying it to
// part fails for any reason: the caller then applies cs to the whole map
// with ApplyToSnapshot, which gives the exact result or errors. A supplies
// cycle that cs closes through edges outside part is not seen here: the
// caller checks that against the whole map (see NewSupplies).
func ApplyToPart(part *Map, cs ChangeSet) (next *Map, ok bool) {
	if part == nil {
		return nil, false
	}
	ix := newIndex(part)
	if !localChanges(part, ix, cs) {
		return nil, false
	}
	for _, c := range cs.Changes {
		if c.Op == OpUpdateEdge && (c.Edge == nil || c.Edge.Key() != c.ID) {
			return nil, false // a new key could be taken by an edge outside part
		}
	}
	c := *part
	c.Nodes = slices.Clone(part.Nodes)
	c.Edges = slices.Clone(part.Edges)
	out, _, err := applyChanges(&c, ix.view(), cs, func(next *Map) *ValidationError {
		return validate(touchedPart(next, cs))
	})
	if err != nil {
		return nil, false
	}
	return out, true
}

// NewSupplies lists the supplies edges of next that cs adds or updates:
// those that may close a supplies cycle.
func NewSupplies(next *Map, cs ChangeSet) []*Edge {
	keys := map[string]bool{}
	for _, c := range cs.Changes {
		if (c.Op == OpAddEdge || c.Op == OpUpdateEdge) && c.Edge != nil && c.Edge.Kind == EdgeSupplies {
			keys[c.Edge.Key()] = true
		}
	}
	var out []*Edge
	if len(keys) == 0 {
		return nil
	}
	for _, e := range next.Edges {
		if e.Kind == EdgeSupplies && keys[e.Key()] {
			out = append(out, e)
		}
	}
	return out
}
