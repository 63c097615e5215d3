package render

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

var plurals = map[graph.NodeKind]string{
	graph.KindSupplier:        "Suppliers",
	graph.KindCompany:         "Companies",
	graph.KindDistributor:     "Distributors",
	graph.KindWholesaler:      "Wholesalers",
	graph.KindReseller:        "Resellers",
	graph.KindRetailer:        "Retailers",
	graph.KindAgent:           "Agents",
	graph.KindMarketplace:     "Marketplaces",
	graph.KindIntegrator:      "Integrators",
	graph.KindServiceProvider: "Service providers",
	graph.KindSegment:         "Segments",
	graph.KindCustomer:        "Customers",
	graph.KindTouchpoint:      "Touchpoints",
}

type group struct {
	id      string
	kind    graph.NodeKind
	region  string
	tier    int // tier colouring: the tier class of every member, -1 otherwise
	members []*graph.Node
}

// overview draws nodes grouped by kind (and region, and tier when colouring
// by tier) with edges aggregated between groups, and returns the number of
// boxes drawn. A group of one is drawn as its node. When grouping by region
// still leaves more boxes than the budget, regions are dropped.
func (b *builder) overview(d *Diagram, nodes []*graph.Node, edges []*graph.Edge, keepSegments, byRegion, accountsIn bool) int {
	groups, of := b.grouping(nodes, byRegion, keepSegments, accountsIn)
	if len(groups) > b.opt.NodeBudget {
		groups, of = b.grouping(nodes, false, keepSegments, accountsIn)
	}
	for _, g := range groups {
		if len(g.members) == 1 {
			d.Nodes = append(d.Nodes, b.node(g.members[0]))
			continue
		}
		own, accounts := 0, 0
		for _, n := range g.members {
			if n.Kind == g.kind {
				own++
			} else {
				accounts++
			}
		}
		title := fmt.Sprintf("%s (%d)", plurals[g.kind], own)
		if own == 1 && accounts > 0 {
			// One segment with its accounts keeps its name.
			for _, n := range g.members {
				if n.Kind == g.kind {
					title = cleanText(displayName(n), true)
				}
			}
		}
		switch {
		case accounts == 1:
			title += " with 1\u00a0account"
		case accounts > 1:
			title += fmt.Sprintf(" with %d\u00a0accounts", accounts)
		}
		d.Nodes = append(d.Nodes, b.groupBox(g, title))
	}
	b.aggregate(d, edges, of)
	return len(groups)
}

// groupBox draws a group as one counted box titled title: its region, its
// members' shared tier and their weak spots, counted.
func (b *builder) groupBox(g *group, title string) Node {
	dn := Node{ID: g.id, Lane: laneID(laneOf(g.kind)), Kind: g.kind, Count: len(g.members)}
	for _, n := range g.members {
		dn.Members = append(dn.Members, n.ID)
	}
	b.colourGroup(&dn, g)
	dn.Lines = append(dn.Lines, Line{Text: title, Bold: true})
	dn.Tooltip = title
	if g.region != "" {
		dn.Lines = append(dn.Lines, Line{Text: "region: " + g.region, Small: true})
		dn.Tooltip += "\nregion: " + g.region
	}
	if g.tier >= 0 {
		t := "unclassified"
		if g.tier > 0 {
			t = "Tier " + strconv.Itoa(g.tier)
		}
		dn.Lines = append(dn.Lines, Line{Text: t, Small: true})
	}
	var unreach, unsup, spof int
	for _, n := range g.members {
		if b.ov.unreachable[n.ID] {
			unreach++
		}
		if b.ov.unsupported[n.ID] {
			unsup++
		}
		if b.ov.spof[n.ID] {
			spof++
		}
	}
	b.markGroup(&dn, unreach, unsup, spof)
	return dn
}

// aggregate draws edges between boxes: of maps each node id to the id of
// the box that draws it. Edges joining the same two boxes with the same
// kind become one counted line; edges inside one box are dropped.
func (b *builder) aggregate(d *Diagram, edges []*graph.Edge, of map[string]string) {
	type aggKey struct {
		from, to string
		kind     graph.EdgeKind
	}
	agg := map[aggKey][]*graph.Edge{}
	var keys []aggKey
	for _, e := range edges {
		k := aggKey{of[e.From], of[e.To], e.Kind}
		if k.from == k.to {
			continue
		}
		if _, ok := agg[k]; !ok {
			keys = append(keys, k)
		}
		agg[k] = append(agg[k], e)
	}
	for _, k := range keys {
		es := agg[k]
		if len(es) == 1 {
			de := b.edge(es[0])
			de.From, de.To = k.from, k.to
			d.Edges = append(d.Edges, de)
			continue
		}
		st := edgeStyles[k.kind]
		b.edgesDrawn[k.kind] = true
		label := fmt.Sprintf("%d × %s", len(es), strings.ReplaceAll(string(k.kind), "_", " "))
		de := Edge{
			Key: "group:" + k.from + "|" + string(k.kind) + "|" + k.to, From: k.from, To: k.to, Kind: k.kind,
			Label: label, Tooltip: label, Count: len(es),
			Style: st.style, Color: st.color, Width: st.width + 0.5, Arrow: st.arrow,
		}
		if b.flow != nil && k.kind == graph.EdgeSupplies {
			v := b.flow.sum(es)
			de.Width = b.flow.width(v)
			de.Tooltip += "\nnet revenue through them: " + compactMoney(b.m.Currency, v) + " a year"
			b.drawn["flow"] = true
		}
		if k.kind == graph.EdgeBelongsTo {
			// Accounts and segments share a lane: a stack of labelled flat
			// edges says less than the group boxes' own counts.
			de.Label = ""
		}
		d.Edges = append(d.Edges, de)
	}
}

