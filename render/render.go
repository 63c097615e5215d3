// Package render draws a channel Map for a slide: it selects and styles what
// to draw (Map + Options + analysis report -> a Diagram in chanmap's own
// words), lays the Diagram out with Graphviz at fixed box sizes measured with
// the real font (Diagram -> Layout), composes the page (Layout -> a
// render/scene Page fitted to the slide) and writes it as SVG, PDF or PNG
// through one drawing code path. DOT for Graphviz's own rendering is kept.
package render

import (
	"context"

	"github.com/chanmap/chanmap/graph/analysis"
)

// Engine lays out layout DOT (fixed box sizes, no labels) and returns
// Graphviz's "plain" layout text: positions and edge routes. The in-process
// engine serves the CLI; the worker pool serves long-running processes
// (go-graphviz cannot be cancelled, is not safe for concurrent use and leaks
// memory per layout).
type Engine interface {
	Layout(ctx context.Context, dot []byte) (plain []byte, err error)
}

// View is what part of the map a diagram shows.
type View string

// Views.
const (
	ViewFull        View = "full"
	ViewSupply      View = "supply"
	ViewSupport     View = "support"
	ViewTouchpoints View = "touchpoints"
	ViewFocus       View = "focus"
)

// Color is what the fills of segment boxes say.
type Color string

// Colourings.
const (
	ColorKind   Color = "kind"
	ColorTier   Color = "tier"
	ColorProfit Color = "profit"
)

// Options choose what is drawn and how. The zero value draws the full view
// coloured by kind on a 16:9 slide with the default theme.
type Options struct {
	View   View   // full (default), supply, support, touchpoints, focus
	Focus  string // segment or customer id; a focus implies the focus view
	Color  Color  // kind (default), tier, profit
	Detail bool   // never fold into the overview; report the smallest font used
	Fade   bool   // a focus view keeps the rest of the map, faded, instead of leaving it out

	// Report is the analysis of the map. Render decides what a colouring
	// draws from it (tiers, profit, weak-spot marks); nil draws no figures.
	// Tier and profit colouring need it.
	Report    *analysis.Report
	WeakSpots bool // mark weak spots also when colouring by kind
	Figures   bool // a net revenue and margin line on segment boxes
	// Insights numbers the report's top findings (this many) on the
	// drawing and lists them beside it; the page's headline is the top one.
	Insights int
	// Flow draws each supply line as wide as the net revenue that flows
	// through it, with a width legend in the map's currency.
	Flow bool

	// Without draws the what-if of losing these partners: their boxes and
	// lines greyed, the segments they strand marked, the figures after the
	// loss. FixedCosts keeps each segment's cost to serve whole (by default
	// it scales with the net revenue kept). WhatIf is the analysis of it
	// (WithAnalysis fills both Report and WhatIf).
	Without    []string
	FixedCosts bool
	WhatIf     *analysis.WhatIf

	// Diff marks the change between two maps on their union: set by
	// Diff, which returns the union to draw.
	Diff *DiffOverlay

	Page    string  // 16:9 (default), 4:3, a4, a4-landscape, letter, none
	MinFont float64 // smallest text in points at the page's real size; 0 means 12
	Theme   Theme   // default, print, dark
	Footer  string  // source and date, shown at the foot of the page
	Title   string  // the page's title; empty is the map's title (or id)
	// TextAsPaths draws SVG text as outlines (exact look everywhere, not
	// selectable). PDF and PNG always embed or draw the font.
	TextAsPaths bool

	// NodeBudget is the drawn nodes past which a map without a page size
	// (--page none) is drawn as an overview; 0 means 150.
	NodeBudget int
}
