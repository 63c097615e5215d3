// Package compare tells what changed between two channel maps (two
// versions of one map, a scenario and its base, two files): the nodes and
// edges added, removed and changed field by field, the figures that moved
// (each segment's net revenue, profit and tier, before and after), and the
// union of both maps with each element's status, for drawing the change.
package compare

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
)

// Status is what happened to an element between the two maps.
type Status string

// The statuses.
const (
	Same    Status = "same"
	Added   Status = "added"
	Removed Status = "removed"
	Changed Status = "changed"
)

// Side names one of the two maps compared.
type Side struct {
	Map     string `json:"map"`
	Version int64  `json:"version,omitempty"`
	Title   string `json:"title,omitempty"`
	Label   string `json:"label,omitempty"` // how the user named it: a file, MAP@VERSION
}

// FieldChange is one field whose value differs; a nil side is absent.
// Nested fields are named with a dot (scores.growth, attrs.owner).
type FieldChange struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// NodeChange is a node added, removed or changed.
type NodeChange struct {
	ID     string         `json:"id"`
	Kind   graph.NodeKind `json:"kind"`
	Name   string         `json:"name"`
	Status Status         `json:"status"`
	Fields []FieldChange  `json:"fields,omitempty"` // changed only
}

// EdgeChange is an edge added, removed or changed (matched by its key).
type EdgeChange struct {
	Key    string         `json:"key"`
	From   string         `json:"from"`
	To     string         `json:"to"`
	Kind   graph.EdgeKind `json:"kind"`
	Status Status         `json:"status"`
	Fields []FieldChange  `json:"fields,omitempty"`
}

// Figures are one segment's figures on one side; nil when it is absent
// there or its figures are unknown.
type Figures struct {
	NetRevenue *float64 `json:"net_revenue"`
	Profit     *float64 `json:"profit"`
	Tier       string   `json:"tier"` // "1".."4", "unclassified", or "" when absent
}

// FigureChange is a segment or customer whose figures moved.
type FigureChange struct {
	ID     string  `json:"id"`
	Kind   string  `json:"kind"`
	Before Figures `json:"before"`
	After  Figures `json:"after"`
}

// InsightChange is a finding of the analysis (analysis.Insight, matched by
// its id) that appeared in the after map (added) or went away from the
// before map (removed).
type InsightChange struct {
	ID       string   `json:"id"`
	Kind     string   `json:"kind"`
	Status   Status   `json:"status"`
	Severity string   `json:"severity"`
	Headline string   `json:"headline"`
	AtStake  *float64 `json:"at_stake"`
	Nodes    []string `json:"nodes"`
}

// Counts sums up a Result.
type Counts struct {
	NodesAdded   int `json:"nodes_added"`
	NodesRemoved int `json:"nodes_removed"`
	NodesChanged int `json:"nodes_changed"`
	EdgesAdded   int `json:"edges_added"`
	EdgesRemoved int `json:"edges_removed"`
	EdgesChanged int `json:"edges_changed"`
}

// Result is the difference between two maps (the JSON of `chanmap diff
// --json` and of GET /api/v1/maps/{map}/diff).
type Result struct {
	From    Side           `json:"from"`
	To      Side           `json:"to"`
	Same    bool           `json:"same"`
	Map     []FieldChange  `json:"map"` // title, currency, classification
	Nodes   []NodeChange   `json:"nodes"`
	Edges   []EdgeChange   `json:"edges"`
	Figures []FigureChange `json:"figures"`
	// Insights are the findings that appeared or went away, the ones
	// gone first, each group by money at stake as the analysis ranks them.
	Insights []InsightChange `json:"insights"`
	Counts   Counts          `json:"counts"`
	// Warnings say why figures could not be compared (an analysis error
	// on one side).
	Warnings []string `json:"warnings"`
}

