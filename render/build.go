package render

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// DefaultNodeBudget is the number of drawn nodes past which a map is drawn as
// an overview.
const DefaultNodeBudget = 150

// ErrOptions marks options that cannot be drawn: an unknown view or colouring,
// a focus on something that is not a segment or customer. Callers map it to a
// usage error (CLI) or 400 (API).
var ErrOptions = errors.New("bad render options")

// Label sizes.
const (
	nameWidth   = 26 // runes per name line
	nameLines   = 3  // name lines before truncation
	detailWidth = 32 // runes per detail line
	detailLines = 2
)

// normalise fills defaults and checks opt against m.
func normalise(m *graph.Map, opt Options) (Options, error) {
	if opt.View == "" {
		opt.View = ViewFull
		if opt.Focus != "" {
			opt.View = ViewFocus
		}
	}
	if opt.Color == "" {
		opt.Color = ColorKind
	}
	switch opt.View {
	case ViewFull, ViewSupply, ViewSupport, ViewTouchpoints:
		if opt.Focus != "" {
			return opt, fmt.Errorf("%w: focus %q needs view %q, not %q", ErrOptions, opt.Focus, ViewFocus, opt.View)
		}
	case ViewFocus:
		if opt.Focus == "" {
			return opt, fmt.Errorf("%w: view focus needs the id of a segment or customer to focus on", ErrOptions)
		}
		n := m.Node(opt.Focus)
		if n == nil {
			return opt, fmt.Errorf("%w: focus %q: no such node in map %q%s", ErrOptions, opt.Focus, m.ID,
				graph.DidYouMean(opt.Focus, m.NodesOfKind(graph.KindSegment, graph.KindCustomer)))
		}
		if !n.Kind.IsCustomer() {
			return opt, fmt.Errorf("%w: focus %q is %s; focus on a segment or customer", ErrOptions, opt.Focus, graph.KindPhrase(n.Kind))
		}
	default:
		return opt, fmt.Errorf("%w: unknown view %q (want full, supply, support, touchpoints or focus)", ErrOptions, opt.View)
	}
	switch opt.Color {
	case ColorKind, ColorTier:
	case ColorProfit:
		if opt.Overlay == nil || opt.Overlay.Profit == nil {
			return opt, fmt.Errorf("%w: colour %q needs profit figures from analysis, and none were given", ErrOptions, opt.Color)
		}
	default:
		return opt, fmt.Errorf("%w: unknown colour %q (want kind, tier or profit)", ErrOptions, opt.Color)
	}
	if opt.NodeBudget <= 0 {
		opt.NodeBudget = DefaultNodeBudget
	}
	return opt, nil
}

// Build selects what the view shows and styles it: the first of the three
// render steps. It reads m and never changes it.
func Build(m *graph.Map, opt Options) (*Diagram, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: no map", ErrOptions)
	}
	m = withoutNils(m)
	opt, err := normalise(m, opt)
	if err != nil {
		return nil, err
	}
	ix := graph.NewIndex(m)
	nodes, edges := selectView(ix, opt)

	b := &builder{m: m, ix: ix, opt: opt, drawn: map[string]bool{}, edgesDrawn: map[graph.EdgeKind]bool{}}
	d := &Diagram{Title: m.Title}
	if d.Title == "" {
		d.Title = m.ID
	}
	view := "view: " + opt.View
	if opt.View == ViewFocus {
		view += " on " + displayName(ix.Nodes[opt.Focus])
	}
	if opt.Color != ColorKind {
		view += ", colour: " + opt.Color
	}
	d.Subtitle = append(d.Subtitle, view)

	if opt.View != ViewFocus && !opt.Detail && len(nodes) > opt.NodeBudget {
		gs := b.overview(d, nodes, edges)
		d.Overview = true
		d.Title += " (overview)"
		d.Subtitle = append(d.Subtitle, fmt.Sprintf("overview: %d nodes in %d boxes; ask for detail to draw every node", len(nodes), gs))
	} else {
		for _, n := range nodes {
			d.Nodes = append(d.Nodes, b.node(n))
		}
		for _, e := range edges {
			d.Edges = append(d.Edges, b.edge(e))
		}
	}
	sortDiagram(d)
	d.Lanes = usedLanes(d.Nodes)
	d.Legend = b.legend(d)
	return d, nil
}

