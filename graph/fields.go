package graph

import (
	"maps"
	"math"
	"slices"
)

// FieldType is the type of a field's value. Every type has one Go form that a
// field's Get returns and its Set takes:
//
//	id, text, enum, node_ref:    string ("" is absent)
//	text_list, enum_list,
//	node_ref_list:               []string (empty is absent)
//	number, whole_number:        *float64 (nil is absent)
//	score_map:                   map[string]float64 (empty is absent)
//	list_map:                    map[string][]string (empty is absent)
type FieldType string

// The field types.
const (
	TypeID          FieldType = "id"            // a slug: [a-z0-9][a-z0-9_-]*
	TypeText        FieldType = "text"          // free text
	TypeTextList    FieldType = "text_list"     // a list of free texts
	TypeEnum        FieldType = "enum"          // one of Values
	TypeEnumList    FieldType = "enum_list"     // some of Values
	TypeNodeRef     FieldType = "node_ref"      // the id of a node on the map
	TypeNodeRefList FieldType = "node_ref_list" // ids of nodes on the map
	TypeNumber      FieldType = "number"        // a finite number
	TypeWhole       FieldType = "whole_number"  // a whole number
	TypeScoreMap    FieldType = "score_map"     // names to numbers
	TypeListMap     FieldType = "list_map"      // names to lists of texts
)

// IsList reports whether values of type t are []string.
func (t FieldType) IsList() bool {
	return t == TypeTextList || t == TypeEnumList || t == TypeNodeRefList
}

// IsNumber reports whether values of type t are *float64.
func (t FieldType) IsNumber() bool { return t == TypeNumber || t == TypeWhole }

// IsText reports whether values of type t are string.
func (t FieldType) IsText() bool {
	return t == TypeID || t == TypeText || t == TypeEnum || t == TypeNodeRef
}

// Field is one row of the field table: one field of a T (Map,
// Classification, Node or Edge) with its type, the kinds that carry it, its
// allowed values and range, its unit, a line of help, and how to get and set
// it on the typed struct. Everything that reads, writes, copies, compares,
// stores or shows fields walks these rows.
type Field[T any] struct {
	Name     string    `json:"name"`
	Type     FieldType `json:"type"`
	Required bool      `json:"required,omitempty"`
	// Kinds are the node or edge kinds that carry the field; empty means all.
	Kinds []string `json:"kinds,omitempty"`
	// Values are the allowed values of an enum or enum list; Keys the
	// allowed names of a score or list map (empty: any name).
	Values []string `json:"values,omitempty"`
	Keys   []string `json:"keys,omitempty"`
	// RefKind is the kind a node_ref_list must point at ("" any).
	RefKind string `json:"ref_kind,omitempty"`
	// Min and Max bound a number, each entry of a score map, inclusive
	// unless the Exclusive flag is set.
	Min          *float64 `json:"min,omitempty"`
	Max          *float64 `json:"max,omitempty"`
	MinExclusive bool     `json:"min_exclusive,omitempty"`
	MaxExclusive bool     `json:"max_exclusive,omitempty"`
	// Unit is what a number counts: currency (the map's), fraction (0..1,
	// spreadsheets accept percentages), months, count, score.
	Unit string `json:"unit,omitempty"`
	// Multiline marks a text that may hold several lines.
	Multiline bool `json:"multiline,omitempty"`
	// Noun names one value in messages ("delivery method"); KeyNoun one
	// name of a score or list map ("quality criterion").
	Noun    string `json:"-"`
	KeyNoun string `json:"-"`
	Help    string `json:"help"`

	Get func(*T) any  `json:"-"`
	Set func(*T, any) `json:"-"`
}

// Schema is the field table: the rows of every field of a map, its
// classification block, its nodes and its edges, in the order they are
// written. Functions that take a *Schema work with any table, so a copy with
// one more row reaches every reader and writer; the package's own functions
// use DefaultSchema.
type Schema struct {
	Map            []Field[Map]            `json:"map"`
	Classification []Field[Classification] `json:"classification"`
	Node           []Field[Node]           `json:"node"`
	Edge           []Field[Edge]           `json:"edge"`
}

