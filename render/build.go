package render

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render/scene"
)

// DefaultNodeBudget is the number of drawn nodes past which a map without a
// page size is drawn as an overview.
const DefaultNodeBudget = 150

// DefaultMinFont is the smallest text, in points at the page's real size.
const DefaultMinFont = 12

// ErrOptions marks options that cannot be drawn: an unknown view, colouring,
// page or theme, a focus on something that is not a segment or customer.
// Callers map it to a usage error (CLI) or 400 (API).
var ErrOptions = errors.New("bad render options")

// Normalise fills defaults and checks opt against m. A focus implies the
// focus view: this is the one place that rule is written.
func Normalise(m *graph.Map, opt Options) (Options, error) {
	if opt.Focus != "" && (opt.View == "" || opt.View == ViewFull) {
		opt.View = ViewFocus
	}
	if opt.View == "" {
		opt.View = ViewFull
	}
	if opt.Color == "" {
		opt.Color = ColorKind
	}
	if opt.Theme == "" {
		opt.Theme = ThemeDefault
	}
	if opt.Page == "" {
		opt.Page = "16:9"
	}
	if opt.MinFont == 0 {
		opt.MinFont = DefaultMinFont
	}
	if opt.NodeBudget <= 0 {
		opt.NodeBudget = DefaultNodeBudget
	}
	if _, _, err := PageSize(opt.Page); err != nil {
		return opt, err
	}
	if math.IsNaN(opt.MinFont) || opt.MinFont < 4 || opt.MinFont > 72 {
		return opt, fmt.Errorf("%w: min font %v pt is outside 4-72 pt", ErrOptions, opt.MinFont)
	}
	switch opt.Theme {
	case ThemeDefault, ThemePrint, ThemeDark:
	default:
		return opt, fmt.Errorf("%w: unknown theme %q (want default, print or dark)", ErrOptions, opt.Theme)
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
	case ColorKind:
	case ColorTier, ColorProfit:
		if opt.Report == nil {
			return opt, fmt.Errorf("%w: colour %q needs the figures of the analysis report, and none were given", ErrOptions, opt.Color)
		}
	default:
		return opt, fmt.Errorf("%w: unknown colour %q (want kind, tier or profit)", ErrOptions, opt.Color)
	}
	if len(opt.Without) > 0 && (opt.WhatIf == nil || !slices.Equal(opt.WhatIf.Without, sortedSet(opt.Without))) {
		return opt, fmt.Errorf("%w: the what-if without %s needs its analysis (WithAnalysis), and none was given", ErrOptions, strings.Join(opt.Without, ", "))
	}
	if err := checkDiff(opt); err != nil {
		return opt, err
	}
	if (opt.WeakSpots || opt.Figures) && opt.Report == nil {
		return opt, fmt.Errorf("%w: weak spots and figures need the analysis report, and none was given", ErrOptions)
	}
	return opt, nil
}

// NeedsReport reports whether drawing with opt needs the analysis report:
// callers analyse the map only then.
func NeedsReport(opt Options) bool {
	return opt.Color == ColorTier || opt.Color == ColorProfit || opt.WeakSpots || opt.Figures || opt.Insights > 0 || len(opt.Without) > 0
}

// WithAnalysis returns opt with the analysis it needs: the report when a
// colouring, weak spots or figures need it, and the what-if of opt.Without.
// The CLI and the API both call it, so both draw the same figures. An error
// from the analysis is returned as it is (the map cannot be analysed); an
// unknown partner is ErrOptions.
func WithAnalysis(m *graph.Map, opt Options) (Options, error) {
	if !NeedsReport(opt) {
		return opt, nil
	}
	if len(opt.Without) > 0 {
		for _, id := range opt.Without {
			n := m.Node(id)
			if n == nil || !n.Kind.IsOrg() || n.Kind == graph.KindCompany {
				return opt, errorf("without %q: no partner of that id in map %q", id, m.ID)
			}
		}
		w, err := analysis.Without(m, opt.Without, analysis.WhatIfOptions{FixedCosts: opt.FixedCosts})
		if err != nil {
			return opt, err
		}
		opt.WhatIf, opt.Report = w, w.Before
		return opt, nil
	}
	r, err := analysis.Analyze(m)
	if err != nil {
		return opt, err
	}
	opt.Report = r
	return opt, nil
}

// Fold levels: how much of a map is grouped into counted boxes.
const (
	foldNone     = iota // every node drawn
	foldPartners        // partners and accounts grouped by kind and region; segments kept
	foldRegions         // every kind grouped by kind and region, segments too
	foldAll             // every kind grouped by kind only
	// foldAccountsIn is foldAll with each account counted in the box of
	// its segment ("Segments (143) with 250 accounts").
	foldAccountsIn
)

