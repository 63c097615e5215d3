package render

import (
	"fmt"
	"math"

	"github.com/chanmap/chanmap/graph"
)

// lanes are the swimlanes, left to right, with the kinds drawn in each.
var lanes = []struct {
	label string
	kinds []graph.NodeKind
}{
	{"Suppliers", []graph.NodeKind{graph.KindSupplier}},
	{"Company", []graph.NodeKind{graph.KindCompany}},
	{"Distributors and wholesalers", []graph.NodeKind{graph.KindDistributor, graph.KindWholesaler}},
	{"Resellers, retail and service", []graph.NodeKind{graph.KindReseller, graph.KindRetailer, graph.KindAgent, graph.KindMarketplace, graph.KindIntegrator, graph.KindServiceProvider}},
	{"Customers", []graph.NodeKind{graph.KindSegment, graph.KindCustomer}},
	{"Touchpoints", []graph.NodeKind{graph.KindTouchpoint}},
}

// laneOf returns the lane index of a kind, or -1 for kinds that are not drawn
// as boxes (products).
func laneOf(k graph.NodeKind) int {
	for i, l := range lanes {
		for _, x := range l.kinds {
			if x == k {
				return i
			}
		}
	}
	return -1
}

func laneID(i int) string { return fmt.Sprintf("lane%d", i) }

// kindStyle is how a kind is drawn when colouring by kind.
type kindStyle struct {
	title   string // legend text
	shape   string
	rounded bool
	fill    string
	stroke  string
	text    string
	pen     float64
}

var kindStyles = map[graph.NodeKind]kindStyle{
	graph.KindSupplier:        {"Supplier", "box", false, "#ece2f0", "#6a51a3", "#1a1a1a", 1},
	graph.KindCompany:         {"Company", "box", false, "#1f4e79", "#0b2540", "#ffffff", 2},
	graph.KindDistributor:     {"Distributor", "box", true, "#c6dbef", "#2171b5", "#1a1a1a", 1},
	graph.KindWholesaler:      {"Wholesaler", "box", true, "#9ecae1", "#2171b5", "#1a1a1a", 1},
	graph.KindReseller:        {"Reseller", "box", true, "#c7e9c0", "#238b45", "#1a1a1a", 1},
	graph.KindRetailer:        {"Retailer", "box", true, "#a1d99b", "#238b45", "#1a1a1a", 1},
	graph.KindAgent:           {"Agent", "box", true, "#e5f5e0", "#238b45", "#1a1a1a", 1},
	graph.KindMarketplace:     {"Marketplace", "box", true, "#d9f0d3", "#1b7837", "#1a1a1a", 1},
	graph.KindIntegrator:      {"Integrator", "box", true, "#edf8e9", "#238b45", "#1a1a1a", 1},
	graph.KindServiceProvider: {"Service provider", "box", true, "#fdd0a2", "#d94801", "#1a1a1a", 1},
	graph.KindSegment:         {"Segment", "ellipse", false, "#fff2cc", "#b8860b", "#1a1a1a", 1},
	graph.KindCustomer:        {"Customer", "ellipse", false, "#fffbe6", "#b8860b", "#1a1a1a", 1},
	graph.KindTouchpoint:      {"Touchpoint", "note", false, "#f0f0f0", "#636363", "#1a1a1a", 1},
}

// neutral is the fill of boxes that a tier or profit colouring does not colour.
const (
	neutralFill   = "#ffffff"
	neutralStroke = "#808080"
	noFigureFill  = "#d9d9d9"
	darkText      = "#1a1a1a"
)

// edgeStyle is how an edge kind is drawn.
type edgeStyle struct {
	title string
	style string
	color string
	width float64
	arrow string
}

var edgeStyles = map[graph.EdgeKind]edgeStyle{
	graph.EdgeSupplies:     {"supplies (delivery, margin)", "solid", "#2171b5", 1.5, "normal"},
	graph.EdgeSupports:     {"supports (services)", "dashed", "#d94801", 1.2, "normal"},
	graph.EdgeOperates:     {"operates", "dotted", "#a0a0a0", 1.2, "normal"},
	graph.EdgeUses:         {"uses (purpose)", "dotted", "#8c6d31", 1.2, "normal"},
	graph.EdgeBelongsTo:    {"belongs to", "solid", "#969696", 1, "empty"},
	graph.EdgePartnersWith: {"partners with", "bold", "#6a51a3", 2, "none"},
}

// tierStyles are the fills of tiers 1-4 and of unclassified nodes (index 0).
var tierStyles = []struct{ label, fill string }{
	{"Unclassified (no figures)", noFigureFill},
	{"Tier 1: ideal, highly profitable", "#1a9850"},
	{"Tier 2: good revenue", "#a6d96a"},
	{"Tier 3: break-even", "#fee08b"},
	{"Tier 4: money losers", "#f46d43"},
}

func tierText(t int) string {
	if t == 1 {
		return "#ffffff"
	}
	return darkText
}

// Weak spot marks.
const (
	markRed    = "#c00000"
	markOrange = "#e67e00"
)

// heat maps a profit p against the largest absolute profit drawn to a
// diverging colour: red for losses, white near zero, green for profit.
func heat(p, maxAbs float64) string {
	if maxAbs <= 0 || p == 0 {
		return "#f7f7f7"
	}
	t := math.Min(1, math.Abs(p)/maxAbs)
	// Ease so that small figures are still visibly tinted.
	t = 0.25 + 0.75*math.Sqrt(t)
	var to [3]float64
	if p < 0 {
		to = [3]float64{0xd7, 0x30, 0x27} // red
	} else {
		to = [3]float64{0x1a, 0x98, 0x50} // green
	}
	from := [3]float64{0xf7, 0xf7, 0xf7}
	var c [3]int
	for i := range c {
		c[i] = int(math.Round(from[i] + (to[i]-from[i])*t))
	}
	return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2])
}

// textOn picks dark or white text for legibility on fill.
func textOn(fill string) string {
	var r, g, b int
	if _, err := fmt.Sscanf(fill, "#%02x%02x%02x", &r, &g, &b); err != nil {
		return darkText
	}
	// Relative luminance, roughly.
	l := 0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)
	if l < 110 {
		return "#ffffff"
	}
	return darkText
}
