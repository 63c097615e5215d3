package graph

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
)

// Clone returns a deep copy of m: changing the copy never changes m.
func (m *Map) Clone() *Map { return std.Clone(m) }

// Clone returns a deep copy of m, field by field of the table.
func (s *Schema) Clone(m *Map) *Map {
	if m == nil {
		return nil
	}
	c := *m
	copyFields(s.Map, &c, m)
	if m.Nodes != nil {
		c.Nodes = make([]*Node, len(m.Nodes))
		for i, n := range m.Nodes {
			c.Nodes[i] = s.cloneNode(n)
		}
	}
	if m.Edges != nil {
		c.Edges = make([]*Edge, len(m.Edges))
		for i, e := range m.Edges {
			c.Edges[i] = s.cloneEdge(e)
		}
	}
	if m.Classification != nil {
		cl := *m.Classification
		copyFields(s.Classification, &cl, m.Classification)
		c.Classification = &cl
	}
	return &c
}

func (s *Schema) cloneNode(n *Node) *Node {
	c := *n
	copyFields(s.Node, &c, n)
	c.Attrs = maps.Clone(n.Attrs)
	return &c
}

func (s *Schema) cloneEdge(e *Edge) *Edge {
	c := *e
	copyFields(s.Edge, &c, e)
	c.Attrs = maps.Clone(e.Attrs)
	return &c
}

func (n *Node) clone() *Node { return std.cloneNode(n) }

func (e *Edge) clone() *Edge { return std.cloneEdge(e) }

// ApplyChanges applies cs to a copy of m and returns the copy, validated.
// m is never changed. A malformed change (unknown op, missing node or edge,
// deleting a node that edges still touch) is a *ValidationError whose
// pointers start with /changes/i; an id that is not on the map is
// ErrNotFound wrapped with the change's place; adding an id that exists is
// ErrExists wrapped; an invalid result is Validate's *ValidationError.
func ApplyChanges(m *Map, cs ChangeSet) (*Map, error) {
	out, _, err := applyChanges(m.Clone(), newIndex(m).view(), cs, validate)
	return out, err
}

