// Package graph is chanmap's vocabulary: the channel Map with its nodes and
// edges, the kinds and their rules, the field table, problems and
// validation, change sets, supply paths and the support answer, and the
// Store interface that every store implements.
//
// Nothing in this package talks to a database or draws anything; it is the
// shared vocabulary of every other package.
package graph

import (
	"slices"
	"sort"
)

// NodeKind is the kind of a node: what the thing on the map is.
type NodeKind string

// The node kinds of format v1.
const (
	KindCompany         NodeKind = "company"
	KindSupplier        NodeKind = "supplier"
	KindDistributor     NodeKind = "distributor"
	KindWholesaler      NodeKind = "wholesaler"
	KindReseller        NodeKind = "reseller"
	KindRetailer        NodeKind = "retailer"
	KindAgent           NodeKind = "agent"
	KindMarketplace     NodeKind = "marketplace"
	KindIntegrator      NodeKind = "integrator"
	KindServiceProvider NodeKind = "service_provider"
	KindSegment         NodeKind = "segment"
	KindCustomer        NodeKind = "customer"
	KindTouchpoint      NodeKind = "touchpoint"
	KindProduct         NodeKind = "product"
)

// NodeKinds lists every node kind in layer order (upstream first).
var NodeKinds = []NodeKind{
	KindSupplier, KindCompany, KindDistributor, KindWholesaler,
	KindReseller, KindRetailer, KindAgent, KindMarketplace, KindIntegrator,
	KindServiceProvider, KindSegment, KindCustomer, KindTouchpoint, KindProduct,
}

// Valid reports whether k is a known node kind.
func (k NodeKind) Valid() bool { return slices.Contains(NodeKinds, k) }

// IsOrg reports whether nodes of kind k are organisations: the company, a
// supplier, an intermediary or a service provider.
func (k NodeKind) IsOrg() bool {
	switch k {
	case KindCompany, KindSupplier, KindServiceProvider:
		return true
	}
	return k.IsIntermediary()
}

// IsIntermediary reports whether k buys and resells: distributors, wholesalers,
// resellers, retailers, agents, marketplaces and integrators. Supplies edges
// into an intermediary carry its margin.
func (k NodeKind) IsIntermediary() bool {
	switch k {
	case KindDistributor, KindWholesaler, KindReseller, KindRetailer,
		KindAgent, KindMarketplace, KindIntegrator:
		return true
	}
	return false
}

// IsCustomer reports whether k is a customer category or account.
func (k NodeKind) IsCustomer() bool { return k == KindSegment || k == KindCustomer }

// EdgeKind is the kind of an edge: how two nodes relate.
type EdgeKind string

// The edge kinds of format v1.
const (
	EdgeSupplies     EdgeKind = "supplies"
	EdgeSupports     EdgeKind = "supports"
	EdgeOperates     EdgeKind = "operates"
	EdgeUses         EdgeKind = "uses"
	EdgeBelongsTo    EdgeKind = "belongs_to"
	EdgePartnersWith EdgeKind = "partners_with"
)

// EdgeKinds lists every edge kind.
var EdgeKinds = []EdgeKind{EdgeSupplies, EdgeSupports, EdgeOperates, EdgeUses, EdgeBelongsTo, EdgePartnersWith}

// Valid reports whether k is a known edge kind.
func (k EdgeKind) Valid() bool { return slices.Contains(EdgeKinds, k) }

// Allows reports whether an edge of kind k may go from a node of kind from to
// a node of kind to.
func (k EdgeKind) Allows(from, to NodeKind) bool {
	switch k {
	case EdgeSupplies:
		return from.IsOrg() && from != KindServiceProvider && (to.IsOrg() || to.IsCustomer()) && to != KindServiceProvider
	case EdgeSupports:
		return from.IsOrg() && to.IsCustomer()
	case EdgeOperates:
		return from.IsOrg() && to == KindTouchpoint
	case EdgeUses:
		return from.IsCustomer() && to == KindTouchpoint
	case EdgeBelongsTo:
		return from == KindCustomer && to == KindSegment
	case EdgePartnersWith:
		return from.IsOrg() && to.IsOrg()
	}
	return false
}

