package neo4j

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// Property names, prefixes and the labels of the public schema (DESIGN.md,
// Stores). Node and edge fields use their map-file names; nested maps are
// flattened with a prefix; free attributes get "attr_".
const (
	labelMap  = "ChannelMap"
	labelNode = "ChannelNode"

	prefixScores  = "scores_"
	prefixQuality = "quality_"
	prefixAttr    = "attr_"

	propOrd = "ord" // position of the node or edge in the map, for stable order

	// propIDExplicit marks an edge whose file gave it the id it would have
	// had anyway (FROM--KIND--TO), so it reads back with that id.
	propIDExplicit = "id_explicit"
)

// kindLabels are the node labels by kind, from the fixed kind list only.
var kindLabels = func() map[graph.NodeKind]string {
	m := make(map[graph.NodeKind]string, len(graph.NodeKinds))
	for _, k := range graph.NodeKinds {
		m[k] = k.Label()
	}
	return m
}()

// relTypes are the relationship types by edge kind, from the fixed list only.
var relTypes = func() map[graph.EdgeKind]string {
	m := make(map[graph.EdgeKind]string, len(graph.EdgeKinds))
	for _, k := range graph.EdgeKinds {
		m[k] = k.RelType()
	}
	return m
}()

// allKindLabels is ":Company:Supplier:..." for removing a node's kind label.
var allKindLabels = func() string {
	var b strings.Builder
	for _, k := range graph.NodeKinds {
		b.WriteString(":" + k.Label())
	}
	return b.String()
}()

// nodeProps is the property map of node n of map mapID at position ord.
func nodeProps(mapID string, n *graph.Node, ord int64) map[string]any {
	p := map[string]any{"map": mapID, "id": n.ID, "kind": string(n.Kind), "name": n.Name, propOrd: ord}
	str(p, "description", n.Description)
	list(p, "tags", n.Tags)
	str(p, "region", n.Region)
	list(p, "services", n.Services)
	str(p, "market", n.Market)
	num(p, "customers", n.Customers)
	num(p, "revenue", n.Revenue)
	num(p, "cost_to_serve", n.CostToServe)
	num(p, "gross_margin", n.GrossMargin)
	list(p, "prefers", n.Prefers)
	str(p, "needs", n.Needs)
	for k, v := range n.Scores {
		p[prefixScores+k] = v
	}
	for k, v := range n.Quality {
		p[prefixQuality+k] = v
	}
	if n.Tier != nil {
		p["tier"] = int64(*n.Tier)
	}
	str(p, "channel", n.Channel)
	str(p, "purpose", n.Purpose)
	num(p, "replacement_months", n.ReplacementMonths)
	attrs(p, n.Attrs)
	return p
}

// edgeProps is the property map of edge e of map mapID at position ord.
// from, to and kind are the relationship's ends and type, not properties.
func edgeProps(mapID string, e *graph.Edge, ord int64) map[string]any {
	p := map[string]any{"map": mapID, "id": e.Key(), propOrd: ord}
	if e.ID != "" && e.ID == graph.DefaultEdgeID(e.From, e.Kind, e.To) {
		// Given explicitly although it is the default: keep it that way.
		p[propIDExplicit] = true
	}
	str(p, "delivery", e.Delivery)
	list(p, "products", e.Products)
	num(p, "margin", e.Margin)
	num(p, "share", e.Share)
	list(p, "services", e.Services)
	str(p, "why", e.Why)
	str(p, "purpose", e.Purpose)
	str(p, "what", e.What)
	attrs(p, e.Attrs)
	return p
}

func str(p map[string]any, k, v string) {
	if v != "" {
		p[k] = v
	}
}

func list(p map[string]any, k string, v []string) {
	if len(v) > 0 {
		p[k] = append([]string(nil), v...)
	}
}

func num(p map[string]any, k string, v *float64) {
	if v != nil {
		p[k] = *v
	}
}

func attrs(p map[string]any, a map[string]any) {
	for k, v := range a {
		p[prefixAttr+k] = v
	}
}

