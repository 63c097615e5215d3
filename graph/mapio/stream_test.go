package mapio_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/testdata"
)

// streamed writes m through the streaming encoder.
func streamed(t *testing.T, m *graph.Map, f mapio.Format) []byte {
	t.Helper()
	var b bytes.Buffer
	enc, err := mapio.NewEncoder(&b, f)
	if err != nil {
		t.Fatal(err)
	}
	if err := graph.WalkMap(m, enc.Visitor()); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A map written as it is read is byte for byte the file written whole, in
// both formats: every sample, a map with no nodes or edges, nodes but no
// edges, and one with a classification.
func TestStreamedEqualsWhole(t *testing.T) {
	maps := map[string]*graph.Map{
		"empty":    {ID: "empty", Title: "Nothing yet"},
		"no-edges": {ID: "lone", Nodes: []*graph.Node{{ID: "co", Kind: graph.KindCompany, Name: "Co"}}},
	}
	for _, name := range testdata.Names() {
		maps[name] = mustRead(t, testdata.Sample(name), name)
	}
	withCl := mustRead(t, testdata.Sample("industrial"), "industrial")
	gm := 0.4
	withCl.Classification = &graph.Classification{Tiers: map[string]float64{"tier1": 0.3}, GrossMargin: &gm,
		Scorecard: map[string][]string{"sales": {"revenue", "growth"}}}
	maps["classified"] = withCl
	for name, m := range maps {
		t.Run(name, func(t *testing.T) {
			if got, want := streamed(t, m, mapio.YAML), writeYAML(t, m); !bytes.Equal(got, want) {
				t.Errorf("streamed YAML differs from WriteYAML:\n%s\n---\n%s", got, want)
			}
			if got, want := streamed(t, m, mapio.JSON), writeJSON(t, m); !bytes.Equal(got, want) {
				t.Errorf("streamed JSON differs from WriteJSON:\n%s\n---\n%s", got, want)
			}
		})
	}
}

// Pieces out of order are an error, not a malformed file; tables and
// workbooks are not streamed.
func TestEncoderRefusesDisorder(t *testing.T) {
	var b bytes.Buffer
	enc, _ := mapio.NewEncoder(&b, mapio.YAML)
	if err := enc.Node(&graph.Node{ID: "x"}); err == nil {
		t.Error("a node before the map's fields was accepted")
	}
	if err := enc.Close(); err == nil || !strings.Contains(err.Error(), "no map") {
		t.Errorf("closing before any map: %v", err)
	}
	enc, _ = mapio.NewEncoder(&b, mapio.JSON)
	_ = enc.Head(&graph.Map{ID: "m"})
	_ = enc.Edge(&graph.Edge{From: "a", To: "b", Kind: graph.EdgeSupplies})
	if err := enc.Node(&graph.Node{ID: "late"}); err == nil {
		t.Error("a node after an edge was accepted")
	}
	for _, f := range []mapio.Format{mapio.CSV, mapio.XLSX, "toml"} {
		if _, err := mapio.NewEncoder(&b, f); err == nil {
			t.Errorf("NewEncoder(%s) gave no error", f)
		}
	}
}
