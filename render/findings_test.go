package render

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/render/scene"
)

// --insights numbers the report's top findings: a marker with the number on
// every drawn node a finding concerns, a side column with each headline and
// its amount at stake, and the top finding as the page's headline.
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
		if !strings.HasPrefix(row, in.Headline+"|") {
			t.Errorf("finding %d: column row %q, want the headline %q", n, row, in.Headline)
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
