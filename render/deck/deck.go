// Package deck assembles the pages of a board presentation of a channel
// map: the title slide with the top finding, the map, the money (revenue
// flow, margin waterfall, tiers, whale curve, value pyramid), the weak spots
// with numbered callouts, one focus slide per segment, one what-if slide per
// partner removed, and the analysis tables paged to fit. Diagrams come from
// a function the caller passes (the render pipeline), charts from
// render/chart; the pages go to any scene writer (PDF, PowerPoint).
package deck

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render/chart"
	"github.com/chanmap/chanmap/render/scene"
)

// Options shape the deck.
type Options struct {
	// Width and Height of every page in points; zero is a 16:9 slide
	// (960 × 540 pt).
	Width, Height float64
	// MinFont is the smallest text size at the page's real size; zero is 12.
	MinFont float64
	// Footer is the line at the bottom of every slide (source, date).
	Footer string
	// Date and Source are shown on the title slide (the caller picks the
	// date, so the same input gives the same deck).
	Date, Source string
	// Segments caps the focus slides (the segments with the most net
	// revenue first); zero draws one for every segment, negative none.
	Segments int
	// Without lists partners for one what-if slide each.
	Without []string
	// Insights is how many top findings the weak-spot slide numbers; zero
	// is 5.
	Insights int
}

// Views a DiagramRequest asks for.
const (
	ViewOverview  = "overview"   // the whole map, fitted to the page
	ViewWeakSpots = "weak_spots" // the map with the top findings numbered
	ViewFocus     = "focus"      // what reaches, supports or talks to one segment
	ViewWithout   = "without"    // the map as if the partners were gone
)

// DiagramRequest is what the deck asks the diagram function to draw: a page
// of Width × Height points with no text under MinFont, titled Title (the
// function may keep its own title).
type DiagramRequest struct {
	View          string
	Map           *graph.Map
	Report        *analysis.Report
	Focus         string   // ViewFocus: the segment
	Without       []string // ViewWithout: the partners removed
	Insights      []analysis.Insight
	Title         string
	Width, Height float64
	MinFont       float64
	Footer        string
}

// DiagramFunc draws one diagram page.
type DiagramFunc func(DiagramRequest) (*scene.Page, error)

func (o Options) norm() Options {
	if o.Width <= 0 || o.Height <= 0 {
		o.Width, o.Height = 960, 540
	}
	if o.MinFont <= 0 {
		o.MinFont = 12
	}
	if o.Insights <= 0 {
		o.Insights = 5
	}
	return o
}

func (o Options) chart() chart.Options {
	return chart.Options{Width: o.Width, Height: o.Height, MinFont: o.MinFont, Footer: o.Footer}
}

// Build returns the deck's pages in order. r is m's analysis report. Every
// page has the options' size; a diagram of another size, an unknown partner
// in Without or a failing diagram is an error naming the slide.
func Build(m *graph.Map, r *analysis.Report, opts Options, diagram DiagramFunc) ([]*scene.Page, error) {
	if m == nil || r == nil {
		return nil, errors.New("deck: a map and its analysis report are needed")
	}
	if diagram == nil {
		return nil, errors.New("deck: no diagram function")
	}
	o := opts.norm()
	b := &builder{m: m, r: r, o: o, diagram: diagram, names: map[string]string{}}
	if r.Currency != nil {
		b.currency = *r.Currency
	}
	for _, n := range m.Nodes {
		if n != nil {
			b.names[n.ID] = n.Name
		}
	}
	steps := []func() error{
		b.titleSlide,
		func() error {
			return b.diagramSlide(DiagramRequest{View: ViewOverview, Title: "How customers get the products"}, b.overviewNotes())
		},
		b.charts,
		b.weakSpots,
		b.focusSlides,
		b.whatIfSlides,
		b.tables,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("deck of %s: %w", m.ID, err)
		}
	}
	return b.pages, nil
}

type builder struct {
	m        *graph.Map
	r        *analysis.Report
	o        Options
	diagram  DiagramFunc
	names    map[string]string
	currency string
	pages    []*scene.Page
}

func (b *builder) name(id string) string {
	if n := b.names[id]; n != "" {
		return n
	}
	return id
}

func (b *builder) money(v float64) string { return analysis.Money(b.currency, v) }

func (b *builder) moneyPtr(p *float64) string {
	if p == nil {
		return "–"
	}
	return b.money(*p)
}

// totals are the deck's headline figures over segments of kind segment.
func (b *builder) totals() (spend, net, profit float64) {
	for _, s := range b.r.Segments {
		if s.Kind != string(graph.KindSegment) {
			continue
		}
		if s.Revenue != nil {
			spend += *s.Revenue
		}
		if s.NetRevenue != nil {
			net += *s.NetRevenue
		}
		if s.Profit != nil {
			profit += *s.Profit
		}
	}
	return
}

