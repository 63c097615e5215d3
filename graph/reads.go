package graph

import (
	"cmp"
	"context"
	"slices"
)

// Reads that need less than a whole snapshot. These interfaces are
// optional: a Store that lacks one is read through GetMap instead, and one
// that has it answers exactly as GetMap's snapshot would (the contract
// suite checks both). A store implements them where it can touch only
// what the answer needs (Neo4j: a keyed lookup, a page, a stream of rows
// from one read transaction) instead of decoding the whole map.

// ElementReader reads single nodes and edges and pages of them.
type ElementReader interface {
	// GetNode reads node id of map mapID and the map's version. The node
	// is nil when the map has no such node; a missing map is ErrNotFound.
	GetNode(ctx context.Context, mapID, id string) (*Node, int64, error)
	// GetEdge reads the edge of key (see Edge.Key) like GetNode.
	GetEdge(ctx context.Context, mapID, key string) (*Edge, int64, error)
	// ListNodes reads at most limit nodes (limit < 0: all) of map mapID in
	// map order, skipping the first offset, and the map's version, all at
	// one version.
	// A missing map is ErrNotFound; an offset past the end gives none.
	ListNodes(ctx context.Context, mapID string, offset, limit int) ([]*Node, int64, error)
	// ListEdges reads a page of edges like ListNodes.
	ListEdges(ctx context.Context, mapID string, offset, limit int) ([]*Edge, int64, error)
}

// MapVisitor receives a map piece by piece, in file order: Head first
// (the map's own fields and Version, with no nodes or edges), then every
// node in map order, then every edge in map order. A nil Node or Edge
// function means those are not wanted and are not read. An error returned
// by a function stops the read and is returned by StreamMap.
type MapVisitor struct {
	Head func(m *Map) error
	Node func(n *Node) error
	Edge func(e *Edge) error
}

// MapStreamer reads a whole map as a stream, holding only a bounded part
// of it in memory at a time.
type MapStreamer interface {
	// StreamMap reads map id into v from one read at one version: the
	// version v.Head sees is the version of every row. A missing map is
	// ErrNotFound before v.Head is called. When the store cannot keep the
	// rows at one version (another process's commit landed during the
	// read) and has already handed rows to v, it returns an error wrapping
	// ErrConflict; the caller must then discard what it received.
	StreamMap(ctx context.Context, id string, v MapVisitor) error
}

// StreamOf is st's MapStreamer, or one that walks the GetMap snapshot
// when st has none.
func StreamOf(st Store) MapStreamer {
	if ms, ok := st.(MapStreamer); ok {
		return ms
	}
	return snapshotReader{st}
}

// ElementsOf is st's ElementReader, or one that reads the GetMap snapshot
// when st has none.
func ElementsOf(st Store) ElementReader {
	if er, ok := st.(ElementReader); ok {
		return er
	}
	return snapshotReader{st}
}

// snapshotReader answers the optional reads from a whole snapshot.
type snapshotReader struct{ st Store }

func (r snapshotReader) StreamMap(ctx context.Context, id string, v MapVisitor) error {
	m, err := r.st.GetMap(ctx, id)
	if err != nil {
		return err
	}
	return WalkMap(m, v)
}

func (r snapshotReader) GetNode(ctx context.Context, mapID, id string) (*Node, int64, error) {
	m, err := r.st.GetMap(ctx, mapID)
	if err != nil {
		return nil, 0, err
	}
	return m.Node(id), m.Version, nil
}

func (r snapshotReader) GetEdge(ctx context.Context, mapID, key string) (*Edge, int64, error) {
	m, err := r.st.GetMap(ctx, mapID)
	if err != nil {
		return nil, 0, err
	}
	return m.Edge(key), m.Version, nil
}

func (r snapshotReader) ListNodes(ctx context.Context, mapID string, offset, limit int) ([]*Node, int64, error) {
	m, err := r.st.GetMap(ctx, mapID)
	if err != nil {
		return nil, 0, err
	}
	return Page(m.Nodes, offset, limit), m.Version, nil
}

func (r snapshotReader) ListEdges(ctx context.Context, mapID string, offset, limit int) ([]*Edge, int64, error) {
	m, err := r.st.GetMap(ctx, mapID)
	if err != nil {
		return nil, 0, err
	}
	return Page(m.Edges, offset, limit), m.Version, nil
}

// Page is items[offset:offset+limit], clipped to the slice; never nil.
func Page[T any](items []T, offset, limit int) []T {
	offset = max(0, min(offset, len(items)))
	end := len(items)
	if limit >= 0 && limit < end-offset {
		end = offset + limit
	}
	return append(make([]T, 0, end-offset), items[offset:end]...)
}

