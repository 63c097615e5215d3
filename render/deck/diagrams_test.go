package deck

import (
	"context"
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
}
