package deck

import (
	"slices"
	"strings"
	"testing"
)

// The weak-spot slide's map: the nodes of the findings and every supply
// line upstream of them to the company, nothing else (no supplier of the
// company, no segment no finding names, no product).
func TestWeakPart(t *testing.T) {
	m, r := sample(t, "hybrid")
	part := weakPart(m, r.Insights[:5])
	var ids []string
	for _, n := range part.Nodes {
		ids = append(ids, n.ID)
	}
	slices.Sort(ids)
	// 1 concentration: homeowners; 2 hvac-nord carries developers; 3 three
	// sellers compete for homeowners; 4 filters for homeowners; 5 the
	// export agent carries export. Upstream of them: klima-sued (through
	// installers-net), marktplatz, voltair.
	want := "developers export export-agent homeowners hvac-nord installers-net klima-sued marktplatz voltair"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("weak part nodes\n got %s\nwant %s", got, want)
	}
	for _, e := range part.Edges {
		if e.Kind != "supplies" {
			t.Errorf("edge %s in the weak part", e.Key())
		}
	}
	// voltair into homeowners, marktplatz, hvac-nord, klima-sued and the
	// export agent; marktplatz and installers-net into homeowners; hvac-nord
	// and klima-sued into installers-net; hvac-nord into developers; the
	// agent into export. Not the partnership of hvac-nord and installers-net.
	if len(part.Edges) != 11 {
		t.Errorf("%d supplies edges in the weak part, want the 11 among its nodes", len(part.Edges))
	}
	if whole := weakPart(m, nil); whole != m {
		t.Error("without findings the weak part is not the whole map")
	}
}
