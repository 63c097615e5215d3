package render

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
)

const goldenDir = "../testdata/golden/render"

func readMap(t testing.TB, name string) *graph.Map {
	t.Helper()
	m, err := mapio.ReadFile(filepath.Join("..", "testdata", "maps", name+".yaml"))
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	return m
}

// goldenCase is one drawing checked against testdata/golden/render/NAME.{dot,svg}.
type goldenCase struct {
	name string
	m    func(t testing.TB) *graph.Map
	opt  Options
	mo   func(t testing.TB) (*graph.Map, Options) // instead of m and opt
}

func goldenCases() []goldenCase {
	file := func(n string) func(t testing.TB) *graph.Map {
		return func(t testing.TB) *graph.Map { return readMap(t, n) }
	}
	small := func(testing.TB) *graph.Map { return smallMap() }
	cs := []goldenCase{
		{name: "generated-1000-overview", m: file("generated-1000"), opt: Options{}},
		{name: "hybrid-full", m: file("hybrid"), opt: Options{}},
		{name: "hybrid-supply", m: file("hybrid"), opt: Options{View: ViewSupply}},
		{name: "hybrid-support", m: file("hybrid"), opt: Options{View: ViewSupport}},
		{name: "hybrid-touchpoints", m: file("hybrid"), opt: Options{View: ViewTouchpoints}},
		{name: "hybrid-focus-homeowners", m: file("hybrid"), opt: Options{View: ViewFocus, Focus: "homeowners"}},
		{name: "hybrid-focus-nordbau", m: file("hybrid"), opt: Options{View: ViewFocus, Focus: "nordbau"}},
		{name: "hybrid-full-tier", m: file("hybrid"), opt: Options{Color: ColorTier}},
		{name: "industrial-full", m: file("industrial"), opt: Options{}},
		{name: "industrial-supply", m: file("industrial"), opt: Options{View: ViewSupply}},
		{name: "industrial-support", m: file("industrial"), opt: Options{View: ViewSupport}},
		{name: "industrial-touchpoints", m: file("industrial"), opt: Options{View: ViewTouchpoints}},
		{name: "industrial-focus-water-utilities", m: file("industrial"), opt: Options{View: ViewFocus, Focus: "water-utilities"}},
		{name: "industrial-full-tier", m: file("industrial"), opt: Options{Color: ColorTier}},
		// A hand-made overlay: weak-spot marks, figures, tier and profit colours.
		{name: "small-full-overlay", m: small, opt: Options{Overlay: smallOverlay()}},
		{name: "small-full-tier-overlay", m: small, opt: Options{Color: ColorTier, Overlay: smallOverlay()}},
		{name: "small-full-profit", m: small, opt: Options{Color: ColorProfit, Overlay: smallOverlay()}},
		{name: "small-overview", m: small, opt: Options{NodeBudget: 5, Overlay: smallOverlay()}},
	}
	return append(cs, overlayGoldenCases()...)
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			var m *graph.Map
			opt := tc.opt
			if tc.mo != nil {
				m, opt = tc.mo(t)
			} else {
				m = tc.m(t)
			}
			dot, err := DOT(m, opt)
			if err != nil {
				t.Fatal(err)
			}
			svg, err := SVG(context.Background(), NewInProcess(), m, opt)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.name+".dot", dot)
			checkGolden(t, tc.name+".svg", svg)
		})
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render -run TestGolden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (%d bytes, want %d); if the change is intended, rerun with -update and review the diff", name, len(got), len(want))
	}
}

// TestSameInputSameBytes renders twice, once from the map with its nodes and
// edges in reverse order, and compares the bytes.
func TestSameInputSameBytes(t *testing.T) {
	for _, opt := range []Options{{}, {View: ViewFocus, Focus: "homeowners"}, {NodeBudget: 10}} {
		m := readMap(t, "hybrid")
		a, err := SVG(context.Background(), NewInProcess(), m, opt)
		if err != nil {
			t.Fatal(err)
		}
		r := readMap(t, "hybrid")
		for i, j := 0, len(r.Nodes)-1; i < j; i, j = i+1, j-1 {
			r.Nodes[i], r.Nodes[j] = r.Nodes[j], r.Nodes[i]
		}
		for i, j := 0, len(r.Edges)-1; i < j; i, j = i+1, j-1 {
			r.Edges[i], r.Edges[j] = r.Edges[j], r.Edges[i]
		}
		b, err := SVG(context.Background(), NewInProcess(), r, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%+v: the same map in another order gave different SVG", opt)
		}
	}
}