// selectView returns the nodes and edges that the view draws, nodes in map
// order and edges in map order with both ends drawn.
func selectView(ix *graph.Index, opt Options) ([]*graph.Node, []*graph.Edge) {
	m := ix.Map
	keepNode := map[string]bool{}
	keepEdge := map[graph.EdgeKind]bool{}
	var edgeSet map[*graph.Edge]bool // focus: exactly these edges
	switch opt.View {
	case ViewFull:
		for _, n := range m.Nodes {
			keepNode[n.ID] = laneOf(n.Kind) >= 0
		}
		for _, k := range graph.EdgeKinds {
			keepEdge[k] = true
		}
	case ViewSupply:
		for _, n := range m.Nodes {
			keepNode[n.ID] = n.Kind.IsCustomer() || (n.Kind.IsOrg() && n.Kind != graph.KindServiceProvider)
		}
		keepEdge[graph.EdgeSupplies] = true
		keepEdge[graph.EdgeBelongsTo] = true
	case ViewSupport:
		for _, n := range m.Nodes {
			keepNode[n.ID] = n.Kind.IsCustomer() || (n.Kind.IsOrg() && len(ix.OutOf(n.ID, graph.EdgeSupports)) > 0)
		}
		keepEdge[graph.EdgeSupports] = true
		keepEdge[graph.EdgeBelongsTo] = true
	case ViewTouchpoints:
		for _, n := range m.Nodes {
			keepNode[n.ID] = n.Kind.IsCustomer() || n.Kind == graph.KindTouchpoint ||
				(n.Kind.IsOrg() && len(ix.OutOf(n.ID, graph.EdgeOperates)) > 0)
		}
		keepEdge[graph.EdgeOperates] = true
		keepEdge[graph.EdgeUses] = true
	case ViewFocus:
		edgeSet = focusEdges(ix, opt.Focus)
		keepNode[opt.Focus] = true
		for e := range edgeSet {
			keepNode[e.From] = true
			keepNode[e.To] = true
		}
	}
	var nodes []*graph.Node
	seen := map[string]bool{}
	for _, n := range m.Nodes {
		if keepNode[n.ID] && !seen[n.ID] && laneOf(n.Kind) >= 0 {
			seen[n.ID] = true
			nodes = append(nodes, n)
		}
	}
	var edges []*graph.Edge
	for _, e := range m.Edges {
		if !seen[e.From] || !seen[e.To] {
			continue
		}
		if edgeSet != nil && !edgeSet[e] || edgeSet == nil && !keepEdge[e.Kind] {
			continue
		}
		edges = append(edges, e)
	}
	return nodes, edges
}

// focusEdges returns the edges the focus view draws for segment or customer
// id: every supplies edge on its supply paths (graph.SupplyPaths: for a
// customer without supplies of its own, its segments' paths, with the
// belongs_to edges that lead there), its supports edges, the touchpoints it
// uses with their operators, and the customers belonging to it.
func focusEdges(ix *graph.Index, id string) map[*graph.Edge]bool {
	set := map[*graph.Edge]bool{}
	if n := ix.Nodes[id]; n != nil && n.Kind == graph.KindCustomer && len(ix.InTo(id, graph.EdgeSupplies)) == 0 {
		for _, e := range ix.OutOf(id, graph.EdgeBelongsTo) {
			set[e] = true
		}
	}
	for _, p := range graph.SupplyPaths(ix, id) {
		for _, h := range p.Hops {
			if e := ix.Edges[h.Edge]; e != nil {
				set[e] = true
			}
		}
	}
	for _, e := range ix.InTo(id, graph.EdgeSupports) {
		set[e] = true
	}
	for _, e := range ix.OutOf(id, graph.EdgeUses) {
		set[e] = true
		for _, op := range ix.InTo(e.To, graph.EdgeOperates) {
			set[op] = true
		}
	}
	for _, e := range ix.InTo(id, graph.EdgeBelongsTo) {
		set[e] = true
	}
	return set
}

