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
