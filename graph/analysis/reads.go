package analysis

import "github.com/chanmap/chanmap/graph"

// Reads is the part of a map that Analyze, AnalyzeWithout and Without
// look at: the currency and the classification block; the figures,
// market, preferences, scores, quality, manual tier and name of segments
// and customers (the name for the insights), the replacement months of
// products; the delivery, products, margin and share of edges; and the
// names of free attributes (a name close to a field's gives a warning).
// The report of a map's projection on Reads is the report of the whole
// map, byte for byte (a test checks it on the samples and on a map where
// every field has a value), so a store need not read the rest.
//
// Analyze also bounds every field of the map first (graph.CheckLimits);
// a stored map passed validation, which bounds the same, so its
// projection gives the same report as the whole map.
var Reads = graph.Projection{
	Map: []string{"currency", "classification"},
	Node: []string{"name", "market", "customers", "revenue", "cost_to_serve", "gross_margin",
		"prefers", "scores", "quality", "tier", "replacement_months"},
	Edge:  []string{"delivery", "products", "margin", "share"},
	Attrs: true,
}
