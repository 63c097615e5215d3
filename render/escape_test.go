package render

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

// hostileNames are node names that try to break the DOT or put markup into
// the SVG. Each must show as exactly its text.
var hostileNames = []string{
	`Web shop & "Deals" <script>alert(1)</script>`,
	`back\slash \N \G \\ \" end\`,
	"two\nlines",
	"graph", "node", "subgraph", "strict", "digraph { a -> b }",
	`]]><!-- comment --><![CDATA[x]]>`,
	`&amp; &#60; &lt; entity-looking`,
	`'single' quotes and "double"`,
	"Café ☕ 🚀 naïve",
	"متجر الويب שלום",
	"<b>bold</b> <img src=x onerror=alert(1)>",
	strings.Repeat("Very long name with many words ", 8),
	strings.Repeat("x", 120),
}

func hostileMap() *graph.Map {
	m := &graph.Map{ID: "hostile", Title: `Title <script>alert("t")</script> & \ "q"`}
	m.Nodes = append(m.Nodes, &graph.Node{ID: "acme", Kind: graph.KindCompany, Name: "ACME"})
	// DOT keywords are valid slugs, so they can be node ids.
	keywords := []string{"graph", "node", "edge", "subgraph", "strict", "digraph"}
	for i, name := range hostileNames {
		id := "n" + string(rune('a'+i))
		if i < len(keywords) {
			id = keywords[i]
		}
		m.Nodes = append(m.Nodes, &graph.Node{ID: id, Kind: graph.KindSegment, Name: name, Market: "<i>" + name})
		m.Edges = append(m.Edges, &graph.Edge{From: "acme", To: id, Kind: graph.EdgeSupplies, Delivery: `"quoted" <x> \`})
	}
	// Ids that are not slugs (a store could hold anything) and a hostile region.
	m.Nodes = append(m.Nodes, &graph.Node{ID: `bad"id\`, Kind: graph.KindDistributor, Name: "Bad id", Region: `North" ] ; x [label="pwned`})
	m.Edges = append(m.Edges, &graph.Edge{From: "acme", To: `bad"id\`, Kind: graph.EdgeSupplies})
	return m
}

// svgNode is what an SVG node group holds: its tooltip and its text lines.
type svgNode struct {
	tooltip string
	texts   []string
}

// parseSVG parses SVG strictly and returns the node groups and every element
// name seen.
func parseSVG(t *testing.T, svg []byte) ([]svgNode, map[string]bool) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	elems := map[string]bool{}
	var nodes []svgNode
	depth, nodeDepth := 0, -1
	var cur *svgNode
	var inText bool
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			depth++
			elems[strings.ToLower(tk.Name.Local)] = true
			attr := func(name string) string {
				for _, a := range tk.Attr {
					if a.Name.Local == name {
						return a.Value
					}
				}
				return ""
			}
			if tk.Name.Local == "g" && attr("class") == "node" {
				nodes = append(nodes, svgNode{})
				cur, nodeDepth = &nodes[len(nodes)-1], depth
			}
			if cur != nil && tk.Name.Local == "a" && cur.tooltip == "" {
				cur.tooltip = attr("title")
			}
			if cur != nil && tk.Name.Local == "text" {
				inText = true
				text.Reset()
			}
		case xml.CharData:
			if inText {
				text.Write(tk)
			}
		case xml.EndElement:
			if inText && tk.Name.Local == "text" {
				cur.texts = append(cur.texts, text.String())
				inText = false
			}
			if depth == nodeDepth {
				cur, nodeDepth = nil, -1
			}
			depth--
		}
	}
	return nodes, elems
}

func TestHostileNamesShowAsText(t *testing.T) {
	m := hostileMap()
	dot, err := DOT(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "<b>", "<img", `pwned"`} {
		if bytes.Contains(dot, []byte(bad)) {
			t.Errorf("DOT contains raw user markup %q", bad)
		}
	}
	svg, err := SVG(context.Background(), NewInProcess(), m, Options{})
	if err != nil {
		t.Fatalf("hostile names broke the layout: %v", err)
	}
	nodes, elems := parseSVG(t, svg)
	for _, bad := range []string{"script", "b", "img", "i", "foreignobject", "iframe"} {
		if elems[bad] {
			t.Errorf("SVG contains a <%s> element", bad)
		}
	}
	if bytes.Contains(bytes.ToLower(svg), []byte("<script")) {
		t.Error("SVG contains <script")
	}
	byTooltip := map[string]svgNode{}
	for _, n := range nodes {
		byTooltip[n.tooltip] = n
	}
	for _, name := range hostileNames {
		n, ok := byTooltip[name]
		if !ok {
			t.Errorf("no node whose tooltip is exactly %q", name)
			continue
		}
		clean := cleanText(name, true)
		lines := wrap(name, nameWidth, nameLines)
		if len(n.texts) < len(lines) {
			t.Errorf("%q: SVG text %q, want lines %q", name, n.texts, lines)
			continue
		}
		if got := n.texts[:len(lines)]; strings.Join(got, "\n") != strings.Join(lines, "\n") {
			t.Errorf("%q: SVG shows %q, want %q", name, got, lines)
		}
		// Names that fit are shown whole: the lines join back to the name.
		if len([]rune(clean)) <= nameWidth*2 && !strings.Contains(clean, "  ") {
			if got := strings.Join(n.texts[:len(lines)], " "); got != strings.Join(strings.Fields(clean), " ") {
				t.Errorf("%q shows as %q", name, got)
			}
		}
	}
	if !strings.Contains(string(svg), `<title id="chanmap-title">Title &lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; &amp; \ &#34;q&#34;</title>`) {
		t.Errorf("SVG lacks the escaped accessible title")
	}
	// The hostile region stayed inside its label.
	if !strings.Contains(string(svg), `North&quot; ] ; x [label=&quot;pwned`) && !strings.Contains(string(svg), `North&#34; ] ; x [label=&#34;pwned`) {
		t.Errorf("hostile region not shown as text")
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		max   int
		want  []string
	}{
		{"Small contractors", 26, 3, []string{"Small contractors"}},
		{"Nordic Industrial Supply Company", 26, 3, []string{"Nordic Industrial Supply", "Company"}},
		{"aaaaaaaaaa", 4, 3, []string{"aaaa", "aaaa", "aa"}},
		{"aaaaaaaaaaaaaaa", 4, 3, []string{"aaaa", "aaaa", "aaa…"}},
		{"one two three four five six", 7, 2, []string{"one two", "three…"}},
		{"two\nlines", 26, 3, []string{"two lines"}},
		{"", 26, 3, nil},
		{"a\x00b\x7fc", 26, 3, []string{"abc"}},
		{"bad \xff utf8", 26, 3, []string{"bad \uFFFD utf8"}},
	} {
		got := wrap(tc.in, tc.width, tc.max)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("wrap(%q, %d, %d) = %q, want %q", tc.in, tc.width, tc.max, got, tc.want)
		}
	}
}

// FuzzNodeName checks that any name survives DOT and SVG as exactly its
// text: the layout succeeds, the SVG is well-formed XML without script, and
// the node's tooltip is the name.
//
//	go test ./render -run '^$' -fuzz FuzzNodeName -fuzztime 60s
func FuzzNodeName(f *testing.F) {
	for _, s := range hostileNames {
		f.Add(s)
	}
	f.Add("\x00\x01\x1b[31m")
	f.Add(`\`)
	f.Add(`&#92;N`)
	f.Fuzz(func(t *testing.T, name string) {
		if len(name) > 2000 {
			t.Skip()
		}
		m := &graph.Map{ID: "fuzz", Title: name, Nodes: []*graph.Node{
			{ID: "acme", Kind: graph.KindCompany, Name: "ACME"},
			{ID: "seg", Kind: graph.KindSegment, Name: name, Description: name, Market: name},
		}, Edges: []*graph.Edge{{From: "acme", To: "seg", Kind: graph.EdgeSupplies, Delivery: name}}}
		svg, err := SVG(context.Background(), NewInProcess(), m, Options{})
		if err != nil {
			t.Fatalf("name %q broke the layout: %v", name, err)
		}
		nodes, elems := parseSVG(t, svg)
		if elems["script"] || elems["foreignobject"] {
			t.Fatalf("name %q put markup into the SVG", name)
		}
		want := displayName(m.Nodes[1])
		if name != "" {
			want += "\n" + name
		}
		// Graphviz keeps runs of spaces visible by writing every second one
		// as a no-break space; that is the same text to a reader.
		nbsp := strings.NewReplacer("\u00a0", " ")
		want = nbsp.Replace(cleanText(want, false))
		found := false
		for _, n := range nodes {
			if nbsp.Replace(n.tooltip) == want {
				found = true
			}
		}
		if !found {
			t.Fatalf("no node tooltip equals %q", want)
		}
	})
}