type builder struct {
	m          *graph.Map
	ix         *graph.Index
	opt        Options
	drawn      map[string]bool // legend keys of node styles drawn
	edgesDrawn map[graph.EdgeKind]bool
}

func (b *builder) overlay() *Overlay {
	if b.opt.Overlay == nil {
		return &Overlay{}
	}
	return b.opt.Overlay
}

// tierOf returns the tier of a node (1-4) or 0 when unclassified.
func (b *builder) tierOf(n *graph.Node) int {
	if b.opt.Overlay != nil && b.opt.Overlay.Tier != nil {
		t := b.opt.Overlay.Tier[n.ID]
		if t >= 1 && t <= 4 {
			return t
		}
		return 0
	}
	if n.Tier != nil && *n.Tier >= 1 && *n.Tier <= 4 {
		return *n.Tier
	}
	return 0
}

// maxProfit is the largest absolute profit in the overlay, for the heat scale.
func (b *builder) maxProfit() float64 {
	var mx float64
	for _, p := range b.overlay().Profit {
		if !math.IsNaN(p) && !math.IsInf(p, 0) {
			mx = math.Max(mx, math.Abs(p))
		}
	}
	return mx
}

// colour fills in the node's colours for the chosen colouring.
func (b *builder) colour(dn *Node, n *graph.Node) {
	ks := kindStyles[n.Kind]
	dn.Shape, dn.Rounded, dn.PenWidth = ks.shape, ks.rounded, ks.pen
	switch b.opt.Color {
	case ColorKind:
		dn.Fill, dn.Stroke, dn.Text = ks.fill, ks.stroke, ks.text
		b.drawn["kind:"+string(n.Kind)] = true
	case ColorTier:
		if !n.Kind.IsCustomer() {
			dn.Fill, dn.Stroke, dn.Text = neutralFill, neutralStroke, darkText
			b.drawn["other"] = true
			return
		}
		t := b.tierOf(n)
		dn.Fill, dn.Stroke, dn.Text = tierStyles[t].fill, "#404040", tierText(t)
		b.drawn["tier:"+strconv.Itoa(t)] = true
	case ColorProfit:
		p, ok := b.overlay().Profit[n.ID]
		if !ok || math.IsNaN(p) || math.IsInf(p, 0) {
			if n.Kind.IsCustomer() {
				dn.Fill, dn.Stroke, dn.Text = noFigureFill, "#404040", darkText
				b.drawn["profit:none"] = true
			} else {
				dn.Fill, dn.Stroke, dn.Text = neutralFill, neutralStroke, darkText
				b.drawn["other"] = true
			}
			return
		}
		dn.Fill, dn.Stroke = heat(p, b.maxProfit()), "#404040"
		dn.Text = textOn(dn.Fill)
		if p < 0 {
			b.drawn["profit:loss"] = true
		} else {
			b.drawn["profit:gain"] = true
		}
	}
}

