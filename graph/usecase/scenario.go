package usecase

// Scenarios: a named fork of a map at one of its versions, edited like any
// map, compared with its base, merged back or dropped.
//
// A scenario is an ordinary stored map, so every store keeps, edits,
// versions and undeletes it without knowing about scenarios:
//
//   - its id is BASE--scenario--NAME (ScenarioID), where NAME is a slug;
//     the whole id stays within graph.MaxIDLen;
//   - its map-level field fork_of is BASE@VERSION: the base map and the
//     base's version it was forked from. Version 1 of the scenario is that
//     base version under the scenario's id.
//
// The scenario's own changes are the difference base@VERSION -> scenario;
// the base's changes since the fork are base@VERSION -> base@current, and
// a scenario whose base has a newer version is stale. Merging is a
// three-way merge of the two (see MergeScenario).

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/compare"
)

// ScenarioSep joins a base map's id and a scenario's name into the
// scenario's map id.
const ScenarioSep = "--scenario--"

// ScenarioID is the map id of scenario name of map base.
func ScenarioID(base, name string) string { return base + ScenarioSep + name }

// ErrNotScenario is a map that is not a scenario of the map it was asked
// under (no fork_of, or a fork_of naming another map).
var ErrNotScenario = errors.New("not a scenario of this map")

// Scenario is one scenario of a base map.
type Scenario struct {
	Name  string `json:"name"`
	ID    string `json:"id"` // the scenario's map id (ScenarioID)
	Title string `json:"title,omitempty"`
	// Version is the scenario map's own version.
	Version int64  `json:"version"`
	Base    string `json:"base"`
	// BaseVersion is the base's version the scenario was forked from;
	// BaseCurrent the base's version now.
	BaseVersion int64 `json:"base_version"`
	BaseCurrent int64 `json:"base_current"`
	// Stale says the base changed since the fork (BaseCurrent > BaseVersion).
	Stale bool `json:"stale"`
}

// ScenarioStatus is a scenario with what changed on each side since the
// fork: its own changes (base@fork -> scenario) and, when it is stale, the
// base's (base@fork -> base@current).
type ScenarioStatus struct {
	Scenario
	// Changes counts the scenario's own changes.
	Changes compare.Counts `json:"changes"`
	// BaseChanges lists the base's changes since the fork; absent when the
	// scenario is not stale.
	BaseChanges *compare.Result `json:"base_changes,omitempty"`
}

// ParseForkOf reads a fork_of value, BASE@VERSION.
func ParseForkOf(s string) (base string, version int64, ok bool) {
	i := strings.LastIndexByte(s, '@')
	if i <= 0 {
		return "", 0, false
	}
	v, err := strconv.ParseInt(s[i+1:], 10, 64)
	if err != nil || v < 1 {
		return "", 0, false
	}
	return s[:i], v, true
}

// checkName refuses a scenario name that is not a slug or makes the
// scenario's id too long.
func checkName(base, name string) error {
	var msg string
	switch {
	case name == "":
		msg = "the scenario needs a name (a slug like price-cut)"
	case !graph.ValidSlug(name):
		msg = fmt.Sprintf("scenario name %q is not a slug: lower-case letters, digits, '-' and '_', starting with a letter or digit", name)
	case len(ScenarioID(base, name)) > graph.MaxIDLen:
		msg = fmt.Sprintf("scenario name %q is too long: the scenario's map id %s%s%s would be over %d bytes (MaxIDLen)",
			name, base, ScenarioSep, "NAME", graph.MaxIDLen)
	default:
		return nil
	}
	v := name
	if len(v) > 64 {
		v = v[:64] + "..."
	}
	return &graph.ValidationError{Problems: []graph.Problem{{Pointer: "/name", Field: "name", Value: v, Message: msg}}}
}