// Diff compares a (before) with b (after). Nodes are matched by id, edges by
// key; lists are in a's order with b's additions after them.
func Diff(a, b *graph.Map) (*Result, error) {
	if a == nil || b == nil {
		return nil, fmt.Errorf("compare: both maps are needed")
	}
	// The analyses of both maps are most of the work and independent of
	// each other and of the element-by-element comparison: all three run
	// side by side.
	before, after := analyse(a), analyse(b)
	r := &Result{
		From: Side{Map: a.ID, Version: a.Version, Title: a.Title}, To: Side{Map: b.ID, Version: b.Version, Title: b.Title},
		Map: []FieldChange{}, Nodes: []NodeChange{}, Edges: []EdgeChange{}, Figures: []FigureChange{}, Insights: []InsightChange{}, Warnings: []string{},
	}
	if a.Title != b.Title {
		r.Map = append(r.Map, FieldChange{Field: "title", Before: a.Title, After: b.Title})
	}
	if a.Currency != b.Currency {
		r.Map = append(r.Map, FieldChange{Field: "currency", Before: a.Currency, After: b.Currency})
	}
	if fc := fieldChanges(a.Classification, b.Classification); len(fc) > 0 {
		for _, f := range fc {
			f.Field = "classification." + f.Field
			r.Map = append(r.Map, f)
		}
	}

	bn := make(map[string]*graph.Node, len(b.Nodes))
	for _, n := range b.Nodes {
		bn[n.ID] = n
	}
	an := make(map[string]bool, len(a.Nodes))
	for _, n := range a.Nodes {
		an[n.ID] = true
		o := bn[n.ID]
		switch {
		case o == nil:
			r.Nodes = append(r.Nodes, NodeChange{ID: n.ID, Kind: n.Kind, Name: n.Name, Status: Removed})
			r.Counts.NodesRemoved++
		case n != o && !graph.EqualNode(n, o):
			if fc := fieldChanges(n, o); len(fc) > 0 {
				r.Nodes = append(r.Nodes, NodeChange{ID: n.ID, Kind: o.Kind, Name: o.Name, Status: Changed, Fields: fc})
				r.Counts.NodesChanged++
			}
		}
	}
	for _, n := range b.Nodes {
		if !an[n.ID] {
			r.Nodes = append(r.Nodes, NodeChange{ID: n.ID, Kind: n.Kind, Name: n.Name, Status: Added})
			r.Counts.NodesAdded++
		}
	}

	be := make(map[string]*graph.Edge, len(b.Edges))
	for _, e := range b.Edges {
		be[e.Key()] = e
	}
	ae := make(map[string]bool, len(a.Edges))
	for _, e := range a.Edges {
		k := e.Key()
		ae[k] = true
		o := be[k]
		switch {
		case o == nil:
			r.Edges = append(r.Edges, EdgeChange{Key: k, From: e.From, To: e.To, Kind: e.Kind, Status: Removed})
			r.Counts.EdgesRemoved++
		case e != o && !graph.EqualEdge(e, o):
			if fc := fieldChanges(e, o); len(fc) > 0 {
				r.Edges = append(r.Edges, EdgeChange{Key: k, From: o.From, To: o.To, Kind: o.Kind, Status: Changed, Fields: fc})
				r.Counts.EdgesChanged++
			}
		}
	}
	for _, e := range b.Edges {
		if k := e.Key(); !ae[k] {
			r.Edges = append(r.Edges, EdgeChange{Key: k, From: e.From, To: e.To, Kind: e.Kind, Status: Added})
			r.Counts.EdgesAdded++
		}
	}
	r.figures(<-before, <-after)
	r.Same = len(r.Map) == 0 && len(r.Nodes) == 0 && len(r.Edges) == 0
	return r, nil
}

// analysed is the analysis of one map, or why there is none.
type analysed struct {
	report *analysis.Report
	err    error
}