// Build selects what the view shows and styles it: the first render step.
// It reads m and never changes it. Build draws every selected node; Draw
// decides when to fold into the overview (BuildOverview).
func Build(m *graph.Map, opt Options) (*Diagram, error) {
	return build(m, opt, foldNone)
}

// BuildOverview is Build with nodes of the same kind and region grouped
// into one counted box.
func BuildOverview(m *graph.Map, opt Options) (*Diagram, error) {
	return build(m, opt, foldRegions)
}

func build(m *graph.Map, opt Options, fold int) (*Diagram, error) {
	d, _, err := buildKeeping(m, opt, fold, nil)
	return d, err
}

// focusFold says how a focus view that does not fit is drawn smaller.
type focusFold struct {
	// operators: partners drawn only as the operator of a touchpoint
	// are named in the touchpoint's box ("run by ...") instead of drawn
	// as boxes with lines of their own.
	operators bool
	// keep >= 0 names only the first keep accounts of the focused
	// segment (in drawing order: tier, then net revenue) and counts the
	// others in "+N accounts" boxes, one per tier when colouring by tier.
	keep int
}

// buildFocus is Build for a focus view folded by f; the page says what is
// folded. It returns how many accounts the focused segment has drawn.
func buildFocus(m *graph.Map, opt Options, f focusFold) (*Diagram, int, error) {
	return buildKeeping(m, opt, foldNone, &f)
}

// buildKeeping builds at a fold level, a focus view folded by ff when
// it is not nil (buildFocus).
func buildKeeping(m *graph.Map, opt Options, fold int, ff *focusFold) (*Diagram, int, error) {
	if m == nil {
		return nil, 0, fmt.Errorf("%w: no map", ErrOptions)
	}
	opt, err := Normalise(m, opt)
	if err != nil {
		return nil, 0, err
	}
	ix := graph.NewIndex(m)
	nodes, edges := selectView(ix, opt)
	var faded map[string]bool // --fade: what the focus does not concern
	if opt.View == ViewFocus && opt.Fade {
		faded = map[string]bool{}
		in := map[string]bool{}
		for _, n := range nodes {
			in[n.ID] = true
		}
		inEdge := map[*graph.Edge]bool{}
		for _, e := range edges {
			inEdge[e] = true
		}
		all, allEdges := selectView(ix, Options{View: ViewFull})
		for _, n := range all {
			if !in[n.ID] {
				faded[n.ID] = true
				nodes = append(nodes, n)
			}
		}
		for _, e := range allEdges {
			if !inEdge[e] {
				faded[e.Key()] = true
				edges = append(edges, e)
			}
		}
	}

	accounts := 0 // the focused segment's accounts (buildFocus)
	b := &builder{m: m, ix: ix, opt: opt, ov: overlayFor(opt, ix), drawn: map[string]bool{}, edgesDrawn: map[graph.EdgeKind]bool{}}
	b.terse = opt.Diff != nil // a diff's boxes say what changed; details go to tooltips
	if opt.Flow {
		if b.flow, err = newFlowScale(m); err != nil {
			return nil, 0, err
		}
	}
	d := &Diagram{Title: m.Title, Footer: cleanText(footer(m, opt.Footer), true)}
	if opt.Title != "" {
		d.Title = cleanText(opt.Title, true)
	}
	if d.Title == "" {
		d.Title = m.ID
	}
	d.Title = b.diffTitle(d.Title)
	d.Subtitle = b.subtitle()
	if d.Findings = findingsOf(opt); len(d.Findings) > 0 {
		// The slide's headline is the top finding, in plain words.
		if opt.Title == "" {
			d.Title = d.Findings[0].Headline
		}
		d.Subtitle = "Top findings numbered on the map · " + d.Subtitle
	}
	if fold != foldNone && opt.View != ViewFocus {
		b.terse = true
		gs := b.overview(d, nodes, edges, fold == foldPartners, fold < foldAll, fold == foldAccountsIn)
		d.Overview = true
		d.Notes = append(d.Notes, fmt.Sprintf("Overview: %d boxes for %d; focus on a segment or ask for detail to see each.", gs, len(nodes)))
	} else if ff != nil && opt.View == ViewFocus && !opt.Fade {
		var runBy map[string][]string
		if ff.operators {
			nodes, edges, runBy = b.foldOperators(d, nodes, edges)
		}
		keep := ff.keep
		if keep < 0 {
			keep = len(nodes)
		}
		var counted int
		accounts, counted = b.foldAccounts(d, nodes, edges, keep)
		operators := 0
		for i := range d.Nodes {
			if ops := runBy[d.Nodes[i].ID]; len(ops) > 0 {
				d.Nodes[i].Lines = append(d.Nodes[i].Lines, Line{Text: "run by " + listOf(ops, 2), Small: true})
				d.Nodes[i].Tooltip += "\nrun by " + strings.Join(ops, ", ")
				operators += len(ops)
			}
		}
		// One note says what is folded: it follows the subtitle when
		// there is room.
		var said []string
		switch {
		case operators == 1:
			said = append(said, "1 partner that only runs a touchpoint is named in that touchpoint's box")
		case operators > 1:
			said = append(said, fmt.Sprintf("%d partners that only run touchpoints are named in those touchpoints' boxes", operators))
		}
		if counted > 0 {
			said = append(said, fmt.Sprintf("%d of %d accounts are counted, not named", counted, accounts))
		}
		if len(said) > 0 {
			d.Notes = append(d.Notes, strings.Join(said, "; ")+"; ask for detail to see each.")
		}
	} else {
		for _, n := range nodes {
			dn := b.node(n)
			dn.Faded = faded[n.ID]
			d.Nodes = append(d.Nodes, dn)
		}
		for _, e := range edges {
			de := b.edge(e)
			de.Faded = faded[e.Key()]
			d.Edges = append(d.Edges, de)
		}
	}
	b.diffMarks(d)
	if len(d.Findings) > 0 {
		// The findings take the room of the connector labels, which stay
		// in the tooltips.
		for i := range d.Edges {
			d.Edges[i].Label = ""
		}
	}
	b.sortDiagram(d)
	d.Lanes = usedLanes(d.Nodes)
	d.Legend = b.legend()
	d.Desc = describe(d)
	return d, accounts, nil
}

