package graph

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// MaxPaths bounds how many supply paths SupplyPaths lists for one segment.
// Real maps have a handful; a map built to have exponentially many would
// otherwise never finish.
const MaxPaths = 10000

// maxPathSteps bounds the search itself, for maps with exponentially many
// routes that never reach a company.
const maxPathSteps = 2_000_000

// SupplyPaths returns every supply path from a company node to segment: a
// route along supplies edges that visits no node twice. A customer without
// inbound supplies edges of its own takes the paths of the segments it
// belongs_to (those paths end at the segment). Paths are sorted by their
// node ids, then by their edge keys; at most MaxPaths are returned.
func SupplyPaths(ix *Index, segment string) []SupplyPath {
	var paths []SupplyPath
	for _, t := range SupplyTargets(ix, segment) {
		paths = append(paths, pathsTo(ix, t, MaxPaths-len(paths))...)
	}
	sort.SliceStable(paths, func(i, j int) bool { return LessPath(paths[i], paths[j]) })
	return paths
}

// SupplyTargets returns the nodes whose inbound supplies edges supply node
// id: the node itself, except that a customer without supplies edges of
// its own is supplied through the segments it belongs_to (each once, in
// map order). See SupplyTargetsOf.
func SupplyTargets(ix *Index, id string) []string {
	n := ix.Nodes[id]
	if n == nil {
		return []string{id}
	}
	var segments []string
	for _, e := range ix.OutOf(id, EdgeBelongsTo) {
		segments = append(segments, e.To)
	}
	return SupplyTargetsOf(id, n.Kind, len(ix.InTo(id, EdgeSupplies)) > 0, segments)
}

