package render

import "github.com/chanmap/chanmap/graph"

// Diagram is the renderer-neutral picture of a map: which boxes and arrows
// are drawn, in which swimlane, with which labels and colours, and the legend
// of what is drawn. Build makes it from a Map; WriteDOT turns it into DOT.
// Every string in it is plain user text: escaping happens only in WriteDOT.
type Diagram struct {
	Title    string   // the map title (or id)
	Subtitle []string // lines under the title: view, colouring, overview note
	Overview bool     // nodes were grouped because the map is over the node budget
	Lanes    []Lane   // swimlanes left to right; only lanes with nodes
	Nodes    []Node   // sorted by lane, then by ID
	Edges    []Edge   // sorted by From, To, Kind, Key
	Legend   []LegendEntry
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
	Lines    []Line         // label lines, top to bottom; Lines[0] is the name
	Tooltip  string         // full name and description, unwrapped
	Shape    string         // box, ellipse, note
	Rounded  bool           // rounded corners
	Dashed   bool           // dashed border
	Fill     string         // #rrggbb
	Stroke   string         // #rrggbb
	Text     string         // text colour #rrggbb
	PenWidth float64        // border width; 0 means 1
	Double   bool           // draw a second border (single point of failure)
	Count    int            // members of a group; 0 for an ordinary node
}

// Line is one line of a label.
type Line struct {
	Text  string
	Bold  bool
	Small bool   // a detail line in a smaller size
	Color string // overrides the node's text colour when set
}

// Edge is one arrow.
type Edge struct {
	Key     string         // the edge key, or group edge key in an overview
	From    string         // Node.ID
	To      string         // Node.ID
	Kind    graph.EdgeKind // supplies, supports, ...
	Label   []string       // label lines; may be empty
	Tooltip string
	Style   string  // solid, dashed, dotted, bold
	Color   string  // #rrggbb
	Width   float64 // pen width
	Arrow   string  // arrowhead: normal, empty, none, odot
	Count   int     // aggregated edges in an overview; 0 for an ordinary edge
}

// LegendEntry explains one thing that is drawn: a node style or an edge style.
type LegendEntry struct {
	Label string
	Node  *Node // a sample box (Lines and ID ignored)
	Edge  *Edge // a sample arrow (From, To ignored)
}