// foldAccounts draws a focus view whose focused segment names only its
// first keep accounts (by tier, then net revenue, then id); the others
// are counted in "+N accounts" boxes, one per tier when colouring by tier
// (a tier with one folded account draws it by name). The page says how
// many are counted. It returns the segment's accounts drawn and how many
// of them are counted.
func (b *builder) foldAccounts(d *Diagram, nodes []*graph.Node, edges []*graph.Edge, keep int) (int, int) {
	isAccount := map[string]bool{}
	for _, e := range edges {
		if n := b.ix.Nodes[e.From]; e.Kind == graph.EdgeBelongsTo && e.To == b.opt.Focus && n != nil && n.Kind == graph.KindCustomer {
			isAccount[e.From] = true
		}
	}
	var accounts []*graph.Node
	for _, n := range nodes {
		if isAccount[n.ID] {
			accounts = append(accounts, n)
		}
	}
	slices.SortStableFunc(accounts, func(x, y *graph.Node) int { return b.order(x.ID, y.ID) })
	byTier := map[int]*group{}
	var groups []*group
	for _, n := range accounts[min(keep, len(accounts)):] {
		t := -1
		if b.opt.Color == ColorTier {
			t = b.tierOf(n)
		}
		g := byTier[t]
		if g == nil {
			g = &group{id: "group:customer:" + b.opt.Focus + ":more", kind: graph.KindCustomer, tier: t}
			if t >= 0 {
				g.id += ":tier" + strconv.Itoa(t)
			}
			byTier[t] = g
			groups = append(groups, g)
		}
		g.members = append(g.members, n)
	}
	of := map[string]string{}
	for _, n := range nodes {
		of[n.ID] = n.ID
	}
	counted := 0
	for _, g := range groups {
		if len(g.members) < 2 {
			continue
		}
		for _, n := range g.members {
			of[n.ID] = g.id
		}
		counted += len(g.members)
		dn := b.groupBox(g, fmt.Sprintf("+%d accounts", len(g.members)))
		for _, n := range g.members {
			dn.Tooltip += "\n" + displayName(n)
		}
		d.Nodes = append(d.Nodes, dn)
	}
	for _, n := range nodes {
		if of[n.ID] == n.ID {
			d.Nodes = append(d.Nodes, b.node(n))
		}
	}
	b.aggregate(d, edges, of)
	return len(accounts), counted
}

