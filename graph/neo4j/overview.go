package neo4j

import (
	"context"
	"encoding/json"
	"fmt"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
)

// The overview's counts are kept beside the map, on a node of their own
// (:ChannelMapOverview {map, version, doc}), so that a map too big to read
// answers them with one small read: counting a million-node map's two
// million relationships by the kind and region of their ends takes the
// server tens of seconds. They are valid at their version only. An import
// and an undelete store them (they hold the map); a small change updates
// them by what it changed (see applyLocal) when they are current and small
// enough to rewrite on every change (maxKeptOverview); any other write
// leaves them stale, and the next OverviewCounts counts the map and stores
// the answer again.
const labelOverview = "ChannelMapOverview"

// maxKeptOverview bounds the counts a small change reads and rewrites: the
// generated million-node map, every kind in 28 cities, has 15,000 links
// (1.9 MB), which would cost each change more than the change itself.
const maxKeptOverview = 256 << 10

var (
	qWriteOverview = "MERGE (o:" + labelOverview + " {map: $map}) SET o.version = $v, o.doc = $doc"
	// qKeepOverview stores counts made by a read, unless the map moved on.
	qKeepOverview = "MATCH (m:ChannelMap {id: $map}) WHERE m.version = $v " + qWriteOverview
	qOverviewHead = "MATCH (m:ChannelMap {id: $map}) OPTIONAL MATCH (o:" + labelOverview + " {map: $map}) RETURN m.version, o.version, o.doc"
	// qSmallOverview reads the counts a change can update: current and
	// no bigger than $max.
	qSmallOverview = "MATCH (o:" + labelOverview + " {map: $map}) WHERE o.version = $v AND size(o.doc) <= $max RETURN o.doc"
)

// encodeOverview is the stored form of ov.
func encodeOverview(ov *graph.Overview) (string, error) {
	b, err := json.Marshal(struct {
		Groups []graph.GroupCount `json:"groups"`
		Links  []graph.LinkCount  `json:"links"`
	}{ov.Groups, ov.Links})
	if err != nil {
		return "", fmt.Errorf("encode overview counts: %w", err)
	}
	return string(b), nil
}

// decodeOverview reads stored counts of version v; nil when unreadable.
func decodeOverview(doc any, v int64) *graph.Overview {
	s, _ := doc.(string)
	ov := &graph.Overview{Version: v}
	if s == "" || json.Unmarshal([]byte(s), ov) != nil || ov.Groups == nil || ov.Links == nil {
		return nil
	}
	return ov
}

// writeOverview stores ov as the counts of map mapID at version v, in tx.
func writeOverview(ctx context.Context, tx driver.ManagedTransaction, mapID string, ov *graph.Overview, v int64) error {
	doc, err := encodeOverview(ov)
	if err != nil {
		return err
	}
	_, err = run(ctx, tx, qWriteOverview, map[string]any{"map": mapID, "v": v, "doc": doc})
	return err
}

// currentOverview reads, in tx, the counts of map mapID at version v when
// a change can update them (see maxKeptOverview); nil otherwise.
func currentOverview(ctx context.Context, tx driver.ManagedTransaction, mapID string, v int64) (*graph.Overview, error) {
	recs, err := run(ctx, tx, qSmallOverview, map[string]any{"map": mapID, "v": v, "max": int64(maxKeptOverview)})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	return decodeOverview(recs[0].Values[0], v), nil
}

// tally is an Overview being changed: counts by group and by link (the
// keys with their count zeroed).
type tally struct {
	groups map[graph.GroupCount]int
	links  map[graph.LinkCount]int
}

func tallyOf(ov *graph.Overview) *tally {
	t := &tally{groups: map[graph.GroupCount]int{}, links: map[graph.LinkCount]int{}}
	for _, g := range ov.Groups {
		n := g.Nodes
		g.Nodes = 0
		t.groups[g] += n
	}
	for _, l := range ov.Links {
		n := l.Edges
		l.Edges = 0
		t.links[l] += n
	}
	return t
}

func (t *tally) node(n *graph.Node, d int) {
	t.groups[graph.GroupCount{Kind: n.Kind, Region: n.Region}] += d
}

