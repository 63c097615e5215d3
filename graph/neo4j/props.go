package neo4j

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// Property names, prefixes and the labels of the public schema (README,
// Neo4j). Node and edge fields use their map-file names (graph.Fields);
// score maps are flattened with their name as prefix (scores_growth); free
// attributes get "attr_".
const (
	labelMap  = "ChannelMap"
	labelNode = "ChannelNode"

	prefixAttr = "attr_"

	propOrd = "ord" // position of the node or edge in the map, for stable order

	// propIDExplicit marks an edge whose file gave it the id it would have
	// had anyway (FROM--KIND--TO), so it reads back with that id.
	propIDExplicit = "id_explicit"
)

// kindLabels are the node labels by kind, from the fixed kind list only.
var kindLabels = func() map[graph.NodeKind]string {
	m := make(map[graph.NodeKind]string, len(graph.NodeKinds))
	for _, k := range graph.NodeKinds {
		m[k] = label(k)
	}
	return m
}()

// relTypes are the relationship types by edge kind, from the fixed list only.
var relTypes = func() map[graph.EdgeKind]string {
	m := make(map[graph.EdgeKind]string, len(graph.EdgeKinds))
	for _, k := range graph.EdgeKinds {
		m[k] = relType(k)
	}
	return m
}()

// allKindLabels is ":Company:Supplier:..." for removing a node's kind label.
var allKindLabels = func() string {
	var b strings.Builder
	for _, k := range graph.NodeKinds {
		b.WriteString(":" + label(k))
	}
	return b.String()
}()

// fields is the field table the properties follow.
var fields = graph.Fields()

// nodeProps is the property map of node n of map mapID at position ord.
func nodeProps(mapID string, n *graph.Node, ord int64) map[string]any {
	return schemaNodeProps(fields, mapID, n, ord)
}

func schemaNodeProps(s *graph.Schema, mapID string, n *graph.Node, ord int64) map[string]any {
	p := map[string]any{"map": mapID, propOrd: ord}
	fieldProps(s.Node, n, p)
	attrs(p, n.Attrs)
	return p
}

// edgeProps is the property map of edge e of map mapID at position ord.
// from, to and kind are the relationship's ends and type, not properties.
func edgeProps(mapID string, e *graph.Edge, ord int64) map[string]any {
	return schemaEdgeProps(fields, mapID, e, ord)
}

func schemaEdgeProps(s *graph.Schema, mapID string, e *graph.Edge, ord int64) map[string]any {
	p := map[string]any{"map": mapID, propOrd: ord}
	fieldProps(s.Edge, e, p)
	for _, k := range edgeEnds {
		delete(p, k)
	}
	p["id"] = e.Key()
	if e.ID != "" && e.ID == graph.DefaultEdgeID(e.From, e.Kind, e.To) {
		// Given explicitly although it is the default: keep it that way.
		p[propIDExplicit] = true
	}
	attrs(p, e.Attrs)
	return p
}

// edgeEnds are the edge fields a relationship holds as its ends and type.
var edgeEnds = []string{"from", "to", "kind"}

// fieldProps sets the properties of the fields of x that have a value:
// texts and lists of texts as they are, numbers as floats (whole numbers as
// integers), score maps flattened as NAME_KEY; list maps are not node or
// edge fields.
func fieldProps[T any](fs []graph.Field[T], x *T, p map[string]any) {
	for _, f := range fs {
		v := f.Get(x)
		if graph.IsEmpty(v) && !f.Required {
			continue
		}
		switch val := v.(type) {
		case []string:
			p[f.Name] = append([]string(nil), val...)
		case *float64:
			if f.Type == graph.TypeWhole {
				p[f.Name] = int64(*val)
			} else {
				p[f.Name] = *val
			}
		case map[string]float64:
			for k, n := range val {
				p[f.Name+"_"+k] = n
			}
		default:
			p[f.Name] = v
		}
	}
}

// decodeField reads property k into x when it belongs to a row of fs; ok
// is false for other properties.
func decodeField[T any](d *decoder, fs []graph.Field[T], x *T, k string, v any) bool {
	if f, ok := graph.Lookup(fs, k); ok {
		switch {
		case f.Type.IsList():
			f.Set(x, d.list(k, v))
		case f.Type == graph.TypeWhole:
			n := float64(d.int(k, v))
			f.Set(x, &n)
		case f.Type.IsNumber():
			f.Set(x, d.num(k, v))
		default:
			f.Set(x, d.str(k, v))
		}
		return true
	}
	for _, f := range fs {
		if f.Type != graph.TypeScoreMap || !strings.HasPrefix(k, f.Name+"_") {
			continue
		}
		m, _ := f.Get(x).(map[string]float64)
		if m == nil {
			m = map[string]float64{}
		}
		m[k[len(f.Name)+1:]] = *d.num(k, v)
		f.Set(x, m)
		return true
	}
	return false
}