// foldOperators leaves out of a focus view the partners it draws only as
// the operators of touchpoints, with their operates lines; it returns the
// names of each touchpoint's operators left out, which its box then says
// ("run by ...").
func (b *builder) foldOperators(d *Diagram, nodes []*graph.Node, edges []*graph.Edge) ([]*graph.Node, []*graph.Edge, map[string][]string) {
	other := map[string]bool{} // at an end of a line other than operates
	for _, e := range edges {
		if e.Kind != graph.EdgeOperates {
			other[e.From], other[e.To] = true, true
		}
	}
	out := map[string]bool{}
	var kept []*graph.Node
	for _, n := range nodes {
		if n.Kind.IsOrg() && n.Kind != graph.KindCompany && !other[n.ID] {
			out[n.ID] = true
			continue
		}
		kept = append(kept, n)
	}
	if len(out) == 0 {
		return nodes, edges, nil
	}
	runBy := map[string][]string{}
	var keptEdges []*graph.Edge
	for _, e := range edges {
		if out[e.From] || out[e.To] {
			if e.Kind == graph.EdgeOperates {
				runBy[e.To] = append(runBy[e.To], displayName(b.ix.Nodes[e.From]))
			}
			continue
		}
		keptEdges = append(keptEdges, e)
	}
	return kept, keptEdges, runBy
}

// order is the drawing order of two nodes of one kind: tier 1 first,
// then by net revenue, then by id.
func (b *builder) order(x, y string) int {
	tierRank := func(id string) int {
		if t := b.ov.tier[id]; t > 0 {
			return t
		}
		return 5
	}
	if tx, ty := tierRank(x), tierRank(y); tx != ty {
		return tx - ty
	}
	if nx, ny := b.ov.net[x], b.ov.net[y]; nx != ny {
		if nx > ny {
			return -1
		}
		return 1
	}
	return strings.Compare(x, y)
}

// subtitle says in plain words what the drawing shows.
func (b *builder) subtitle() string {
	var parts []string
	switch b.opt.View {
	case ViewFull:
		parts = append(parts, "How customers get the products and who serves them")
	case ViewSupply:
		parts = append(parts, "How customers get the products")
	case ViewSupport:
		parts = append(parts, "Who supports the customers")
	case ViewTouchpoints:
		parts = append(parts, "Where customers talk to the business")
	case ViewFocus:
		parts = append(parts, "Everything that reaches, supports or talks to "+displayName(b.ix.Nodes[b.opt.Focus]))
	}
	switch b.opt.Color {
	case ColorTier:
		parts = append(parts, "coloured by tier")
	case ColorProfit:
		parts = append(parts, "coloured by profit")
	}
	if s := b.diffSubtitle(); s != "" {
		parts[0] = s
	}
	if b.m.Currency != "" && (b.opt.Color != ColorKind || b.opt.Figures || b.opt.WhatIf != nil) {
		parts = append(parts, b.m.Currency)
	}
	if w := b.opt.WhatIf; w != nil {
		names := make([]string, len(w.Without))
		for i, id := range w.Without {
			names[i] = displayName(b.ix.Nodes[id])
		}
		verb := "is"
		if len(names) > 1 {
			verb = "are"
		}
		parts = append(parts, fmt.Sprintf("what if %s %s lost: net revenue -%s, profit -%s", strings.Join(names, " and "), verb,
			compactMoney("", w.NetRevenueLost), compactMoney("", w.ProfitLost)))
	}
	return strings.Join(parts, " · ")
}

