package analysis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/testdata"
)

// readsMaps are the maps the projection is checked on: the samples as
// they are, and a generated map with a value in every field its kinds
// carry (and free attributes named like fields), so a field Analyze reads
// that Reads lacks changes some report.
func readsMaps(t *testing.T) map[string]*graph.Map {
	t.Helper()
	out := map[string]*graph.Map{}
	for _, name := range testdata.Names() {
		m, err := mapio.ReadFile(filepath.Join("..", "..", "testdata", "maps", name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = m
	}
	out["generated-filled"] = fillEveryField(gen.Generate(600, 7))
	return out
}

// reportsOf is the JSON of Analyze and of AnalyzeWithout (without the first
// two partners, costs scaled and fixed) of m, or the error.
func reportsOf(m *graph.Map, partners []string) string {
	var b bytes.Buffer
	add := func(r *Report, err error) {
		if err != nil {
			fmt.Fprintf(&b, "error: %v\n", err)
			return
		}
		j, err := json.Marshal(r)
		if err != nil {
			panic(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	add(Analyze(m))
	add(AnalyzeWithout(m, partners, WhatIfOptions{}))
	add(AnalyzeWithout(m, partners, WhatIfOptions{FixedCosts: true}))
	return b.String()
}

// The report of a map's projection on Reads is byte for byte the report of
// the whole map; and each name in Reads is needed: without it the report
// of the filled map changes.
func TestReadsProjection(t *testing.T) {
	maps := readsMaps(t)
	for name, m := range maps {
		t.Run(name, func(t *testing.T) {
			r, err := Analyze(m)
			if err != nil {
				t.Fatalf("the whole map: %v", err)
			}
			partners := make([]string, 0, 2)
			for _, p := range r.Partners {
				if len(partners) < 2 {
					partners = append(partners, p.ID)
				}
			}
			p, err := graph.Project(m, Reads)
			if err != nil {
				t.Fatal(err)
			}
			whole, projected := reportsOf(m, partners), reportsOf(p, partners)
			if whole != projected {
				t.Errorf("the reports of the projection on Reads differ from the whole map's:\nwhole:     %.2000s\nprojected: %.2000s", whole, projected)
			}
		})
	}

	m := maps["generated-filled"]
	r, err := Analyze(m)
	if err != nil {
		t.Fatal(err)
	}
	partners := []string{r.Partners[0].ID, r.Partners[1].ID}
	whole := reportsOf(m, partners)
	less := func(xs []string, x string) []string {
		return slices.DeleteFunc(slices.Clone(xs), func(s string) bool { return s == x })
	}
	var cuts []graph.Projection
	var names []string
	for _, f := range Reads.Map {
		p := Reads
		p.Map = less(p.Map, f)
		cuts, names = append(cuts, p), append(names, "map "+f)
	}
	for _, f := range Reads.Node {
		p := Reads
		p.Node = less(p.Node, f)
		cuts, names = append(cuts, p), append(names, "node "+f)
	}
	for _, f := range Reads.Edge {
		p := Reads
		p.Edge = less(p.Edge, f)
		cuts, names = append(cuts, p), append(names, "edge "+f)
	}
	noAttrs := Reads
	noAttrs.Attrs = false
	cuts, names = append(cuts, noAttrs), append(names, "free attributes")
	for i, p := range cuts {
		pm, err := graph.Project(m, p)
		if err != nil {
			t.Fatal(err)
		}
		if reportsOf(pm, partners) == whole {
			t.Errorf("without %s the report of the filled map is the same: Reads need not name it, or the map does not use it", names[i])
		}
	}
}

// fillEveryField gives every empty field of m, its nodes and edges a value
// within the field's range (shares so that a node's inbound shares still
// add up to 1), and names some free attributes like fields.
func fillEveryField(m *graph.Map) *graph.Map {
	s := graph.Fields()
	var product string
	for _, n := range m.Nodes {
		if n.Kind == graph.KindProduct {
			product = n.ID
			break
		}
	}
	for _, f := range s.Map {
		if graph.IsEmpty(f.Get(m)) {
			f.Set(m, "filled-"+f.Name)
		}
	}
	m.Currency = "EUR"
	if m.Classification == nil {
		m.Classification = &graph.Classification{}
	}
	c := m.Classification
	if c.GrossMargin == nil {
		c.GrossMargin = num(0.4)
	}
	if c.Indicators == nil || c.Indicators["customers"] == 0 {
		c.Indicators = map[string]float64{"profit": 0.4, "customers": 0.2, "growth": 0.2, "payment": 0.2}
	}
	if c.Tiers == nil {
		c.Tiers = map[string]float64{"tier1": 0.3, "tier2": 0.1, "tier3": 0}
	}
	for i, n := range m.Nodes {
		for _, f := range s.Node {
			if f.Carries(string(n.Kind)) && graph.IsEmpty(f.Get(n)) {
				f.Set(n, fillValue(f.Type, f.Values, f.Keys, f.Min, f.Max, product))
			}
		}
		if i%40 == 0 {
			n.Attrs = map[string]any{"revnue": 12.0, "colour": "blue"}
		}
	}
	missing := map[string][]*graph.Edge{}
	given := map[string]float64{}
	for i, e := range m.Edges {
		for _, f := range s.Edge {
			if f.Name == "share" || !f.Carries(string(e.Kind)) || !graph.IsEmpty(f.Get(e)) {
				continue
			}
			f.Set(e, fillValue(f.Type, f.Values, f.Keys, f.Min, f.Max, product))
		}
		if e.Kind == graph.EdgeSupplies {
			if e.Share == nil {
				missing[e.To] = append(missing[e.To], e)
			} else {
				given[e.To] += *e.Share
			}
		}
		if i%40 == 0 {
			e.Attrs = map[string]any{"shar": 0.5}
		}
	}
	for to, es := range missing {
		rest := max(0, 1-given[to]) / float64(len(es))
		for _, e := range es {
			e.Share = num(rest)
		}
	}
	return m
}

// fillValue is a value of a field of type t within its range.
func fillValue(t graph.FieldType, values, keys []string, lo, hi *float64, product string) any {
	mid := 1.0
	switch {
	case lo != nil && hi != nil:
		mid = (*lo + *hi) / 2
	case lo != nil:
		mid = *lo + 1
	}
	switch t {
	case graph.TypeEnum:
		return values[len(values)-1]
	case graph.TypeEnumList:
		return []string{values[0], values[len(values)-1]}
	case graph.TypeNodeRefList:
		return []string{product}
	case graph.TypeTextList:
		return []string{"filled"}
	case graph.TypeNumber, graph.TypeWhole:
		return num(mid)
	case graph.TypeScoreMap:
		if len(keys) == 0 {
			keys = []string{"growth", "payment"}
		}
		out := map[string]float64{}
		for _, k := range keys {
			out[k] = mid
		}
		return out
	}
	return "filled"
}
