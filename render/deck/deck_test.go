package deck

import (
	"errors"
	"fmt"
	"github.com/chanmap/chanmap/graph/mapio"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render/chart"
	"github.com/chanmap/chanmap/render/scene"
)

func sample(t testing.TB, name string) (*graph.Map, *analysis.Report) {
	t.Helper()
	m, err := mapio.ReadFile(filepath.Join("..", "..", "testdata", "maps", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := analysis.Analyze(m)
	if err != nil {
		t.Fatal(err)
	}
	return m, r
}

// layerOf puts a node kind in a column, left to right as the diagram's lanes.
func layerOf(k graph.NodeKind) int {
	switch {
	case k == graph.KindSupplier:
		return 0
	case k == graph.KindCompany:
		return 1
	case k == graph.KindDistributor || k == graph.KindWholesaler:
		return 2
	case k.IsOrg():
		return 3
	case k.IsCustomer():
		return 4
	default:
		return 5
	}
}

// simpleDiagram draws the map the request asks for as a plain but real
// drawing: the title, one box per node carrying its name in columns by
// lane, the request's nodes only (focus: the segment and its neighbours;
// without: the partners left out); a map whose boxes do not fit at the
// minimum font is folded into one counted box per kind. Findings are
// numbered in markers beside the nodes they concern.
func simpleDiagram(req DiagramRequest) (*scene.Page, error) {
	m := req.Map
	keep := map[string]bool{}
	switch req.View {
	case ViewFocus:
		keep[req.Focus] = true
		for _, e := range m.Edges {
			if e.To == req.Focus {
				keep[e.From] = true
			}
			if e.From == req.Focus {
				keep[e.To] = true
			}
		}
	default:
		for _, n := range m.Nodes {
			keep[n.ID] = !contains(req.Without, n.ID)
		}
	}
	fs := req.MinFont
	p := &scene.Page{Width: req.Width, Height: req.Height, Title: req.Title, Background: chart.White}
	p.Items = append(p.Items, &scene.Text{ID: "title", X: 36, Y: 24, Lines: []scene.Span{{Text: req.Title, Size: 24, Bold: true, Color: chart.Ink}}})
	cols := make([][]*graph.Node, 6)
	for _, n := range m.Nodes {
		if keep[n.ID] {
			cols[layerOf(n.Kind)] = append(cols[layerOf(n.Kind)], n)
		}
	}
	boxH, gap := 3*fs*scene.LineHeight+8, 6.0
	top, bottom := 80.0, req.Height-36
	perCol := int((bottom - top) / (boxH + gap))
	// Long lanes wrap into sub-columns, each as wide as its names need in
	// three lines (never narrower than its longest word); when they do not
	// fit the page every lane folds into one counted box per kind.
	need := func(name string) float64 {
		w := scene.TextWidth(name, fs, false, false) / 3
		for _, word := range strings.Fields(name) {
			w = math.Max(w, scene.TextWidth(word, fs, false, false))
		}
		return w + 28
	}
	var widths []float64
	for _, nodes := range cols {
		for i := 0; i < len(nodes); i += perCol {
			w := 90.0
			for _, n := range nodes[i:min(i+perCol, len(nodes))] {
				w = math.Max(w, need(n.Name))
			}
			widths = append(widths, w)
		}
	}
	total := 0.0
	for _, w := range widths {
		total += w
	}
	fold := total > req.Width-72
	stretch := (req.Width - 72) / total
	colW := (req.Width - 72) / 6
	type placed struct{ id, text string }
	x, sc := 36.0, 0
	width := func() float64 {
		if fold {
			return colW
		}
		return widths[sc] * stretch
	}
	for _, nodes := range cols {
		var items []placed
		if fold && len(nodes) > perCol {
			kinds := map[graph.NodeKind]int{}
			for _, n := range nodes {
				kinds[n.Kind]++
			}
			for _, k := range sortedKinds(kinds) {
				items = append(items, placed{id: "kind:" + string(k), text: fmt.Sprintf("%d %s", kinds[k], k)})
			}
		} else {
			for _, n := range nodes {
				items = append(items, placed{id: n.ID, text: n.Name})
			}
		}
		for i, it := range items {
			if i > 0 && i%perCol == 0 {
				x += width()
				sc++
			}
			colW := width()
			y := top + float64(i%perCol)*(boxH+gap)
			text := chart.Wrap(it.text, fs, false, colW-18, 3)
			g := &scene.Group{ID: "node:" + it.id, Title: it.text, Items: []scene.Item{&scene.Box{
				ID: "box:" + it.id, Shape: scene.RoundRect, X: x, Y: y, W: colW - 10, H: boxH, Padding: 4,
				Fill: scene.RGB(0xE8, 0xF1, 0xF8), Stroke: scene.Stroke{Color: chart.Blue, Width: 1},
				Lines: spans(text, fs, false, chart.Ink), Align: scene.AlignCenter,
			}}}
			for k, in := range req.Insights {
				if contains(in.Nodes, it.id) {
					d := fs * 1.6
					g.Items = append(g.Items, &scene.Box{ID: fmt.Sprintf("callout:%d:%s", k+1, it.id), Shape: scene.Ellipse,
						X: x + colW - 10 - d*float64(k%3+1), Y: y - d/2, W: d, H: d, Fill: chart.Ink,
						Lines: []scene.Span{{Text: fmt.Sprint(k + 1), Size: fs, Bold: true, Color: chart.White}}, Align: scene.AlignCenter})
				}
			}
			p.Items = append(p.Items, g)
		}
		if len(items) > 0 {
			x += width()
			sc++
		}
	}
	return p, nil
}

func TestBuildHybridDeck(t *testing.T) {
	m, r := sample(t, "hybrid")
	pages, err := Build(m, r, Options{Date: "1 December 2026", Source: "sales ledger", Footer: "Voltair · sales ledger 2026",
		Without: []string{"hvac-nord"}}, simpleDiagram)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Voltair Heat Pumps - hybrid channel map 2026",
		"How customers get the products",
		"Revenue flow", "Channel margin waterfall", "Tiers: net revenue and profit by segment",
		"Whale curve: where the profit comes from", "Value pyramid",
		"Where the map is weak",
		// Focus slides, most net revenue first (analysis golden report).
		"Homeowners replacing gas boilers: EUR 6.9 m net revenue, tier 2",
		"Independent heating installers: EUR 4.1 m net revenue, tier 4",
		"Housing developers: EUR 3.9 m net revenue, tier 1",
		"Municipalities and public housing: EUR 3.5 m net revenue, tier 3",
		"Installers in Austria and Switzerland: EUR 1.4 m net revenue, tier 3",
		"Small private landlords: EUR 0 net revenue, tier 4",
		"Without HVAC Nord Grosshandel: EUR 9.4 m net revenue lost",
	}
	if len(pages) < len(want)+3 {
		t.Fatalf("%d pages, want %d before the tables and at least 3 table pages", len(pages), len(want))
	}
	for i, w := range want {
		if pages[i].Title != w {
			t.Errorf("page %d title %q, want %q", i+1, pages[i].Title, w)
		}
	}
	for i, p := range pages {
		if p.Width != 960 || p.Height != 540 {
			t.Errorf("page %d (%s) is %g × %g", i+1, p.Title, p.Width, p.Height)
		}
		if s := p.SmallestText(); s < 12 {
			t.Errorf("page %d (%s): text at %g pt, under the 12 pt minimum", i+1, p.Title, s)
		}
		if strings.TrimSpace(p.Notes) == "" {
			t.Errorf("page %d (%s) has no speaker notes", i+1, p.Title)
		}
	}
	// The title slide carries the top finding as its headline, and the
	// date and source.
	if !strings.Contains(pages[0].Notes, r.Insights[0].Headline) {
		t.Errorf("title slide notes lack the top finding %q", r.Insights[0].Headline)
	}
	texts := allText(pages[0])
	for _, s := range []string{"1 December 2026", "sales ledger", r.Insights[0].Headline} {
		if !strings.Contains(texts, s) {
			t.Errorf("title slide does not show %q; it shows %q", s, texts)
		}
	}
	// The what-if slide's notes give the loss: hvac-nord carries EUR 9,389,410.
	if wi := pages[len(want)-1]; !strings.Contains(wi.Notes, "loses EUR 9.4 m net revenue") {
		t.Errorf("what-if notes: %q", wi.Notes)
	}
	// The weak-spot slide numbers the top five findings.
	callouts := 0
	scene.Walk(pages[7].Items, func(it scene.Item) {
		if b, ok := it.(*scene.Box); ok && strings.HasPrefix(b.ID, "callout:") {
			callouts++
		}
	})
	if callouts < 5 {
		t.Errorf("%d callouts on the weak-spot slide, want at least one per top finding (5)", callouts)
	}
}

func allText(p *scene.Page) string {
	var b strings.Builder
	scene.Walk(p.Items, func(it scene.Item) {
		var ss []scene.Span
		switch v := it.(type) {
		case *scene.Box:
			ss = v.Lines
		case *scene.Text:
			ss = v.Lines
		}
		for _, s := range ss {
			b.WriteString(s.Text + " ")
		}
	})
	return b.String()
}

// TestTablesPageWholeRows: every segment appears in exactly one table row,
// each row lies whole on its page above the bottom margin, and a long table
// continues on numbered pages.
func TestTablesPageWholeRows(t *testing.T) {
	m, r := sample(t, "generated-1000")
	pages, err := Build(m, r, Options{Segments: -1}, simpleDiagram)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	segPages := 0
	for _, p := range pages {
		if !strings.HasPrefix(p.Title, "Segments and customers") {
			continue
		}
		segPages++
		if s := p.SmallestText(); s < 12 {
			t.Errorf("%s: text at %g pt", p.Title, s)
		}
		for _, it := range p.Items {
			g, ok := it.(*scene.Group)
			if !ok || !strings.HasPrefix(g.ID, "row:") {
				continue
			}
			seen[strings.TrimPrefix(g.ID, "row:")]++
			for _, c := range g.Items {
				b := c.(*scene.Box)
				if b.Y+b.H > p.Height-36+8+0.01 {
					t.Errorf("%s: row %s ends at %.1f, below the content area", p.Title, g.ID, b.Y+b.H)
				}
			}
		}
	}
	if segPages < 2 {
		t.Fatalf("the 1000-node map's segments fit %d table page(s)", segPages)
	}
	k := 0
	for _, p := range pages {
		if strings.HasPrefix(p.Title, "Segments and customers") {
			k++
			if want := fmt.Sprintf("Segments and customers (%d of %d)", k, segPages); p.Title != want {
				t.Errorf("table page titled %q, want %q", p.Title, want)
			}
		}
	}
	for _, s := range r.Segments {
		if seen[s.ID] != 1 {
			t.Errorf("segment %s in %d table rows, want 1", s.ID, seen[s.ID])
		}
	}
}

func TestSegmentsCapAndWhatIfErrors(t *testing.T) {
	m, r := sample(t, "hybrid")
	count := func(o Options) int {
		pages, err := Build(m, r, o, simpleDiagram)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, p := range pages {
			if strings.Contains(p.Title, "net revenue, tier") {
				n++
			}
		}
		return n
	}
	if got := count(Options{Segments: 2}); got != 2 {
		t.Errorf("Segments 2: %d focus slides", got)
	}
	if got := count(Options{Segments: -1}); got != 0 {
		t.Errorf("Segments -1: %d focus slides", got)
	}
	if _, err := Build(m, r, Options{Without: []string{"nobody"}}, simpleDiagram); err == nil || !strings.Contains(err.Error(), `"nobody"`) {
		t.Errorf("unknown partner: %v", err)
	}
	boom := errors.New("layout failed")
	_, err := Build(m, r, Options{}, func(req DiagramRequest) (*scene.Page, error) {
		if req.View == ViewWeakSpots {
			return nil, boom
		}
		return simpleDiagram(req)
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "slide 8 (Where the map is weak)") {
		t.Errorf("a failing diagram: %v", err)
	}
	_, err = Build(m, r, Options{}, func(req DiagramRequest) (*scene.Page, error) {
		p, err := simpleDiagram(req)
		p.Width = 720
		return p, err
	})
	if err == nil || !strings.Contains(err.Error(), "720 × 540") {
		t.Errorf("a diagram of the wrong size: %v", err)
	}
	if _, err := Build(nil, r, Options{}, simpleDiagram); err == nil {
		t.Error("no map: no error")
	}
}

func TestMinFontOption(t *testing.T) {
	m, r := sample(t, "hybrid")
	pages, err := Build(m, r, Options{MinFont: 16}, simpleDiagram)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range pages {
		if s := p.SmallestText(); s < 16 || math.IsNaN(s) {
			t.Errorf("page %d (%s): %g pt under the 16 pt minimum", i+1, p.Title, s)
		}
	}
}

// A large minimum font (the API takes up to 72 pt) gives a deck or a clear
// error, never a panic: the revenue flow and the tiers chart once cut their
// lists at a negative length when not even one row fitted.
func TestLargeMinFontNeverPanics(t *testing.T) {
	for _, name := range []string{"hybrid", "industrial"} {
		m, r := sample(t, name)
		for _, mf := range []float64{40, 58.5, 72} {
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("%s at %.1f pt: panic %v", name, mf, p)
					}
				}()
				if _, err := Build(m, r, Options{MinFont: mf, Segments: 3}, simpleDiagram); err != nil && err.Error() == "" {
					t.Errorf("%s at %.1f pt: an error without words", name, mf)
				}
			}()
		}
	}
}