// SupplyTargetsOf is the rule "a customer without its own supplies edges is
// supplied through its segments" for a store that answers from a query: a
// node id of kind kind, whether it has inbound supplies edges, and the
// segments it belongs to.
func SupplyTargetsOf(id string, kind NodeKind, supplied bool, segments []string) []string {
	if kind != KindCustomer || supplied {
		return []string{id}
	}
	out := make([]string, 0, len(segments))
	for _, s := range segments {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// LessPath orders supply paths: by their node ids, then by their edge
// keys, then shorter first. Every store lists paths in this order.
func LessPath(a, b SupplyPath) bool {
	if c := slices.Compare(a.Nodes, b.Nodes); c != 0 {
		return c < 0
	}
	for i := 0; i < len(a.Hops) && i < len(b.Hops); i++ {
		if a.Hops[i].Edge != b.Hops[i].Edge {
			return a.Hops[i].Edge < b.Hops[i].Edge
		}
	}
	return len(a.Hops) < len(b.Hops)
}

// pathsTo walks backwards from target over inbound supplies edges to every
// company node, never revisiting a node on the current path.
func pathsTo(ix *Index, target string, limit int) []SupplyPath {
	if limit <= 0 {
		return nil
	}
	// Only nodes that can reach the target matter; walking backwards from
	// it visits exactly those.
	var out []SupplyPath
	var hops []*Edge // reversed: hops[0] enters the target
	onPath := map[string]bool{target: true}
	steps := 0
	var walk func(id string)
	walk = func(id string) {
		steps++
		if len(out) >= limit || steps > maxPathSteps {
			return
		}
		if n := ix.Nodes[id]; n != nil && n.Kind == KindCompany && len(hops) > 0 {
			out = append(out, makePath(hops))
			// A company can be supplied by another company node; go on.
		}
		for _, e := range ix.InTo(id, EdgeSupplies) {
			if onPath[e.From] || ix.Nodes[e.From] == nil {
				continue
			}
			onPath[e.From] = true
			hops = append(hops, e)
			walk(e.From)
			hops = hops[:len(hops)-1]
			delete(onPath, e.From)
		}
	}
	walk(target)
	return out
}

func makePath(rev []*Edge) SupplyPath {
	p := SupplyPath{Nodes: make([]string, 0, len(rev)+1), Hops: make([]Hop, 0, len(rev))}
	p.Nodes = append(p.Nodes, rev[len(rev)-1].From)
	for i := len(rev) - 1; i >= 0; i-- {
		e := rev[i]
		p.Nodes = append(p.Nodes, e.To)
		p.Hops = append(p.Hops, Hop{
			Edge: e.Key(), From: e.From, To: e.To, Delivery: e.Delivery,
			Margin: cloneValue(e.Margin).(*float64), Share: cloneValue(e.Share).(*float64), Products: slices.Clone(e.Products),
		})
	}
	return p
}

// SupportOf answers "how does this segment get the products, and who
// supports it" on the snapshot m. segment may be a segment or a customer; a
// customer without supplies edges of its own takes its segments' paths and
// offered delivery methods. Supporters and touchpoints are the node's own.
// An unknown id is ErrNotFound (wrapped); another kind of node is an error.
func SupportOf(m *Map, segment string) (*Support, error) {
	ix := NewIndex(m)
	n := ix.Nodes[segment]
	if n == nil {
		return nil, fmt.Errorf("segment %q: %w", segment, ErrNotFound)
	}
	if !n.Kind.IsCustomer() {
		return nil, fmt.Errorf("%q is %s: %w", segment, KindPhrase(n.Kind), ErrNotCustomer)
	}
	s := &Support{
		Map: m.ID, Segment: n.ID, Name: n.Name, Kind: string(n.Kind), Needs: n.Needs,
		Paths:       SupplyPaths(ix, segment),
		KeyPlayers:  []string{},
		Supporters:  []Supporter{},
		Touchpoints: []TouchpointUse{},
		Prefers:     append([]string{}, n.Prefers...),
		Offered:     []string{},
	}
	if s.Paths == nil {
		s.Paths = []SupplyPath{}
	}
	players := map[string]bool{}
	for _, p := range s.Paths {
		for _, id := range p.Nodes {
			if k := ix.Nodes[id]; k != nil && k.Kind != KindCompany && !k.Kind.IsCustomer() {
				players[id] = true
			}
		}
	}
	s.KeyPlayers = append(s.KeyPlayers, slices.Sorted(maps.Keys(players))...)

	// Offered: delivery methods into the node, or into its segments.
	var inbound []*Edge
	for _, t := range SupplyTargets(ix, segment) {
		inbound = append(inbound, ix.InTo(t, EdgeSupplies)...)
	}
	offered := map[string]bool{}
	for _, e := range inbound {
		if e.Delivery != "" {
			offered[e.Delivery] = true
		}
	}
	s.Offered = append(s.Offered, slices.Sorted(maps.Keys(offered))...)
	s.PreferenceMet = len(s.Prefers) == 0
	for _, p := range s.Prefers {
		if offered[p] {
			s.PreferenceMet = true
		}
	}

	for _, e := range ix.InTo(segment, EdgeSupports) {
		org := ix.Nodes[e.From]
		if org == nil {
			continue
		}
		s.Supporters = append(s.Supporters, Supporter{
			ID: org.ID, Name: org.Name, Kind: string(org.Kind), Edge: e.Key(),
			Services: nonNil(e.Services), Products: nonNil(e.Products), Why: e.Why,
		})
	}
	sort.SliceStable(s.Supporters, func(i, j int) bool {
		a, b := s.Supporters[i], s.Supporters[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Edge < b.Edge
	})

	for _, e := range ix.OutOf(segment, EdgeUses) {
		tp := ix.Nodes[e.To]
		if tp == nil {
			continue
		}
		u := TouchpointUse{ID: tp.ID, Name: tp.Name, Channel: tp.Channel, Purpose: e.Purpose, Operators: []string{}}
		if u.Purpose == "" {
			u.Purpose = tp.Purpose
		}
		ops := map[string]bool{}
		for _, o := range ix.InTo(tp.ID, EdgeOperates) {
			ops[o.From] = true
		}
		u.Operators = append(u.Operators, slices.Sorted(maps.Keys(ops))...)
		s.Touchpoints = append(s.Touchpoints, u)
	}
	sort.SliceStable(s.Touchpoints, func(i, j int) bool { return s.Touchpoints[i].ID < s.Touchpoints[j].ID })
	return s, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

// PathString renders a path as "acme -> nordic -> contractors".
func (p SupplyPath) String() string { return strings.Join(p.Nodes, " -> ") }