// analyse starts the analysis of m and returns where it will be delivered.
func analyse(m *graph.Map) <-chan analysed {
	ch := make(chan analysed, 1)
	go func() {
		r, err := analysis.Analyze(m)
		ch <- analysed{r, err}
	}()
	return ch
}

// figures compares the analysis of both maps, segment by segment.
func (r *Result) figures(a, b analysed) {
	before, errA := a.report, a.err
	after, errB := b.report, b.err
	if errA != nil {
		r.Warnings = append(r.Warnings, fmt.Sprintf("figures of %s: %v", label(r.From), errA))
	}
	if errB != nil {
		r.Warnings = append(r.Warnings, fmt.Sprintf("figures of %s: %v", label(r.To), errB))
	}
	if errA != nil || errB != nil {
		return
	}
	r.insights(before, after)
	segs := map[string][2]*analysis.Segment{}
	for i := range before.Segments {
		s := &before.Segments[i]
		p := segs[s.ID]
		p[0] = s
		segs[s.ID] = p
	}
	for i := range after.Segments {
		s := &after.Segments[i]
		p := segs[s.ID]
		p[1] = s
		segs[s.ID] = p
	}
	ids := make([]string, 0, len(segs))
	for id := range segs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		p := segs[id]
		fb, fa := figuresOf(p[0]), figuresOf(p[1])
		if sameNum(fb.NetRevenue, fa.NetRevenue) && sameNum(fb.Profit, fa.Profit) && fb.Tier == fa.Tier {
			continue
		}
		kind := ""
		if p[1] != nil {
			kind = p[1].Kind
		} else {
			kind = p[0].Kind
		}
		r.Figures = append(r.Figures, FigureChange{ID: id, Kind: kind, Before: fb, After: fa})
	}
}

// insights lists the findings of one report that the other lacks.
func (r *Result) insights(before, after *analysis.Report) {
	ids := func(in []analysis.Insight) map[string]bool {
		out := make(map[string]bool, len(in))
		for _, x := range in {
			out[x.ID] = true
		}
		return out
	}
	inBefore, inAfter := ids(before.Insights), ids(after.Insights)
	add := func(in []analysis.Insight, other map[string]bool, st Status) {
		for _, x := range in {
			if !other[x.ID] {
				r.Insights = append(r.Insights, InsightChange{ID: x.ID, Kind: x.Kind, Status: st, Severity: x.Severity,
					Headline: x.Headline, AtStake: x.AtStake, Nodes: append([]string{}, x.Nodes...)})
			}
		}
	}
	add(before.Insights, inAfter, Removed)
	add(after.Insights, inBefore, Added)
}

func label(s Side) string {
	if s.Label != "" {
		return s.Label
	}
	if s.Version > 0 {
		return fmt.Sprintf("%s@%d", s.Map, s.Version)
	}
	return s.Map
}

func figuresOf(s *analysis.Segment) Figures {
	if s == nil {
		return Figures{}
	}
	return Figures{NetRevenue: s.NetRevenue, Profit: s.Profit, Tier: s.Tier.String()}
}

// sameNum treats figures within a part in a billion as equal, so float
// noise from a different summation order is not a change.
func sameNum(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	d := math.Abs(*a - *b)
	return d <= 1e-9*math.Max(1, math.Max(math.Abs(*a), math.Abs(*b)))
}