// Lookup returns the row named name in fs.
func Lookup[T any](fs []Field[T], name string) (Field[T], bool) {
	for _, f := range fs {
		if f.Name == name {
			return f, true
		}
	}
	return Field[T]{}, false
}

// Names returns the names of fs in order.
func Names[T any](fs []Field[T]) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// Carries reports whether a node or edge of kind kind carries f.
func (f Field[T]) Carries(kind string) bool {
	return len(f.Kinds) == 0 || slices.Contains(f.Kinds, kind)
}

// IsEmpty reports whether a field value (as Get returns it) is absent.
func IsEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	case *float64:
		return x == nil
	case map[string]float64:
		return len(x) == 0
	case map[string][]string:
		return len(x) == 0
	}
	return false
}

// cloneValue deep-copies a field value.
func cloneValue(v any) any {
	switch x := v.(type) {
	case []string:
		return slices.Clone(x)
	case *float64:
		if x == nil {
			return x
		}
		c := *x
		return &c
	case map[string]float64:
		return maps.Clone(x)
	case map[string][]string:
		if x == nil {
			return x
		}
		c := make(map[string][]string, len(x))
		for k, l := range x {
			c[k] = slices.Clone(l)
		}
		return c
	}
	return v
}

// equalValue compares two field values, empty lists and maps alike.
func equalValue(a, b any) bool {
	if IsEmpty(a) || IsEmpty(b) {
		return IsEmpty(a) == IsEmpty(b)
	}
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []string:
		y, ok := b.([]string)
		return ok && slices.Equal(x, y)
	case *float64:
		y, ok := b.(*float64)
		return ok && sameFloat(*x, *y)
	case map[string]float64:
		y, ok := b.(map[string]float64)
		return ok && maps.EqualFunc(x, y, sameFloat)
	case map[string][]string:
		y, ok := b.(map[string][]string)
		return ok && maps.EqualFunc(x, y, slices.Equal[[]string])
	}
	return false
}

func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// copyFields deep-copies every field of the table from src into dst.
func copyFields[T any](fs []Field[T], dst, src *T) {
	for _, f := range fs {
		f.Set(dst, cloneValue(f.Get(src)))
	}
}

// equalFields compares a and b field by field.
func equalFields[T any](fs []Field[T], a, b *T) bool {
	for _, f := range fs {
		if !equalValue(f.Get(a), f.Get(b)) {
			return false
		}
	}
	return true
}

// text, list, number, scores and lists give a row get and set functions over
// one typed struct field.

func text[T any](f Field[T], p func(*T) *string) Field[T] {
	return row(f, func(t *T) any { return *p(t) },
		func(t *T, v any) { s, _ := v.(string); *p(t) = s })
}

func list[T any](f Field[T], p func(*T) *[]string) Field[T] {
	return row(f, func(t *T) any { return *p(t) },
		func(t *T, v any) { l, _ := v.([]string); *p(t) = l })
}

func number[T any](f Field[T], p func(*T) **float64) Field[T] {
	return row(f, func(t *T) any { return *p(t) },
		func(t *T, v any) { x, _ := v.(*float64); *p(t) = x })
}

func scores[T any](f Field[T], p func(*T) *map[string]float64) Field[T] {
	return row(f, func(t *T) any { return *p(t) },
		func(t *T, v any) { m, _ := v.(map[string]float64); *p(t) = m })
}

func lists[T any](f Field[T], p func(*T) *map[string][]string) Field[T] {
	return row(f, func(t *T) any { return *p(t) },
		func(t *T, v any) { m, _ := v.(map[string][]string); *p(t) = m })
}

// row fills in Get and Set from an accessor pair.
func row[T any](f Field[T], get func(*T) any, set func(*T, any)) Field[T] {
	f.Get, f.Set = get, set
	return f
}

