package render

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/compare"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/render/scene"
)

// hybridNext is the hybrid sample a year on: a partner removed, a segment
// added, a margin changed (testdata/diff/hybrid-next.yaml).
func hybridNext(t testing.TB) *graph.Map {
	t.Helper()
	m, err := mapio.ReadFile(filepath.Join("..", "testdata", "diff", "hybrid-next.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// boxesByNode returns the box drawn for each node id on a page.
func boxesByNode(p *scene.Page) map[string]*scene.Box {
	out := map[string]*scene.Box{}
	scene.Walk(p.Items, func(it scene.Item) {
		if g, ok := it.(*scene.Group); ok && strings.HasPrefix(g.ID, "node:") {
			for _, x := range g.Items {
				if b, ok := x.(*scene.Box); ok {
					out[strings.TrimPrefix(g.ID, "node:")] = b
					break
				}
			}
		}
	})
	return out
}

func boxText(b *scene.Box) string {
	var s []string
	for _, l := range b.Lines {
		s = append(s, l.Text)
	}
	return strings.Join(s, " / ")
}

// The diff of the hybrid sample on a 16:9 slide: the union laid out once,
// every text at least 12 pt (the segments fold, as the hybrid sample's own
// drawing does), the removed partner dashed and marked, the changed margin
// written on its line, the folded segments counted as one new, and before
// and after drawn on the same places.
func TestDiffDrawing(t *testing.T) {
	a, b := readMap(t, "hybrid"), hybridNext(t)
	e := &countingEngine{}
	drs, err := DrawDiff(context.Background(), e, a, b, nil, Options{}, SideBoth)
	if err != nil {
		t.Fatal(err)
	}
	first := e.n
	more, err := DrawDiff(context.Background(), e, a, b, nil, Options{}, SideBefore, SideAfter)
	if err != nil {
		t.Fatal(err)
	}
	if e.n != first {
		t.Errorf("the before and after sides laid out %d more times, want none (the union's layout)", e.n-first)
	}
	drs = append(drs, more...)
	writeDiffPNGs(t, "slide", drs)
	both, before, after := drs[0], drs[1], drs[2]
	for i, dr := range drs {
		if dr.Smallest < 12 {
			t.Errorf("side %d: smallest text %.1f pt, want at least 12 pt", i, dr.Smallest)
		}
		checkTextInsideBoxes(t, "diff", dr.Page)
	}
	samePlaces(t, both, before, after)
	bb := boxesByNode(both.Page)
	if x := bb["heizprofi"]; x == nil || !strings.Contains(boxText(x), "−\u00a0removed") || len(x.Stroke.Dash) == 0 {
		t.Errorf("the removed partner is not drawn dashed and marked: %+v", x)
	}
	var margin bool
	for _, ed := range both.Diagram.Edges {
		if ed.Key == "voltair--supplies--hvac-nord" {
			margin = ed.Label == "~\u00a0margin 18\u00a0% → 22\u00a0%" && ed.Color == changedColor
		}
	}
	if !margin {
		t.Error("the changed margin is not written on its line as 18 % → 22 %")
	}
	// An overview keeps what changed as its own box: the new segment is
	// drawn and marked, not folded into the segments' group.
	if x := bb["hotels"]; x == nil || !strings.Contains(boxText(x), "+\u00a0new") || x.Stroke.Width < 2 {
		t.Errorf("the new segment is not drawn as its own box, thick and marked new: %+v", x)
	}
	legend := map[string]bool{}
	for _, l := range both.Diagram.Legend {
		legend[l.Label] = true
	}
	for _, l := range []string{"+ New (thick outline)", "− Removed (dashed, greyed)", "removed connection", "changed connection"} {
		if !legend[l] {
			t.Errorf("the legend lacks %q", l)
		}
	}
	if want := "From the first map to the second: 3 added, 6 removed, 2 changed"; !strings.HasPrefix(both.Diagram.Subtitle, want) {
		t.Errorf("subtitle %q, want %q", both.Diagram.Subtitle, want)
	}
	if !strings.HasSuffix(both.Page.Title, "· what changed") || !strings.HasSuffix(before.Page.Title, "· before") || !strings.HasSuffix(after.Page.Title, "· after") {
		t.Errorf("the pages' titles do not name their side: %q, %q, %q", both.Page.Title, before.Page.Title, after.Page.Title)
	}
}

// With every box drawn (--detail), each node carries its own mark, and each
// side ghosts what its map lacks.
func TestDiffDrawingDetail(t *testing.T) {
	a, b := readMap(t, "hybrid"), hybridNext(t)
	drs, err := DrawDiff(context.Background(), NewInProcess(), a, b, nil, Options{Detail: true}, SideBoth, SideBefore, SideAfter)
	if err != nil {
		t.Fatal(err)
	}
	writeDiffPNGs(t, "detail", drs)
	samePlaces(t, drs...)
	bb, bf, ba := boxesByNode(drs[0].Page), boxesByNode(drs[1].Page), boxesByNode(drs[2].Page)
	for id, mark := range map[string]string{"hotels": "+\u00a0new", "heizprofi": "−\u00a0removed"} {
		if x := bb[id]; x == nil || !strings.Contains(boxText(x), mark) {
			t.Errorf("node %s: %v, want the mark %q", id, x, mark)
		}
	}
	if x := bb["hotels"]; x != nil && !strings.Contains(boxText(x), "net EUR 1.27 M") {
		t.Errorf("the new segment %q does not say its net revenue", boxText(x))
	}
	if x := bb["developers"]; x == nil || !strings.Contains(boxText(x), "tier 1 → 2") {
		t.Errorf("the developers box does not say its tier moved from 1 to 2: %v", x)
	}
	if bf["hotels"].Fill == bb["hotels"].Fill || ba["hotels"].Fill != bb["hotels"].Fill {
		t.Error("the new segment is not ghosted on the before side only")
	}
	if ba["heizprofi"].Fill == bb["heizprofi"].Fill || bf["heizprofi"].Fill != bb["heizprofi"].Fill {
		t.Error("the removed partner is not ghosted on the after side only")
	}
}

// samePlaces checks that every box of the first drawing is at the same
// place on the others.
func samePlaces(t *testing.T, drs ...*Drawing) {
	t.Helper()
	first := boxesByNode(drs[0].Page)
	if len(first) == 0 {
		t.Fatal("no node boxes on the page")
	}
	for i, dr := range drs[1:] {
		other := boxesByNode(dr.Page)
		for id, x := range first {
			y := other[id]
			if y == nil || y.X != x.X || y.Y != x.Y || y.W != x.W || y.H != x.H {
				t.Errorf("node %s moved on drawing %d: %+v, want %+v", id, i+2, y, x)
			}
		}
	}
}

// writeDiffPNGs writes the drawings as PNGs into $CHANMAP_DIFF_PNG, to look
// at.
func writeDiffPNGs(t *testing.T, name string, drs []*Drawing) {
	dir := os.Getenv("CHANMAP_DIFF_PNG")
	if dir == "" {
		return
	}
	for i, dr := range drs {
		var buf bytes.Buffer
		if err := WritePNG(&buf, dr.Page); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"-"+strconv.Itoa(i)+".png"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The golden SVG of the hybrid sample's diff.
func TestDiffGolden(t *testing.T) {
	m, opt, err := Diff(readMap(t, "hybrid"), hybridNext(t), nil, SideBoth, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "hybrid-diff.svg", svgOf(t, m, opt))
}

func TestDiffBadSide(t *testing.T) {
	a := readMap(t, "hybrid")
	if _, _, err := Diff(a, a, nil, "sideways", Options{}); err == nil || !strings.Contains(err.Error(), `unknown diff side "sideways"`) {
		t.Errorf("side sideways: %v", err)
	}
	u := compare.UnionOf(a, a)
	if _, err := Build(u.Map, Options{Diff: &DiffOverlay{Union: u, Side: "x"}}); err == nil {
		t.Error("Build took an unknown diff side")
	}
}

// The three status colours stay apart for readers with protanopia or
// deuteranopia (ΔE*ab of at least 20), as the tiers do; the line styles
// and written marks say the same again.
func TestDiffColoursSurviveColourBlindness(t *testing.T) {
	cs := map[string]scene.Color{"added": addedColor, "changed": changedColor, "removed": removedColor}
	for _, sim := range []struct {
		name string
		m    [3][3]float64
	}{{"normal", identity3}, {"protanopia", protanopia}, {"deuteranopia", deuteranopia}} {
		for x, a := range cs {
			for y, b := range cs {
				if x < y {
					if d := deltaE(simulate(a, sim.m), simulate(b, sim.m)); d < 20 {
						t.Errorf("%s: %s and %s differ by ΔE %.1f, want at least 20", sim.name, x, y, d)
					}
				}
			}
		}
	}
}