func (t *tally) edge(a, b *graph.Node, kind graph.EdgeKind, d int) {
	t.links[graph.LinkCount{FromKind: a.Kind, FromRegion: a.Region, Kind: kind, ToKind: b.Kind, ToRegion: b.Region}] += d
}

// overview is the tally at version v; false when a count went below zero
// (the counts it started from were not the map's).
func (t *tally) overview(v int64) (*graph.Overview, bool) {
	ov := &graph.Overview{Version: v, Groups: []graph.GroupCount{}, Links: []graph.LinkCount{}}
	for g, n := range t.groups {
		if n < 0 {
			return nil, false
		}
		if n > 0 {
			g.Nodes = n
			ov.Groups = append(ov.Groups, g)
		}
	}
	for l, n := range t.links {
		if n < 0 {
			return nil, false
		}
		if n > 0 {
			l.Edges = n
			ov.Links = append(ov.Links, l)
		}
	}
	ov.Sort()
	return ov, true
}

// qMovedEdges counts the relationships of node $id that the part of a
// change does not hold (keys not in $keys), by direction, type and the
// kind and region of their other end.
var qMovedEdges = matchNode("x", "id") + " MATCH (x)-[r]-(y) WHERE r.map = $map AND NOT r.id IN $keys " +
	"RETURN startNode(r) = x, type(r), y.kind, coalesce(y.region, ''), count(*)"

// changedOverview is the overview after a change that turned part old into
// part next (at version v), from the counts ov kept before it; nil when
// they cannot be worked out from the part (more than one node changed
// region), so they are dropped. It reads, in tx before the change is
// written, the relationships outside the part of the node that changed
// region.
func changedOverview(ctx context.Context, tx driver.ManagedTransaction, ov *graph.Overview, old, next *graph.Map, v int64) (*graph.Overview, error) {
	t := tallyOf(ov)
	before := make(map[string]*graph.Node, len(old.Nodes))
	for _, n := range old.Nodes {
		before[n.ID] = n
		t.node(n, -1)
	}
	after := make(map[string]*graph.Node, len(next.Nodes))
	var moved []*graph.Node
	for _, n := range next.Nodes {
		after[n.ID] = n
		t.node(n, 1)
		if o := before[n.ID]; o != nil && (o.Region != n.Region || o.Kind != n.Kind) {
			moved = append(moved, n)
		}
	}
	keys := make([]any, 0, len(old.Edges))
	for _, e := range old.Edges {
		t.edge(before[e.From], before[e.To], e.Kind, -1)
		keys = append(keys, e.Key())
	}
	for _, e := range next.Edges {
		t.edge(after[e.From], after[e.To], e.Kind, 1)
	}
	switch {
	case len(moved) > 1:
		return nil, nil
	case len(moved) == 1:
		x := moved[0]
		recs, err := run(ctx, tx, qMovedEdges, map[string]any{"map": old.ID, "id": x.ID, "keys": keys})
		if err != nil {
			return nil, err
		}
		var d decoder
		for _, r := range recs {
			out, _ := r.Values[0].(bool)
			k, ok := edgeKindOf[d.str("type", r.Values[1])]
			if !ok {
				return nil, nil
			}
			y := &graph.Node{Kind: graph.NodeKind(d.str("kind", r.Values[2])), Region: d.str("region", r.Values[3])}
			n := int(d.int("count", r.Values[4]))
			if out {
				t.edge(before[x.ID], y, k, -n)
				t.edge(x, y, k, n)
			} else {
				t.edge(y, before[x.ID], k, -n)
				t.edge(y, x, k, n)
			}
		}
		if d.err != nil {
			return nil, nil
		}
	}
	out, ok := t.overview(v)
	if !ok {
		return nil, nil
	}
	return out, nil
}

// keepOverview stores ov, counted at its version, unless the map has
// moved on meanwhile. It is a cache: an error (a user allowed only to
// read, say) leaves the counts to be counted again.
func (s *Store) keepOverview(ctx context.Context, mapID string, ov *graph.Overview) {
	doc, err := encodeOverview(ov)
	if err != nil {
		return
	}
	_ = s.write(ctx, func(tx driver.ManagedTransaction) error {
		_, err := run(ctx, tx, qKeepOverview, map[string]any{"map": mapID, "v": ov.Version, "doc": doc})
		return err
	})
}