func ptr(f float64) *float64 { return &f }

func strs[K ~string](ks []K) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// UnitFraction marks a number that is a part of a whole, 0..1 (0.18 is
// 18 %); readers also take "18 %".
const UnitFraction = "fraction"

// UnitCount marks a number of things (customers): a whole number.
const UnitCount = "count"

// DefaultSchema returns a fresh copy of chanmap's field table (format v1).
// Change the copy freely; the package keeps its own.
func DefaultSchema() *Schema {
	customers := strs([]NodeKind{KindSegment, KindCustomer})
	intermediaries := strs([]NodeKind{KindDistributor, KindWholesaler, KindReseller, KindRetailer, KindAgent, KindMarketplace, KindIntegrator})
	s := &Schema{}

	s.Map = []Field[Map]{
		text(Field[Map]{Name: "id", Type: TypeID, Required: true, Help: "the map's id, a slug like acme-pumps"}, func(m *Map) *string { return &m.ID }),
		text(Field[Map]{Name: "title", Type: TypeText, Help: "the map's title, shown on diagrams"}, func(m *Map) *string { return &m.Title }),
		text(Field[Map]{Name: "currency", Type: TypeText, Help: "the currency of every figure, a three-letter ISO 4217 code like EUR"}, func(m *Map) *string { return &m.Currency }),
		text(Field[Map]{Name: "source", Type: TypeText, Help: "where the figures come from, shown in a diagram's footer"}, func(m *Map) *string { return &m.Source }),
		text(Field[Map]{Name: "as_of", Type: TypeText, Help: "the date the figures hold for, YYYY-MM-DD, shown in a diagram's footer"}, func(m *Map) *string { return &m.AsOf }),
		text(Field[Map]{Name: "fork_of", Type: TypeText, Help: "set on a scenario: the map and version it was forked from, BASE@VERSION; merging compares against it"}, func(m *Map) *string { return &m.ForkOf }),
	}

	s.Classification = []Field[Classification]{
		scores(Field[Classification]{Name: "tiers", Type: TypeScoreMap, Keys: []string{"tier1", "tier2", "tier3"}, Min: ptr(-1), Max: ptr(1), Unit: UnitFraction, Noun: "tier threshold", KeyNoun: "tier threshold",
			Help: "the margin thresholds of tiers 1-3 (defaults 0.20, 0.05, 0)"}, func(c *Classification) *map[string]float64 { return &c.Tiers }),
		scores(Field[Classification]{Name: "indicators", Type: TypeScoreMap, Min: ptr(0), Noun: "indicator weight", KeyNoun: "indicator",
			Help: "the value pyramid's indicator weights: revenue, net_revenue, profit, margin, customers or a score name"}, func(c *Classification) *map[string]float64 { return &c.Indicators }),
		number(Field[Classification]{Name: "gross_margin", Type: TypeNumber, Min: ptr(0), Max: ptr(1), Unit: UnitFraction,
			Help: "the company's gross margin on its net price (before cost to serve), 0-1 (0.42 = 42 %); a segment's own overrides it"}, func(c *Classification) **float64 { return &c.GrossMargin }),
		lists(Field[Classification]{Name: "scorecard", Type: TypeListMap, Keys: []string{"financial", "sales", "customer", "service"}, KeyNoun: "scorecard group",
			Help: "the indicators of the scorecard's four groups"}, func(c *Classification) *map[string][]string { return &c.Scorecard }),
	}

	s.Node = []Field[Node]{
		text(Field[Node]{Name: "id", Type: TypeID, Required: true, Help: "the node's id, unique on the map: lower-case letters, digits, - and _"}, func(n *Node) *string { return &n.ID }),
		row(Field[Node]{Name: "kind", Type: TypeEnum, Required: true, Values: strs(NodeKinds), Noun: "node kind", Help: "what the thing on the map is"},
			func(n *Node) any { return string(n.Kind) }, func(n *Node, v any) { s, _ := v.(string); n.Kind = NodeKind(s) }),
		text(Field[Node]{Name: "name", Type: TypeText, Required: true, Help: "the name shown on diagrams"}, func(n *Node) *string { return &n.Name }),
		text(Field[Node]{Name: "description", Type: TypeText, Multiline: true, Help: "a longer description"}, func(n *Node) *string { return &n.Description }),
		list(Field[Node]{Name: "tags", Type: TypeTextList, Help: "free labels"}, func(n *Node) *[]string { return &n.Tags }),
		text(Field[Node]{Name: "region", Type: TypeText, Kinds: intermediaries, Help: "the region an intermediary covers"}, func(n *Node) *string { return &n.Region }),
		list(Field[Node]{Name: "services", Type: TypeTextList, Kinds: []string{string(KindServiceProvider)}, Help: "what a service provider does (repair, install, train)"}, func(n *Node) *[]string { return &n.Services }),
		text(Field[Node]{Name: "market", Type: TypeEnum, Kinds: customers, Values: Markets, Noun: "market", Help: "the market a segment belongs to"}, func(n *Node) *string { return &n.Market }),
		number(Field[Node]{Name: "customers", Type: TypeNumber, Kinds: customers, Min: ptr(0), Unit: UnitCount, Help: "the number of customers"}, func(n *Node) **float64 { return &n.Customers }),
		number(Field[Node]{Name: "revenue", Type: TypeNumber, Kinds: customers, Min: ptr(0), Unit: "currency", Help: "yearly spend on our products, at end-customer prices"}, func(n *Node) **float64 { return &n.Revenue }),
		number(Field[Node]{Name: "cost_to_serve", Type: TypeNumber, Kinds: customers, Min: ptr(0), Unit: "currency", Help: "our yearly cost to serve"}, func(n *Node) **float64 { return &n.CostToServe }),
		number(Field[Node]{Name: "gross_margin", Type: TypeNumber, Kinds: customers, Min: ptr(0), Max: ptr(1), Unit: UnitFraction,
			Help: "the company's gross margin on its net price for this segment, 0-1 (0.35 = 35 %); overrides classification.gross_margin"}, func(n *Node) **float64 { return &n.GrossMargin }),
		list(Field[Node]{Name: "prefers", Type: TypeEnumList, Kinds: customers, Values: Methods, Noun: "acquisition method", Help: "the acquisition methods the customers prefer"}, func(n *Node) *[]string { return &n.Prefers }),
		text(Field[Node]{Name: "needs", Type: TypeText, Kinds: customers, Help: "what the customers need"}, func(n *Node) *string { return &n.Needs }),
		scores(Field[Node]{Name: "scores", Type: TypeScoreMap, Kinds: customers, Min: ptr(0), Max: ptr(100), Unit: "score", Noun: "score", KeyNoun: "score", Help: "named scores 0-100 (growth, payment) for the value pyramid and scorecard"}, func(n *Node) *map[string]float64 { return &n.Scores }),
		scores(Field[Node]{Name: "quality", Type: TypeScoreMap, Kinds: customers, Keys: QualityCriteria, Min: ptr(1), Max: ptr(5), Unit: "score", Noun: "quality score", KeyNoun: "quality criterion", Help: "the eight customer quality criteria, 1-5 each"}, func(n *Node) *map[string]float64 { return &n.Quality }),
		row(Field[Node]{Name: "tier", Type: TypeWhole, Kinds: customers, Min: ptr(1), Max: ptr(4), Help: "a manual tier 1-4 that overrides the computed one"},
			func(n *Node) any {
				if n.Tier == nil {
					return (*float64)(nil)
				}
				return ptr(float64(*n.Tier))
			},
			func(n *Node, v any) {
				n.Tier = nil
				if f, _ := v.(*float64); f != nil {
					t := int(*f)
					n.Tier = &t
				}
			}),
		text(Field[Node]{Name: "channel", Type: TypeEnum, Kinds: []string{string(KindTouchpoint)}, Values: Channels, Noun: "touchpoint channel", Help: "the kind of interaction point"}, func(n *Node) *string { return &n.Channel }),
		text(Field[Node]{Name: "purpose", Type: TypeText, Kinds: []string{string(KindTouchpoint)}, Help: "what customers do there"}, func(n *Node) *string { return &n.Purpose }),
		number(Field[Node]{Name: "replacement_months", Type: TypeNumber, Kinds: []string{string(KindProduct)}, Min: ptr(0), MinExclusive: true, Unit: "months", Help: "how often the product is replaced"}, func(n *Node) **float64 { return &n.ReplacementMonths }),
	}

	supplies, supports := []string{string(EdgeSupplies)}, []string{string(EdgeSupports)}
	s.Edge = []Field[Edge]{
		text(Field[Edge]{Name: "id", Type: TypeID, Help: "optional; needed when two edges of one kind join the same nodes (default FROM--KIND--TO)"}, func(e *Edge) *string { return &e.ID }),
		text(Field[Edge]{Name: "from", Type: TypeNodeRef, Required: true, Help: "the node the edge leaves"}, func(e *Edge) *string { return &e.From }),
		text(Field[Edge]{Name: "to", Type: TypeNodeRef, Required: true, Help: "the node the edge enters"}, func(e *Edge) *string { return &e.To }),
		row(Field[Edge]{Name: "kind", Type: TypeEnum, Required: true, Values: strs(EdgeKinds), Noun: "edge kind", Help: "how the two nodes relate"},
			func(e *Edge) any { return string(e.Kind) }, func(e *Edge, v any) { s, _ := v.(string); e.Kind = EdgeKind(s) }),
		text(Field[Edge]{Name: "delivery", Type: TypeEnum, Kinds: supplies, Values: Methods, Noun: "delivery method", Help: "how the goods are delivered"}, func(e *Edge) *string { return &e.Delivery }),
		list(Field[Edge]{Name: "products", Type: TypeNodeRefList, Kinds: []string{string(EdgeSupplies), string(EdgeSupports)}, RefKind: string(KindProduct), Help: "the product nodes the edge carries; none means all"}, func(e *Edge) *[]string { return &e.Products }),
		number(Field[Edge]{Name: "margin", Type: TypeNumber, Kinds: supplies, Min: ptr(0), Max: ptr(1), MaxExclusive: true, Unit: UnitFraction, Help: "the fraction of its selling price the buyer keeps, on a supply into an intermediary (0.18 = 18 %)"}, func(e *Edge) **float64 { return &e.Margin }),
		number(Field[Edge]{Name: "share", Type: TypeNumber, Kinds: supplies, Min: ptr(0), Max: ptr(1), Unit: UnitFraction, Help: "the fraction of the buyer's purchases that come through this edge, 0-1 (not of the seller's sales)"}, func(e *Edge) **float64 { return &e.Share }),
		list(Field[Edge]{Name: "services", Type: TypeTextList, Kinds: supports, Help: "what the supporter does"}, func(e *Edge) *[]string { return &e.Services }),
		text(Field[Edge]{Name: "why", Type: TypeText, Kinds: supports, Help: "why the customer goes to them"}, func(e *Edge) *string { return &e.Why }),
		text(Field[Edge]{Name: "purpose", Type: TypeText, Kinds: []string{string(EdgeUses)}, Help: "what the customers use the interaction point for"}, func(e *Edge) *string { return &e.Purpose }),
		text(Field[Edge]{Name: "what", Type: TypeText, Kinds: []string{string(EdgePartnersWith)}, Help: "what the partnership is"}, func(e *Edge) *string { return &e.What }),
	}
	return s
}

// std is the table the package-level functions use.
var std = DefaultSchema()

// Fields returns the field table in use (read it; change a DefaultSchema
// copy instead).
func Fields() *Schema { return std }