// Methods are the delivery and acquisition methods.
var Methods = []string{"direct", "freight", "courier", "pickup", "in_store", "online", "download", "field_install", "drop_ship", "other"}

// Markets are the markets a segment can belong to.
var Markets = []string{"consumer", "producer", "intermediary", "government", "international"}

// Channels are the kinds of touchpoint.
var Channels = []string{"web", "phone", "field_sales", "trade_fair", "email", "social", "store", "portal", "support_desk", "other"}

// QualityCriteria are the eight customer quality criteria, each scored 1-5.
var QualityCriteria = []string{"focus", "value_add", "payment", "stability", "innovation", "integrity", "team", "relationship"}

// Map is one channel map: the whole graph of one business.
type Map struct {
	ID             string          `json:"id" yaml:"id"`
	Title          string          `json:"title,omitempty" yaml:"title,omitempty"`
	Currency       string          `json:"currency,omitempty" yaml:"currency,omitempty"`
	Source         string          `json:"source,omitempty" yaml:"source,omitempty"`   // where the figures come from (shown in a diagram's footer)
	AsOf           string          `json:"as_of,omitempty" yaml:"as_of,omitempty"`     // the date the figures hold for, YYYY-MM-DD
	ForkOf         string          `json:"fork_of,omitempty" yaml:"fork_of,omitempty"` // a scenario's base: BASE@VERSION (see usecase.Scenario)
	Version        int64           `json:"version,omitempty" yaml:"-"`                 // set by stores; not part of the file
	Nodes          []*Node         `json:"nodes" yaml:"nodes"`
	Edges          []*Edge         `json:"edges" yaml:"edges"`
	Classification *Classification `json:"classification,omitempty" yaml:"classification,omitempty"`
}

// Classification configures customer classification in analysis.
type Classification struct {
	Tiers      map[string]float64  `json:"tiers,omitempty" yaml:"tiers,omitempty"`           // tier1, tier2, tier3 margin thresholds
	Indicators map[string]float64  `json:"indicators,omitempty" yaml:"indicators,omitempty"` // value pyramid weights
	Scorecard  map[string][]string `json:"scorecard,omitempty" yaml:"scorecard,omitempty"`   // financial, sales, customer, service
	// GrossMargin is the company's gross margin on its own net price (0-1),
	// the default of every segment and customer without its own.
	GrossMargin *float64 `json:"gross_margin,omitempty" yaml:"gross_margin,omitempty"`
}

