package graph

import "slices"

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
	if m == nil || !localChanges(m, cs) {
		return ApplyChanges(m, cs)
	}
	out := *m
	out.Nodes = slices.Clone(m.Nodes)
	out.Edges = slices.Clone(m.Edges)
	return applyChanges(&out, cs, func(next *Map) *ValidationError {
		if validate(touchedPart(next, cs)) == nil {
			return nil
		}
		return validate(next)
	})
}

// localChanges reports whether every change in cs can be validated by
// looking at what it touches.
func localChanges(m *Map, cs ChangeSet) bool {
	var kinds map[string]NodeKind
	kindOf := func(id string) (NodeKind, bool) {
		if kinds == nil {
			kinds = make(map[string]NodeKind, len(m.Nodes))
			for _, n := range m.Nodes {
				if n != nil {
					kinds[n.ID] = n.Kind
				}
			}
		}
		k, ok := kinds[id]
		return k, ok
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
