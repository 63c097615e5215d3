package deck

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render"
	"github.com/chanmap/chanmap/render/scene"
)

// TestHeadlinesWhole: on every slide of the three samples' decks (real
// diagrams, a what-if slide too), the headline is there whole: the title
// as drawn reads the page's title, the title slide's box reads the top
// finding, each numbered finding of the weak-spot slide reads its short
// form and amount, each row of the findings table its headline; none of
// them ends in "…", and none is under the minimum font.
func TestHeadlinesWhole(t *testing.T) {
	for _, name := range []string{"hybrid", "industrial", "generated-1000"} {
		t.Run(name, func(t *testing.T) {
			if name == "generated-1000" && testing.Short() {
				t.Skip("the 1000-node deck in -short mode")
			}
			m, r, pages := sampleDeck(t, name)
			byHeadline, byID := map[string]analysis.Insight{}, map[string]analysis.Insight{}
			for _, in := range r.Insights {
				byHeadline[in.Headline], byID[in.ID] = in, in
			}
			seen := map[string]int{}
			for i, p := range pages {
				where := fmt.Sprintf("%s page %d (%s)", m.ID, i+1, p.Title)
				if got := titleAsDrawn(p); got != p.Title {
					t.Errorf("%s: the title reads %q", where, got)
				}
				scene.Walk(p.Items, func(it scene.Item) {
					g, ok := it.(*scene.Group)
					if !ok {
						return
					}
					var want string
					var min float64 = 12
					switch {
					case g.ID == "headline":
						want = r.Insights[0].Headline
					case strings.HasPrefix(g.ID, "finding:"):
						in := byHeadline[g.Title]
						want = in.Short
						min = p.SmallestText() // the drawing's own scale; a page under the minimum says so
					case strings.HasPrefix(g.ID, "row:") && strings.HasPrefix(p.Title, "Findings ranked by money"):
						want = byID[strings.TrimPrefix(g.ID, "row:")].Headline
					default:
						return
					}
					seen[strings.SplitN(g.ID, ":", 2)[0]]++
					got := textOf(g)
					if want == "" || !strings.Contains(got, want) || strings.Contains(got, "…") {
						t.Errorf("%s: %s reads %q, want %q whole", where, g.ID, got, want)
					}
					if s := smallest(g); s < min-0.01 {
						t.Errorf("%s: %s at %.1f pt", where, g.ID, s)
					}
				})
			}
			if seen["headline"] != 1 || seen["finding"] < 3 || seen["row"] != len(r.Insights) {
				t.Errorf("%s: checked %d title-slide headlines (want 1), %d numbered findings (want 3 or more), %d table rows (want %d)",
					m.ID, seen["headline"], seen["finding"], seen["row"], len(r.Insights))
			}
		})
	}
}