// CreateScenario forks map base at version (0: its current version) as
// scenario name, and returns it. The scenario's first version holds the
// base's map as it was, recorded with a message naming the fork. A name
// taken by another scenario (or map) is graph.ErrExists; a base that is
// itself a scenario is refused (merge it first).
func CreateScenario(ctx context.Context, st graph.Store, base, name string, version int64) (Scenario, error) {
	if err := checkName(base, name); err != nil {
		return Scenario{}, err
	}
	cur, err := st.GetMap(ctx, base)
	if err != nil {
		return Scenario{}, fmt.Errorf("scenario %s of map %s: %w", name, base, err)
	}
	if cur.ForkOf != "" {
		return Scenario{}, &graph.ValidationError{Problems: []graph.Problem{{Pointer: "/fork_of", Field: "fork_of", Value: cur.ForkOf,
			Message: fmt.Sprintf("map %s is itself a scenario (of %s); fork its base instead", base, cur.ForkOf)}}}
	}
	m := cur
	if version != 0 && version != cur.Version {
		if version > cur.Version || version < 1 {
			return Scenario{}, &graph.ValidationError{Problems: []graph.Problem{{Pointer: "/version", Field: "version", Value: strconv.FormatInt(version, 10),
				Message: fmt.Sprintf("map %s has versions 1 to %d", base, cur.Version)}}}
		}
		if m, err = st.GetVersion(ctx, base, version); err != nil {
			return Scenario{}, fmt.Errorf("scenario %s of map %s at version %d: %w", name, base, version, err)
		}
	}
	fork := m.Version
	sc := m.Clone()
	sc.ID, sc.ForkOf, sc.Version = ScenarioID(base, name), fmt.Sprintf("%s@%d", base, fork), 0
	wi := graph.WriteInfoFrom(ctx)
	wi.Message = joinMessage(fmt.Sprintf("scenario %s forked from %s@%d", name, base, fork), wi.Message)
	v, err := st.CreateMap(graph.WithWriteInfo(ctx, wi), sc)
	if err != nil {
		return Scenario{}, fmt.Errorf("create scenario %s of map %s: %w", name, base, err)
	}
	return Scenario{Name: name, ID: sc.ID, Title: sc.Title, Version: v, Base: base,
		BaseVersion: fork, BaseCurrent: cur.Version, Stale: cur.Version > fork}, nil
}

func joinMessage(what, user string) string {
	if user == "" {
		return what
	}
	return what + ": " + user
}

