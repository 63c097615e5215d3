package mapio_test

import (
	"bytes"
	"github.com/chanmap/chanmap/graph/mapio"
	"reflect"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

func TestWarnings(t *testing.T) {
	cases := []struct {
		name string
		line int
		text string
		want []graph.Warning // without lines
	}{
		{"near-miss node field", 6, "  - {id: seg, kind: segment, name: Seg, revnue: 100}",
			[]graph.Warning{{Pointer: "/nodes/2/revnue", Message: `node seg: unknown field "revnue" is kept as a free attribute; did you mean revenue?`}}},
		{"two letters off", 6, "  - {id: seg, kind: segment, name: Seg, cost_to_srv: 100}",
			[]graph.Warning{{Pointer: "/nodes/2/cost_to_srv", Message: `node seg: unknown field "cost_to_srv" is kept as a free attribute; did you mean cost_to_serve?`}}},
		{"near-miss edge field", 11, "  - {from: dist, to: seg, kind: supplies, shar: 0.5}",
			[]graph.Warning{{Pointer: "/edges/1/shar", Message: `edge dist--supplies--seg: unknown field "shar" is kept as a free attribute; did you mean share?`}}},
		// "age" is 2 edits from "tags" but that is half its length: a real attribute.
		{"short attribute is no typo", 6, "  - {id: seg, kind: segment, name: Seg, age: 12, owner: Kim}", nil},
		// 0.6 is all dist buys: 40 % of what it sells comes from nowhere.
		{"share shortfall", 10, "  - {from: co, to: dist, kind: supplies, margin: 0.2, share: 0.6}",
			[]graph.Warning{{Pointer: "/edges/0/share", Message: "Dist (dist): its inbound shares sum to 0.6, so 40 % of its sales come from nowhere; share is the fraction of the buyer's purchases that come through an edge"}}},
		// An edge without a share takes what the others leave: no shortfall.
		{"unshared edge takes the rest", 12, "  - {from: co, to: seg, kind: supplies, share: 0.3}", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := withLine(c.line, c.text)
			m, err := mapio.Read([]byte(src), "w.yaml")
			if err != nil {
				t.Fatal(err)
			}
			got := graph.Warnings(m)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("warnings %+v, want %+v", got, c.want)
			}
			for _, w := range mapio.FileWarnings([]byte(src), "w.yaml", m) {
				if w.Line != c.line {
					t.Errorf("warning %q on line %d, want %d", w.Message, w.Line, c.line)
				}
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"revenue", "revenue", 0}, {"revnue", "revenue", 1}, {"reveneu", "revenue", 2}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"prefer", "prefers", 1}} {
		if got := graph.EditDistance(c.a, c.b); got != c.d {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

func TestNearest(t *testing.T) {
	known := []string{"homeowners", "hvac-nord", "installers", "installers-net", "klima-sued"}
	for _, c := range []struct {
		id   string
		want []string
	}{
		{"homeowner", []string{"homeowners"}},
		{"hvac-nrd", []string{"hvac-nord"}},
		// installer is 1 from installers and contained in installers-net.
		{"installer", []string{"installers", "installers-net"}},
		{"zzz", nil},
	} {
		if got := graph.Nearest(c.id, known, 3); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Nearest(%q) = %q, want %q", c.id, got, c.want)
		}
	}
	if got := graph.DidYouMean("homeowner", known); got != "; did you mean homeowners?" {
		t.Errorf("DidYouMean = %q", got)
	}
}

func TestPercentFractions(t *testing.T) {
	// "15 %" and "15%" are 0.15 for margin, share and gross_margin, as in a
	// spreadsheet; elsewhere a percentage stays an error.
	src := withLine(10, `  - {from: co, to: dist, kind: supplies, margin: "15 %", share: 100%}`)
	src = strings.Replace(src, "name: Seg}", "name: Seg, gross_margin: 35%}", 1)
	m, err := mapio.Read([]byte(src), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, n := m.Edges[0], m.Node("seg")
	if *e.Margin != 0.15 || *e.Share != 1 || *n.GrossMargin != 0.35 {
		t.Errorf("margin %v, share %v, gross_margin %v", *e.Margin, *e.Share, *n.GrossMargin)
	}
	_, err = mapio.Read([]byte(strings.Replace(src, "name: Seg,", "name: Seg, revenue: 15%,", 1)), "p.yaml")
	if err == nil || !strings.Contains(err.Error(), "revenue must be a number") {
		t.Errorf("a percentage revenue: %v", err)
	}
}

func TestNewFieldsRoundTrip(t *testing.T) {
	// gross_margin on a segment and in classification, source and as_of on the
	// map survive YAML and JSON writing, Clone, Equal and Diff.
	src := "id: t\ntitle: T\ncurrency: EUR\nsource: FY2025 controlling\nas_of: 2025-12-31\nnodes:\n" +
		"  - {id: co, kind: company, name: Co}\n  - {id: seg, kind: segment, name: Seg, revenue: 10, cost_to_serve: 1, gross_margin: 0.3}\n" +
		"edges:\n  - {from: co, to: seg, kind: supplies}\nclassification:\n  gross_margin: 0.42\n"
	m, err := mapio.Read([]byte(src), "r.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if m.Source != "FY2025 controlling" || m.AsOf != "2025-12-31" || *m.Classification.GrossMargin != 0.42 || *m.Node("seg").GrossMargin != 0.3 {
		t.Fatalf("read %+v", m)
	}
	for _, w := range []func(*bytes.Buffer, *graph.Map) error{
		func(b *bytes.Buffer, m *graph.Map) error { return mapio.WriteYAML(b, m) },
		func(b *bytes.Buffer, m *graph.Map) error { return mapio.WriteJSON(b, m) },
	} {
		var b bytes.Buffer
		if err := w(&b, m); err != nil {
			t.Fatal(err)
		}
		back, err := mapio.Read(b.Bytes(), "back")
		if err != nil {
			t.Fatalf("%v\n%s", err, b.Bytes())
		}
		if !graph.Equal(m, back) {
			t.Errorf("round trip changed the map:\n%s", b.Bytes())
		}
	}
	c := m.Clone()
	*c.Classification.GrossMargin = 0.5
	c.AsOf = "2026-01-01"
	if graph.Equal(m, c) {
		t.Error("Equal ignores gross_margin and as_of")
	}
	next, err := graph.ApplyChanges(m, graph.Diff(m, c))
	if err != nil || !graph.Equal(next, c) {
		t.Errorf("Diff does not carry the map's gross_margin and as_of: %v", err)
	}
}
