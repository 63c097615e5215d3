package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// CountedMap is all a drawing from counts knows of a map: its id, title
// and currency, and its nodes and edges counted by kind and region
// (graph.OverviewCounter). A map too big to read whole is drawn from it.
type CountedMap struct {
	ID       string          `json:"id"`
	Title    string          `json:"title"`
	Currency string          `json:"currency,omitempty"`
	Counts   *graph.Overview `json:"counts"`
}

// Nodes is the number of nodes counted.
func (cm CountedMap) Nodes() int {
	n := 0
	if cm.Counts != nil {
		for _, g := range cm.Counts.Groups {
			n += g.Nodes
		}
	}
	return n
}

// Edges is the number of edges counted.
func (cm CountedMap) Edges() int {
	n := 0
	if cm.Counts != nil {
		for _, l := range cm.Counts.Links {
			n += l.Edges
		}
	}
	return n
}

// FromCounts reports whether a drawing with opt can be drawn from counts
// alone: the full or supply view coloured by kind, grouped, with nothing
// that needs single nodes (a focus, detail) or the analysis of the whole
// map (tiers, profit, weak spots, figures, findings, flow, a what-if, a
// diff).
func FromCounts(opt Options) bool {
	return (opt.View == "" || opt.View == ViewFull || opt.View == ViewSupply) && opt.Focus == "" &&
		!opt.Detail && !opt.Fade && (opt.Color == "" || opt.Color == ColorKind) && !NeedsReport(opt) &&
		!opt.Flow && opt.Diff == nil && opt.Report == nil && opt.WhatIf == nil
}

// normaliseCounts is Normalise for a drawing from counts.
func normaliseCounts(cm CountedMap, opt Options) (Options, error) {
	if cm.Counts == nil {
		return opt, errorf("map %q: no counts to draw", cm.ID)
	}
	if !FromCounts(opt) {
		return opt, errorf("map %q: this drawing needs the whole map, not its counts", cm.ID)
	}
	return Normalise(&graph.Map{ID: cm.ID}, opt)
}

// BuildCounts is BuildOverview for a map known only by its counts: every
// (kind, region) group one counted box ("Resellers (12,340)", "region:
// North"), every (group, edge kind, group) one counted line ("23,901 ×
// supplies"). Without byRegion the groups are by kind only. The page says
// it is drawn from counts: no box names a node, and nothing the analysis
// of the whole map finds (weak spots, figures) is drawn.
func BuildCounts(cm CountedMap, opt Options, byRegion bool) (*Diagram, error) {
	opt, err := normaliseCounts(cm, opt)
	if err != nil {
		return nil, err
	}
	return buildCounts(cm, opt, byRegion), nil
}