// node styles one map node.
func (b *builder) node(n *graph.Node) Node {
	dn := Node{ID: n.ID, Lane: laneID(laneOf(n.Kind)), Kind: n.Kind}
	b.colour(&dn, n)
	name := displayName(n)
	for _, l := range wrap(name, nameWidth, nameLines) {
		dn.Lines = append(dn.Lines, Line{Text: l, Bold: true})
	}
	dn.Tooltip = name
	if n.Description != "" {
		dn.Tooltip += "\n" + n.Description
	}
	for _, d := range b.details(n) {
		for _, l := range wrap(d, detailWidth, detailLines) {
			dn.Lines = append(dn.Lines, Line{Text: l, Small: true})
		}
	}
	ov := b.overlay()
	if ov.Figures[n.ID] != "" {
		for _, l := range wrap(ov.Figures[n.ID], detailWidth, detailLines) {
			dn.Lines = append(dn.Lines, Line{Text: l, Small: true})
		}
	}
	if ov.Unreachable[n.ID] {
		dn.Stroke, dn.PenWidth = markRed, 3
		dn.Lines = append(dn.Lines, Line{Text: "unreachable: no supply path", Small: true, Bold: true, Color: markRed})
		b.drawn["mark:unreachable"] = true
	}
	if ov.Unsupported[n.ID] {
		dn.Dashed = true
		if !ov.Unreachable[n.ID] {
			dn.Stroke, dn.PenWidth = markOrange, 2.5
		}
		dn.Lines = append(dn.Lines, Line{Text: "unsupported: nobody supports it", Small: true, Bold: true, Color: markRed})
		b.drawn["mark:unsupported"] = true
	}
	if ov.SPOF[n.ID] {
		dn.Double = true
		dn.Stroke, dn.PenWidth = markRed, 2
		dn.Lines = append(dn.Lines, Line{Text: "! single point of failure", Small: true, Bold: true, Color: markRed})
		b.drawn["mark:spof"] = true
	}
	fixMarkColours(&dn)
	return dn
}

// fixMarkColours keeps red mark lines legible: pale on dark fills, dark on
// red fills (tier 4, losses).
func fixMarkColours(dn *Node) {
	var r, g, bl int
	_, err := fmt.Sscanf(dn.Fill, "#%02x%02x%02x", &r, &g, &bl)
	for i := range dn.Lines {
		if dn.Lines[i].Color != markRed {
			continue
		}
		switch {
		case dn.Text == "#ffffff" || textOn(dn.Fill) == "#ffffff":
			dn.Lines[i].Color = "#ffd0d0"
		case err == nil && r > g+60 && r > bl+60:
			dn.Lines[i].Color = darkText
		}
	}
}

// details are the detail lines of a node, by kind.
func (b *builder) details(n *graph.Node) []string {
	var out []string
	switch {
	case n.Kind == graph.KindServiceProvider:
		if len(n.Services) > 0 {
			out = append(out, strings.Join(n.Services, ", "))
		}
		if n.Region != "" {
			out = append(out, n.Region)
		}
	case n.Kind.IsOrg():
		if n.Region != "" {
			out = append(out, n.Region)
		}
	case n.Kind.IsCustomer():
		var parts []string
		if n.Market != "" {
			parts = append(parts, n.Market)
		}
		if n.Customers != nil {
			if *n.Customers == 1 {
				parts = append(parts, "1 customer")
			} else {
				parts = append(parts, formatCount(*n.Customers)+" customers")
			}
		}
		if len(parts) > 0 {
			out = append(out, strings.Join(parts, ", "))
		}
		if b.opt.Color == ColorTier {
			if t := b.tierOf(n); t > 0 {
				out = append(out, "Tier "+strconv.Itoa(t))
			} else {
				out = append(out, "unclassified")
			}
		}
	case n.Kind == graph.KindTouchpoint:
		parts := []string{}
		if n.Channel != "" {
			parts = append(parts, strings.ReplaceAll(n.Channel, "_", " "))
		}
		if n.Purpose != "" {
			parts = append(parts, n.Purpose)
		}
		if len(parts) > 0 {
			out = append(out, strings.Join(parts, ": "))
		}
	}
	return out
}

