// Package render draws a channel Map as one workflow diagram: it selects and
// styles what to draw (Map + Options -> Diagram), writes DOT (Diagram -> DOT
// text, all escaping here), and lays it out through an Engine (DOT -> SVG),
// with PNG made by rasterising the SVG.
package render

import "context"

// Engine lays out DOT text and returns SVG. The in-process engine serves the
// CLI; the worker pool serves long-running processes (go-graphviz cannot be
// cancelled, is not safe for concurrent use and leaks memory per render).
type Engine interface {
	Layout(ctx context.Context, dot []byte) (svg []byte, err error)
}

// Views.
const (
	ViewFull        = "full"
	ViewSupply      = "supply"
	ViewSupport     = "support"
	ViewTouchpoints = "touchpoints"
	ViewFocus       = "focus"
)

// Colourings.
const (
	ColorKind   = "kind"
	ColorTier   = "tier"
	ColorProfit = "profit"
)

// Options choose what is drawn and how.
type Options struct {
	View       string   // full (default), supply, support, touchpoints, focus
	Focus      string   // segment or customer id for the focus view
	Color      string   // kind (default), tier, profit
	Detail     bool     // draw every node even past NodeBudget
	NodeBudget int      // drawn nodes before the overview kicks in; 0 means 150
	Overlay    *Overlay // figures from analysis; nil draws without them
}

// Overlay carries what analysis knows about nodes, for colouring and marking
// weak spots. Every map is keyed by node id.
type Overlay struct {
	Tier        map[string]int     // 1-4; absent means unclassified
	Profit      map[string]float64 // company profit per segment/customer
	Unreachable map[string]bool
	Unsupported map[string]bool
	SPOF        map[string]bool   // partners that are single points of failure
	Figures     map[string]string // an extra line on segment boxes (net revenue, margin)
}