// ListScenarios lists the scenarios of map base, sorted by name.
// graph.ErrNotFound when base is absent.
func ListScenarios(ctx context.Context, st graph.Store, base string) ([]Scenario, error) {
	infos, err := st.ListMaps(ctx)
	if err != nil {
		return nil, fmt.Errorf("scenarios of map %s: %w", base, err)
	}
	var cur *graph.MapInfo
	var ids []graph.MapInfo
	prefix := base + ScenarioSep
	for i := range infos {
		switch {
		case infos[i].ID == base:
			cur = &infos[i]
		case strings.HasPrefix(infos[i].ID, prefix):
			ids = append(ids, infos[i])
		}
	}
	if cur == nil {
		return nil, fmt.Errorf("scenarios of map %s: map %s: %w", base, base, graph.ErrNotFound)
	}
	out := []Scenario{}
	for _, in := range ids {
		m, err := st.GetMap(ctx, in.ID)
		if errors.Is(err, graph.ErrNotFound) {
			continue // deleted since the list was read
		}
		if err != nil {
			return nil, fmt.Errorf("scenarios of map %s: %w", base, err)
		}
		s, ok := scenarioOf(m, base, cur.Version)
		if ok {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// scenarioOf describes map m as a scenario of base, whose current version
// is current; false when m is not one.
func scenarioOf(m *graph.Map, base string, current int64) (Scenario, bool) {
	b, v, ok := ParseForkOf(m.ForkOf)
	if !ok || b != base || !strings.HasPrefix(m.ID, base+ScenarioSep) {
		return Scenario{}, false
	}
	return Scenario{Name: strings.TrimPrefix(m.ID, base+ScenarioSep), ID: m.ID, Title: m.Title, Version: m.Version,
		Base: base, BaseVersion: v, BaseCurrent: current, Stale: current > v}, true
}

// scenarioMaps reads scenario name of base and the base (current).
func scenarioMaps(ctx context.Context, st graph.Store, base, name string) (Scenario, *graph.Map, *graph.Map, error) {
	if err := checkName(base, name); err != nil {
		return Scenario{}, nil, nil, err
	}
	b, err := st.GetMap(ctx, base)
	if err != nil {
		return Scenario{}, nil, nil, fmt.Errorf("scenario %s of map %s: map %s: %w", name, base, base, err)
	}
	id := ScenarioID(base, name)
	m, err := st.GetMap(ctx, id)
	if errors.Is(err, graph.ErrNotFound) {
		return Scenario{}, nil, nil, fmt.Errorf("map %s has no scenario %q: %w", base, name, graph.ErrNotFound)
	}
	if err != nil {
		return Scenario{}, nil, nil, fmt.Errorf("scenario %s of map %s: %w", name, base, err)
	}
	s, ok := scenarioOf(m, base, b.Version)
	if !ok {
		return Scenario{}, nil, nil, fmt.Errorf("map %s (fork_of %q): %w %s", id, m.ForkOf, ErrNotScenario, base)
	}
	if s.BaseVersion > b.Version {
		return Scenario{}, nil, nil, fmt.Errorf("scenario %s says it was forked from %s@%d, but %s is at version %d: %w %s",
			id, base, s.BaseVersion, base, b.Version, ErrNotScenario, base)
	}
	return s, m, b, nil
}

// forkPoint reads the base as it was when scenario s was forked.
func forkPoint(ctx context.Context, st graph.Store, s Scenario, cur *graph.Map) (*graph.Map, error) {
	if s.BaseVersion == cur.Version {
		return cur, nil
	}
	m, err := st.GetVersion(ctx, s.Base, s.BaseVersion)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: base %s@%d: %w", s.Name, s.Base, s.BaseVersion, err)
	}
	return m, nil
}

// asBase is scenario map m dressed as its base (id and fork_of of base),
// so that comparing and merging see only the scenario's own edits.
func asBase(m, base *graph.Map) *graph.Map {
	c := *m
	c.ID, c.ForkOf = base.ID, base.ForkOf
	return &c
}

// GetScenario reads scenario name of map base with its status: stale or
// not, its own change counts and, when stale, the base's changes since
// the fork. graph.ErrNotFound when either is absent.
func GetScenario(ctx context.Context, st graph.Store, base, name string) (*ScenarioStatus, error) {
	s, m, cur, err := scenarioMaps(ctx, st, base, name)
	if err != nil {
		return nil, err
	}
	fork, err := forkPoint(ctx, st, s, cur)
	if err != nil {
		return nil, err
	}
	out := &ScenarioStatus{Scenario: s, Changes: countChanges(fork, m)}
	if s.Stale {
		if out.BaseChanges, err = compare.Diff(fork, cur); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// countChanges counts the nodes and edges added, removed and changed from
// a to b, as compare.Diff does, without the figures.
func countChanges(a, b *graph.Map) compare.Counts {
	var c compare.Counts
	an, bn := nodesByID(a), nodesByID(b)
	for id, n := range an {
		switch o, ok := bn[id]; {
		case !ok:
			c.NodesRemoved++
		case !graph.EqualNode(n, o):
			c.NodesChanged++
		}
	}
	for id := range bn {
		if _, ok := an[id]; !ok {
			c.NodesAdded++
		}
	}
	ae, be := edgesByKey(a), edgesByKey(b)
	for k, e := range ae {
		switch o, ok := be[k]; {
		case !ok:
			c.EdgesRemoved++
		case !graph.EqualEdge(e, o):
			c.EdgesChanged++
		}
	}
	for k := range be {
		if _, ok := ae[k]; !ok {
			c.EdgesAdded++
		}
	}
	return c
}

// CompareScenario compares scenario name with its base: with the base as
// it was at the fork (its own changes), or with the base as it is now
// when current is set.
func CompareScenario(ctx context.Context, st graph.Store, base, name string, current bool) (*compare.Result, error) {
	s, m, cur, err := scenarioMaps(ctx, st, base, name)
	if err != nil {
		return nil, err
	}
	from := cur
	if !current {
		if from, err = forkPoint(ctx, st, s, cur); err != nil {
			return nil, err
		}
	}
	return compare.Diff(from, m)
}

// DropScenario deletes scenario name of map base (kept as a deleted map,
// like any, until purged).
func DropScenario(ctx context.Context, st graph.Store, base, name string) error {
	s, _, _, err := scenarioMaps(ctx, st, base, name)
	if err != nil {
		return err
	}
	if err := st.DeleteMap(ctx, s.ID, s.Version); err != nil {
		return fmt.Errorf("drop scenario %s of map %s: %w", name, base, err)
	}
	return nil
}

// MergeOptions tune MergeScenario.
type MergeOptions struct {
	// Force merges despite conflicts: where the base and the scenario
	// changed the same field (or one removed what the other changed), the
	// scenario's side wins.
	Force bool
	// Keep keeps the scenario after the merge, forked again from the
	// merged version (its content becomes the merged map).
	Keep bool
	// Message is added to the history message of the merge.
	Message string
	// BaseVersions, when given, are the base versions the merge may be
	// made onto (what the user reviewed); another is graph.ErrConflict.
	BaseVersions []int64
}

// MergeResult is what a merge did.
type MergeResult struct {
	Scenario string `json:"scenario"`
	Base     string `json:"base"`
	// Version is the base's version after the merge (unchanged when the
	// scenario changed nothing).
	Version int64 `json:"version"`
	// Changes is the number of changes applied to the base.
	Changes int `json:"changes"`
	// Conflicts are the conflicts a forced merge overrode.
	Conflicts []Conflict `json:"conflicts"`
	// Kept says the scenario is still there (forked from Version).
	Kept bool `json:"kept"`
	// Warning says what went wrong after the merge was written (the
	// scenario could not be dropped or forked again).
	Warning string `json:"warning,omitempty"`
}

// Conflict is one place the scenario and its base both changed since the
// fork, differently. Field is empty when the conflict is about the whole
// element (one side removed it, the other changed it).
type Conflict struct {
	Element string `json:"element"` // map, node or edge
	ID      string `json:"id,omitempty"`
	Field   string `json:"field,omitempty"`
	// Fork, Scenario and Base are the values at the fork, in the scenario
	// and in the base now (absent: removed or unset).
	Fork     any    `json:"fork"`
	Scenario any    `json:"scenario"`
	Base     any    `json:"base"`
	Message  string `json:"message"`
}

// MergeConflictError is a merge refused because the base changed the same
// elements or fields as the scenario. It is graph.ErrConflict.
type MergeConflictError struct {
	Scenario  string
	Base      string
	Conflicts []Conflict
}

func (e *MergeConflictError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario %s cannot be merged into %s: both changed the same %d place(s) since the fork", e.Scenario, e.Base, len(e.Conflicts))
	for _, c := range e.Conflicts {
		b.WriteString("\n  ")
		b.WriteString(c.Message)
	}
	return b.String()
}

// Unwrap makes a MergeConflictError a graph.ErrConflict.
func (e *MergeConflictError) Unwrap() error { return graph.ErrConflict }

// MergeScenario merges scenario name into map base: a three-way merge
// that applies the scenario's changes (base@fork -> scenario) onto the
// base as it is now, as one change set against the base's current
// version, recorded with a message naming the scenario.
//
// When the base changed since the fork, elements and fields changed on
// one side only take that side's value; a field both changed to the same
// value is no conflict; a field both changed differently, or an element
// one side removed and the other changed, is a conflict: the merge is
// refused with a *MergeConflictError listing every one (nothing is
// written), unless opts.Force, when the scenario's side wins. A merged
// map that is not valid (the scenario's edge to a node the base removed)
// is a *graph.ValidationError and nothing is written.
//
// The scenario is then dropped, unless opts.Keep.
func MergeScenario(ctx context.Context, st graph.Store, base, name string, opts MergeOptions) (MergeResult, error) {
	s, m, cur, err := scenarioMaps(ctx, st, base, name)
	if err != nil {
		return MergeResult{}, err
	}
	if len(opts.BaseVersions) > 0 && !slices.Contains(opts.BaseVersions, cur.Version) {
		return MergeResult{}, fmt.Errorf("merge scenario %s: map %s is at version %d, the merge was based on version %d: %w",
			name, base, cur.Version, opts.BaseVersions[0], graph.ErrConflict)
	}
	fork, err := forkPoint(ctx, st, s, cur)
	if err != nil {
		return MergeResult{}, err
	}
	merged, conflicts := Merge3(fork, asBase(m, cur), cur)
	if len(conflicts) > 0 && !opts.Force {
		return MergeResult{}, &MergeConflictError{Scenario: name, Base: base, Conflicts: conflicts}
	}
	res := MergeResult{Scenario: name, Base: base, Version: cur.Version, Conflicts: conflicts}
	if res.Conflicts == nil {
		res.Conflicts = []Conflict{}
	}
	cs := graph.Diff(cur, merged)
	if len(cs.Changes) > 0 {
		wi := graph.WriteInfoFrom(ctx)
		wi.Message = joinMessage(fmt.Sprintf("merge scenario %s (forked from %s@%d)", name, base, s.BaseVersion), opts.Message)
		// The store validates the result, as for any change set.
		v, err := st.Apply(graph.WithWriteInfo(ctx, wi), base, cur.Version, cs)
		var ve *graph.ValidationError
		if errors.As(err, &ve) {
			return MergeResult{}, fmt.Errorf("merge scenario %s into %s: the merged map is not valid: %w", name, base, err)
		}
		if err != nil {
			return MergeResult{}, fmt.Errorf("merge scenario %s into %s: %w", name, base, err)
		}
		res.Version, res.Changes = v, len(cs.Changes)
	}
	if opts.Keep {
		next := merged.Clone()
		next.ID, next.ForkOf = s.ID, fmt.Sprintf("%s@%d", base, res.Version)
		if cs := graph.Diff(m, next); len(cs.Changes) > 0 {
			wi := graph.WriteInfoFrom(ctx)
			wi.Message = fmt.Sprintf("scenario %s forked again from %s@%d after its merge", name, base, res.Version)
			if _, err := st.Apply(graph.WithWriteInfo(ctx, wi), s.ID, s.Version, cs); err != nil {
				err = fmt.Errorf("scenario %s was merged into %s (version %d) but could not be forked again: %w", name, base, res.Version, err)
				res.Warning = err.Error()
				return res, err
			}
		}
		res.Kept = true
		return res, nil
	}
	if err := st.DeleteMap(ctx, s.ID, s.Version); err != nil {
		res.Kept = true
		err = fmt.Errorf("scenario %s was merged into %s (version %d) but could not be dropped: %w", name, base, res.Version, err)
		res.Warning = err.Error()
		return res, err
	}
	return res, nil
}

// Merge3 merges the changes fork -> ours into theirs (all three with the
// same id) and returns the merged map and the conflicts, where ours won.
// Nodes and edges keep theirs' order, ours' additions after them, so the
// change set from theirs to the result is minimal.
func Merge3(fork, ours, theirs *graph.Map) (*graph.Map, []Conflict) {
	var conflicts []Conflict
	shallow := *theirs // its fields are set below, its nodes and edges replaced
	out := &shallow
	fs := graph.Fields()

	// The map's own fields and its classification, field by field.
	for _, f := range fs.Map {
		if f.Name == "id" || f.Name == "fork_of" {
			continue
		}
		v, c := merge3Value("map", "", f.Name, f.Get(fork), f.Get(ours), f.Get(theirs))
		f.Set(out, v)
		conflicts = append(conflicts, c...)
	}
	cl := func(m *graph.Map) *graph.Classification {
		if m.Classification == nil {
			return &graph.Classification{}
		}
		return m.Classification
	}
	var mc graph.Classification
	for _, f := range fs.Classification {
		v, c := merge3Value("map", "", "classification."+f.Name, f.Get(cl(fork)), f.Get(cl(ours)), f.Get(cl(theirs)))
		f.Set(&mc, v)
		conflicts = append(conflicts, c...)
	}
	out.Classification = nil
	for _, f := range fs.Classification {
		if !graph.IsEmpty(f.Get(&mc)) {
			out.Classification = &mc
			break
		}
	}

	// Nodes, by id.
	nodeID := func(n *graph.Node) string { return n.ID }
	fn, on, tn := index(fork.Nodes, nodeID), index(ours.Nodes, nodeID), index(theirs.Nodes, nodeID)
	nodes, nc := mergeElems("node", tn.order, on.order, fn.by, on.by, tn.by,
		graph.EqualNode, func(id string, f, o, t *graph.Node) (*graph.Node, []Conflict) {
			return mergeFields("node", id, fs.Node, f, o, t, func(n *graph.Node) *map[string]any { return &n.Attrs })
		})
	out.Nodes, conflicts = nodes, append(conflicts, nc...)

	// Edges, by key.
	key := (*graph.Edge).Key
	fe, oe, te := index(fork.Edges, key), index(ours.Edges, key), index(theirs.Edges, key)
	edges, ec := mergeElems("edge", te.order, oe.order, fe.by, oe.by, te.by,
		graph.EqualEdge, func(key string, f, o, t *graph.Edge) (*graph.Edge, []Conflict) {
			return mergeFields("edge", key, fs.Edge, f, o, t, func(e *graph.Edge) *map[string]any { return &e.Attrs })
		})
	out.Edges, conflicts = edges, append(conflicts, ec...)
	return out, conflicts
}

// indexed are the nodes or edges of a map by key, and their keys in order.
type indexed[T any] struct {
	order []string
	by    map[string]*T
}

func index[T any](xs []*T, key func(*T) string) indexed[T] {
	ix := indexed[T]{order: make([]string, len(xs)), by: make(map[string]*T, len(xs))}
	for i, x := range xs {
		k := key(x)
		ix.order[i] = k
		ix.by[k] = x
	}
	return ix
}

func nodesByID(m *graph.Map) map[string]*graph.Node {
	out := make(map[string]*graph.Node, len(m.Nodes))
	for _, n := range m.Nodes {
		out[n.ID] = n
	}
	return out
}

func edgesByKey(m *graph.Map) map[string]*graph.Edge {
	out := make(map[string]*graph.Edge, len(m.Edges))
	for _, e := range m.Edges {
		out[e.Key()] = e
	}
	return out
}

// mergeElems merges one kind of element by key: theirs' order first, then
// ours' additions. fields merges an element that both sides changed.
func mergeElems[T any](what string, theirOrder, ourOrder []string, f, o, t map[string]*T,
	equal func(a, b *T) bool, fields func(key string, f, o, t *T) (*T, []Conflict)) ([]*T, []Conflict) {
	same := func(a, b *T) bool {
		if a == nil || b == nil {
			return a == nil && b == nil
		}
		return equal(a, b)
	}
	var conflicts []Conflict
	merge := func(k string) *T {
		fv, ov, tv := f[k], o[k], t[k]
		switch {
		case same(ov, fv):
			return tv
		case same(tv, fv), same(ov, tv):
			return ov
		case ov != nil && tv != nil:
			v, c := fields(k, fv, ov, tv)
			conflicts = append(conflicts, c...)
			return v
		}
		// One side removed what the other changed (or added).
		c := Conflict{Element: what, ID: k, Fork: presence(fv), Scenario: presence(ov), Base: presence(tv)}
		if ov == nil {
			c.Message = fmt.Sprintf("%s %s: removed in the scenario, changed in the base", what, k)
		} else {
			c.Message = fmt.Sprintf("%s %s: changed in the scenario, removed in the base", what, k)
		}
		conflicts = append(conflicts, c)
		return ov
	}
	out := make([]*T, 0, len(theirOrder))
	seen := make(map[string]bool, len(theirOrder))
	for _, k := range theirOrder {
		seen[k] = true
		if v := merge(k); v != nil {
			out = append(out, v)
		}
	}
	for _, k := range ourOrder {
		if seen[k] {
			continue
		}
		if v := merge(k); v != nil {
			out = append(out, v)
		}
	}
	return out, conflicts
}

func presence[T any](x *T) any {
	if x == nil {
		return "absent"
	}
	return "present"
}

// mergeFields merges an element both sides changed, field by field of the
// table and free attribute by attribute; f is nil when both added it.
func mergeFields[T any](what, key string, rows []graph.Field[T], f, o, t *T, attrs func(*T) *map[string]any) (*T, []Conflict) {
	var zero T
	if f == nil {
		f = &zero
	}
	c := *t // every field is set below
	out := &c
	var conflicts []Conflict
	for _, r := range rows {
		v, c := merge3Value(what, key, r.Name, r.Get(f), r.Get(o), r.Get(t))
		r.Set(out, v)
		conflicts = append(conflicts, c...)
	}
	fa, oa, ta := *attrs(f), *attrs(o), *attrs(t)
	names := map[string]bool{}
	for _, m := range []map[string]any{fa, oa, ta} {
		for k := range m {
			names[k] = true
		}
	}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var merged map[string]any
	for _, k := range keys {
		v, c := merge3Value(what, key, "attrs."+k, fa[k], oa[k], ta[k])
		conflicts = append(conflicts, c...)
		if v != nil {
			if merged == nil {
				merged = map[string]any{}
			}
			merged[k] = v
		}
	}
	*attrs(out) = merged
	return out, conflicts
}

// merge3Value merges one field: a side that kept the fork's value takes
// the other's; both changed alike is that value; both changed differently
// is a conflict, where ours wins.
func merge3Value(what, key, field string, f, o, t any) (any, []Conflict) {
	switch {
	case sameValue(o, f):
		return t, nil
	case sameValue(t, f), sameValue(o, t):
		return o, nil
	}
	where := what + " field " + field
	if key != "" {
		where = fmt.Sprintf("%s %s: field %s", what, key, field)
	}
	return o, []Conflict{{Element: what, ID: key, Field: field, Fork: shown(f), Scenario: shown(o), Base: shown(t),
		Message: fmt.Sprintf("%s: %s at the fork, %s in the scenario, %s in the base", where, show(f), show(o), show(t))}}
}

// sameValue compares field values, absent and empty alike.
func sameValue(a, b any) bool {
	ea, eb := graph.IsEmpty(a), graph.IsEmpty(b)
	if ea || eb {
		return ea == eb
	}
	return reflect.DeepEqual(a, b)
}

// shown is a field value for JSON: nil when absent, numbers by value.
func shown(v any) any {
	if graph.IsEmpty(v) {
		return nil
	}
	if p, ok := v.(*float64); ok {
		return *p
	}
	return v
}

func show(v any) string {
	v = shown(v)
	switch x := v.(type) {
	case nil:
		return "unset"
	case string:
		return strconv.Quote(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