func buildCounts(cm CountedMap, opt Options, byRegion bool) *Diagram {
	m := &graph.Map{ID: cm.ID, Title: cm.Title, Currency: cm.Currency}
	ix := graph.NewIndex(m)
	b := &builder{m: m, ix: ix, opt: opt, ov: overlayFor(opt, ix), drawn: map[string]bool{}, edgesDrawn: map[graph.EdgeKind]bool{}, terse: true}
	d := &Diagram{Title: cleanText(cm.Title, true), Footer: cleanText(opt.Footer, true), Overview: true}
	if opt.Title != "" {
		d.Title = cleanText(opt.Title, true)
	}
	if d.Title == "" {
		d.Title = cm.ID
	}
	d.Subtitle = b.subtitle()

	keepNode := func(k graph.NodeKind) bool {
		if opt.View == ViewSupply {
			return k.IsCustomer() || k.IsOrg() && k != graph.KindServiceProvider
		}
		return laneOf(k) >= 0 && k != graph.KindTouchpoint
	}
	keepEdge := func(k graph.EdgeKind) bool {
		if opt.View == ViewSupply {
			return k == graph.EdgeSupplies || k == graph.EdgeBelongsTo
		}
		return k != graph.EdgeOperates && k != graph.EdgeUses
	}
	boxes := map[string]*countBox{}
	var order []string
	idOf := func(k graph.NodeKind, region string) string {
		id := "group:" + string(k)
		if r := cleanText(region, true); byRegion && r != "" {
			id += ":" + r
		}
		return id
	}
	nodes := 0
	for _, g := range cm.Counts.Groups {
		if !keepNode(g.Kind) || g.Nodes <= 0 {
			continue
		}
		id := idOf(g.Kind, g.Region)
		bx := boxes[id]
		if bx == nil {
			bx = &countBox{kind: g.Kind}
			if byRegion {
				bx.region = cleanText(g.Region, true)
			}
			boxes[id] = bx
			order = append(order, id)
		}
		bx.n += g.Nodes
		nodes += g.Nodes
	}
	for _, id := range order {
		bx := boxes[id]
		title := plurals[bx.kind] + " (" + formatCount(float64(bx.n)) + ")"
		if bx.n == 1 {
			title = kindStyles[bx.kind].title + " (1)"
		}
		dn := Node{ID: id, Lane: laneID(laneOf(bx.kind)), Kind: bx.kind, Count: bx.n}
		b.colourGroup(&dn, &group{kind: bx.kind, tier: -1})
		dn.Lines = append(dn.Lines, Line{Text: title, Bold: true})
		dn.Tooltip = title
		if bx.region != "" {
			dn.Lines = append(dn.Lines, Line{Text: "region: " + bx.region, Small: true})
			dn.Tooltip += "\nregion: " + bx.region
		}
		d.Nodes = append(d.Nodes, dn)
	}

	type lineKey struct {
		from, to string
		kind     graph.EdgeKind
	}
	lines := map[lineKey]int{}
	var lineOrder []lineKey
	for _, l := range cm.Counts.Links {
		if !keepEdge(l.Kind) || l.Edges <= 0 {
			continue
		}
		k := lineKey{idOf(l.FromKind, l.FromRegion), idOf(l.ToKind, l.ToRegion), l.Kind}
		if k.from == k.to || boxes[k.from] == nil || boxes[k.to] == nil {
			continue // inside one box, or an end the view does not draw
		}
		if _, ok := lines[k]; !ok {
			lineOrder = append(lineOrder, k)
		}
		lines[k] += l.Edges
	}
	for _, k := range lineOrder {
		n := lines[k]
		st := edgeStyles[k.kind]
		b.edgesDrawn[k.kind] = true
		label := formatCount(float64(n)) + " × " + strings.ReplaceAll(string(k.kind), "_", " ")
		de := Edge{
			Key: "group:" + k.from + "|" + string(k.kind) + "|" + k.to, From: k.from, To: k.to, Kind: k.kind,
			Label: label, Tooltip: label + ": " + boxName(boxes[k.from]) + " -> " + boxName(boxes[k.to]), Count: n,
			Style: st.style, Color: st.color, Width: st.width + 0.5, Arrow: st.arrow,
		}
		if k.kind == graph.EdgeBelongsTo {
			// As in the overview: the boxes' own counts say it.
			de.Label = ""
		}
		d.Edges = append(d.Edges, de)
	}
	d.Notes = append(d.Notes, fmt.Sprintf("Drawn from counts: %d boxes for %s nodes; no weak spots or figures, which need the whole map analysed.",
		len(d.Nodes), formatCount(float64(nodes))))
	b.sortDiagram(d)
	d.Lanes = usedLanes(d.Nodes)
	d.Legend = b.legend()
	d.Desc = describe(d)
	return d
}

// countBox is one counted box: n nodes of one kind (and region).
type countBox struct {
	kind   graph.NodeKind
	region string
	n      int
}

// boxName names a counted box in a tooltip: "Resellers · North".
func boxName(bx *countBox) string {
	if bx.region == "" {
		return plurals[bx.kind]
	}
	return plurals[bx.kind] + " · " + bx.region
}

