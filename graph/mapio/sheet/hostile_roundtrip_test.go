package sheet_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/graph/mapio/sheet"
)

// hostileTexts are values a format could misread: YAML specials, numbers
// and booleans as text, formulas, quotes, separators, line breaks, scripts.
var hostileTexts = []string{
	"12", "true", "FALSE", "1e5", "0x1F", "007", "-5", "18%", "1,200", "1.200,50", "3.14", " 42 ", "null", "~", "yes",
	"=SUM(A1)", "+49 30", "@at", "'quoted", "''", "-dash", "a;b", "a, b", "\"q\"", "multi\nline", "tab\there",
	" leading", "trailing ", "Müller & Söhne", "🚀", "مرحبا", "\u200bzero", "line\u2028sep", "<script>x</script>",
	"#hash", "a: b", "[x]", "{y}", "*star", "&amp", "!tag", "|pipe", ">fold", "%pct", "back\\slash",
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// randomText is a hostile text or random runes over an awkward alphabet.
func randomText(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return pick(r, hostileTexts)
	}
	alphabet := []rune("aZ09 -_:#,;[]{}&*!|>'\"%@`?~=<.\\/\t\n+éü🚀\u2028")
	rs := make([]rune, 1+r.IntN(10))
	for i := range rs {
		rs[i] = pick(r, alphabet)
	}
	s := string(rs)
	if strings.TrimSpace(s) == "" {
		s = "x" + s
	}
	return s
}

// randomItem is a valid list item.
func randomItem(r *rand.Rand) string {
	s := strings.TrimSpace(strings.ReplaceAll(randomText(r), ";", ","))
	if s == "" {
		return "item"
	}
	return s
}

func randomFigure(r *rand.Rand) *float64 {
	v := []float64{0, 1, 0.1 + 0.2, 1e-7, 2400000.75, graph.MaxFigure, r.Float64() * 1e9, float64(r.IntN(100000))}[r.IntN(8)]
	return &v
}

// randomCount is a whole figure across its range (customers must be whole).
func randomCount(r *rand.Rand) *float64 {
	v := []float64{0, 1, 1200, graph.MaxFigure, float64(r.IntN(100000))}[r.IntN(5)]
	return &v
}

// randomMap is a valid map with hostile text in every text field, list and
// attribute, figures across their range and an empty or hostile title.
func randomMap(r *rand.Rand, id string) *graph.Map {
	m := &graph.Map{ID: id, Currency: "EUR"}
	if r.IntN(3) > 0 {
		m.Title = randomText(r)
	}
	attrs := func() map[string]any {
		a := map[string]any{}
		for i := 0; i < r.IntN(4); i++ {
			var v any
			switch r.IntN(4) {
			case 0:
				v = *randomFigure(r)
			case 1:
				v = r.IntN(2) == 0
			default:
				v = randomText(r)
			}
			a[fmt.Sprintf("attr_%d", r.IntN(6))] = v
		}
		if len(a) == 0 {
			return nil
		}
		return a
	}
	list := func() []string {
		var l []string
		for i := 0; i < r.IntN(3); i++ {
			l = append(l, randomItem(r))
		}
		return l
	}
	m.Nodes = append(m.Nodes, &graph.Node{ID: "co", Kind: graph.KindCompany, Name: randomText(r), Description: randomText(r), Tags: list(), Attrs: attrs()})
	m.Nodes = append(m.Nodes, &graph.Node{ID: "pr", Kind: graph.KindProduct, Name: randomText(r), ReplacementMonths: f(1 + float64(r.IntN(120)))})
	for i := 0; i < 1+r.IntN(4); i++ {
		d := fmt.Sprintf("d%d", i)
		s := fmt.Sprintf("s%d", i)
		tp := fmt.Sprintf("t%d", i)
		m.Nodes = append(m.Nodes,
			&graph.Node{ID: d, Kind: graph.KindDistributor, Name: randomText(r), Region: randomText(r), Tags: list(), Attrs: attrs()},
			&graph.Node{ID: s, Kind: graph.KindSegment, Name: randomText(r), Needs: randomText(r), Revenue: randomFigure(r),
				CostToServe: randomFigure(r), Customers: randomCount(r), Scores: map[string]float64{"growth": float64(r.IntN(101))}, Attrs: attrs()},
			&graph.Node{ID: tp, Kind: graph.KindTouchpoint, Name: randomText(r), Channel: "web", Purpose: randomText(r)},
		)
		margin := float64(r.IntN(100)) / 100
		m.Edges = append(m.Edges,
			&graph.Edge{From: "co", To: d, Kind: graph.EdgeSupplies, Delivery: "freight", Margin: &margin, Attrs: attrs()},
			&graph.Edge{From: d, To: s, Kind: graph.EdgeSupplies, Products: []string{"pr"}},
			&graph.Edge{From: d, To: s, Kind: graph.EdgeSupports, Services: list(), Why: randomText(r)},
			&graph.Edge{From: s, To: tp, Kind: graph.EdgeUses, Purpose: randomText(r)},
			&graph.Edge{From: "co", To: d, Kind: graph.EdgePartnersWith, What: randomText(r)},
		)
	}
	return m
}

// Every valid map goes through every format and back unchanged: YAML, JSON,
// XLSX, and CSV (which carries nodes and edges only; the map's id, title
// and currency come from the import options).
func TestEveryValidMapRoundTripsThroughEveryFormat(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 60; i++ {
		m := randomMap(r, fmt.Sprintf("map-%d", i))
		if err := graph.Validate(m); err != nil {
			t.Fatalf("map %d: the generator made an invalid map: %v", i, err)
		}
		var y, j bytes.Buffer
		if err := mapio.WriteYAML(&y, m); err != nil {
			t.Fatalf("map %d: YAML: %v", i, err)
		}
		if err := mapio.WriteJSON(&j, m); err != nil {
			t.Fatalf("map %d: JSON: %v", i, err)
		}
		for name, data := range map[string][]byte{"yaml": y.Bytes(), "json": j.Bytes()} {
			got, err := mapio.Read(data, "m."+name)
			if err != nil || !graph.Equal(got, m) {
				t.Fatalf("map %d: %s round trip: %v\n%s", i, name, err, diffOrEmpty(got, m))
			}
		}
		var xb bytes.Buffer
		if err := sheet.WriteXLSX(&xb, m); err != nil {
			t.Fatalf("map %d: XLSX export of a valid map: %v", i, err)
		}
		got, err := sheet.ReadXLSX(bytes.NewReader(xb.Bytes()), "m.xlsx", sheet.Options{})
		if err != nil || !graph.Equal(got, m) {
			t.Fatalf("map %d: XLSX round trip: %v\n%s", i, err, diffOrEmpty(got, m))
		}
		var nb, eb bytes.Buffer
		if err := sheet.WriteCSV(&nb, &eb, m); err != nil {
			t.Fatalf("map %d: CSV export of a valid map: %v", i, err)
		}
		got, err = sheet.ReadCSV(bytes.NewReader(nb.Bytes()), bytes.NewReader(eb.Bytes()), "n.csv", "e.csv", metaOptions(m))
		want := *m
		if want.Title == "" && got != nil {
			want.Title = got.Title // CSV tables carry no title; the import names one
		}
		if err != nil || !graph.Equal(got, &want) {
			t.Fatalf("map %d: CSV round trip: %v\n%s", i, err, diffOrEmpty(got, &want))
		}
	}
}

func diffOrEmpty(got, want *graph.Map) string {
	if got == nil {
		return ""
	}
	return firstDiff(got, want)
}

func f(v float64) *float64 { return &v }
