package render

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
)

// countedGen is a generated map of n nodes known only by its counts.
func countedGen(n int) CountedMap {
	m := gen.Generate(n, 1)
	return CountedMap{ID: m.ID, Title: m.Title, Currency: m.Currency, Counts: graph.CountOverview(m)}
}

// The counts of a big map draw chanmap's overview on a 16:9 slide: one
// counted box per kind and region, counted lines, the note that it is
// drawn from counts, and no text below the minimum font.
func TestCountsOverview(t *testing.T) {
	cm := countedGen(5000)
	for _, opt := range []Options{{}, {View: ViewSupply}, {Theme: ThemeDark, Page: "a4-landscape"}, {MinFont: 14}} {
		dr, err := DrawCounts(context.Background(), NewInProcess(), cm, opt)
		if err != nil {
			t.Fatal(err)
		}
		min := opt.MinFont
		if min == 0 {
			min = DefaultMinFont
		}
		if dr.Smallest < min-0.05 {
			t.Errorf("%+v: smallest text %.2f pt, want at least %v", opt, dr.Smallest, min)
		}
		d := dr.Diagram
		if !d.Overview || len(d.Nodes) == 0 || len(d.Edges) == 0 {
			t.Fatalf("%+v: %d boxes, %d lines, overview %v", opt, len(d.Nodes), len(d.Edges), d.Overview)
		}
		total := 0
		for _, n := range d.Nodes {
			total += n.Count
			if n.Kind == graph.KindTouchpoint || opt.View == ViewSupply && n.Kind == graph.KindServiceProvider {
				t.Errorf("%+v: box %s of kind %s is not in the view", opt, n.ID, n.Kind)
			}
		}
		want := 0
		for _, g := range cm.Counts.Groups {
			if laneOf(g.Kind) >= 0 && g.Kind != graph.KindTouchpoint && (opt.View != ViewSupply || g.Kind != graph.KindServiceProvider) {
				want += g.Nodes
			}
		}
		if total != want {
			t.Errorf("%+v: boxes count %d nodes, want %d", opt, total, want)
		}
		if say := formatCount(float64(want)) + " nodes"; len(d.Notes) == 0 || !strings.Contains(d.Notes[0], "Drawn from counts") || !strings.Contains(d.Notes[0], say) {
			t.Errorf("%+v: notes %q do not say the slide is drawn from counts of %s", opt, d.Notes, say)
		}
		for _, e := range d.Edges {
			if e.Kind == graph.EdgeSupplies && !strings.HasSuffix(e.Label, " × supplies") {
				t.Errorf("%+v: supply line %s labelled %q", opt, e.Key, e.Label)
			}
		}
	}
}

