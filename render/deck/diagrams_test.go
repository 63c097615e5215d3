package deck

import (
	"context"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/render"
	"github.com/chanmap/chanmap/render/scene"
)

// realDeck builds the deck of a sample with the real diagrams.
func realDeck(t testing.TB, name string, o Options) ([]*scene.Page, *graph.Map) {
	t.Helper()
	m, r := sample(t, name)
	pages, err := Build(m, r, o, Diagrams(context.Background(), render.NewInProcess(), render.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	return pages, m
}

func TestRealDiagramsFitTheMinimumFont(t *testing.T) {
	pages, _ := realDeck(t, "hybrid", Options{Without: []string{"hvac-nord"}})
	for i, p := range pages {
		if s := p.SmallestText(); s < 12 {
			t.Errorf("page %d (%s): text at %g pt, under the 12 pt minimum", i+1, p.Title, s)
		}
	}
	// The weak-spot slide numbers at least the top three findings on the map.
	numbered := map[string]bool{}
	scene.Walk(pages[7].Items, func(it scene.Item) {
		if b, ok := it.(*scene.Box); ok && strings.HasPrefix(b.ID, "callout:") {
			numbered[strings.SplitN(b.ID, ":", 3)[1]] = true
		}
	})
	for _, n := range []string{"1", "2", "3"} {
		if !numbered[n] {
			t.Errorf("the weak-spot slide (%s) has no marker for finding %s", pages[7].Title, n)
		}
	}
}

// The 1000-node generated map: the overview folds to fit the minimum font;
// a page that cannot hold it (a focus on a segment with many accounts) says
// on the page how small its text is.
func TestRealDiagramsLargeMap(t *testing.T) {
	if testing.Short() {
		t.Skip("the 1000-node deck in -short mode")
	}
	pages, _ := realDeck(t, "generated-1000", Options{Segments: 10})
	if s := pages[1].SmallestText(); s < 12 {
		t.Errorf("the overview (%s): text at %g pt, under the 12 pt minimum", pages[1].Title, s)
	}
	for i, p := range pages {
		if s := p.SmallestText(); s < 12 && !strings.Contains(allText(p), "too much for one page") {
			t.Errorf("page %d (%s): text at %g pt, under the 12 pt minimum, and the page does not say so", i+1, p.Title, s)
		}
	}
}