func (b *builder) titleSlide() error {
	o := b.o
	title := b.m.Title
	if title == "" {
		title = b.m.ID
	}
	p := &scene.Page{Width: o.Width, Height: o.Height, Title: title, Background: chart.White}
	x, w := 60.0, o.Width-120
	y := o.Height * 0.22
	lines, big := fitLines(title, math.Max(36, o.MinFont*2), o.MinFont, w, 2)
	p.Items = append(p.Items, &scene.Text{ID: "title", X: x, Y: y, Lines: spans(lines, big, true, chart.Ink)})
	y += float64(len(lines))*big*scene.LineHeight + 10
	var meta []string
	if o.Date != "" {
		meta = append(meta, o.Date)
	}
	if o.Source != "" {
		meta = append(meta, "Source: "+o.Source)
	}
	if b.currency != "" {
		meta = append(meta, "Yearly figures in "+b.currency)
	}
	sub := math.Max(18, o.MinFont)
	if len(meta) > 0 {
		ml := chart.Wrap(strings.Join(meta, " · "), sub, false, w, 2)
		p.Items = append(p.Items, &scene.Text{ID: "meta", X: x, Y: y, Lines: spans(ml, sub, false, chart.Muted)})
		y += float64(len(ml))*sub*scene.LineHeight + 30
	}
	spend, net, profit := b.totals()
	notes := []string{title, fmt.Sprintf("End customers spend %s a year; the company's net revenue is %s and its profit %s.",
		b.money(spend), b.money(net), b.money(profit))}
	if len(b.r.Insights) > 0 {
		top := b.r.Insights[0]
		hl, head := fitLines(top.Headline, math.Max(22, o.MinFont*1.5), o.MinFont, w-24, 3)
		h := float64(len(hl))*head*scene.LineHeight + 28
		fill := scene.RGB(0xE8, 0xF1, 0xF8)
		p.Items = append(p.Items, &scene.Group{ID: "headline", Title: top.Headline, Items: []scene.Item{
			&scene.Box{ID: "headline:accent", X: x, Y: y, W: 6, H: h, Fill: chart.Blue},
			&scene.Box{ID: "headline:box", X: x + 6, Y: y, W: w - 6, H: h, Fill: fill, Padding: 12,
				Lines: spans(hl, head, true, chart.InkOn(fill)), Align: scene.AlignLeft},
		}})
		notes = append(notes, "Top finding: "+top.Headline)
		for i, in := range b.r.Insights[1:min(len(b.r.Insights), 3)] {
			notes = append(notes, fmt.Sprintf("Finding %d: %s", i+2, in.Headline))
		}
	}
	if o.Footer != "" {
		p.Items = append(p.Items, &scene.Text{ID: "footer", X: x, Y: o.Height - 36 - o.MinFont,
			Lines: []scene.Span{{Text: chart.Shorten(o.Footer, o.MinFont, false, w), Size: o.MinFont, Color: chart.Muted}}})
	}
	p.Desc = "Title slide"
	p.Notes = strings.Join(notes, "\n")
	b.pages = append(b.pages, p)
	return nil
}

// fitLines sets a headline whole in bold, never cut: at size when it fits
// in maxLines lines of width, else a point smaller at a time down to
// minSize, where it takes as many lines as it needs.
func fitLines(text string, size, minSize, width float64, maxLines int) ([]string, float64) {
	for {
		lines := chart.Wrap(text, size, true, width, 0)
		if len(lines) <= maxLines || size <= minSize {
			return lines, size
		}
		size = math.Max(minSize, size-1)
	}
}

func spans(lines []string, size float64, bold bool, c scene.Color) []scene.Span {
	out := make([]scene.Span, len(lines))
	for i, l := range lines {
		out[i] = scene.Span{Text: l, Size: size, Bold: bold, Color: c}
	}
	return out
}

// diagramSlide asks for a diagram and checks it fits the deck.
func (b *builder) diagramSlide(req DiagramRequest, notes string) error {
	req.Map, req.Report = b.m, b.r
	req.Width, req.Height, req.MinFont, req.Footer = b.o.Width, b.o.Height, b.o.MinFont, b.o.Footer
	p, err := b.diagram(req)
	if err != nil {
		return fmt.Errorf("slide %d (%s): %w", len(b.pages)+1, req.Title, err)
	}
	if p == nil {
		return fmt.Errorf("slide %d (%s): the diagram function drew nothing", len(b.pages)+1, req.Title)
	}
	if p.Width != b.o.Width || p.Height != b.o.Height {
		return fmt.Errorf("slide %d (%s): the diagram is %g × %g pt, the deck's pages %g × %g pt",
			len(b.pages)+1, req.Title, p.Width, p.Height, b.o.Width, b.o.Height)
	}
	if p.Title == "" {
		p.Title = req.Title
	}
	if notes != "" {
		if p.Notes != "" {
			notes = p.Notes + "\n" + notes
		}
		p.Notes = notes
	}
	b.pages = append(b.pages, p)
	return nil
}

func (b *builder) overviewNotes() string {
	kinds := map[graph.NodeKind]int{}
	for _, n := range b.m.Nodes {
		if n != nil {
			kinds[n.Kind]++
		}
	}
	var parts []string
	for _, k := range sortedKinds(kinds) {
		parts = append(parts, fmt.Sprintf("%d %s", kinds[k], strings.ReplaceAll(string(k), "_", " ")))
	}
	spend, net, profit := b.totals()
	return fmt.Sprintf("The map: %s; %d edges.\nSpend %s, net revenue %s, profit %s.",
		strings.Join(parts, ", "), len(b.m.Edges), b.money(spend), b.money(net), b.money(profit))
}