// edge styles one map edge.
func (b *builder) edge(e *graph.Edge) Edge {
	es := edgeStyles[e.Kind]
	de := Edge{Key: e.Key(), From: e.From, To: e.To, Kind: e.Kind, Style: es.style, Color: es.color, Width: es.width, Arrow: es.arrow}
	b.edgesDrawn[e.Kind] = true
	var first []string
	var texts []string
	switch e.Kind {
	case graph.EdgeSupplies:
		if e.Delivery != "" {
			first = append(first, strings.ReplaceAll(e.Delivery, "_", " "))
		}
		if e.Margin != nil {
			first = append(first, percent(*e.Margin))
		}
		if e.Share != nil {
			first = append(first, "share "+percent(*e.Share))
		}
		if p := b.productNames(e.Products); p != "" {
			texts = append(texts, p)
		}
	case graph.EdgeSupports:
		if len(e.Services) > 0 {
			first = append(first, strings.Join(e.Services, ", "))
		}
		if p := b.productNames(e.Products); p != "" {
			texts = append(texts, p)
		}
	case graph.EdgeUses:
		if e.Purpose != "" {
			first = append(first, e.Purpose)
		}
	case graph.EdgePartnersWith:
		if e.What != "" {
			first = append(first, e.What)
		}
	}
	if len(first) > 0 {
		texts = append([]string{strings.Join(first, ", ")}, texts...)
	}
	for _, t := range texts {
		de.Label = append(de.Label, wrap(t, detailWidth, detailLines)...)
	}
	de.Tooltip = string(e.Kind) + ": " + displayName(b.ix.Nodes[e.From]) + " -> " + displayName(b.ix.Nodes[e.To])
	if len(texts) > 0 {
		de.Tooltip += "\n" + strings.Join(texts, "\n")
	}
	if e.Why != "" {
		de.Tooltip += "\nwhy: " + e.Why
	}
	return de
}

// productNames lists product names for ids, in the edge's order.
func (b *builder) productNames(ids []string) string {
	var names []string
	for _, id := range ids {
		if n := b.ix.Nodes[id]; n != nil && n.Name != "" {
			names = append(names, n.Name)
		} else {
			names = append(names, id)
		}
	}
	return strings.Join(names, ", ")
}

// legend lists the node and edge styles drawn, in a fixed order.
func (b *builder) legend(d *Diagram) []LegendEntry {
	var out []LegendEntry
	sample := func(label string, n Node) {
		n.Lines = nil
		out = append(out, LegendEntry{Label: label, Node: &n})
	}
	switch b.opt.Color {
	case ColorKind:
		for _, k := range graph.NodeKinds {
			if b.drawn["kind:"+string(k)] {
				ks := kindStyles[k]
				sample(ks.title, Node{Kind: k, Shape: ks.shape, Rounded: ks.rounded, Fill: ks.fill, Stroke: ks.stroke, Text: ks.text, PenWidth: ks.pen})
			}
		}
	case ColorTier:
		for _, t := range []int{1, 2, 3, 4, 0} {
			if b.drawn["tier:"+strconv.Itoa(t)] {
				sample(tierStyles[t].label, Node{Kind: graph.KindSegment, Shape: "ellipse", Fill: tierStyles[t].fill, Stroke: "#404040", Text: tierText(t)})
			}
		}
	case ColorProfit:
		mx := b.maxProfit()
		if b.drawn["profit:gain"] {
			sample("Profit (darker: more)", Node{Kind: graph.KindSegment, Shape: "ellipse", Fill: heat(mx, mx), Stroke: "#404040", Text: textOn(heat(mx, mx))})
		}
		if b.drawn["profit:loss"] {
			sample("Loss (darker: more)", Node{Kind: graph.KindSegment, Shape: "ellipse", Fill: heat(-mx, mx), Stroke: "#404040", Text: textOn(heat(-mx, mx))})
		}
		if b.drawn["profit:none"] {
			sample("No figures", Node{Kind: graph.KindSegment, Shape: "ellipse", Fill: noFigureFill, Stroke: "#404040", Text: darkText})
		}
	}
	if b.drawn["other"] {
		sample("Partners and touchpoints (not coloured)", Node{Shape: "box", Rounded: true, Fill: neutralFill, Stroke: neutralStroke, Text: darkText})
	}
	if b.drawn["mark:unreachable"] {
		sample("Unreachable: no supply path", Node{Shape: "ellipse", Fill: neutralFill, Stroke: markRed, PenWidth: 3, Text: darkText})
	}
	if b.drawn["mark:unsupported"] {
		sample("Unsupported: nobody supports it", Node{Shape: "ellipse", Fill: neutralFill, Stroke: markOrange, PenWidth: 2.5, Dashed: true, Text: darkText})
	}
	if b.drawn["mark:spof"] {
		sample("Single point of failure", Node{Shape: "box", Rounded: true, Fill: neutralFill, Stroke: markRed, PenWidth: 2, Double: true, Text: darkText})
	}
	for _, k := range graph.EdgeKinds {
		if b.edgesDrawn[k] {
			es := edgeStyles[k]
			out = append(out, LegendEntry{Label: es.title, Edge: &Edge{Kind: k, Style: es.style, Color: es.color, Width: es.width, Arrow: es.arrow}})
		}
	}
	return out
}

