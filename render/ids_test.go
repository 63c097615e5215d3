package render

import (
	"bytes"
	"context"
	"encoding/xml"
	"testing"
)

// The page finds what was clicked by the SVG group ids "node:ID" and
// "edge:KEY". Every drawn node and edge must carry one, including two edges
// of the same pair of nodes, which share Graphviz's "from->to" title.
func TestSVGCarriesNodeAndEdgeIDs(t *testing.T) {
	m := readMap(t, "hybrid")
	svg, err := SVG(context.Background(), NewInProcess(), m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "g" {
			for _, a := range se.Attr {
				if a.Name.Local == "id" {
					ids[a.Value] = true
				}
			}
		}
	}
	for _, n := range m.Nodes {
		if n.Kind == "product" {
			continue // products are named in labels, not drawn as boxes
		}
		if !ids["node:"+n.ID] {
			t.Errorf("no <g id=%q> in the SVG", "node:"+n.ID)
		}
	}
	for _, e := range m.Edges {
		if !ids["edge:"+e.Key()] {
			t.Errorf("no <g id=%q> in the SVG", "edge:"+e.Key())
		}
	}
}

func TestIsSlug(t *testing.T) {
	for s, want := range map[string]bool{
		"acme": true, "acme--supplies--nordic": true, "a_1-b": true,
		"": false, "-a": false, "_a": false, "Acme": false, `a"b`: false, "a b": false, "group:distributor": false,
	} {
		if got := isSlug(s); got != want {
			t.Errorf("isSlug(%q) = %v, want %v", s, got, want)
		}
	}
}