func attrs(p map[string]any, a map[string]any) {
	for k, v := range a {
		p[prefixAttr+k] = v
	}
}

// decodeNode builds a node from its stored properties.
func decodeNode(p map[string]any) (*graph.Node, int64, error) {
	return schemaDecodeNode(fields, p)
}

func schemaDecodeNode(s *graph.Schema, p map[string]any) (*graph.Node, int64, error) {
	n := &graph.Node{}
	var ord int64
	d := decoder{what: "node"}
	for k, v := range p {
		switch {
		case k == "map":
		case k == propOrd:
			ord = d.int(k, v)
		case decodeField(&d, s.Node, n, k, v):
		case strings.HasPrefix(k, prefixAttr):
			if n.Attrs == nil {
				n.Attrs = map[string]any{}
			}
			n.Attrs[k[len(prefixAttr):]] = attrValue(v)
		}
		// Other properties (added by hand in Neo4j Browser) are not part
		// of the map and are ignored.
	}
	if d.err != nil {
		return nil, 0, fmt.Errorf("node %q: %w", n.ID, d.err)
	}
	return n, ord, nil
}

// decodeEdge builds an edge from its relationship type, ends and properties.
func decodeEdge(relType, from, to string, p map[string]any) (*graph.Edge, int64, error) {
	return schemaDecodeEdge(fields, relType, from, to, p)
}

func schemaDecodeEdge(s *graph.Schema, relType, from, to string, p map[string]any) (*graph.Edge, int64, error) {
	e := &graph.Edge{From: from, To: to}
	for k, t := range relTypes {
		if t == relType {
			e.Kind = k
		}
	}
	if e.Kind == "" {
		return nil, 0, fmt.Errorf("edge %s -> %s: relationship type %s is not a chanmap edge kind", from, to, relType)
	}
	var ord int64
	explicit := false
	d := decoder{what: "edge"}
	for k, v := range p {
		switch {
		case k == "map", slices.Contains(edgeEnds, k):
		case k == propOrd:
			ord = d.int(k, v)
		case k == propIDExplicit:
			explicit, _ = v.(bool)
		case decodeField(&d, s.Edge, e, k, v):
		case strings.HasPrefix(k, prefixAttr):
			if e.Attrs == nil {
				e.Attrs = map[string]any{}
			}
			e.Attrs[k[len(prefixAttr):]] = attrValue(v)
		}
	}
	if d.err != nil {
		return nil, 0, fmt.Errorf("edge %q: %w", e.ID, d.err)
	}
	// The stored id is the edge key; an edge that was given no id has the
	// default key, and reads back without one.
	if !explicit && e.ID == graph.DefaultEdgeID(e.From, e.Kind, e.To) {
		e.ID = ""
	}
	return e, ord, nil
}

// decodeMapFields reads the map's own fields from the ChannelMap node's
// properties; other properties (version, counts) are the store's.
func decodeMapFields(s *graph.Schema, m *graph.Map, p map[string]any) error {
	d := decoder{what: "map"}
	for k, v := range p {
		if _, ok := graph.Lookup(s.Map, k); ok {
			decodeField(&d, s.Map, m, k, v)
		}
	}
	return d.err
}

// attrValue maps a stored free attribute back to the model's types
// (string, float64, bool): Neo4j gives integers back as int64.
func attrValue(v any) any {
	if i, ok := v.(int64); ok {
		return float64(i)
	}
	return v
}

// decoder converts property values, keeping the first type error.
type decoder struct {
	what string
	err  error
}

func (d *decoder) fail(k string, v any, want string) {
	if d.err == nil {
		d.err = fmt.Errorf("property %s is %T, want %s", k, v, want)
	}
}

func (d *decoder) str(k string, v any) string {
	s, ok := v.(string)
	if !ok {
		d.fail(k, v, "a string")
	}
	return s
}

func (d *decoder) int(k string, v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	}
	d.fail(k, v, "an integer")
	return 0
}

func (d *decoder) num(k string, v any) *float64 {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case int64:
		f = float64(x)
	default:
		d.fail(k, v, "a number")
	}
	return &f
}

func (d *decoder) list(k string, v any) []string {
	xs, ok := v.([]any)
	if !ok {
		d.fail(k, v, "a list of strings")
		return nil
	}
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		s, ok := x.(string)
		if !ok {
			d.fail(k, v, "a list of strings")
			return nil
		}
		out = append(out, s)
	}
	return out
}

// mapProps are the ChannelMap node's properties for m (without version and
// update time, which the write sets).
func mapProps(m *graph.Map) (map[string]any, error) {
	p := map[string]any{"title": m.Title, "node_count": int64(len(m.Nodes)), "edge_count": int64(len(m.Edges))}
	fieldProps(fields.Map, m, p)
	if m.Classification != nil {
		b, err := json.Marshal(m.Classification)
		if err != nil {
			return nil, fmt.Errorf("encode classification of map %q: %w", m.ID, err)
		}
		p["classification"] = string(b)
	}
	return p, nil
}