// fieldChanges compares two values field by field through their JSON
// form, so every field of the model (and every free attribute) is
// compared without a list kept here.
func fieldChanges(a, b any) []FieldChange {
	fa, fb := flatten(a), flatten(b)
	keys := make([]string, 0, len(fa)+len(fb))
	for k := range fa {
		keys = append(keys, k)
	}
	for k := range fb {
		if _, ok := fa[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []FieldChange
	for _, k := range keys {
		va, okA := fa[k]
		vb, okB := fb[k]
		if okA && okB && bytes.Equal(va, vb) {
			continue
		}
		out = append(out, FieldChange{Field: k, Before: decode(va), After: decode(vb)})
	}
	return out
}

func decode(raw json.RawMessage) any {
	if raw == nil {
		return nil
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return string(raw)
	}
	if n, ok := v.(json.Number); ok {
		if f, err := strconv.ParseFloat(string(n), 64); err == nil {
			return f
		}
	}
	return v
}

// flatten returns the JSON of v as field -> value, with objects opened
// into dotted names (scores.growth); lists stay whole.
func flatten(v any) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	raw, err := json.Marshal(v)
	if err != nil || string(raw) == "null" {
		return out
	}
	var walk func(prefix string, raw json.RawMessage)
	walk = func(prefix string, raw json.RawMessage) {
		var obj map[string]json.RawMessage
		if len(raw) > 0 && raw[0] == '{' && json.Unmarshal(raw, &obj) == nil {
			for k, v := range obj {
				name := k
				if prefix != "" {
					name = prefix + "." + k
				}
				walk(name, v)
			}
			return
		}
		if prefix != "" && !emptyJSON(raw) {
			out[prefix] = raw
		}
	}
	walk("", raw)
	return out
}

// emptyJSON reports a value that means "not set": null, "", [] or {}.
func emptyJSON(raw json.RawMessage) bool {
	s := string(bytes.TrimSpace(raw))
	return s == "null" || s == `""` || s == "[]" || s == "{}"
}

// Union is both maps in one: every node and edge of either, each with its
// status, for drawing a change. Elements keep a's order, with b's
// additions after them; a changed or same element is b's version of it.
type Union struct {
	Map   *graph.Map
	Nodes map[string]Status // by node id
	Edges map[string]Status // by edge key
}

// UnionOf builds the union of a (before) and b (after). Its Map is a plain
// graph.Map the diagram code can draw with the statuses as an overlay.
func UnionOf(a, b *graph.Map) *Union {
	head := *b // the map's own fields (title, source, as of...) are b's
	head.Nodes, head.Edges = nil, nil
	u := &Union{Map: &head, Nodes: map[string]Status{}, Edges: map[string]Status{}}
	bn := make(map[string]*graph.Node, len(b.Nodes))
	for _, n := range b.Nodes {
		bn[n.ID] = n
	}
	for _, n := range a.Nodes {
		if o := bn[n.ID]; o != nil {
			u.Map.Nodes = append(u.Map.Nodes, o)
			u.Nodes[n.ID] = Same
			if !graph.EqualNode(n, o) && len(fieldChanges(n, o)) > 0 {
				u.Nodes[n.ID] = Changed
			}
		} else {
			u.Map.Nodes = append(u.Map.Nodes, n)
			u.Nodes[n.ID] = Removed
		}
	}
	for _, n := range b.Nodes {
		if _, ok := u.Nodes[n.ID]; !ok {
			u.Map.Nodes = append(u.Map.Nodes, n)
			u.Nodes[n.ID] = Added
		}
	}
	be := make(map[string]*graph.Edge, len(b.Edges))
	for _, e := range b.Edges {
		be[e.Key()] = e
	}
	for _, e := range a.Edges {
		k := e.Key()
		if o := be[k]; o != nil {
			u.Map.Edges = append(u.Map.Edges, o)
			u.Edges[k] = Same
			if !graph.EqualEdge(e, o) && len(fieldChanges(e, o)) > 0 {
				u.Edges[k] = Changed
			}
		} else {
			u.Map.Edges = append(u.Map.Edges, e)
			u.Edges[k] = Removed
		}
	}
	for _, e := range b.Edges {
		if _, ok := u.Edges[e.Key()]; !ok {
			u.Map.Edges = append(u.Map.Edges, e)
			u.Edges[e.Key()] = Added
		}
	}
	u.Map = u.Map.Clone()
	return u
}

// Statuses lists the statuses in the order a legend shows them.
var Statuses = []Status{Added, Removed, Changed, Same}