// WalkMap hands snapshot m to v in the order StreamMap does.
func WalkMap(m *Map, v MapVisitor) error {
	head := *m
	head.Nodes, head.Edges = nil, nil
	if v.Head != nil {
		if err := v.Head(&head); err != nil {
			return err
		}
	}
	if v.Node != nil {
		for _, n := range m.Nodes {
			if err := v.Node(n); err != nil {
				return err
			}
		}
	}
	if v.Edge != nil {
		for _, e := range m.Edges {
			if err := v.Edge(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// WalkCopy hands m to v like WalkMap, each piece a deep copy v may keep:
// for a snapshot shared by its store.
func WalkCopy(m *Map, v MapVisitor) error {
	w := MapVisitor{}
	if v.Head != nil {
		w.Head = func(h *Map) error {
			h.Classification = h.Classification.Clone()
			return v.Head(h)
		}
	}
	if v.Node != nil {
		w.Node = func(n *Node) error { return v.Node(n.Clone()) }
	}
	if v.Edge != nil {
		w.Edge = func(e *Edge) error { return v.Edge(e.Clone()) }
	}
	return WalkMap(m, w)
}

// Clone is a deep copy of n.
func (n *Node) Clone() *Node { return n.clone() }

// Clone is a deep copy of e.
func (e *Edge) Clone() *Edge { return e.clone() }

// Clone is a deep copy of c (nil for nil).
func (c *Classification) Clone() *Classification { return c.clone() }

// GroupCount is how many nodes of one kind share one region (as stored;
// "" for none).
type GroupCount struct {
	Kind   NodeKind `json:"kind"`
	Region string   `json:"region"`
	Nodes  int      `json:"nodes"`
}

// LinkCount is how many edges of one kind run from the nodes of one
// (kind, region) group to those of another.
type LinkCount struct {
	FromKind   NodeKind `json:"from_kind"`
	FromRegion string   `json:"from_region"`
	Kind       EdgeKind `json:"kind"`
	ToKind     NodeKind `json:"to_kind"`
	ToRegion   string   `json:"to_region"`
	Edges      int      `json:"edges"`
}

// Overview is a map counted by kind and region: the group sizes and the
// edges between groups that an overview of a map too big to draw shows,
// sorted, at one version.
type Overview struct {
	Version int64        `json:"version"`
	Groups  []GroupCount `json:"groups"`
	Links   []LinkCount  `json:"links"`
}

// OverviewCounter counts a map by kind and region without reading it whole.
type OverviewCounter interface {
	// OverviewCounts counts map mapID; a missing map is ErrNotFound. The
	// answer equals CountOverview of the snapshot.
	OverviewCounts(ctx context.Context, mapID string) (*Overview, error)
}

// CountOverview counts snapshot m by kind and region.
func CountOverview(m *Map) *Overview {
	type gk struct {
		k NodeKind
		r string
	}
	groups := map[gk]int{}
	at := make(map[string]gk, len(m.Nodes))
	for _, n := range m.Nodes {
		k := gk{n.Kind, n.Region}
		groups[k]++
		at[n.ID] = k
	}
	links := map[LinkCount]int{}
	for _, e := range m.Edges {
		a, b := at[e.From], at[e.To]
		links[LinkCount{FromKind: a.k, FromRegion: a.r, Kind: e.Kind, ToKind: b.k, ToRegion: b.r}]++
	}
	out := &Overview{Version: m.Version, Groups: []GroupCount{}, Links: []LinkCount{}}
	for k, c := range groups {
		out.Groups = append(out.Groups, GroupCount{Kind: k.k, Region: k.r, Nodes: c})
	}
	for k, c := range links {
		k.Edges = c
		out.Links = append(out.Links, k)
	}
	out.Sort()
	return out
}

// Sort puts the groups and links in their canonical order.
func (o *Overview) Sort() {
	slices.SortFunc(o.Groups, func(a, b GroupCount) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Region, b.Region))
	})
	slices.SortFunc(o.Links, func(a, b LinkCount) int {
		return cmp.Or(cmp.Compare(a.FromKind, b.FromKind), cmp.Compare(a.FromRegion, b.FromRegion), cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.ToKind, b.ToKind), cmp.Compare(a.ToRegion, b.ToRegion))
	})
}

// OverviewOf counts map mapID of st, through its OverviewCounter when it
// has one, else from the snapshot.
func OverviewOf(ctx context.Context, st Store, mapID string) (*Overview, error) {
	if oc, ok := st.(OverviewCounter); ok {
		return oc.OverviewCounts(ctx, mapID)
	}
	m, err := st.GetMap(ctx, mapID)
	if err != nil {
		return nil, err
	}
	return CountOverview(m), nil
}