// grouping assigns nodes to groups; of maps each node id to its box id.
// With accountsIn, an account that belongs to a drawn segment is counted
// in its segment's group.
func (b *builder) grouping(nodes []*graph.Node, byRegion, keepSegments, accountsIn bool) ([]*group, map[string]string) {
	byKey := map[string]*group{}
	var groups []*group
	of := map[string]string{}
	segOf := map[string]string{} // accountsIn: account -> its segment
	if accountsIn {
		drawn := map[string]bool{}
		for _, n := range nodes {
			drawn[n.ID] = n.Kind == graph.KindSegment
		}
		for _, n := range nodes {
			if n.Kind != graph.KindCustomer {
				continue
			}
			for _, e := range b.ix.OutOf(n.ID, graph.EdgeBelongsTo) {
				if drawn[e.To] {
					segOf[n.ID] = e.To
					break
				}
			}
		}
	}
	var later []*graph.Node
	for _, n := range nodes {
		if segOf[n.ID] != "" {
			later = append(later, n)
			continue
		}
		g := &group{kind: n.Kind, tier: -1}
		if byRegion {
			g.region = cleanText(n.Region, true)
		}
		if b.opt.Color == ColorTier && (n.Kind == graph.KindSegment || n.Kind == graph.KindCustomer && byRegion) {
			g.tier = b.tierOf(n)
		}
		g.id = "group:" + string(g.kind)
		if keepSegments && n.Kind == graph.KindSegment || b.changedInDiff(n.ID) {
			g.id = "group:" + string(n.Kind) + ":" + n.ID // kept as itself
		}
		if g.region != "" {
			g.id += ":" + g.region
		}
		if g.tier >= 0 {
			g.id += ":tier" + strconv.Itoa(g.tier)
		}
		if have, ok := byKey[g.id]; ok {
			g = have
		} else {
			byKey[g.id] = g
			groups = append(groups, g)
		}
		g.members = append(g.members, n)
		of[n.ID] = g.id
	}
	for _, n := range later {
		g := byKey[of[segOf[n.ID]]]
		g.members = append(g.members, n)
	}
	for _, g := range groups {
		for _, n := range g.members {
			if len(g.members) == 1 {
				of[n.ID] = n.ID
			} else {
				of[n.ID] = g.id
			}
		}
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].id < groups[j].id })
	return groups, of
}

// markGroup marks a group box with the weak spots of its members, counted.
func (b *builder) markGroup(dn *Node, unreach, unsup, spof int) {
	n := len(dn.Lines)
	b.mark(dn, unreach > 0, unsup > 0, spof > 0, "")
	if len(dn.Lines) == n {
		return
	}
	var marks []string
	for _, m := range []struct {
		sign, what string
		n          int
	}{{"×", "unreachable", unreach}, {"?", "unsupported", unsup}, {"!", "single points of failure", spof}} {
		if m.n > 0 {
			marks = append(marks, m.sign+"\u00a0"+strconv.Itoa(m.n)+" "+m.what)
		}
	}
	dn.Lines[n].Text = strings.Join(marks, " · ")
}

// colourGroup colours a group box: by kind, by the members' shared tier, or
// by the members' summed profit.
func (b *builder) colourGroup(dn *Node, g *group) {
	ks := kindStyles[g.kind]
	dn.Shape, dn.PenWidth = ks.shape, ks.pen+1
	switch b.opt.Color {
	case ColorKind:
		dn.Fill, dn.Stroke, dn.Text = ks.fill, ks.stroke, ks.text
		b.drawn["kind:"+string(g.kind)] = true
	case ColorTier:
		if g.tier < 0 {
			dn.Fill, dn.Stroke, dn.Text = neutralFill, neutralStroke, ink
			b.drawnOther(g.kind)
			return
		}
		dn.Fill, dn.Stroke, dn.Text = tierStyles[g.tier].fill, midGrey, tierStyles[g.tier].text
		b.drawn["tier:"+strconv.Itoa(g.tier)] = true
	case ColorProfit:
		var sum float64
		have := false
		for _, n := range g.members {
			if p, ok := b.ov.profit[n.ID]; ok {
				sum += p
				have = true
			}
		}
		switch {
		case !have && g.kind.IsCustomer():
			dn.Fill, dn.Stroke, dn.Text = noFigures, midGrey, ink
			b.drawn["profit:none"] = true
		case !have:
			dn.Fill, dn.Stroke, dn.Text = neutralFill, neutralStroke, ink
			b.drawnOther(g.kind)
		default:
			// Scale a group against the largest single figure, capped at full colour.
			dn.Fill, dn.Stroke = heat(sum, b.maxProfit()), midGrey
			dn.Text = textOn(dn.Fill)
			b.drawn["profit:bar"] = true
		}
	}
}