// decodeNode builds a node from its stored properties.
func decodeNode(p map[string]any) (*graph.Node, int64, error) {
	n := &graph.Node{}
	var ord int64
	d := decoder{what: "node"}
	for k, v := range p {
		switch k {
		case "map":
		case propOrd:
			ord = d.int(k, v)
		case "id":
			n.ID = d.str(k, v)
		case "kind":
			n.Kind = graph.NodeKind(d.str(k, v))
		case "name":
			n.Name = d.str(k, v)
		case "description":
			n.Description = d.str(k, v)
		case "tags":
			n.Tags = d.list(k, v)
		case "region":
			n.Region = d.str(k, v)
		case "services":
			n.Services = d.list(k, v)
		case "market":
			n.Market = d.str(k, v)
		case "customers":
			n.Customers = d.num(k, v)
		case "revenue":
			n.Revenue = d.num(k, v)
		case "cost_to_serve":
			n.CostToServe = d.num(k, v)
		case "gross_margin":
			n.GrossMargin = d.num(k, v)
		case "prefers":
			n.Prefers = d.list(k, v)
		case "needs":
			n.Needs = d.str(k, v)
		case "tier":
			t := int(d.int(k, v))
			n.Tier = &t
		case "channel":
			n.Channel = d.str(k, v)
		case "purpose":
			n.Purpose = d.str(k, v)
		case "replacement_months":
			n.ReplacementMonths = d.num(k, v)
		default:
			switch {
			case strings.HasPrefix(k, prefixScores):
				if n.Scores == nil {
					n.Scores = map[string]float64{}
				}
				n.Scores[k[len(prefixScores):]] = *d.num(k, v)
			case strings.HasPrefix(k, prefixQuality):
				if n.Quality == nil {
					n.Quality = map[string]float64{}
				}
				n.Quality[k[len(prefixQuality):]] = *d.num(k, v)
			case strings.HasPrefix(k, prefixAttr):
				if n.Attrs == nil {
					n.Attrs = map[string]any{}
				}
				n.Attrs[k[len(prefixAttr):]] = attrValue(v)
			}
			// Other properties (added by hand in Neo4j Browser) are not part
			// of the map and are ignored.
		}
	}
	if d.err != nil {
		return nil, 0, fmt.Errorf("node %q: %w", n.ID, d.err)
	}
	return n, ord, nil
}

// decodeEdge builds an edge from its relationship type, ends and properties.
func decodeEdge(relType, from, to string, p map[string]any) (*graph.Edge, int64, error) {
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
		switch k {
		case "map":
		case propOrd:
			ord = d.int(k, v)
		case "id":
			e.ID = d.str(k, v)
		case "delivery":
			e.Delivery = d.str(k, v)
		case "products":
			e.Products = d.list(k, v)
		case "margin":
			e.Margin = d.num(k, v)
		case "share":
			e.Share = d.num(k, v)
		case "services":
			e.Services = d.list(k, v)
		case "why":
			e.Why = d.str(k, v)
		case "purpose":
			e.Purpose = d.str(k, v)
		case "what":
			e.What = d.str(k, v)
		case propIDExplicit:
			explicit, _ = v.(bool)
		default:
			if strings.HasPrefix(k, prefixAttr) {
				if e.Attrs == nil {
					e.Attrs = map[string]any{}
				}
				e.Attrs[k[len(prefixAttr):]] = attrValue(v)
			}
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
	p := map[string]any{"id": m.ID, "title": m.Title, "node_count": int64(len(m.Nodes)), "edge_count": int64(len(m.Edges))}
	str(p, "currency", m.Currency)
	str(p, "source", m.Source)
	str(p, "as_of", m.AsOf)
	if m.Classification != nil {
		b, err := json.Marshal(m.Classification)
		if err != nil {
			return nil, fmt.Errorf("encode classification of map %q: %w", m.ID, err)
		}
		p["classification"] = string(b)
	}
	return p, nil
}
