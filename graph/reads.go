package graph

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
)

// Reads that need less than a whole snapshot. These interfaces are
// optional: a Store that lacks one is read through GetMap instead, and one
// that has it answers exactly as GetMap's snapshot would (the contract
// suite checks both). A store implements them where it can touch only
// what the answer needs (Neo4j: a keyed lookup, a page, a stream of rows
// from one read transaction) instead of decoding the whole map.

// MapInfoReader reads one map's line of the map list without listing
// the others.
type MapInfoReader interface {
	// MapInfo is map id's line, equal to the one ListMaps gives, read
	// in one read as ListMaps is (a read after a write sees the write).
	// A missing or deleted map is ErrNotFound.
	MapInfo(ctx context.Context, id string) (MapInfo, error)
}

// ReadMapInfo is map id's line of the map list of st: through its
// MapInfoReader when it has one, else picked from ListMaps. A missing map
// is ErrNotFound.
func ReadMapInfo(ctx context.Context, st Store, id string) (MapInfo, error) {
	if r, ok := st.(MapInfoReader); ok {
		return r.MapInfo(ctx, id)
	}
	infos, err := st.ListMaps(ctx)
	if err != nil {
		return MapInfo{}, err
	}
	for _, in := range infos {
		if in.ID == id {
			return in, nil
		}
	}
	return MapInfo{}, fmt.Errorf("map %q: %w", id, ErrNotFound)
}

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

// NodeEdgeReader reads the edges of one node: what deleting the node
// takes with it.
type NodeEdgeReader interface {
	// EdgesOf reads the edges of map mapID that start or end at node id,
	// in map order, and the map's version, all at one version. A node the
	// map lacks has none; a missing map is ErrNotFound.
	EdgesOf(ctx context.Context, mapID, id string) ([]*Edge, int64, error)
}

// NodeEdgesOf is st's NodeEdgeReader, or one that reads the GetMap
// snapshot when st has none.
func NodeEdgesOf(st Store) NodeEdgeReader {
	if r, ok := st.(NodeEdgeReader); ok {
		return r
	}
	return snapshotReader{st}
}

