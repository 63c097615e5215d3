package analysis

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
	"weak"

	"github.com/chanmap/chanmap/graph"
)

// stream hands m to b piece by piece, as a store streams a map: the head
// without nodes and edges, then every node, then every edge.
func stream(t *testing.T, b *Builder, m *graph.Map) {
	t.Helper()
	v := b.Visitor()
	head := *m
	head.Nodes, head.Edges = nil, nil
	if err := v.Head(&head); err != nil {
		t.Fatal(err)
	}
	for _, n := range m.Nodes {
		if err := v.Node(n); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range m.Edges {
		if err := v.Edge(e); err != nil {
			t.Fatal(err)
		}
	}
}

// refusedMaps are maps the analysis refuses, one for each way, with what
// its error says: figures past the limits, a node twice, a dangling
// supplies edge, shares over 1, a cycle, a supplies edge between kinds
// that cannot trade.
func refusedMaps() map[string]struct {
	m   *graph.Map
	why string
} {
	type refused = struct {
		m   *graph.Map
		why string
	}
	huge := seg("homes", 1.7e308, 0)
	return map[string]refused{
		"past the limits":  {mapOf([]*graph.Node{company("acme"), huge}, sup("acme", "homes")), "/nodes/1/revenue: revenue 1.7e+308 is outside the range of figures"},
		"a node twice":     {mapOf([]*graph.Node{company("acme"), seg("homes", 10, 1), seg("homes", 20, 1)}, sup("acme", "homes")), `node "homes" appears twice`},
		"dangling":         {mapOf([]*graph.Node{company("acme"), seg("homes", 10, 1)}, sup("acme", "homes"), sup("nobody", "homes")), `edge nobody--supplies--homes: no node "nobody"`},
		"shares over 1":    {mapOf([]*graph.Node{company("acme"), company("beta"), seg("homes", 10, 1)}, sup("acme", "homes", "s", 0.7), sup("beta", "homes", "s", 0.7)), "homes: the shares of its inbound supplies edges add up to 1.4, more than 1"},
		"a supplies cycle": {mapOf([]*graph.Node{company("acme"), org("a", graph.KindDistributor), org("b", graph.KindReseller)}, sup("acme", "a"), sup("a", "b"), sup("b", "a")), "supplies cycle: a -> b -> a"},
		"wrong pairing":    {mapOf([]*graph.Node{company("acme"), seg("homes", 10, 1), seg("firms", 10, 1)}, sup("acme", "homes"), sup("homes", "firms")), "edge homes--supplies--firms: a segment cannot supply a segment"},
	}
}

// warnedMap has every warning of the map itself: free attributes named
// like a field on a node and on an edge, and shares summing to less than
// 1 into a named node and into one without a name.
func warnedMap() *graph.Map {
	homes, firms := seg("homes", 900000, 1000), seg("firms", 500000, 1000)
	homes.Name, firms.Name = "Homes", ""
	homes.Attrs = map[string]any{"revenu": 5.0, "region_code": "x"}
	hub := org("hub", graph.KindDistributor)
	toHomes := sup("hub", "homes", "s", 0.4)
	toHomes.Attrs = map[string]any{"shar": 1.0}
	return mapOf([]*graph.Node{company("acme"), hub, homes, firms},
		sup("acme", "hub"), toHomes, sup("acme", "firms", "s", 0.25))
}

// TestBuilderIsAnalyze streams every kind of map into a Builder: its
// report is Analyze's, its warnings hold every warning of the map itself
// (graph.Warnings, on the whole map), and its error on every map the
// analysis refuses says what Analyze says, limits first. It keeps the
// head as read, every node's name, and of the edges only the supplies and
// supports edges, in map order.
func TestBuilderIsAnalyze(t *testing.T) {
	maps := variedMaps(t)
	why := map[string]string{}
	for name, r := range refusedMaps() {
		maps["refused: "+name] = r.m
		why["refused: "+name] = r.why
	}
	maps["warned"] = warnedMap()
	for name, m := range maps {
		want, werr := Analyze(m)
		b := NewBuilder()
		given := m.Clone()
		given.Version = 7
		stream(t, b, given)
		var gotN [3]int // supplies, supports, belongs_to edges taken
		if b.b.net != nil {
			for v := range b.b.nodes {
				gotN[0] += len(b.b.net.in[v])
				gotN[1] += len(b.b.supports[v])
			}
		}
		gotN[2] = len(b.b.belongs)
		got, err := b.Report()
		if (err != nil) != (werr != nil) || err != nil && err.Error() != werr.Error() {
			t.Fatalf("%s: the builder's error is %v, Analyze's %v", name, err, werr)
		}
		if w := why[name]; w != "" {
			if err == nil || !strings.HasPrefix(err.Error(), "analyze t: ") || !strings.Contains(err.Error(), w) {
				t.Fatalf("%s: error %v, want one that says %q", name, err, w)
			}
			continue
		}
		if err != nil {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the builder's report differs from Analyze's", name)
		}
		have := map[string]int{}
		for _, w := range got.Warnings {
			have[w]++
		}
		mapWarnings := graph.Warnings(m)
		if name == "warned" && len(mapWarnings) != 4 {
			t.Fatalf("the warned map has %d warnings of its own, want 4: %v", len(mapWarnings), mapWarnings)
		}
		for _, w := range mapWarnings {
			if have[w.Message] == 0 {
				t.Fatalf("%s: the report lacks the map's warning %q", name, w.Message)
			}
			have[w.Message]--
		}
		if h := b.Head(); h.ID != m.ID || h.Version != 7 || len(h.Nodes) != 0 {
			t.Fatalf("%s: the head read is %s@%d with %d nodes, want %s@7 with none", name, h.ID, h.Version, len(h.Nodes), m.ID)
		}
		for _, n := range m.Nodes {
			if got := b.Name(n.ID); got != n.Name {
				t.Fatalf("%s: node %s is named %q, want %q", name, n.ID, got, n.Name)
			}
		}
		if got := b.Name("no-such-node"); got != "" {
			t.Fatalf("%s: a node that is not there is named %q", name, got)
		}
		var wantN [3]int
		for _, e := range m.Edges {
			switch e.Kind {
			case graph.EdgeSupplies:
				wantN[0]++
			case graph.EdgeSupports:
				wantN[1]++
			case graph.EdgeBelongsTo:
				wantN[2]++
			}
		}
		if gotN != wantN {
			t.Fatalf("%s: the builder took %v supplies, supports and belongs_to edges, want %v", name, gotN, wantN)
		}
	}
}

// TestBuilderRefusesPiecesOutOfOrder: a stream that breaks the visitor's
// order, or a builder used twice, is an error, never a report of part of a
// map.
func TestBuilderRefusesPiecesOutOfOrder(t *testing.T) {
	m := mapOf([]*graph.Node{company("acme"), seg("homes", 10, 1)}, sup("acme", "homes"))
	cases := map[string]func(v graph.MapVisitor) error{
		"a node first": func(v graph.MapVisitor) error { return v.Node(company("acme")) },
		"an edge first": func(v graph.MapVisitor) error {
			return v.Edge(sup("acme", "homes"))
		},
		"two heads": func(v graph.MapVisitor) error {
			if err := v.Head(&graph.Map{ID: "t"}); err != nil {
				return err
			}
			return v.Head(&graph.Map{ID: "u"})
		},
		"a node after an edge": func(v graph.MapVisitor) error {
			if err := v.Head(&graph.Map{ID: "t"}); err != nil {
				return err
			}
			if err := v.Node(company("acme")); err != nil {
				return err
			}
			if err := v.Edge(sup("acme", "acme")); err != nil {
				return err
			}
			return v.Node(seg("homes", 10, 1))
		},
	}
	for name, feed := range cases {
		if err := feed(NewBuilder().Visitor()); err == nil || !strings.HasPrefix(err.Error(), "analyze: ") {
			t.Errorf("%s: error %v, want one that says the analysis refused it", name, err)
		}
	}
	if _, err := NewBuilder().Report(); err == nil {
		t.Error("a builder given nothing made a report")
	}
	b := NewBuilder()
	stream(t, b, m)
	if _, err := b.Report(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Report(); err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("a second report from one builder: error %v", err)
	}
}

// TestBuilderHoldsNoPiece: the builder keeps no node and no edge it is
// given, only what it reads of them, so a big map streamed into it is
// never held: once the stream has let go of a piece, the collector frees
// it, while the builder is still to make its report.
func TestBuilderHoldsNoPiece(t *testing.T) {
	m := variedMaps(t)["generated 0"]
	kinds := map[graph.EdgeKind]int{}
	for _, e := range m.Edges {
		kinds[e.Kind]++
	}
	for _, k := range []graph.EdgeKind{graph.EdgeSupplies, graph.EdgeSupports, graph.EdgeBelongsTo, graph.EdgeUses} {
		if kinds[k] == 0 {
			t.Fatalf("the generated map has no %s edge: %v", k, kinds)
		}
	}
	want, err := Analyze(m)
	if err != nil {
		t.Fatal(err)
	}
	b := NewBuilder()
	nodes, edges := streamWeakly(t, b, m.Clone())
	runtime.GC()
	live := 0
	for _, n := range nodes {
		if n.Value() != nil {
			live++
		}
	}
	for _, e := range edges {
		if e.Value() != nil {
			live++
		}
	}
	if live > 0 {
		t.Fatalf("the builder holds %d of the %d nodes and edges it was given", live, len(nodes)+len(edges))
	}
	got, err := b.Report()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("the report of the pieces let go differs from Analyze's")
	}
}

// streamWeakly is stream, letting go of each piece as it hands it over,
// and returns weak pointers to the pieces.
func streamWeakly(t *testing.T, b *Builder, m *graph.Map) ([]weak.Pointer[graph.Node], []weak.Pointer[graph.Edge]) {
	t.Helper()
	nodes := make([]weak.Pointer[graph.Node], len(m.Nodes))
	for i, n := range m.Nodes {
		nodes[i] = weak.Make(n)
	}
	edges := make([]weak.Pointer[graph.Edge], len(m.Edges))
	for i, e := range m.Edges {
		edges[i] = weak.Make(e)
	}
	stream(t, b, m)
	clear(m.Nodes)
	clear(m.Edges)
	return nodes, edges
}