// sortDiagram puts nodes in lane, kind, id order and edges in from, to,
// kind, key order, so output never depends on input order.
func sortDiagram(d *Diagram) {
	kindRank := map[graph.NodeKind]int{}
	for i, k := range graph.NodeKinds {
		kindRank[k] = i
	}
	sort.SliceStable(d.Nodes, func(i, j int) bool {
		a, b := d.Nodes[i], d.Nodes[j]
		if a.Lane != b.Lane {
			return a.Lane < b.Lane
		}
		if a.Kind != b.Kind {
			return kindRank[a.Kind] < kindRank[b.Kind]
		}
		return a.ID < b.ID
	})
	sort.SliceStable(d.Edges, func(i, j int) bool {
		a, b := d.Edges[i], d.Edges[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.To != b.To {
			return a.To < b.To
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Key < b.Key
	})
}

func usedLanes(nodes []Node) []Lane {
	used := map[string]bool{}
	for _, n := range nodes {
		used[n.Lane] = true
	}
	var out []Lane
	for i, l := range lanes {
		if used[laneID(i)] {
			out = append(out, Lane{ID: laneID(i), Label: l.label})
		}
	}
	return out
}

// displayName is the node's name, or its id when it has none.
func displayName(n *graph.Node) string {
	if n == nil {
		return ""
	}
	if strings.TrimSpace(n.Name) != "" {
		return n.Name
	}
	return n.ID
}

// percent formats a fraction as "18 %" (at most one decimal).
func percent(f float64) string {
	v := math.Round(f*1000) / 10
	return strconv.FormatFloat(v, 'f', -1, 64) + " %"
}

// formatCount formats a count with thin grouping: 1200 -> "1,200".
func formatCount(f float64) string {
	if f != math.Trunc(f) || math.Abs(f) >= 1e15 {
		return strconv.FormatFloat(f, 'g', 6, 64)
	}
	s := strconv.FormatInt(int64(math.Abs(f)), 10)
	var sb strings.Builder
	if f < 0 {
		sb.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			sb.WriteByte(',')
		}
		sb.WriteRune(c)
	}
	return sb.String()
}

// withoutNils returns m, or a shallow copy of it without nil nodes and edges
// (a JSON body can hold null entries), so nothing below has to check.
func withoutNils(m *graph.Map) *graph.Map {
	clean := true
	for _, n := range m.Nodes {
		clean = clean && n != nil
	}
	for _, e := range m.Edges {
		clean = clean && e != nil
	}
	if clean {
		return m
	}
	c := *m
	c.Nodes, c.Edges = nil, nil
	for _, n := range m.Nodes {
		if n != nil {
			c.Nodes = append(c.Nodes, n)
		}
	}
	for _, e := range m.Edges {
		if e != nil {
			c.Edges = append(c.Edges, e)
		}
	}
	return &c
}
