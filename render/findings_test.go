package render

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/render/scene"
)

// --insights numbers the report's top findings: a marker with the number on
// every drawn node a finding concerns, a side column with each finding's
// short form and its amount at stake, and the top finding as the page's
// headline.
func TestInsightsNumberTheTopFindings(t *testing.T) {
	m := readMap(t, "industrial")
	r := report(t, m)
	if len(r.Insights) < 3 {
		t.Fatalf("the industrial sample has %d findings; the test needs 3", len(r.Insights))
	}
	dr := draw(t, m, Options{Insights: 3, Report: r, Detail: true, Page: "none"})
	if dr.Page.Title != r.Insights[0].Headline {
		t.Errorf("page title %q, want the top finding %q", dr.Page.Title, r.Insights[0].Headline)
	}
	drawn := map[string]bool{}
	markers := map[string]bool{} // "N:node"
	column := map[int]string{}
	scene.Walk(dr.Page.Items, func(it scene.Item) {
		switch v := it.(type) {
		case *scene.Group:
			if id, ok := strings.CutPrefix(v.ID, "node:"); ok {
				drawn[id] = true
			}
			if n, ok := strings.CutPrefix(v.ID, "finding:"); ok {
				k, _ := strconv.Atoi(n)
				column[k] = v.Title
				var text []string
				scene.Walk(v.Items, func(it scene.Item) {
					if tx, ok := it.(*scene.Text); ok {
						for _, s := range tx.Lines {
							text = append(text, s.Text)
						}
					}
				})
				column[k] += "|" + strings.Join(text, " ")
			}
		case *scene.Box:
			if rest, ok := strings.CutPrefix(v.ID, "callout:"); ok {
				markers[rest] = true
				if len(v.Lines) != 1 || v.Lines[0].Text != strings.SplitN(rest, ":", 2)[0] {
					t.Errorf("marker %s reads %+v", v.ID, v.Lines)
				}
			}
		}
	})
	currency := *r.Currency
	for i, in := range r.Insights[:3] {
		n := i + 1
		row, ok := column[n]
		if !ok {
			t.Errorf("finding %d is not in the side column", n)
			continue
		}
		// The column shows the short form whole, then the amount.
		if !strings.HasPrefix(row, in.Headline+"|"+in.Short+" ") || strings.Contains(row, "…") {
			t.Errorf("finding %d: column row %q, want the headline %q as title and the short form %q whole", n, row, in.Headline, in.Short)
		}
		if in.AtStake != nil && !strings.Contains(row, compactMoney(currency, *in.AtStake)+" at stake") {
			t.Errorf("finding %d: column row %q lacks the amount at stake", n, row)
		}
		marked := 0
		for _, id := range in.Nodes {
			if drawn[id] {
				if !markers[strconv.Itoa(n)+":"+id] {
					t.Errorf("finding %d concerns drawn node %s, which has no marker %d", n, id, n)
				}
				marked++
			}
		}
		if marked == 0 {
			t.Errorf("finding %d (%v) marks no drawn node", n, in.Nodes)
		}
	}
	if _, ok := column[4]; ok {
		t.Error("a fourth finding is listed with --insights=3")
	}

	// A title given wins over the headline; without --insights nothing is numbered.
	if dr := draw(t, m, Options{Insights: 3, Report: r, Title: "Where the map is weak"}); dr.Page.Title != "Where the map is weak" {
		t.Errorf("title %q", dr.Page.Title)
	}
	scene.Walk(draw(t, m, Options{Report: r, WeakSpots: true}).Page.Items, func(it scene.Item) {
		if b, ok := it.(*scene.Box); ok && strings.HasPrefix(b.ID, "callout:") {
			t.Errorf("marker %s without --insights", b.ID)
		}
	})
}

// Findings about a supply line (a channel conflict, a single point of
// failure) are numbered on the line, at its middle, and not on the boxes
// at its ends; the other findings stay on their nodes.
func TestInsightsOnSupplyLines(t *testing.T) {
	m := readMap(t, "hybrid")
	r := report(t, m)
	dr := draw(t, m, Options{Insights: 5, Report: r, Detail: true, Page: "none"})
	type mark struct{ x, y float64 }
	markers := map[string]mark{} // "N:node" or "N:edge:KEY", centre
	lines := map[string][]scene.Point{}
	scene.Walk(dr.Page.Items, func(it scene.Item) {
		switch v := it.(type) {
		case *scene.Group:
			if key, ok := strings.CutPrefix(v.ID, "edge:"); ok {
				for _, c := range v.Items {
					if ln, ok := c.(*scene.Line); ok {
						lines[key] = ln.Points
					}
				}
			}
		case *scene.Box:
			if rest, ok := strings.CutPrefix(v.ID, "callout:"); ok {
				markers[rest] = mark{v.X + v.W/2, v.Y + v.H/2}
			}
		}
	})
	checked := 0
	for i, in := range r.Insights[:5] {
		n := strconv.Itoa(i + 1)
		var ends [][2]string
		switch in.Kind {
		case "channel_conflict":
			for _, s := range in.Nodes[1:] {
				ends = append(ends, [2]string{s, in.Nodes[0]})
			}
		case "single_point_of_failure":
			for _, s := range in.Nodes[1:] {
				ends = append(ends, [2]string{in.Nodes[0], s})
			}
		default:
			if _, ok := markers[n+":"+in.Nodes[0]]; !ok {
				t.Errorf("finding %s (%s) has no marker on its node %s", n, in.ID, in.Nodes[0])
			}
			continue
		}
		for _, e := range ends {
			key := e[0] + "--supplies--" + e[1]
			pts, drawn := lines[key]
			if !drawn {
				continue
			}
			checked++
			mk, ok := markers[n+":edge:"+key]
			if !ok {
				t.Errorf("finding %s (%s): no marker on the line %s", n, in.ID, key)
				continue
			}
			// The marker sits on the line, or just beside it where a box
			// covers the line.
			if off := fromLine(mk.x, mk.y, pts); off > markerEms*12 {
				t.Errorf("finding %s: marker on %s at (%.0f, %.0f) is %.0f pt off the line", n, key, mk.x, mk.y, off)
			}
			for _, id := range e {
				if _, ok := markers[n+":"+id]; ok {
					t.Errorf("finding %s is marked on the line %s and again on the node %s", n, key, id)
				}
			}
		}
	}
	if checked < 3 {
		t.Errorf("%d supply lines of findings checked; the hybrid's top five have a single point of failure and a channel conflict on drawn lines", checked)
	}
}

// fromLine is the distance from (x, y) to the nearest of a line's points
// (a Bézier chain when it has 3k+1 of them, as the drawing writes curves).
func fromLine(x, y float64, pts []scene.Point) float64 {
	best := math.Inf(1)
	for _, p := range sampleLine(pts, len(pts) >= 4 && (len(pts)-1)%3 == 0) {
		best = math.Min(best, math.Hypot(x-p.X, y-p.Y))
	}
	return best
}