// sampleDeck is the deck of a sample with real diagrams, 10 focus slides
// and a what-if slide, built once for all tests.
func sampleDeck(t *testing.T, name string) (*graph.Map, *analysis.Report, []*scene.Page) {
	t.Helper()
	if d, ok := sampleDecks[name]; ok {
		return d.m, d.r, d.pages
	}
	m, r := sample(t, name)
	pages, err := Build(m, r, Options{Segments: 10, Without: partnersOf(r, 1)}, Diagrams(context.Background(), render.NewInProcess(), render.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	sampleDecks[name] = struct {
		m     *graph.Map
		r     *analysis.Report
		pages []*scene.Page
	}{m, r, pages}
	return m, r, pages
}

var sampleDecks = map[string]struct {
	m     *graph.Map
	r     *analysis.Report
	pages []*scene.Page
}{}

// TestWeakSpotSlideNamesSegments: the weak-spot slide of every sample draws
// each segment its numbered findings concern in a box of its own, and
// numbers at least three findings; where its text is under the minimum
// font, the slide says so.
func TestWeakSpotSlideNamesSegments(t *testing.T) {
	for _, name := range []string{"hybrid", "industrial", "generated-1000"} {
		t.Run(name, func(t *testing.T) {
			if name == "generated-1000" && testing.Short() {
				t.Skip("the 1000-node deck in -short mode")
			}
			m, r, pages := sampleDeck(t, name)
			var p *scene.Page
			for _, pg := range pages {
				if pg.Title == "Where the map is weak" {
					p = pg
				}
			}
			if p == nil {
				t.Fatal("no weak-spot slide")
			}
			drawn, numbered := map[string]bool{}, map[string]bool{}
			scene.Walk(p.Items, func(it scene.Item) {
				if g, ok := it.(*scene.Group); ok {
					if id, ok := strings.CutPrefix(g.ID, "node:"); ok {
						drawn[id] = true
					}
					if n, ok := strings.CutPrefix(g.ID, "finding:"); ok {
						numbered[n] = true
					}
				}
			})
			if len(numbered) < 3 {
				t.Errorf("%d findings numbered, want at least 3", len(numbered))
			}
			for i, in := range r.Insights[:len(numbered)] {
				for _, id := range in.Nodes {
					if n := m.Node(id); n != nil && n.Kind == graph.KindSegment && !drawn[id] {
						t.Errorf("finding %d (%s): segment %s is not drawn by name", i+1, in.ID, id)
					}
				}
			}
			if s := p.SmallestText(); s < 12 && !strings.Contains(allText(p), "too much for one page") {
				t.Errorf("text at %.1f pt and the slide does not say so", s)
			}
		})
	}
}

// titleAsDrawn joins the lines drawn at the page's largest text size: the
// title, however many lines it wraps to.
func titleAsDrawn(p *scene.Page) string {
	big := 0.0
	scene.Walk(p.Items, func(it scene.Item) {
		for _, s := range linesOf(it) {
			big = math.Max(big, s.Size)
		}
	})
	var parts []string
	scene.Walk(p.Items, func(it scene.Item) {
		for _, s := range linesOf(it) {
			if s.Size == big {
				parts = append(parts, s.Text)
			}
		}
	})
	return strings.Join(parts, " ")
}

func linesOf(it scene.Item) []scene.Span {
	switch v := it.(type) {
	case *scene.Box:
		return v.Lines
	case *scene.Text:
		return v.Lines
	}
	return nil
}

func textOf(g *scene.Group) string {
	var parts []string
	scene.Walk(g.Items, func(it scene.Item) {
		for _, s := range linesOf(it) {
			parts = append(parts, s.Text)
		}
	})
	return strings.Join(parts, " ")
}

func smallest(g *scene.Group) float64 {
	s := math.Inf(1)
	scene.Walk(g.Items, func(it scene.Item) {
		for _, sp := range linesOf(it) {
			s = math.Min(s, sp.Size)
		}
	})
	return s
}

// A headline too long for its lines gets smaller, never under the minimum
// font, and is never cut; a short one keeps its size.
func TestFitLinesNeverCuts(t *testing.T) {
	long := strings.Repeat("Kiel Handelshaus SA carries every sale to Mid-size dairies in Poznan and more ", 6)
	long = strings.TrimSpace(long)
	lines, size := fitLines(long, 22, 12, 800, 3)
	if size != 12 || strings.Join(lines, " ") != long {
		t.Errorf("long headline at %g pt in %d lines: %q", size, len(lines), strings.Join(lines, " | "))
	}
	mid := strings.Repeat("Small data centres in Kiel ", 12)
	lines, size = fitLines(strings.TrimSpace(mid), 22, 12, 800, 3)
	if size >= 22 || size < 12 || len(lines) > 3 {
		t.Errorf("a headline of four lines at 22 pt: %g pt, %d lines, want 3 lines a little smaller", size, len(lines))
	}
	if lines, size := fitLines("Small private landlords", 22, 12, 800, 3); size != 22 || len(lines) != 1 {
		t.Errorf("a short headline: %g pt, %d lines", size, len(lines))
	}
}
