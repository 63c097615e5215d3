package graph

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Validate checks every rule of format v1 on m and returns nil or a
// *ValidationError listing all problems, each with a Pointer into the map
// document (/nodes/3/margin), the Field and the offending Value. Problems
// from Validate carry no file position; Read adds it.
func Validate(m *Map) error { return std.Validate(m) }

// Validate is Validate over the fields of table s.
func (s *Schema) Validate(m *Map) error {
	if err := s.validate(m); err != nil {
		return err
	}
	return nil
}

// validate returns the *ValidationError typed, nil when m is valid.
func validate(m *Map) *ValidationError { return std.validate(m) }

func (s *Schema) validate(m *Map) *ValidationError {
	v := &validator{s: s, m: m}
	v.run()
	if len(v.probs) == 0 {
		return nil
	}
	SortProblems(v.probs)
	return &ValidationError{Problems: v.probs}
}

type validator struct {
	s     *Schema
	m     *Map
	probs []Problem
	nodes map[string]int // id -> index of first node with it
}

func (v *validator) add(ptr, field, value, format string, a ...any) {
	v.probs = append(v.probs, Problem{Pointer: ptr, Field: field, Value: clip(value), Message: fmt.Sprintf(format, a...)})
}

// ValidSlug reports whether s is a valid id: [a-z0-9][a-z0-9_-]*.
func ValidSlug(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '_' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

func fnum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func (v *validator) run() {
	m := v.m
	if m == nil {
		v.add("", "", "", "no map")
		return
	}
	v.limits()
	switch {
	case m.ID == "":
		v.add("/id", "id", "", "the map needs an id (a slug like acme-pumps)")
	case !ValidSlug(m.ID):
		v.add("/id", "id", m.ID, "map id %q is not a slug: lower-case letters, digits, '-' and '_', starting with a letter or digit", m.ID)
	}
	if m.Currency != "" && !isCurrency(m.Currency) {
		v.add("/currency", "currency", m.Currency, "currency must be a three-letter ISO 4217 code like EUR")
	}
	v.nodes = make(map[string]int, len(m.Nodes))
	for i, n := range m.Nodes {
		v.node(i, n)
	}
	v.edges()
	v.classification()
	v.mapMeta()
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func (v *validator) node(i int, n *Node) {
	p := "/nodes/" + strconv.Itoa(i)
	switch {
	case n.ID == "":
		v.add(p+"/id", "id", "", "node has no id")
	case !ValidSlug(n.ID):
		v.add(p+"/id", "id", n.ID, "node id %q is not a slug: lower-case letters, digits, '-' and '_', starting with a letter or digit", n.ID)
	default:
		if first, dup := v.nodes[n.ID]; dup {
			v.add(p+"/id", "id", n.ID, "duplicate node id %q (first used by /nodes/%d)", n.ID, first)
		} else {
			v.nodes[n.ID] = i
		}
	}
	switch {
	case n.Kind == "":
		v.add(p+"/kind", "kind", "", "node %s has no kind", n.ID)
	case !n.Kind.Valid():
		v.add(p+"/kind", "kind", string(n.Kind), "unknown node kind %q (known: %s)", n.Kind, kindList())
	}
	if strings.TrimSpace(n.Name) == "" {
		v.add(p+"/name", "name", n.Name, "node %s has no name", n.ID)
	}
	checkFields(v, v.s.Node, n, p, "")
	for k, a := range n.Attrs {
		if _, known := Lookup(v.s.Node, k); known || k == "attrs" {
			v.add(p+"/"+EscapePointer(k), k, k, "free attribute %q has the name of a node field", k)
			continue
		}
		v.attrValue(p, k, a)
	}
}

func (v *validator) attrValue(p, k string, a any) {
	switch x := a.(type) {
	case string, bool:
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			v.add(p+"/"+EscapePointer(k), k, fnum(x), "attribute %q must be a finite number", k)
		}
	case int, int64, float32, int32, uint, uint64:
	default:
		v.add(p+"/"+EscapePointer(k), k, fmt.Sprintf("%T", a), "attribute %q must be a string, number or boolean", k)
	}
}

func kindList() string {
	s := make([]string, len(NodeKinds))
	for i, k := range NodeKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func edgeKindList() string {
	s := make([]string, len(EdgeKinds))
	for i, k := range EdgeKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func (v *validator) kindOf(id string) (NodeKind, bool) {
	i, ok := v.nodes[id]
	if !ok {
		return "", false
	}
	return v.m.Nodes[i].Kind, true
}

func (v *validator) edges() {
	m := v.m
	keys := make(map[string]int, len(m.Edges))
	shareSum := map[string]float64{}
	shareOver := map[string]bool{}
	for i, e := range m.Edges {
		p := "/edges/" + strconv.Itoa(i)
		key := e.Key()
		name := key
		if e.ID != "" && !ValidSlug(e.ID) {
			v.add(p+"/id", "id", e.ID, "edge id %q is not a slug: lower-case letters, digits, '-' and '_'", e.ID)
		}
		if first, dup := keys[key]; dup {
			if e.ID == "" && m.Edges[first].ID == "" {
				v.add(p, "id", key, "two %s edges from %s to %s: give them ids (first is /edges/%d)", e.Kind, e.From, e.To, first)
			} else {
				v.add(p+"/id", "id", key, "duplicate edge id %q (first used by /edges/%d)", key, first)
			}
		} else {
			keys[key] = i
		}
		kindOK := true
		switch {
		case e.Kind == "":
			v.add(p+"/kind", "kind", "", "edge %s has no kind", name)
			kindOK = false
		case !e.Kind.Valid():
			v.add(p+"/kind", "kind", string(e.Kind), "edge %s: unknown edge kind %q (known: %s)", name, e.Kind, edgeKindList())
			kindOK = false
		}
		fk, fromOK := v.end(p+"/from", "from", name, e.From)
		tk, toOK := v.end(p+"/to", "to", name, e.To)
		if kindOK && fromOK && toOK && fk.Valid() && tk.Valid() && !e.Kind.Allows(fk, tk) {
			v.add(p, "kind", string(e.Kind), "edge %s: %s (%s)", name, PairingError(e.Kind, fk, tk), pairingRule(e.Kind))
		}
		checkFields(v, v.s.Edge, e, p, "edge "+name+": ")
		for j, pr := range e.Products {
			if k, ok := v.kindOf(pr); !ok || k != KindProduct {
				what := "no such node"
				if ok {
					what = "it is a " + string(k)
				}
				v.add(fmt.Sprintf("%s/products/%d", p, j), "products", pr, "edge %s: %q is not a product on this map (%s)", name, pr, what)
			}
		}
		if e.Share != nil {
			if sh := *e.Share; sh >= 0 && sh <= 1 && e.Kind == EdgeSupplies {
				shareSum[e.To] += sh
				if shareSum[e.To] > 1+1e-9 && !shareOver[e.To] {
					shareOver[e.To] = true
					v.add(p+"/share", "share", fnum(math.Round(shareSum[e.To]*1e9)/1e9), "the shares of the supplies edges into %s add up to more than 1", e.To)
				}
			}
		}
		for k, a := range e.Attrs {
			if _, known := Lookup(v.s.Edge, k); known || k == "attrs" {
				v.add(p+"/"+EscapePointer(k), k, k, "free attribute %q has the name of an edge field", k)
				continue
			}
			v.attrValue(p, k, a)
		}
	}
	v.cycles()
}

func pairingRule(k EdgeKind) string {
	switch k {
	case EdgeSupplies:
		return "supplies go from an organisation other than a service provider to an organisation, segment or customer"
	case EdgeSupports:
		return "supports go from an organisation to a segment or customer"
	case EdgeOperates:
		return "operates goes from an organisation to a touchpoint"
	case EdgeUses:
		return "uses goes from a segment or customer to a touchpoint"
	case EdgeBelongsTo:
		return "belongs_to goes from a customer to a segment"
	case EdgePartnersWith:
		return "partners_with joins two organisations"
	}
	return ""
}

func (v *validator) end(ptr, field, edge, id string) (NodeKind, bool) {
	if id == "" {
		v.add(ptr, field, "", "edge %s has no %s", edge, field)
		return "", false
	}
	k, ok := v.kindOf(id)
	if !ok {
		v.add(ptr, field, id, "edge %s: %s names no node on this map", edge, field)
		return "", false
	}
	return k, true
}

// cycles reports every supplies cycle once, naming it a -> b -> a. The
// search is an iterative depth-first walk, linear in the edges.
func (v *validator) cycles() {
	m := v.m
	out := make(map[string][]int, len(m.Nodes))
	for i, e := range m.Edges {
		if e != nil && e.Kind == EdgeSupplies {
			if _, ok := v.nodes[e.To]; ok {
				out[e.From] = append(out[e.From], i)
			}
		}
	}
	const (
		white = 0
		grey  = 1
		black = 2
	)
	state := make(map[string]uint8, len(out))
	type frame struct {
		id   string
		next int
	}
	var stack []frame
	var path []string
	onPath := map[string]int{}
	for _, n := range m.Nodes {
		if n == nil || state[n.ID] != white || len(out[n.ID]) == 0 {
			continue
		}
		stack = append(stack[:0], frame{id: n.ID})
		path = append(path[:0], n.ID)
		onPath[n.ID] = 0
		state[n.ID] = grey
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			es := out[top.id]
			if top.next >= len(es) {
				state[top.id] = black
				delete(onPath, top.id)
				stack = stack[:len(stack)-1]
				path = path[:len(path)-1]
				continue
			}
			ei := es[top.next]
			top.next++
			to := m.Edges[ei].To
			switch state[to] {
			case white:
				state[to] = grey
				onPath[to] = len(path)
				path = append(path, to)
				stack = append(stack, frame{id: to})
			case grey:
				cyc := append(append([]string{}, path[onPath[to]:]...), to)
				v.add(fmt.Sprintf("/edges/%d", ei), "to", to, "supplies cycle %s", strings.Join(cyc, " -> "))
			}
		}
	}
}

func (v *validator) classification() {
	c := v.m.Classification
	if c == nil {
		return
	}
	checkFields(v, v.s.Classification, c, "/classification", "")
	if t1, ok := c.Tiers["tier1"]; ok {
		if t2, ok := c.Tiers["tier2"]; ok && t2 > t1 {
			v.add("/classification/tiers/tier2", "tiers", fnum(t2), "tier2 threshold must not exceed tier1 (%s)", fnum(t1))
		}
	}
}

// SortProblems orders problems by line, then by pointer (numeric segments
// compared as numbers), then by message.
func SortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if c := comparePointers(a.Pointer, b.Pointer); c != 0 {
			return c < 0
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Message < b.Message
	})
}

func comparePointers(a, b string) int {
	if a == b {
		return 0
	}
	as, bs := SplitPointer(a), SplitPointer(b)
	if len(as) > 0 && len(bs) > 0 && as[0] != bs[0] {
		ra, rb := topRank(as[0]), topRank(bs[0])
		if ra != rb {
			return ra - rb
		}
	}
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		ai, aerr := strconv.Atoi(as[i])
		bi, berr := strconv.Atoi(bs[i])
		if aerr == nil && berr == nil {
			if ai < bi {
				return -1
			}
			return 1
		}
		if as[i] < bs[i] {
			return -1
		}
		return 1
	}
	return len(as) - len(bs)
}

// topRank orders the top-level keys as a map file does.
func topRank(k string) int {
	for i, f := range []string{"id", "title", "currency", "nodes", "edges", "classification", "changes"} {
		if f == k {
			return i
		}
	}
	return 100
}
