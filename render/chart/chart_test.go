package chart

import (
	"fmt"
	"github.com/chanmap/chanmap/graph/mapio"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render/scene"
)

type chartFunc func(*graph.Map, *analysis.Report, Options) (*scene.Page, error)

var charts = map[string]chartFunc{
	"whale": WhaleCurve, "pyramid": Pyramid, "tiers": Tiers, "waterfall": Waterfall, "flow": RevenueFlow,
}

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

// TestChartsReadableOnTheSlide draws every chart of every sample map and
// checks, from the drawing: no text under the minimum font, everything on
// the page, every text at WCAG AA contrast on what it is drawn on.
func TestChartsReadableOnTheSlide(t *testing.T) {
	for _, name := range []string{"hybrid", "industrial", "generated-1000"} {
		m, r := sample(t, name)
		for _, minFont := range []float64{12, 16} {
			for cname, draw := range charts {
				t.Run(fmt.Sprintf("%s/%s/%g", name, cname, minFont), func(t *testing.T) {
					p, err := draw(m, r, Options{MinFont: minFont, Footer: "Source: " + name + " sample · 2026"})
					if err != nil {
						t.Fatal(err)
					}
					if p.Width != 960 || p.Height != 540 {
						t.Errorf("page %g × %g, want the 16:9 slide 960 × 540", p.Width, p.Height)
					}
					if got := p.SmallestText(); got < minFont {
						t.Errorf("smallest text %g pt, under the minimum %g", got, minFont)
					}
					checkOnPage(t, p)
					checkContrast(t, p)
					if p.Notes == "" || p.Title == "" {
						t.Errorf("title %q, notes %q: both are needed", p.Title, p.Notes)
					}
				})
			}
		}
	}
}

func textFrame(v *scene.Text) (x0, y0, x1, y1 float64) {
	w, h := 0.0, 0.0
	for _, s := range v.Lines {
		w = math.Max(w, scene.SpanWidth(s))
		h += s.Size * scene.LineHeight
	}
	switch v.Align {
	case scene.AlignCenter:
		x0 = v.X - w/2
	case scene.AlignRight:
		x0 = v.X - w
	default:
		x0 = v.X
	}
	return x0, v.Y, x0 + w, v.Y + h
}

func checkOnPage(t *testing.T, p *scene.Page) {
	t.Helper()
	in := func(what string, x0, y0, x1, y1 float64) {
		const slack = 0.5
		if x0 < -slack || y0 < -slack || x1 > p.Width+slack || y1 > p.Height+slack {
			t.Errorf("%s at %.1f,%.1f–%.1f,%.1f leaves the %g × %g page", what, x0, y0, x1, y1, p.Width, p.Height)
		}
	}
	scene.Walk(p.Items, func(it scene.Item) {
		switch v := it.(type) {
		case *scene.Box:
			in("box "+v.ID, v.X, v.Y, v.X+v.W, v.Y+v.H)
			// Box text fits its box.
			w, h := 0.0, 0.0
			for _, s := range v.Lines {
				w = math.Max(w, scene.SpanWidth(s))
				h += s.Size * scene.LineHeight
			}
			if len(v.Lines) > 0 && (w > v.W-2*v.Padding+0.5 || h > v.H-2*v.Padding+0.5+v.Lines[0].Size*0.25) {
				t.Errorf("box %s: text %.1f × %.1f does not fit %.1f × %.1f (padding %g)", v.ID, w, h, v.W, v.H, v.Padding)
			}
		case *scene.Text:
			x0, y0, x1, y1 := textFrame(v)
			in("text "+v.ID, x0, y0, x1, y1)
		case *scene.Line:
			for _, pt := range v.Points {
				in("line "+v.ID, pt.X, pt.Y, pt.X, pt.Y)
			}
		}
	})
}

func checkContrast(t *testing.T, p *scene.Page) {
	t.Helper()
	check := func(what string, spans []scene.Span, bg scene.Color) {
		for _, s := range spans {
			if s.Text == "" {
				continue
			}
			if c := Contrast(s.Color, bg); c < 4.5 {
				t.Errorf("%s: %q at %.2f:1 on its background, under WCAG AA 4.5:1", what, s.Text, c)
			}
		}
	}
	scene.Walk(p.Items, func(it scene.Item) {
		switch v := it.(type) {
		case *scene.Box:
			bg := v.Fill
			if bg.None() {
				bg = p.Background
			}
			check("box "+v.ID, v.Lines, bg)
		case *scene.Text:
			check("text "+v.ID, v.Lines, p.Background)
		}
	})
}

func TestContrast(t *testing.T) {
	// Black on white is 21:1, white on white 1:1; WCAG's own example:
	// #777777 on white is 4.48:1 (just fails AA).
	for _, c := range []struct {
		a, b scene.Color
		want float64
	}{{Black, White, 21}, {White, White, 1}, {scene.RGB(0x77, 0x77, 0x77), White, 4.48}} {
		if got := Contrast(c.a, c.b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("Contrast(%v, %v) = %.3f, want %.2f", c.a, c.b, got, c.want)
		}
	}
	// Every palette colour used as a fill gets a readable ink.
	for _, fill := range []scene.Color{Black, Orange, SkyBlue, Green, Yellow, Blue, Vermilion, Purple, TierColors[3], TierColors[0]} {
		if c := Contrast(InkOn(fill), fill); c < 4.5 {
			t.Errorf("ink on %v: %.2f:1", fill, c)
		}
	}
}

