package render

import (
	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/render/scene"
)

// Diagram is the renderer-neutral picture of a map: which boxes and arrows
// are drawn, in which swimlane, with which texts and colours, and the legend
// of what is drawn. Build makes it from a Map; Lay out and Compose turn it
// into a page; WriteDOT turns it into DOT. Every string in it is plain user
// text: escaping happens only in the writers.
type Diagram struct {
	Title    string   // the map title (or id)
	Subtitle string   // in plain words: what is shown, how it is coloured, the currency
	Notes    []string // said on the page: folding, what-if
	// Fit says the smallest text when it is below the minimum font; it
	// follows the subtitle on its line when there is room.
	Fit      string
	Footer   string // source and date
	Overview bool   // nodes were grouped because the map does not fit
	// SegmentOrder draws the segments of a column top to bottom in the
	// order of Nodes (tier, then net revenue) instead of where Graphviz's
	// crossing minimisation puts them: set when segments carry figures.
	SegmentOrder bool
	Lanes        []Lane // swimlanes left to right; only lanes with nodes
	Nodes        []Node // sorted by lane, then by ID
	Edges        []Edge // sorted by From, To, Kind, Key
	Legend       []LegendEntry
	Desc         string // what the drawing shows, in words (SVG <desc>, alt text)
	// Findings are the top findings numbered on the drawing (--insights).
	Findings []Finding
}

// Lane is one swimlane: a column of the drawing.
type Lane struct {
	ID    string // lane0 ... lane5
	Label string // "Suppliers", "Company", ...
}

// Node is one box.
type Node struct {
	ID       string         // the map node id, or a group id in an overview
	Lane     string         // Lane.ID
	Kind     graph.NodeKind // the kind (of every member, for a group)
	Lines    []Line         // text lines, top to bottom; Lines[0] is the name
	Tooltip  string         // full name and description, unwrapped
	Shape    scene.Shape
	Fill     scene.Color
	Stroke   scene.Color
	Text     scene.Color
	PenWidth float64   // border width; 0 means 1
	Dash     LineStyle // the outline's pattern (weak spots)
	Double   bool      // a second outline (single point of failure)
	Count    int       // members of a group; 0 for an ordinary node
	Members  []string  // the ids of a group's members
	Faded    bool      // drawn pale: outside the focus (--fade)
}

// Line is one line of text in a box.
type Line struct {
	Text  string
	Bold  bool
	Small bool // a detail line
}

// Edge is one arrow.
type Edge struct {
	Key     string         // the edge key, or group edge key in an overview
	From    string         // Node.ID
	To      string         // Node.ID
	Kind    graph.EdgeKind // supplies, supports, ...
	Label   string         // one phrase; wrapped when placed; may be empty
	Tooltip string
	Style   LineStyle
	Color   scene.Color
	Width   float64 // pen width
	Arrow   scene.Arrow
	Count   int  // aggregated edges in an overview; 0 for an ordinary edge
	Faded   bool // drawn pale: outside the focus (--fade)
}

// LegendKind says what a legend entry shows.
type LegendKind int

// Legend entry kinds.
const (
	LegendBox  LegendKind = iota // a sample box (a kind, a tier, a mark)
	LegendLine                   // a sample line (an edge kind)
	LegendBar                    // the profit colour bar, from Min to Max
)

// LegendEntry explains one thing that is drawn.
type LegendEntry struct {
	Kind  LegendKind
	Label string
	Node  Node    // LegendBox: the sample (Lines and ID ignored)
	Edge  Edge    // LegendLine: the sample (From, To ignored)
	Min   float64 // LegendBar: the scale's ends in the map's currency
	Max   float64
	Unit  string // LegendBar: the currency
}
