package deck

import (
	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
)

// weakPart is the part of m that the findings concern, for the weak-spot
// slide: their nodes (products aside) and every supply line upstream of
// them back to the company, so the slide can draw the weak segments by name
// where the whole map would fold them into one counted box. Without
// findings it is m itself.
func weakPart(m *graph.Map, ins []analysis.Insight) *graph.Map {
	ix := graph.NewIndex(m)
	keep := map[string]bool{}
	keepEdge := map[*graph.Edge]bool{}
	var queue []string
	add := func(id string) {
		if n := ix.Nodes[id]; n != nil && n.Kind != graph.KindProduct && !keep[id] {
			keep[id] = true
			queue = append(queue, id)
		}
	}
	for _, in := range ins {
		for _, id := range in.Nodes {
			add(id)
		}
	}
	if len(keep) == 0 {
		return m
	}
	// Every supply line upstream, up to the company.
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if ix.Nodes[id].Kind == graph.KindCompany {
			continue
		}
		for _, e := range ix.InTo(id, graph.EdgeSupplies) {
			keepEdge[e] = true
			add(e.From)
		}
	}
	sub := *m
	sub.Nodes, sub.Edges = nil, nil
	for _, n := range m.Nodes {
		if n != nil && keep[n.ID] {
			sub.Nodes = append(sub.Nodes, n)
		}
	}
	for _, e := range m.Edges {
		if e == nil || !keep[e.From] || !keep[e.To] {
			continue
		}
		// The supplies found above, and customers belonging to kept segments.
		if keepEdge[e] || e.Kind == graph.EdgeBelongsTo {
			sub.Edges = append(sub.Edges, e)
		}
	}
	return &sub
}