// The box and line counts add up to what was counted: a supplies line
// carries the sum of the supplies edges between its two boxes.
func TestCountsAddUp(t *testing.T) {
	o := handCounts()
	cm := CountedMap{ID: "big", Title: "Big map", Counts: o}
	byRegion, err := BuildCounts(cm, Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]string{}
	for _, n := range byRegion.Nodes {
		titles[n.ID] = n.Lines[0].Text
	}
	if got := titles["group:reseller:North"]; got != "Resellers (12,340)" {
		t.Errorf("North resellers box says %q", got)
	}
	if got := titles["group:company"]; got != "Company (1)" {
		t.Errorf("company box says %q", got)
	}
	if _, ok := titles["group:touchpoint"]; ok {
		t.Error("the full view drew a touchpoints box")
	}
	labels := map[string]string{}
	for _, e := range byRegion.Edges {
		labels[e.Key] = e.Label
	}
	if got := labels["group:group:reseller:North|supplies|group:segment"]; got != "23,901 × supplies" {
		t.Errorf("North resellers to segments line says %q (lines %v)", got, labels)
	}
	if len(byRegion.Edges) != 4 {
		t.Errorf("%d lines, want 4 (partners within one box and uses are not drawn): %v", len(byRegion.Edges), labels)
	}
	byKind, err := BuildCounts(cm, Options{}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range byKind.Edges {
		labels[e.Key] = e.Label
	}
	if got := labels["group:group:reseller|supplies|group:segment"]; got != "23,908 × supplies" {
		t.Errorf("resellers to segments line by kind says %q", got)
	}
}

// A drawing that needs single nodes or the analysis is refused: the
// caller draws it from the whole map.
func TestCountsRefuseWhatNeedsTheMap(t *testing.T) {
	cm := countedGen(300)
	for _, opt := range []Options{{Detail: true}, {Focus: "x"}, {Color: ColorTier}, {WeakSpots: true}, {Figures: true}, {Flow: true},
		{Insights: 3}, {Without: []string{"x"}}, {View: ViewTouchpoints}, {View: ViewSupport}} {
		if FromCounts(opt) {
			t.Errorf("%+v can be drawn from counts", opt)
		}
		if _, err := RenderCounts(context.Background(), NewInProcess(), cm, opt, "svg"); err == nil {
			t.Errorf("%+v: drawn from counts", opt)
		}
	}
	if !FromCounts(Options{View: ViewSupply, Theme: ThemeDark, Page: "a4", Footer: "x", MinFont: 14}) {
		t.Error("a supply view in another theme, page and font cannot be drawn from counts")
	}
}

// The cache key follows the counts (their version) and the options, and
// never equals the key of the whole map's drawing.
func TestCountsCacheKey(t *testing.T) {
	m := gen.Generate(300, 1)
	cm := CountedMap{ID: m.ID, Title: m.Title, Counts: graph.CountOverview(m)}
	k1, _ := CountsCacheKey(cm, Options{}, "svg")
	k2, _ := CountsCacheKey(cm, Options{View: ViewFull, Page: "16:9"}, "svg")
	whole, _ := CacheKey(m, Options{}, "svg")
	if k1 != k2 {
		t.Error("equivalent options have different keys")
	}
	if k1 == whole {
		t.Error("the drawing from counts shares the whole map's key")
	}
	next := *cm.Counts
	next.Version++
	cm2 := cm
	cm2.Counts = &next
	if k3, _ := CountsCacheKey(cm2, Options{}, "svg"); k3 == k1 {
		t.Error("a new version has the same key")
	}
	if k4, _ := CountsCacheKey(cm, Options{}, "png"); k4 == k1 {
		t.Error("png and svg share a key")
	}
}

// Golden drawings from counts (SVG and DOT), and every served format.
func TestCountsGolden(t *testing.T) {
	gen5k := countedGen(5000)
	hand := CountedMap{ID: "big", Title: "Big map", Counts: handCounts()}
	for name, tc := range map[string]struct {
		cm  CountedMap
		opt Options
	}{"counts-5000-full": {gen5k, Options{}}, "counts-5000-supply-print": {gen5k, Options{View: ViewSupply, Theme: ThemePrint}},
		"counts-regions": {hand, Options{Footer: "Counted at version 3"}}} {
		cm, opt := tc.cm, tc.opt
		t.Run(name, func(t *testing.T) {
			for _, f := range []string{"svg", "dot"} {
				out, err := RenderCounts(context.Background(), NewInProcess(), cm, opt, f)
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, name+"."+f, out)
			}
			if name != "counts-5000-full" {
				return // the writers are the same for every drawing
			}
			for _, f := range []string{"pdf", "png"} {
				out, err := RenderCounts(context.Background(), NewInProcess(), cm, opt, f)
				if err != nil {
					t.Fatal(err)
				}
				magic := map[string]string{"pdf": "%PDF-", "png": "\x89PNG"}[f]
				if !bytes.HasPrefix(out, []byte(magic)) {
					t.Errorf("%s does not start with %q", f, magic)
				}
				if dir := os.Getenv("CHANMAP_COUNTS_PNG"); dir != "" && f == "png" {
					_ = os.WriteFile(filepath.Join(dir, name+".png"), out, 0o644)
				}
			}
		})
	}
}

// handCounts is a big map's counts written by hand: resellers in two
// regions.
func handCounts() *graph.Overview {
	return &graph.Overview{Version: 3, Groups: []graph.GroupCount{
		{Kind: graph.KindCompany, Nodes: 1},
		{Kind: graph.KindReseller, Region: "North", Nodes: 12340},
		{Kind: graph.KindReseller, Region: "South", Nodes: 5},
		{Kind: graph.KindSegment, Nodes: 40},
		{Kind: graph.KindTouchpoint, Nodes: 9},
	}, Links: []graph.LinkCount{
		{FromKind: graph.KindCompany, Kind: graph.EdgeSupplies, ToKind: graph.KindReseller, ToRegion: "North", Edges: 12340},
		{FromKind: graph.KindCompany, Kind: graph.EdgeSupplies, ToKind: graph.KindReseller, ToRegion: "South", Edges: 5},
		{FromKind: graph.KindReseller, FromRegion: "North", Kind: graph.EdgeSupplies, ToKind: graph.KindSegment, Edges: 23901},
		{FromKind: graph.KindReseller, FromRegion: "South", Kind: graph.EdgeSupplies, ToKind: graph.KindSegment, Edges: 7},
		{FromKind: graph.KindReseller, FromRegion: "North", Kind: graph.EdgePartnersWith, ToKind: graph.KindReseller, ToRegion: "North", Edges: 3},
		{FromKind: graph.KindSegment, Kind: graph.EdgeUses, ToKind: graph.KindTouchpoint, Edges: 80},
	}}
}