// countsDiagram is the diagram of cm grouped by kind and region, or by kind
// only when that is too many boxes for the page.
func countsDiagram(cm CountedMap, opt Options) *Diagram {
	d := buildCounts(cm, opt, true)
	if len(d.Nodes) > countsBoxLimit(opt, sizesFor(opt.MinFont)) {
		d = buildCounts(cm, opt, false)
	}
	return d
}

// DrawCounts lays out and composes a map known by its counts on one page:
// grouped by kind and region, or by kind only when that is too many boxes
// for the page or fits it better.
func DrawCounts(ctx context.Context, e Engine, cm CountedMap, opt Options) (*Drawing, error) {
	opt, err := normaliseCounts(cm, opt)
	if err != nil {
		return nil, err
	}
	fs := sizesFor(opt.MinFont)
	pw, ph, _ := PageSize(opt.Page)
	aspect := 16.0 / 9
	if pw > 0 {
		aspect = pw / ph
	}
	d := countsDiagram(cm, opt)
	c, p, pl, err := layOut(ctx, e, d, opt, fs, aspect)
	if err != nil {
		return nil, fmt.Errorf("render: laying out the counts of map %q: %w", cm.ID, err)
	}
	if pw > 0 && c.scale < 1-1e-9 {
		if od := buildCounts(cm, opt, false); len(od.Nodes) < len(d.Nodes) {
			oc, op, opl, err := layOut(ctx, e, od, opt, fs, aspect)
			if err != nil {
				return nil, fmt.Errorf("render: laying out the counts of map %q: %w", cm.ID, err)
			}
			if oc.scale > c.scale {
				d, c, p, pl = od, oc, op, opl
			}
		}
	}
	if c.smallest() < opt.MinFont-0.05 {
		for range 2 { // the note takes room: say the size it leaves
			d.Fit = fmt.Sprintf("Smallest text %s: too much for one page.", formatPt(c.smallest()))
			d.Desc = describe(d)
			c = compose(d, p, pl, opt, fs)
		}
	}
	return &Drawing{Page: c.page, Diagram: d, Smallest: c.smallest(), Folded: true}, nil
}

// countsBoxLimit is the most boxes grouped by region that a drawing from
// counts tries to lay out: what the page can hold, or the node budget
// without a page.
func countsBoxLimit(opt Options, fs sizes) int {
	pw, ph, _ := PageSize(opt.Page)
	if pw == 0 {
		return opt.NodeBudget
	}
	return maxBoxesOnPage(pw, ph, fs)
}

// RenderCounts is Render for a map known by its counts: "svg", "pdf",
// "png" or "dot".
func RenderCounts(ctx context.Context, e Engine, cm CountedMap, opt Options, format string) ([]byte, error) {
	if !isFormat(format) {
		return nil, errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	var buf bytes.Buffer
	if format == "dot" {
		opt, err := normaliseCounts(cm, opt)
		if err != nil {
			return nil, err
		}
		if err := WriteDOT(&buf, countsDiagram(cm, opt)); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	dr, err := DrawCounts(ctx, e, cm, opt)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("render: drawing the counts of map %q: %w", cm.ID, err)
	}
	if err := writePage(&buf, dr.Page, format, opt); err != nil {
		return nil, fmt.Errorf("render: writing %s of the counts of map %q: %w", format, cm.ID, err)
	}
	return buf.Bytes(), nil
}

// CountsCacheKey is CacheKey for a drawing from counts: a content hash of
// the counts (their version included), the map's id and title, the
// options with defaults filled in and the format. It never equals the
// CacheKey of a drawing of the whole map.
func CountsCacheKey(cm CountedMap, opt Options, format string) (string, error) {
	if n, err := normaliseCounts(cm, opt); err == nil {
		opt = n
	}
	h := sha256.New()
	if err := json.NewEncoder(h).Encode(struct {
		From   string
		Format string
		Map    CountedMap
		Opt    Options
	}{"counts", format, cm, opt}); err != nil {
		return "", fmt.Errorf("render: hashing the counts of map %q: %w", cm.ID, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