// describe says what the drawing shows, for the SVG <desc> and alt text.
func describe(d *Diagram) string {
	var lanes []string
	for _, l := range d.Lanes {
		lanes = append(lanes, l.Label)
	}
	s := fmt.Sprintf("%s. %d boxes and %d connections in swimlanes from left to right: %s.", d.Subtitle, len(d.Nodes), len(d.Edges), strings.Join(lanes, ", "))
	for _, n := range d.Notes {
		s += " " + n
	}
	if d.Fit != "" {
		s += " " + d.Fit
	}
	return s
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
		// Touchpoints are written into the segment boxes ("via Web shop,
		// Hotline"), not drawn as a lane of lines that cross everything;
		// the touchpoints view draws them in full.
		for _, n := range m.Nodes {
			keepNode[n.ID] = laneOf(n.Kind) >= 0 && n.Kind != graph.KindTouchpoint
		}
		for _, k := range graph.EdgeKinds {
			keepEdge[k] = k != graph.EdgeOperates && k != graph.EdgeUses
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
	terse      bool // folded drawing: boxes carry name, tier, figures and marks; details go to tooltips
	m          *graph.Map
	ix         *graph.Index
	opt        Options
	ov         *overlay
	drawn      map[string]bool // legend keys of node styles drawn
	edgesDrawn map[graph.EdgeKind]bool
	flow       *flowScale // --flow: supply line widths by net revenue
}

// tierOf returns the tier of a node (1-4) or 0 when unclassified.
// tierLine says a segment's or customer's tier in its box.
func (b *builder) tierLine(n *graph.Node) string {
	if t := b.tierOf(n); t > 0 {
		return "Tier " + strconv.Itoa(t)
	}
	return "unclassified"
}

func (b *builder) tierOf(n *graph.Node) int {
	return b.ov.tier[n.ID]
}

// maxProfit is the largest absolute profit drawn, for the heat scale.
func (b *builder) maxProfit() float64 {
	var mx float64
	for _, p := range b.ov.profit {
		if !math.IsNaN(p) && !math.IsInf(p, 0) {
			mx = math.Max(mx, math.Abs(p))
		}
	}
	return mx
}

// colour fills in the node's colours for the chosen colouring.
func (b *builder) colour(dn *Node, n *graph.Node) {
	ks := kindStyles[n.Kind]
	dn.Shape, dn.PenWidth = ks.shape, ks.pen
	switch b.opt.Color {
	case ColorKind:
		dn.Fill, dn.Stroke, dn.Text = ks.fill, ks.stroke, ks.text
		b.drawn["kind:"+string(n.Kind)] = true
	case ColorTier:
		if !n.Kind.IsCustomer() {
			dn.Fill, dn.Stroke, dn.Text = neutralFill, neutralStroke, ink
			b.drawnOther(n.Kind)
			return
		}
		t := b.tierOf(n)
		dn.Fill, dn.Stroke, dn.Text = tierStyles[t].fill, midGrey, tierStyles[t].text
		b.drawn["tier:"+strconv.Itoa(t)] = true
	case ColorProfit:
		p, ok := b.ov.profit[n.ID]
		if !ok || math.IsNaN(p) || math.IsInf(p, 0) {
			if n.Kind.IsCustomer() {
				dn.Fill, dn.Stroke, dn.Text = noFigures, midGrey, ink
				b.drawn["profit:none"] = true
			} else {
				dn.Fill, dn.Stroke, dn.Text = neutralFill, neutralStroke, ink
				b.drawnOther(n.Kind)
			}
			return
		}
		dn.Fill, dn.Stroke = heat(p, b.maxProfit()), midGrey
		dn.Text = textOn(dn.Fill)
		b.drawn["profit:bar"] = true
	}
}

// drawnOther notes a box of kind k drawn without the colouring's colours.
func (b *builder) drawnOther(k graph.NodeKind) {
	if k == graph.KindTouchpoint {
		b.drawn["other:touchpoint"] = true
	} else {
		b.drawn["other"] = true
	}
}

// node styles one map node.
func (b *builder) node(n *graph.Node) Node {
	dn := Node{ID: n.ID, Lane: laneID(laneOf(n.Kind)), Kind: n.Kind}
	b.colour(&dn, n)
	name := displayName(n)
	dn.Lines = append(dn.Lines, Line{Text: cleanText(name, true), Bold: true})
	dn.Tooltip = name
	if n.Description != "" {
		dn.Tooltip += "\n" + n.Description
	}
	for _, d := range b.details(n) {
		if b.terse && !strings.HasPrefix(d, "Tier ") && d != "unclassified" {
			dn.Tooltip += "\n" + d
			continue
		}
		dn.Lines = append(dn.Lines, Line{Text: d, Small: true})
	}
	if f := b.ov.figures[n.ID]; f != "" {
		// Before the tier line: the figures are the widest line, and an
		// ellipse holds its widest line in less room near its middle.
		at := len(dn.Lines)
		if t := dn.Lines[at-1].Text; at > 1 && (t == "unclassified" || strings.HasPrefix(t, "Tier ")) {
			at--
		}
		dn.Lines = slices.Insert(dn.Lines, at, Line{Text: f, Small: true})
	}
	b.mark(&dn, b.ov.unreachable[n.ID], b.ov.unsupported[n.ID], b.ov.spof[n.ID], "")
	b.whatIf(&dn)
	return dn
}

// whatIf draws the loss of the partner in opt.Without on a box: the partner
// greyed and dashed, a stranded segment outlined, the figures after.
func (b *builder) whatIf(dn *Node) {
	w := b.opt.WhatIf
	if w == nil {
		return
	}
	if slices.Contains(w.Without, dn.ID) {
		dn.Fill, dn.Stroke, dn.Text, dn.Dash, dn.Double = paleGrey, midGrey, ink, Dashed, false
		dn.Lines = append(dn.Lines, Line{Text: "lost in this what-if", Small: true, Bold: true})
		b.drawn["whatif:lost"] = true
		return
	}
	if slices.Contains(w.CutOff, dn.ID) {
		dn.Stroke, dn.PenWidth, dn.Dash = markColor, 3, Dashed
		dn.Lines = append(dn.Lines, Line{Text: "×\u00a0stranded: no supply path left", Small: true, Bold: true})
		b.drawn["whatif:stranded"] = true
	}
	for _, l := range w.Losses {
		if l.Segment == dn.ID && l.NetRevenueLost > 0 {
			dn.Lines = append(dn.Lines, Line{Text: "after: net " + compactMoney(b.m.Currency, l.NetRevenueAfter) + " (-" + compactMoney("", l.NetRevenueLost) + ")", Small: true})
		}
	}
}

// mark draws weak spots by outline pattern and a written mark: unreachable
// (dashed, thick), unsupported (dotted), single point of failure (double).
func (b *builder) mark(dn *Node, unreach, unsup, spof bool, count string) {
	var marks []string
	if unreach {
		dn.Stroke, dn.PenWidth, dn.Dash = markColor, 3, Dashed
		marks = append(marks, "×\u00a0"+count+"unreachable")
		b.drawn["mark:unreachable"] = true
	}
	if unsup {
		if !unreach {
			dn.Stroke, dn.PenWidth, dn.Dash = markColor, 2.5, Dotted
		}
		marks = append(marks, "?\u00a0"+count+"unsupported")
		b.drawn["mark:unsupported"] = true
	}
	if spof {
		dn.Double = true
		dn.Stroke, dn.PenWidth = markColor, 1.5
		marks = append(marks, "!\u00a0"+count+"single point of failure")
		b.drawn["mark:spof"] = true
	}
	if len(marks) > 0 {
		dn.Lines = append(dn.Lines, Line{Text: strings.Join(marks, " · "), Small: true, Bold: true})
	}
}

// details are the detail lines of a node, by kind.
func (b *builder) details(n *graph.Node) []string {
	var out []string
	switch {
	case n.Kind == graph.KindServiceProvider:
		if len(n.Services) > 0 {
			out = append(out, listOf(n.Services, 3))
		}
		if n.Region != "" {
			out = append(out, cleanText(n.Region, true))
		}
	case n.Kind.IsOrg():
		if n.Region != "" {
			out = append(out, cleanText(n.Region, true))
		}
	case n.Kind.IsCustomer():
		var parts []string
		if n.Market != "" {
			parts = append(parts, n.Market)
		}
		account := n.Kind == graph.KindCustomer
		if n.Customers != nil {
			switch {
			case *n.Customers == 1 && account:
				// An account is one customer: saying so costs a line.
			case *n.Customers == 1:
				parts = append(parts, "1 customer")
			default:
				parts = append(parts, formatCount(*n.Customers)+" customers")
			}
		}
		if account && b.opt.Color == ColorTier {
			// An account's tier shares its line: long customers lanes
			// are mostly accounts.
			parts = append(parts, b.tierLine(n))
		}
		if len(parts) > 0 {
			out = append(out, strings.Join(parts, " · "))
		}
		if b.opt.View == ViewFull {
			var via []string
			for _, e := range b.ix.OutOf(n.ID, graph.EdgeUses) {
				via = append(via, displayName(b.ix.Nodes[e.To]))
			}
			if len(via) > 0 {
				out = append(out, "via "+listOf(via, 2))
			}
		}
		if b.opt.Color == ColorTier && !account {
			out = append(out, b.tierLine(n))
		}
	case n.Kind == graph.KindTouchpoint:
		parts := []string{}
		if n.Channel != "" {
			parts = append(parts, strings.ReplaceAll(n.Channel, "_", " "))
		}
		if n.Purpose != "" {
			parts = append(parts, cleanText(n.Purpose, true))
		}
		if len(parts) > 0 {
			out = append(out, strings.Join(parts, ": "))
		}
	}
	return out
}

// listOf joins items with commas, at most max of them, saying how many more
// there are ("repair, install +2 more"): lists are shortened, never cut.
func listOf(items []string, max int) string {
	clean := make([]string, 0, len(items))
	for _, it := range items {
		clean = append(clean, cleanText(it, true))
	}
	if len(clean) <= max {
		return strings.Join(clean, ", ")
	}
	return strings.Join(clean[:max], ", ") + " +" + strconv.Itoa(len(clean)-max) + " more"
}

// edge styles one map edge.
func (b *builder) edge(e *graph.Edge) Edge {
	es := edgeStyles[e.Kind]
	de := Edge{Key: e.Key(), From: e.From, To: e.To, Kind: e.Kind, Style: es.style, Color: es.color, Width: es.width, Arrow: es.arrow}
	b.edgesDrawn[e.Kind] = true
	var parts []string
	switch e.Kind {
	case graph.EdgeSupplies:
		if e.Delivery != "" {
			parts = append(parts, strings.ReplaceAll(e.Delivery, "_", " "))
		}
		if e.Margin != nil {
			parts = append(parts, "margin\u00a0"+percent(*e.Margin))
		}
		if e.Share != nil {
			parts = append(parts, "share\u00a0"+percent(*e.Share))
		}
	case graph.EdgeSupports:
		if len(e.Services) > 0 {
			parts = append(parts, listOf(e.Services, 2))
		}
	case graph.EdgeUses:
		if e.Purpose != "" {
			parts = append(parts, cleanText(e.Purpose, true))
		}
	case graph.EdgePartnersWith:
		if e.What != "" {
			parts = append(parts, cleanText(e.What, true))
		}
	}
	de.Label = strings.Join(parts, " · ")
	flow := ""
	if b.flow != nil && e.Kind == graph.EdgeSupplies {
		v := b.flow.byEdge[e.Key()]
		de.Width = b.flow.width(v)
		b.drawn["flow"] = true
		flow = "\nnet revenue through it: " + compactMoney(b.m.Currency, v) + " a year"
	}
	if w := b.opt.WhatIf; w != nil && (slices.Contains(w.Without, e.From) || slices.Contains(w.Without, e.To)) {
		de.Color, de.Style = lineGrey, Dashed
		de.Label = "lost"
		b.drawn["whatif:lost"] = true
	}
	de.Tooltip = string(e.Kind) + ": " + displayName(b.ix.Nodes[e.From]) + " -> " + displayName(b.ix.Nodes[e.To])
	if de.Label != "" {
		de.Tooltip += "\n" + de.Label
	}
	de.Tooltip += flow
	if len(e.Products) > 0 {
		de.Tooltip += "\nproducts: " + strings.Join(b.productNames(e.Products), ", ")
	}
	if e.Why != "" {
		de.Tooltip += "\nwhy: " + e.Why
	}
	return de
}

// productNames names products for ids, in the edge's order.
func (b *builder) productNames(ids []string) []string {
	var names []string
	for _, id := range ids {
		if n := b.ix.Nodes[id]; n != nil && n.Name != "" {
			names = append(names, n.Name)
		} else {
			names = append(names, id)
		}
	}
	return names
}

// legend lists the node and edge styles drawn, in a fixed order.
func (b *builder) legend() []LegendEntry {
	var out []LegendEntry
	sample := func(label string, n Node) {
		out = append(out, LegendEntry{Kind: LegendBox, Label: label, Node: n})
	}
	switch b.opt.Color {
	case ColorKind:
		// Kinds drawn alike share one entry: "Distributor, wholesaler".
		var idx []int
		var names [][]string
		for _, k := range graph.NodeKinds {
			if !b.drawn["kind:"+string(k)] {
				continue
			}
			ks := kindStyles[k]
			n := Node{Kind: k, Shape: ks.shape, Fill: ks.fill, Stroke: ks.stroke, Text: ks.text, PenWidth: ks.pen}
			found := false
			for j, i := range idx {
				o := out[i].Node
				if o.Shape == n.Shape && o.Fill == n.Fill && o.Stroke == n.Stroke {
					names[j] = append(names[j], strings.ToLower(ks.title))
					found = true
				}
			}
			if !found {
				idx = append(idx, len(out))
				names = append(names, []string{ks.title})
				sample(ks.title, n)
			}
		}
		for j, i := range idx {
			out[i].Label = strings.Join(names[j], ", ")
		}
	case ColorTier:
		for _, t := range []int{1, 2, 3, 4, 0} {
			if b.drawn["tier:"+strconv.Itoa(t)] {
				sample(tierStyles[t].label, Node{Kind: graph.KindSegment, Shape: scene.Ellipse, Fill: tierStyles[t].fill, Stroke: midGrey, Text: tierStyles[t].text})
			}
		}
	case ColorProfit:
		if b.drawn["profit:bar"] {
			mx := b.maxProfit()
			out = append(out, LegendEntry{Kind: LegendBar, Label: "Profit per year", Min: -mx, Max: mx, Unit: b.m.Currency})
		}
		if b.drawn["profit:none"] {
			sample("No figures", Node{Kind: graph.KindSegment, Shape: scene.Ellipse, Fill: noFigures, Stroke: midGrey, Text: ink})
		}
	}
	if b.drawn["other"] || b.drawn["other:touchpoint"] {
		// Only what is drawn: the full view writes touchpoints into the
		// segment boxes, so it draws no touchpoint box.
		label := "Partners and touchpoints (not coloured)"
		switch {
		case !b.drawn["other:touchpoint"]:
			label = "Partners (not coloured)"
		case !b.drawn["other"]:
			label = "Touchpoints (not coloured)"
		}
		sample(label, Node{Shape: scene.RoundRect, Fill: neutralFill, Stroke: neutralStroke, Text: ink})
	}
	if b.drawn["mark:unreachable"] {
		sample("× Unreachable: no supply path", Node{Shape: scene.Ellipse, Fill: neutralFill, Stroke: markColor, PenWidth: 3, Dash: Dashed, Text: ink})
	}
	if b.drawn["mark:unsupported"] {
		sample("? Unsupported: nobody supports it", Node{Shape: scene.Ellipse, Fill: neutralFill, Stroke: markColor, PenWidth: 2.5, Dash: Dotted, Text: ink})
	}
	if b.drawn["mark:spof"] {
		sample("! Single point of failure", Node{Shape: scene.RoundRect, Fill: neutralFill, Stroke: markColor, PenWidth: 1.5, Double: true, Text: ink})
	}
	if b.drawn["whatif:lost"] {
		sample("Lost in the what-if (greyed, dashed)", Node{Shape: scene.RoundRect, Fill: paleGrey, Stroke: midGrey, Dash: Dashed, Text: ink})
	}
	if b.drawn["whatif:stranded"] {
		sample("× Stranded by the loss", Node{Shape: scene.Ellipse, Fill: neutralFill, Stroke: markColor, PenWidth: 3, Dash: Dashed, Text: ink})
	}
	for _, k := range graph.EdgeKinds {
		if b.edgesDrawn[k] {
			es := edgeStyles[k]
			out = append(out, LegendEntry{Kind: LegendLine, Label: es.title, Edge: Edge{Kind: k, Style: es.style, Color: es.color, Width: es.width, Arrow: es.arrow}})
		}
	}
	if b.drawn["flow"] {
		out = append(out, b.flow.flowLegend(b.m.Currency, edgeStyles[graph.EdgeSupplies].color)...)
	}
	return append(out, b.diffLegend()...)
}

// sortDiagram puts nodes in lane and kind order, segments by tier and then
// net revenue when figures exist, then by id; edges in from, to, kind, key
// order, so output never depends on input order. Segments with figures
// keep that order on the page (SegmentOrder).
func (b *builder) sortDiagram(d *Diagram) {
	kindRank := map[graph.NodeKind]int{}
	for i, k := range graph.NodeKinds {
		kindRank[k] = i
	}
	slices.SortStableFunc(d.Nodes, func(x, y Node) int {
		if x.Lane != y.Lane {
			return strings.Compare(x.Lane, y.Lane)
		}
		if x.Kind != y.Kind {
			return kindRank[x.Kind] - kindRank[y.Kind]
		}
		return b.order(x.ID, y.ID)
	})
	for _, n := range d.Nodes {
		if n.Kind == graph.KindSegment && (b.ov.tier[n.ID] > 0 || b.ov.net[n.ID] != 0) {
			d.SegmentOrder = true
		}
	}
	slices.SortStableFunc(d.Edges, func(x, y Edge) int {
		if c := strings.Compare(x.From, y.From); c != 0 {
			return c
		}
		if c := strings.Compare(x.To, y.To); c != 0 {
			return c
		}
		if c := strings.Compare(string(x.Kind), string(y.Kind)); c != 0 {
			return c
		}
		return strings.Compare(x.Key, y.Key)
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
	return strconv.FormatFloat(v, 'f', -1, 64) + "\u00a0%" // a no-break space: never wrapped apart
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

// sortedSet returns ids sorted without repeats (the order a what-if names
// its partners in).
func sortedSet(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// footer is the text at the foot of the page: the one asked for, else the
// map's source and the date its figures hold for ("Sales ledger 2026 · as
// of 2026-06-30").
// Footer is the footer line a drawing of m shows: the one asked for, else
// the map's source and date.
func Footer(m *graph.Map, asked string) string { return footer(m, asked) }

func footer(m *graph.Map, asked string) string {
	if asked != "" {
		return asked
	}
	var parts []string
	if m.Source != "" {
		parts = append(parts, m.Source)
	}
	if m.AsOf != "" {
		parts = append(parts, "as of "+m.AsOf)
	}
	return strings.Join(parts, " · ")
}
