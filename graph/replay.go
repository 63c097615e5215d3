package graph

import "fmt"

// Replayer re-applies recorded change sets to a map in place, without
// validating: what stores use to rebuild a past version from a snapshot
// and the change sets recorded after it. Each change set was validated by
// ApplyChanges when it was first applied, so replaying them in order
// gives, change for change, the maps ApplyChanges gave (same nodes, edges
// and order). It costs time in proportion to the changes, not the map.
type Replayer struct {
	m        *Map
	nodeAt   map[string]int
	edgeAt   map[string]int
	deadNode []bool
	deadEdge []bool
}

// NewReplayer starts a replay on m, which it changes in place (pass a
// clone to keep the original).
func NewReplayer(m *Map) *Replayer {
	r := &Replayer{m: m, nodeAt: make(map[string]int, len(m.Nodes)), edgeAt: make(map[string]int, len(m.Edges)),
		deadNode: make([]bool, len(m.Nodes)), deadEdge: make([]bool, len(m.Edges))}
	for i, n := range m.Nodes {
		r.nodeAt[n.ID] = i
	}
	for i, e := range m.Edges {
		r.edgeAt[e.Key()] = i
	}
	return r
}

// Apply replays one recorded change set. A change that does not fit the map
// (a missing id: the record does not belong to this map) is an error.
func (r *Replayer) Apply(cs ChangeSet) error {
	m := r.m
	for i, c := range cs.Changes {
		switch c.Op {
		case OpSetMap:
			if c.Map == nil {
				return fmt.Errorf("change %d: set_map without a map", i)
			}
			nm := c.Map.Clone()
			m.Title, m.Currency, m.Classification = nm.Title, nm.Currency, nm.Classification
		case OpAddNode:
			if c.Node == nil {
				return fmt.Errorf("change %d: add_node without a node", i)
			}
			r.nodeAt[c.Node.ID] = len(m.Nodes)
			m.Nodes = append(m.Nodes, c.Node.clone())
			r.deadNode = append(r.deadNode, false)
		case OpUpdateNode:
			at, ok := r.nodeAt[c.ID]
			if !ok || c.Node == nil {
				return fmt.Errorf("change %d: update_node %q: %w", i, c.ID, ErrNotFound)
			}
			n := c.Node.clone()
			if n.ID == "" {
				n.ID = c.ID
			}
			m.Nodes[at] = n
			if n.ID != c.ID {
				delete(r.nodeAt, c.ID)
				r.nodeAt[n.ID] = at
			}
		case OpDeleteNode:
			at, ok := r.nodeAt[c.ID]
			if !ok {
				return fmt.Errorf("change %d: delete_node %q: %w", i, c.ID, ErrNotFound)
			}
			r.deadNode[at] = true
			delete(r.nodeAt, c.ID)
		case OpAddEdge:
			if c.Edge == nil {
				return fmt.Errorf("change %d: add_edge without an edge", i)
			}
			e := c.Edge.clone()
			r.edgeAt[e.Key()] = len(m.Edges)
			m.Edges = append(m.Edges, e)
			r.deadEdge = append(r.deadEdge, false)
		case OpUpdateEdge:
			at, ok := r.edgeAt[c.ID]
			if !ok || c.Edge == nil {
				return fmt.Errorf("change %d: update_edge %q: %w", i, c.ID, ErrNotFound)
			}
			e := c.Edge.clone()
			m.Edges[at] = e
			if e.Key() != c.ID {
				delete(r.edgeAt, c.ID)
				r.edgeAt[e.Key()] = at
			}
		case OpDeleteEdge:
			at, ok := r.edgeAt[c.ID]
			if !ok {
				return fmt.Errorf("change %d: delete_edge %q: %w", i, c.ID, ErrNotFound)
			}
			r.deadEdge[at] = true
			delete(r.edgeAt, c.ID)
		default:
			return fmt.Errorf("change %d: unknown op %q", i, c.Op)
		}
	}
	return nil
}

// Map ends the replay and returns the map with deleted nodes and edges
// dropped (order kept). The Replayer must not be used afterwards.
func (r *Replayer) Map() *Map {
	r.m.Nodes = compact(r.m.Nodes, r.deadNode)
	r.m.Edges = compact(r.m.Edges, r.deadEdge)
	return r.m
}