// EdgesTouching lists the edges of snapshot m that start or end at node
// id, in map order (not copies).
func EdgesTouching(m *Map, id string) []*Edge {
	var out []*Edge
	for _, e := range m.Edges {
		if e != nil && (e.From == id || e.To == id) {
			out = append(out, e)
		}
	}
	return out
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

func (r snapshotReader) EdgesOf(ctx context.Context, mapID, id string) ([]*Edge, int64, error) {
	m, err := r.st.GetMap(ctx, mapID)
	if err != nil {
		return nil, 0, err
	}
	return append([]*Edge{}, EdgesTouching(m, id)...), m.Version, nil
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

// Projection names the fields of a map that a reader needs, by their
// names in the field table (Fields): Map the map's own fields, with
// "classification" for the whole classification block; Node and Edge the
// fields of nodes and edges; Attrs asks for the free attributes of nodes
// and edges too. The map's id and version, a node's id and kind, and an
// edge's id, from, to and kind always come.
type Projection struct {
	Map   []string `json:"map,omitempty"`
	Node  []string `json:"node,omitempty"`
	Edge  []string `json:"edge,omitempty"`
	Attrs bool     `json:"attrs,omitempty"`
}

// projectionClassification is the Map name of the classification block.
const projectionClassification = "classification"

// The fields every projection carries.
var (
	alwaysNode = []string{"id", "kind"}
	alwaysEdge = []string{"id", "from", "to", "kind"}
)

// Check says which name of p is not a field of the table.
func (p Projection) Check() error {
	for _, n := range p.Map {
		if _, ok := Lookup(std.Map, n); !ok && n != projectionClassification {
			return fmt.Errorf("projection: %q is not a field of a map", n)
		}
	}
	for _, n := range p.Node {
		if _, ok := Lookup(std.Node, n); !ok {
			return fmt.Errorf("projection: %q is not a field of a node", n)
		}
	}
	for _, n := range p.Edge {
		if _, ok := Lookup(std.Edge, n); !ok {
			return fmt.Errorf("projection: %q is not a field of an edge", n)
		}
	}
	return nil
}

// NodeFields are the node fields p carries, in table order, id and kind
// included.
func (p Projection) NodeFields() []string { return keptNames(std.Node, alwaysNode, p.Node) }

// EdgeFields are the edge fields p carries, in table order, id, from, to
// and kind included.
func (p Projection) EdgeFields() []string { return keptNames(std.Edge, alwaysEdge, p.Edge) }

func keptNames[T any](fs []Field[T], always, named []string) []string {
	var out []string
	for _, f := range fs {
		if slices.Contains(always, f.Name) || slices.Contains(named, f.Name) {
			out = append(out, f.Name)
		}
	}
	return out
}

// projector copies the fields of one projection.
type projector struct {
	p     Projection
	head  []Field[Map]
	class bool
	node  []Field[Node]
	edge  []Field[Edge]
}

func newProjector(p Projection) (*projector, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	pr := &projector{p: p, class: slices.Contains(p.Map, projectionClassification)}
	for _, f := range std.Map {
		if f.Name == "id" || slices.Contains(p.Map, f.Name) {
			pr.head = append(pr.head, f)
		}
	}
	for _, n := range p.NodeFields() {
		f, _ := Lookup(std.Node, n)
		pr.node = append(pr.node, f)
	}
	for _, n := range p.EdgeFields() {
		f, _ := Lookup(std.Edge, n)
		pr.edge = append(pr.edge, f)
	}
	return pr, nil
}

func (pr *projector) Head(m *Map) *Map {
	out := &Map{Version: m.Version}
	copyFields(pr.head, out, m)
	if pr.class {
		out.Classification = m.Classification.Clone()
	}
	return out
}

func (pr *projector) Node(n *Node) *Node {
	out := &Node{}
	copyFields(pr.node, out, n)
	if pr.p.Attrs && len(n.Attrs) > 0 {
		out.Attrs = maps.Clone(n.Attrs)
	}
	return out
}

func (pr *projector) Edge(e *Edge) *Edge {
	out := &Edge{}
	copyFields(pr.edge, out, e)
	if pr.p.Attrs && len(e.Attrs) > 0 {
		out.Attrs = maps.Clone(e.Attrs)
	}
	return out
}

// Visitor is v handed copies of the pieces with only the fields of the
// projection.
func (pr *projector) Visitor(v MapVisitor) MapVisitor {
	w := MapVisitor{}
	if v.Head != nil {
		w.Head = func(m *Map) error { return v.Head(pr.Head(m)) }
	}
	if v.Node != nil {
		w.Node = func(n *Node) error { return v.Node(pr.Node(n)) }
	}
	if v.Edge != nil {
		w.Edge = func(e *Edge) error { return v.Edge(pr.Edge(e)) }
	}
	return w
}

// Project is a copy of snapshot m with only the fields of p: what a
// MapProjector hands over, as one map. An unknown field name is an error.
func Project(m *Map, p Projection) (*Map, error) {
	pr, err := newProjector(p)
	if err != nil {
		return nil, err
	}
	out := pr.Head(m)
	out.Nodes = make([]*Node, len(m.Nodes))
	for i, n := range m.Nodes {
		out.Nodes[i] = pr.Node(n)
	}
	out.Edges = make([]*Edge, len(m.Edges))
	for i, e := range m.Edges {
		out.Edges[i] = pr.Edge(e)
	}
	return out, nil
}

// WalkProjected hands snapshot m to v like WalkCopy, each piece a copy
// with only the fields of p: for a store that answers a projection from a
// snapshot it holds.
func WalkProjected(m *Map, p Projection, v MapVisitor) error {
	pr, err := newProjector(p)
	if err != nil {
		return err
	}
	return WalkMap(m, pr.Visitor(v))
}

// MapProjector reads a projection of a map as a stream: only the fields a
// caller names cross from the store, so a reader that needs a few fields
// of a big map neither moves nor decodes the rest.
type MapProjector interface {
	// ProjectMap reads map id into v like StreamMap (the same order, one
	// version, ErrNotFound and ErrConflict alike), each piece holding
	// only the fields of p (see Projection); a field name p has that the
	// field table lacks is an error before anything is read.
	ProjectMap(ctx context.Context, id string, p Projection, v MapVisitor) error
}

// ProjectorOf is st's MapProjector, or one that streams the map (StreamOf)
// and drops the fields p does not name when st has none.
func ProjectorOf(st Store) MapProjector {
	if mp, ok := st.(MapProjector); ok {
		return mp
	}
	return streamProjector{StreamOf(st)}
}

// streamProjector answers a projection from a whole stream.
type streamProjector struct{ ms MapStreamer }

func (sp streamProjector) ProjectMap(ctx context.Context, id string, p Projection, v MapVisitor) error {
	pr, err := newProjector(p)
	if err != nil {
		return err
	}
	return sp.ms.StreamMap(ctx, id, pr.Visitor(v))
}

// ReadProjection reads the projection p of map id of st as one map. A
// store decodes every string of every row afresh, so the map holds each
// string that repeats across it once (see sharedStrings): an edge's ends
// are its nodes' ids, and kinds, markets, deliveries, products and score
// names come from a small vocabulary.
func ReadProjection(ctx context.Context, st Store, id string, p Projection) (*Map, error) {
	var m *Map
	err := ProjectorOf(st).ProjectMap(ctx, id, p, ShareStrings(MapVisitor{
		Head: func(h *Map) error { m = h; return nil },
		Node: func(n *Node) error { m.Nodes = append(m.Nodes, n); return nil },
		Edge: func(e *Edge) error { m.Edges = append(m.Edges, e); return nil },
	}))
	if err != nil {
		return nil, err
	}
	if m.Nodes == nil {
		m.Nodes = []*Node{}
	}
	if m.Edges == nil {
		m.Edges = []*Edge{}
	}
	return m, nil
}

// ShareStrings is v with every node and edge first made to share its
// repeated strings with the pieces before it (edge ends with their nodes'
// ids; kinds, markets, deliveries, products, services and score names
// with a bounded vocabulary), so that a reader that keeps the pieces of a
// big map holds each of those strings once. Values are unchanged.
func ShareStrings(v MapVisitor) MapVisitor { return share(v, newSharedStrings()) }

// ShareWords is ShareStrings without the edge ends: for a reader that
// keeps nodes' ids but not edges' ends (the analysis's builder), which
// would otherwise hold an index of every node id only for them.
func ShareWords(v MapVisitor) MapVisitor {
	sh := newSharedStrings()
	sh.ids = nil
	return share(v, sh)
}

func share(v MapVisitor, sh *sharedStrings) MapVisitor {
	if v.Node != nil {
		node := v.Node
		v.Node = func(n *Node) error { sh.node(n); return node(n) }
	}
	if v.Edge != nil {
		edge := v.Edge
		v.Edge = func(e *Edge) error { sh.edge(e); return edge(e) }
	}
	return v
}

// sharedStrings makes the pieces of one map read share their repeated
// strings: on a million-node map read from Neo4j, two million edge ends and
// as many kinds and product names would otherwise each be a string of their
// own. It changes no value, only where the bytes live.
type sharedStrings struct {
	ids   map[string]string // node id -> the node's own ID string
	vocab map[string]string // kinds, markets, deliveries, products, score names
}

// maxVocab bounds the vocabulary: values that keep being new (names a
// hand-edited map puts in a vocabulary field) stay strings of their own.
const maxVocab = 1 << 14

func newSharedStrings() *sharedStrings {
	return &sharedStrings{ids: map[string]string{}, vocab: map[string]string{}}
}

func (sh *sharedStrings) word(s string) string {
	if s == "" {
		return s
	}
	if w, ok := sh.vocab[s]; ok {
		return w
	}
	if len(sh.vocab) < maxVocab {
		sh.vocab[s] = s
	}
	return s
}

func (sh *sharedStrings) words(xs []string) {
	for i, x := range xs {
		xs[i] = sh.word(x)
	}
}

// keys makes the map's keys the vocabulary's strings: assigning to a key
// that is there keeps the value and stores the key given.
func (sh *sharedStrings) keys(m map[string]float64) {
	for k, v := range m {
		m[sh.word(k)] = v
	}
}

func (sh *sharedStrings) node(n *Node) {
	if n == nil {
		return
	}
	if sh.ids != nil {
		sh.ids[n.ID] = n.ID
	}
	n.Kind = NodeKind(sh.word(string(n.Kind)))
	n.Region, n.Market = sh.word(n.Region), sh.word(n.Market)
	sh.words(n.Prefers)
	sh.words(n.Services)
	sh.keys(n.Scores)
	sh.keys(n.Quality)
}

func (sh *sharedStrings) edge(e *Edge) {
	if e == nil {
		return
	}
	if id, ok := sh.ids[e.From]; ok {
		e.From = id
	}
	if id, ok := sh.ids[e.To]; ok {
		e.To = id
	}
	e.Kind = EdgeKind(sh.word(string(e.Kind)))
	e.Delivery = sh.word(e.Delivery)
	sh.words(e.Products)
	sh.words(e.Services)
}