// applyChanges applies cs to out in place (out's nodes and edges are
// replaced, never modified) and checks the result with check. ix indexes
// out as it is on entry; the changes go to ix's overlay, and the returned
// index (ix committed) indexes the result.
func applyChanges(out *Map, ix *indexView, cs ChangeSet, check func(*Map) *ValidationError) (*Map, *index, error) {
	if out == nil {
		out = &Map{}
	}
	// Deletions leave a tombstone and are compacted at the end, so a long
	// change set (a cascade, a rebuild from Diff) stays linear.
	deadNode := make([]bool, len(out.Nodes))
	deadEdge := make([]bool, len(out.Edges))
	bad := func(i int, sub, field, value, format string, a ...any) error {
		return &ValidationError{Problems: []Problem{{
			Pointer: fmt.Sprintf("/changes/%d%s", i, sub), Field: field, Value: value,
			Message: fmt.Sprintf("change %d: ", i) + fmt.Sprintf(format, a...),
		}}}
	}
	for i, c := range cs.Changes {
		switch c.Op {
		case OpSetMap:
			if c.Map == nil {
				return nil, nil, bad(i, "/map", "map", "", "set_map needs a map with title, currency, classification")
			}
			if c.Map.ID != "" && c.Map.ID != out.ID {
				return nil, nil, bad(i, "/map/id", "id", c.Map.ID, "set_map cannot change the map id %q", out.ID)
			}
			id := out.ID
			copyFields(std.Map, out, c.Map)
			out.ID, out.Classification = id, c.Map.Classification.clone()
		case OpAddNode:
			if c.Node == nil {
				return nil, nil, bad(i, "/node", "node", "", "add_node needs a node")
			}
			if _, ok := ix.node(c.Node.ID); ok {
				return nil, nil, fmt.Errorf("change %d: add_node %q: %w", i, c.Node.ID, ErrExists)
			}
			ix.setNode(c.Node.ID, len(out.Nodes))
			out.Nodes = append(out.Nodes, c.Node.clone())
			deadNode = append(deadNode, false)
		case OpUpdateNode:
			if c.Node == nil {
				return nil, nil, bad(i, "/node", "node", "", "update_node needs the whole new node")
			}
			at, ok := ix.node(c.ID)
			if !ok {
				return nil, nil, fmt.Errorf("change %d: update_node: node %q: %w", i, c.ID, ErrNotFound)
			}
			n := c.Node.clone()
			if n.ID == "" {
				n.ID = c.ID
			}
			if n.ID != c.ID {
				if ix.degree(c.ID) > 0 {
					return nil, nil, bad(i, "/node/id", "id", n.ID, "cannot rename node %q to %q: %d edge(s) still point at it", c.ID, n.ID, ix.degree(c.ID))
				}
				if _, taken := ix.node(n.ID); taken {
					return nil, nil, fmt.Errorf("change %d: update_node: rename %q to %q: %w", i, c.ID, n.ID, ErrExists)
				}
			}
			out.Nodes[at] = n
			if n.ID != c.ID {
				ix.delNode(c.ID)
				ix.setNode(n.ID, at)
			}
		case OpDeleteNode:
			at, ok := ix.node(c.ID)
			if !ok {
				return nil, nil, fmt.Errorf("change %d: delete_node: node %q: %w", i, c.ID, ErrNotFound)
			}
			if d := ix.degree(c.ID); d > 0 {
				return nil, nil, bad(i, "/id", "id", c.ID, "cannot delete node %q: %d edge(s) still touch it; delete them first", c.ID, d)
			}
			deadNode[at] = true
			ix.delNode(c.ID)
			ix.deadNode(at)
		case OpAddEdge:
			if c.Edge == nil {
				return nil, nil, bad(i, "/edge", "edge", "", "add_edge needs an edge")
			}
			e := c.Edge.clone()
			if _, ok := ix.edge(e.Key()); ok {
				return nil, nil, fmt.Errorf("change %d: add_edge %q: %w", i, e.Key(), ErrExists)
			}
			ix.setEdge(e.Key(), len(out.Edges))
			out.Edges = append(out.Edges, e)
			deadEdge = append(deadEdge, false)
			ix.addDegree(e.From, 1)
			ix.addDegree(e.To, 1)
		case OpUpdateEdge:
			if c.Edge == nil {
				return nil, nil, bad(i, "/edge", "edge", "", "update_edge needs the whole new edge")
			}
			at, ok := ix.edge(c.ID)
			if !ok {
				return nil, nil, fmt.Errorf("change %d: update_edge: edge %q: %w", i, c.ID, ErrNotFound)
			}
			e := c.Edge.clone()
			if k := e.Key(); k != c.ID {
				if _, taken := ix.edge(k); taken {
					return nil, nil, fmt.Errorf("change %d: update_edge %q: new key %q: %w", i, c.ID, k, ErrExists)
				}
			}
			old := out.Edges[at]
			ix.addDegree(old.From, -1)
			ix.addDegree(old.To, -1)
			ix.addDegree(e.From, 1)
			ix.addDegree(e.To, 1)
			out.Edges[at] = e
			if e.Key() != c.ID {
				ix.delEdge(c.ID)
				ix.setEdge(e.Key(), at)
			}
		case OpDeleteEdge:
			at, ok := ix.edge(c.ID)
			if !ok {
				return nil, nil, fmt.Errorf("change %d: delete_edge: edge %q: %w", i, c.ID, ErrNotFound)
			}
			old := out.Edges[at]
			ix.addDegree(old.From, -1)
			ix.addDegree(old.To, -1)
			deadEdge[at] = true
			ix.delEdge(c.ID)
			ix.deadEdge(at)
		default:
			return nil, nil, bad(i, "/op", "op", string(c.Op), "unknown change op %q (known: set_map, add_node, update_node, delete_node, add_edge, update_edge, delete_edge)", c.Op)
		}
	}
	out.Nodes = compact(out.Nodes, deadNode)
	out.Edges = compact(out.Edges, deadEdge)
	if err := check(out); err != nil {
		return nil, nil, err
	}
	return out, ix.commit(out), nil
}

// compact drops the items marked dead, keeping the order of the rest.
func compact[T any](items []T, dead []bool) []T {
	if !slices.Contains(dead, true) {
		return items
	}
	out := items[:0]
	for i, it := range items {
		if !dead[i] {
			out = append(out, it)
		}
	}
	clear(items[len(out):])
	return out
}

// DeleteNodeCascade is the change set that deletes node id and every edge
// touching it (edges first, in map order).
func DeleteNodeCascade(m *Map, id string) ChangeSet { return DeleteNodeWith(id, EdgesTouching(m, id)) }

// DeleteNodeWith is the change set that deletes edges, in their order, and
// then node id: DeleteNodeCascade when edges are the node's edges (as
// NodeEdgeReader reads them).
func DeleteNodeWith(id string, edges []*Edge) ChangeSet {
	var cs ChangeSet
	for _, e := range edges {
		cs.Changes = append(cs.Changes, Change{Op: OpDeleteEdge, ID: e.Key()})
	}
	cs.Changes = append(cs.Changes, Change{Op: OpDeleteNode, ID: id})
	return cs
}