// smallMap: acme sells to shop (a retailer keeping 25 %) through dist (a
// distributor keeping 20 %): farms spend 1,000 through that chain; city
// spend 500 direct; lost spend 300 with no supplier at all.
func smallMap() *graph.Map {
	f := func(v float64) *float64 { return &v }
	seg := func(id string, rev, cts float64) *graph.Node {
		return &graph.Node{ID: id, Kind: graph.KindSegment, Name: strings.ToUpper(id[:1]) + id[1:], Revenue: f(rev), CostToServe: f(cts)}
	}
	sup := func(from, to string, m float64) *graph.Edge {
		e := &graph.Edge{From: from, To: to, Kind: graph.EdgeSupplies}
		if m > 0 {
			e.Margin = f(m)
		}
		return e
	}
	return &graph.Map{ID: "small", Currency: "EUR", Nodes: []*graph.Node{
		{ID: "acme", Kind: graph.KindCompany, Name: "Acme"},
		{ID: "dist", Kind: graph.KindDistributor, Name: "Dist"},
		{ID: "shop", Kind: graph.KindRetailer, Name: "Shop"},
		seg("farms", 1000, 100), seg("city", 500, 50), seg("lost", 300, 40),
	}, Edges: []*graph.Edge{sup("acme", "dist", 0.2), sup("dist", "shop", 0.25), sup("shop", "farms", 0), sup("acme", "city", 0)}}
}

func TestWaterfallSteps(t *testing.T) {
	m := smallMap()
	r, err := analysis.Analyze(m)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := WaterfallSteps(m, r)
	if err != nil {
		t.Fatal(err)
	}
	want := []Step{
		{"End-customer spend", 1800, true},                                               // 1,000 + 500 + 300
		{"Distributors and wholesalers keep", -150, false},                               // dist keeps 20 % of the 750 it sells
		{"Resellers, retailers, agents, marketplaces and integrators keep", -250, false}, // shop keeps 25 % of 1,000
		{"Spend no channel brings in", -300, false},                                      // lost
		{"Company net revenue", 1100, true},                                              // 600 from farms + 500 from city
		{"Cost to serve", -190, false},                                                   // 100 + 50 + 40
		{"Profit", 910, true},                                                            // 1,100 − 190
	}
	if len(steps) != len(want) {
		t.Fatalf("steps %+v", steps)
	}
	for i := range want {
		if steps[i].Label != want[i].Label || math.Abs(steps[i].Value-want[i].Value) > 1e-9 || steps[i].Total != want[i].Total {
			t.Errorf("step %d = %+v, want %+v", i+1, steps[i], want[i])
		}
	}
}

func TestWhaleCurveEndsAtTotalProfit(t *testing.T) {
	m, r := sample(t, "hybrid")
	p, err := WhaleCurve(m, r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var curve *scene.Line
	var total *scene.Line
	scene.Walk(p.Items, func(it scene.Item) {
		if l, ok := it.(*scene.Line); ok && l.ID == "curve" {
			curve = l
		} else if ok && l.ID == "total" {
			total = l
		}
	})
	if curve == nil || total == nil {
		t.Fatal("no curve or total line")
	}
	// 6 segments with profit in the hybrid sample: 7 points from zero.
	if len(curve.Points) != 7 {
		t.Errorf("%d points, want 7 (zero and six segments)", len(curve.Points))
	}
	last := curve.Points[len(curve.Points)-1]
	if math.Abs(last.Y-total.Points[0].Y) > 1e-9 {
		t.Errorf("curve ends at y %v, the total line is at %v", last.Y, total.Points[0].Y)
	}
	// The money losers pull the end below the peak.
	minY := last.Y
	for _, pt := range curve.Points {
		minY = math.Min(minY, pt.Y)
	}
	if !(minY < last.Y) {
		t.Error("the curve never rises above the total, but the hybrid sample has a money loser")
	}
}

func TestTiersListsEverySegmentOrSumsTheRest(t *testing.T) {
	m, r := sample(t, "hybrid")
	p, err := Tiers(m, r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]bool{}
	scene.Walk(p.Items, func(it scene.Item) {
		if g, ok := it.(*scene.Group); ok {
			groups[g.ID] = true
		}
	})
	for _, s := range r.Segments {
		if s.Kind == "segment" && !groups["segment:"+s.ID] {
			t.Errorf("segment %s not drawn", s.ID)
		}
	}
	m, r = sample(t, "generated-1000")
	p, err = Tiers(m, r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	others := false
	scene.Walk(p.Items, func(it scene.Item) {
		if g, ok := it.(*scene.Group); ok && g.ID == "segment:others" {
			others = true
		}
	})
	if !others {
		t.Error("the 1000-node map's segments do not fit one slide, yet no row sums the rest")
	}
}

func TestChartsRefuseMissingInput(t *testing.T) {
	for name, draw := range charts {
		if _, err := draw(nil, nil, Options{}); err == nil {
			t.Errorf("%s: no error without a map and report", name)
		}
	}
}