func sortedKinds(m map[graph.NodeKind]int) []graph.NodeKind {
	ks := make([]graph.NodeKind, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

// charts adds the money slides: revenue flow, margin waterfall, tiers,
// whale curve, value pyramid.
func (b *builder) charts() error {
	for _, c := range []struct {
		name string
		draw func(*graph.Map, *analysis.Report, chart.Options) (*scene.Page, error)
	}{
		{"revenue flow", chart.RevenueFlow}, {"margin waterfall", chart.Waterfall}, {"tiers", chart.Tiers},
		{"whale curve", chart.WhaleCurve}, {"value pyramid", chart.Pyramid},
	} {
		p, err := c.draw(b.m, b.r, b.o.chart())
		if err != nil {
			return fmt.Errorf("slide %d (%s): %w", len(b.pages)+1, c.name, err)
		}
		b.pages = append(b.pages, p)
	}
	return nil
}

func (b *builder) weakSpots() error {
	n := min(b.o.Insights, len(b.r.Insights))
	top := b.r.Insights[:n]
	title := "Where the map is weak"
	if n == 0 {
		title = "No weak spots found"
	}
	var notes []string
	for i, in := range top {
		notes = append(notes, fmt.Sprintf("%d. %s", i+1, in.Headline))
	}
	if n > 0 {
		notes = append(notes, "The drawing shows the nodes of the findings numbered on it and every supply line upstream of them; the whole map is on the map slide.")
	}
	return b.diagramSlide(DiagramRequest{View: ViewWeakSpots, Insights: top, Title: title}, strings.Join(notes, "\n"))
}

// focusSlides adds one slide per segment (kind segment), the most net
// revenue first, capped by Options.Segments.
func (b *builder) focusSlides() error {
	if b.o.Segments < 0 {
		return nil
	}
	var segs []analysis.Segment
	for _, s := range b.r.Segments {
		if s.Kind == string(graph.KindSegment) {
			segs = append(segs, s)
		}
	}
	net := func(s analysis.Segment) float64 {
		if s.NetRevenue == nil {
			return math.Inf(-1)
		}
		return *s.NetRevenue
	}
	sort.SliceStable(segs, func(i, j int) bool {
		if net(segs[i]) != net(segs[j]) {
			return net(segs[i]) > net(segs[j])
		}
		return segs[i].ID < segs[j].ID
	})
	if b.o.Segments > 0 && len(segs) > b.o.Segments {
		segs = segs[:b.o.Segments]
	}
	for _, s := range segs {
		title := b.name(s.ID)
		if s.NetRevenue != nil {
			title += ": " + b.money(*s.NetRevenue) + " net revenue"
		}
		if s.Tier != analysis.Unclassified {
			title += ", tier " + s.Tier.String()
		}
		notes := []string{fmt.Sprintf("%s: spend %s, net revenue %s, cost to serve %s, profit %s, margin %s, tier %s.",
			b.name(s.ID), b.moneyPtr(s.Revenue), b.moneyPtr(s.NetRevenue), b.moneyPtr(s.CostToServe), b.moneyPtr(s.Profit),
			pct(s.Margin), s.Tier)}
		for _, in := range b.r.Insights {
			if contains(in.Nodes, s.ID) {
				notes = append(notes, "Finding: "+in.Headline)
			}
		}
		if err := b.diagramSlide(DiagramRequest{View: ViewFocus, Focus: s.ID, Title: title}, strings.Join(notes, "\n")); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) whatIfSlides() error {
	for _, p := range b.o.Without {
		w, err := analysis.WithoutPartner(b.m, p)
		if err != nil {
			return fmt.Errorf("what-if slide without %q: %w", p, err)
		}
		title := fmt.Sprintf("Without %s: %s net revenue lost", b.name(p), b.money(w.NetRevenueLost))
		notes := []string{fmt.Sprintf("Without %s the company loses %s net revenue and %s profit a year.",
			b.name(p), b.money(w.NetRevenueLost), b.money(w.ProfitLost))}
		if len(w.CutOff) > 0 {
			var cut []string
			for _, id := range w.CutOff {
				cut = append(cut, b.name(id))
			}
			notes = append(notes, "Cut off: "+strings.Join(cut, ", ")+".")
		}
		for _, l := range w.Losses {
			notes = append(notes, fmt.Sprintf("%s: net revenue %s → %s", b.name(l.Segment), b.money(l.NetRevenueBefore), b.money(l.NetRevenueAfter)))
		}
		if err := b.diagramSlide(DiagramRequest{View: ViewWithout, Without: []string{p}, Title: title}, strings.Join(notes, "\n")); err != nil {
			return err
		}
	}
	return nil
}

func pct(p *float64) string {
	if p == nil {
		return "–"
	}
	return analysis.Percent(*p)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