// Node is one thing on the map: an organisation, a customer segment or
// account, a touchpoint or a product. Fields that do not apply to its kind
// stay empty. Attrs holds free scalar attributes (string, float64, bool).
type Node struct {
	ID          string   `json:"id"`
	Kind        NodeKind `json:"kind"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Tags        []string `json:"tags,omitempty"`

	Region   string   `json:"region,omitempty"`   // intermediaries
	Services []string `json:"services,omitempty"` // service providers

	// Segments and customers.
	Market      string             `json:"market,omitempty"`
	Customers   *float64           `json:"customers,omitempty"`
	Revenue     *float64           `json:"revenue,omitempty"`
	CostToServe *float64           `json:"cost_to_serve,omitempty"`
	GrossMargin *float64           `json:"gross_margin,omitempty"` // overrides classification.gross_margin
	Prefers     []string           `json:"prefers,omitempty"`
	Needs       string             `json:"needs,omitempty"`
	Scores      map[string]float64 `json:"scores,omitempty"`
	Quality     map[string]float64 `json:"quality,omitempty"`
	Tier        *int               `json:"tier,omitempty"`

	// Touchpoints.
	Channel string `json:"channel,omitempty"`
	Purpose string `json:"purpose,omitempty"`

	// Products.
	ReplacementMonths *float64 `json:"replacement_months,omitempty"`

	Attrs map[string]any `json:"attrs,omitempty"`
}

// Edge is one relation between two nodes. ID may be empty: its key is then
// FROM--KIND--TO (see Key).
type Edge struct {
	ID       string   `json:"id,omitempty"`
	From     string   `json:"from"`
	To       string   `json:"to"`
	Kind     EdgeKind `json:"kind"`
	Delivery string   `json:"delivery,omitempty"` // supplies
	Products []string `json:"products,omitempty"` // supplies, supports; empty means all
	Margin   *float64 `json:"margin,omitempty"`   // supplies into an intermediary
	Share    *float64 `json:"share,omitempty"`    // supplies
	Services []string `json:"services,omitempty"` // supports
	Why      string   `json:"why,omitempty"`      // supports
	Purpose  string   `json:"purpose,omitempty"`  // uses
	What     string   `json:"what,omitempty"`     // partners_with

	Attrs map[string]any `json:"attrs,omitempty"`
}

// Key is the edge's address: its ID, or FROM--KIND--TO when it has none.
func (e *Edge) Key() string {
	if e.ID != "" {
		return e.ID
	}
	return DefaultEdgeID(e.From, e.Kind, e.To)
}

// DefaultEdgeID is the id of an edge that was given none.
func DefaultEdgeID(from string, kind EdgeKind, to string) string {
	return from + "--" + string(kind) + "--" + to // not Sprintf: stores and validation call this for every edge
}

// Node returns the node with the given id, or nil.
func (m *Map) Node(id string) *Node {
	for _, n := range m.Nodes {
		if n.ID == id {
			return n
		}
	}
	return nil
}

// Edge returns the edge with the given key (see Edge.Key), or nil.
func (m *Map) Edge(key string) *Edge {
	for _, e := range m.Edges {
		if e.Key() == key {
			return e
		}
	}
	return nil
}

// Index is a read-only lookup over a Map snapshot: nodes by id, edges by key,
// and in/out edges by node. Build it once per snapshot; it does not follow
// later changes to the Map.
type Index struct {
	Map   *Map
	Nodes map[string]*Node
	Edges map[string]*Edge
	Out   map[string][]*Edge // by from id, in map order
	In    map[string][]*Edge // by to id, in map order
}

// NewIndex indexes m. Duplicate ids keep the first occurrence (validation
// reports duplicates).
func NewIndex(m *Map) *Index {
	ix := &Index{
		Map:   m,
		Nodes: make(map[string]*Node, len(m.Nodes)),
		Edges: make(map[string]*Edge, len(m.Edges)),
		Out:   make(map[string][]*Edge),
		In:    make(map[string][]*Edge),
	}
	for _, n := range m.Nodes {
		if _, dup := ix.Nodes[n.ID]; !dup {
			ix.Nodes[n.ID] = n
		}
	}
	for _, e := range m.Edges {
		k := e.Key()
		if _, dup := ix.Edges[k]; !dup {
			ix.Edges[k] = e
		}
		ix.Out[e.From] = append(ix.Out[e.From], e)
		ix.In[e.To] = append(ix.In[e.To], e)
	}
	return ix
}

// OutOf returns the edges of kind k leaving node id, in map order.
func (ix *Index) OutOf(id string, k EdgeKind) []*Edge { return filterKind(ix.Out[id], k) }

// InTo returns the edges of kind k entering node id, in map order.
func (ix *Index) InTo(id string, k EdgeKind) []*Edge { return filterKind(ix.In[id], k) }

func filterKind(es []*Edge, k EdgeKind) []*Edge {
	var out []*Edge
	for _, e := range es {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// NodesOfKind returns the ids of the nodes of the given kinds, sorted.
func (m *Map) NodesOfKind(kinds ...NodeKind) []string {
	var ids []string
	for _, n := range m.Nodes {
		for _, k := range kinds {
			if n.Kind == k {
				ids = append(ids, n.ID)
				break
			}
		}
	}
	sort.Strings(ids)
	return ids
}