// Diff returns changes that turn old into new: ApplyChanges(old, Diff(old,
// new)) is Equal to new (when new is valid). Nodes are matched by id and
// edges by key; when new keeps the surviving nodes and edges in their old
// order (additions at the end) the diff is minimal; when it reorders edges
// they are rebuilt, and when it reorders nodes everything is.
func Diff(old, new *Map) ChangeSet {
	var cs ChangeSet
	if !equalFields(std.Map, old, new) || !std.equalClassification(old.Classification, new.Classification) {
		meta := &Map{Classification: new.Classification.clone()}
		copyFields(std.Map, meta, new)
		meta.ID = old.ID
		cs.Changes = append(cs.Changes, Change{Op: OpSetMap, Map: meta})
	}
	if !orderKept(nodeIDs(old.Nodes), nodeIDs(new.Nodes)) {
		for _, e := range old.Edges {
			cs.Changes = append(cs.Changes, Change{Op: OpDeleteEdge, ID: e.Key()})
		}
		for _, n := range old.Nodes {
			cs.Changes = append(cs.Changes, Change{Op: OpDeleteNode, ID: n.ID})
		}
		for _, n := range new.Nodes {
			cs.Changes = append(cs.Changes, Change{Op: OpAddNode, Node: n.clone()})
		}
		for _, e := range new.Edges {
			cs.Changes = append(cs.Changes, Change{Op: OpAddEdge, Edge: e.clone()})
		}
		return cs
	}
	newNodes := make(map[string]*Node, len(new.Nodes))
	for _, n := range new.Nodes {
		newNodes[n.ID] = n
	}
	oldNodes := make(map[string]*Node, len(old.Nodes))
	for _, n := range old.Nodes {
		oldNodes[n.ID] = n
	}
	newEdges := make(map[string]*Edge, len(new.Edges))
	for _, e := range new.Edges {
		newEdges[e.Key()] = e
	}
	oldEdges := make(map[string]*Edge, len(old.Edges))
	if orderKept(edgeKeys(old.Edges), edgeKeys(new.Edges)) {
		for _, e := range old.Edges {
			oldEdges[e.Key()] = e
		}
	}
	// Edges that are not kept in place (all of them when new reorders
	// edges) are deleted first and added again after the nodes.
	for _, e := range old.Edges {
		if _, ok := newEdges[e.Key()]; !ok || oldEdges[e.Key()] == nil {
			cs.Changes = append(cs.Changes, Change{Op: OpDeleteEdge, ID: e.Key()})
		}
	}
	for _, n := range old.Nodes {
		if _, ok := newNodes[n.ID]; !ok {
			cs.Changes = append(cs.Changes, Change{Op: OpDeleteNode, ID: n.ID})
		}
	}
	for _, n := range new.Nodes {
		if o, ok := oldNodes[n.ID]; !ok {
			cs.Changes = append(cs.Changes, Change{Op: OpAddNode, Node: n.clone()})
		} else if !std.equalNode(o, n) {
			cs.Changes = append(cs.Changes, Change{Op: OpUpdateNode, ID: n.ID, Node: n.clone()})
		}
	}
	for _, e := range new.Edges {
		if o, ok := oldEdges[e.Key()]; !ok {
			cs.Changes = append(cs.Changes, Change{Op: OpAddEdge, Edge: e.clone()})
		} else if !std.equalEdge(o, e) {
			cs.Changes = append(cs.Changes, Change{Op: OpUpdateEdge, ID: e.Key(), Edge: e.clone()})
		}
	}
	return cs
}

func (c *Classification) clone() *Classification {
	if c == nil {
		return nil
	}
	return (&Map{Classification: c}).Clone().Classification
}

func nodeIDs(ns []*Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

func edgeKeys(es []*Edge) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Key()
	}
	return out
}

// orderKept reports whether the items of b that are also in a come in a's
// order and every item of b not in a comes after all of those, which is
// what deleting, updating in place and appending can produce.
func orderKept(a, b []string) bool {
	pos := make(map[string]int, len(a))
	for i, s := range a {
		pos[s] = i
	}
	last := -1
	added := false
	for _, s := range b {
		p, ok := pos[s]
		if !ok {
			added = true
			continue
		}
		if added || p < last {
			return false
		}
		last = p
	}
	return true
}

// Equal reports whether a and b are the same map field for field, ignoring
// Version and treating nil and empty lists and maps alike. Node and edge
// order matters.
func Equal(a, b *Map) bool { return std.Equal(a, b) }

// Equal is Equal over the fields of table s.
func (s *Schema) Equal(a, b *Map) bool {
	if a == nil || b == nil {
		return a == b
	}
	if !equalFields(s.Map, a, b) || !s.equalClassification(a.Classification, b.Classification) ||
		len(a.Nodes) != len(b.Nodes) || len(a.Edges) != len(b.Edges) {
		return false
	}
	for i := range a.Nodes {
		if !s.equalNode(a.Nodes[i], b.Nodes[i]) {
			return false
		}
	}
	for i := range a.Edges {
		if !s.equalEdge(a.Edges[i], b.Edges[i]) {
			return false
		}
	}
	return true
}

func (s *Schema) equalClassification(a, b *Classification) bool {
	if a == nil {
		a = &Classification{}
	}
	if b == nil {
		b = &Classification{}
	}
	return equalFields(s.Classification, a, b)
}

func (s *Schema) equalNode(a, b *Node) bool {
	return equalFields(s.Node, a, b) && equalAttrs(a.Attrs, b.Attrs)
}

func (s *Schema) equalEdge(a, b *Edge) bool {
	return equalFields(s.Edge, a, b) && equalAttrs(a.Attrs, b.Attrs)
}

func equalAttrs(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok {
			return false
		}
		fv, vnum := AttrFloat(v)
		fw, wnum := AttrFloat(w)
		if vnum || wnum {
			if !(vnum && wnum && sameFloat(fv, fw)) {
				return false
			}
			continue
		}
		if !reflect.DeepEqual(v, w) {
			return false
		}
	}
	return true
}
