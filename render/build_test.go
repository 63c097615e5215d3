package render

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
)

func TestBadOptionsAreClearErrors(t *testing.T) {
	for _, tc := range []struct {
		opt  Options
		want string
	}{
		{Options{View: "sideways"}, `unknown view "sideways"`},
		{Options{Color: "rainbow"}, `unknown colour "rainbow"`},
		{Options{View: ViewFocus}, "needs the id of a segment"},
		{Options{View: ViewFocus, Focus: "nordic"}, `focus "nordic" is a distributor`},
		{Options{View: ViewFocus, Focus: "nobody"}, `focus "nobody": no such node`},
		{Options{View: ViewSupply, Focus: "farms"}, `needs view "focus"`},
		{Options{Color: ColorProfit}, "needs profit figures"},
	} {
		_, err := Build(smallMap(), tc.opt)
		if !errors.Is(err, ErrOptions) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want ErrOptions saying %q", tc.opt, err, tc.want)
		}
	}
	if _, err := Build(smallMap(), Options{Focus: "farms"}); err != nil {
		t.Errorf("focus without a view should mean the focus view: %v", err)
	}
}

func nodeIDs(d *Diagram) []string {
	var ids []string
	for _, n := range d.Nodes {
		ids = append(ids, n.ID)
	}
	sort.Strings(ids)
	return ids
}

func edgeKinds(d *Diagram) map[graph.EdgeKind]int {
	out := map[graph.EdgeKind]int{}
	for _, e := range d.Edges {
		out[e.Kind]++
	}
	return out
}

func TestViewsSelectWhatTheyShow(t *testing.T) {
	type K = graph.EdgeKind
	for _, tc := range []struct {
		opt   Options
		nodes string
		edges map[K]int
	}{
		{Options{}, "acme bazaar bigfarm city contractors export farms fixit hotline households nordic south steelco web",
			map[K]int{graph.EdgeSupplies: 9, graph.EdgeSupports: 2, graph.EdgeOperates: 2, graph.EdgeUses: 2, graph.EdgeBelongsTo: 1, graph.EdgePartnersWith: 1}},
		{Options{View: ViewSupply}, "acme bazaar bigfarm city contractors export farms households nordic south steelco",
			map[K]int{graph.EdgeSupplies: 9, graph.EdgeBelongsTo: 1}},
		{Options{View: ViewSupport}, "bigfarm contractors export farms fixit households",
			map[K]int{graph.EdgeSupports: 2, graph.EdgeBelongsTo: 1}},
		{Options{View: ViewTouchpoints}, "acme bigfarm contractors export farms fixit hotline households web",
			map[K]int{graph.EdgeOperates: 2, graph.EdgeUses: 2}},
		// Reached through acme -> nordic -> city; supported and heard by fixit's hotline.
		{Options{Focus: "contractors"}, "acme city contractors fixit hotline nordic",
			map[K]int{graph.EdgeSupplies: 3, graph.EdgeSupports: 1, graph.EdgeUses: 1, graph.EdgeOperates: 1}},
		// Direct and through the marketplace; uses the web shop that acme runs.
		{Options{Focus: "households"}, "acme bazaar households web",
			map[K]int{graph.EdgeSupplies: 3, graph.EdgeUses: 1, graph.EdgeOperates: 1}},
		// Its account bigfarm belongs to it.
		{Options{Focus: "farms"}, "acme bigfarm farms fixit south",
			map[K]int{graph.EdgeSupplies: 2, graph.EdgeSupports: 1, graph.EdgeBelongsTo: 1}},
		// A customer without its own supplies gets its segment's paths.
		{Options{Focus: "bigfarm"}, "acme bigfarm farms south",
			map[K]int{graph.EdgeSupplies: 2, graph.EdgeBelongsTo: 1}},
		{Options{Focus: "export"}, "export", map[K]int{}},
	} {
		d, err := Build(smallMap(), tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(nodeIDs(d), " "); got != tc.nodes {
			t.Errorf("%+v nodes:\n got  %s\n want %s", tc.opt, got, tc.nodes)
		}
		if got := edgeKinds(d); !mapsEqual(got, tc.edges) {
			t.Errorf("%+v edges: got %v, want %v", tc.opt, got, tc.edges)
		}
	}
}

func mapsEqual[K comparable](a, b map[K]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func legendLabels(d *Diagram) []string {
	var out []string
	for _, le := range d.Legend {
		out = append(out, le.Label)
	}
	return out
}

func TestLegendListsOnlyWhatIsDrawn(t *testing.T) {
	d, err := Build(smallMap(), Options{View: ViewSupport})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Service provider", "Segment", "Customer", "supports (services)", "belongs to"}
	if got := legendLabels(d); !slices.Equal(got, want) {
		t.Errorf("support view legend %q, want %q", got, want)
	}
	d, err = Build(smallMap(), Options{Color: ColorTier})
	if err != nil {
		t.Fatal(err)
	}
	// Written tiers: contractors 1, farms 3; households, export and bigfarm have none.
	want = []string{"Tier 1: ideal, highly profitable", "Tier 3: break-even", "Unclassified (no figures)", "Partners and touchpoints (not coloured)"}
	if got := legendLabels(d)[:4]; !slices.Equal(got, want) {
		t.Errorf("tier legend %q, want %q", got, want)
	}
	d, err = Build(smallMap(), Options{Color: ColorTier, Overlay: smallOverlay()})
	if err != nil {
		t.Fatal(err)
	}
	got := legendLabels(d)
	for _, w := range []string{"Tier 4: money losers", "Unreachable: no supply path", "Unsupported: nobody supports it", "Single point of failure"} {
		if !slices.Contains(got, w) {
			t.Errorf("overlay legend %q lacks %q", got, w)
		}
	}
}

func findNode(t *testing.T, d *Diagram, id string) Node {
	t.Helper()
	for _, n := range d.Nodes {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("node %s not drawn", id)
	return Node{}
}

func lineTexts(n Node) []string {
	var out []string
	for _, l := range n.Lines {
		out = append(out, l.Text)
	}
	return out
}

func TestStylesAndMarks(t *testing.T) {
	d, err := Build(smallMap(), Options{Overlay: smallOverlay()})
	if err != nil {
		t.Fatal(err)
	}
	export := findNode(t, d, "export")
	if export.Stroke != markRed || !export.Dashed || export.PenWidth != 3 {
		t.Errorf("unreachable and unsupported export: stroke %s dashed %v width %v", export.Stroke, export.Dashed, export.PenWidth)
	}
	if got := lineTexts(export); !slices.Contains(got, "unreachable: no supply path") || !slices.Contains(got, "unsupported: nobody supports it") {
		t.Errorf("export lines %q", got)
	}
	if n := findNode(t, d, "nordic"); !n.Double || !slices.Contains(lineTexts(n), "! single point of failure") {
		t.Errorf("nordic is a single point of failure: %+v", n)
	}
	if n := findNode(t, d, "contractors"); !slices.Contains(lineTexts(n), "net 1,771,200 EUR, margin 82.5 %") {
		t.Errorf("contractors figures line missing: %q", lineTexts(n))
	}
	if n := findNode(t, d, "acme"); n.Double || n.Dashed || n.Fill != kindStyles[graph.KindCompany].fill {
		t.Errorf("acme drawn as %+v", n)
	}
	labels := map[string]string{}
	for _, e := range d.Edges {
		labels[e.Key] = strings.Join(e.Label, " / ")
	}
	for key, want := range map[string]string{
		"acme--supplies--nordic":       "freight, 18 %",
		"acme--supplies--bazaar":       "drop ship, 12.5 %",
		"acme--supplies--households":   "online, share 40 %",
		"city--supplies--contractors":  "pickup / Borehole pumps, Seal kits",
		"fixit--supports--contractors": "repair / Borehole pumps",
		"households--uses--web":        "ordering",
		"acme--operates--web":          "",
		"nordic--partners_with--fixit": "referrals",
		"bigfarm--belongs_to--farms":   "",
		"steelco--supplies--acme":      "freight",
	} {
		if got, ok := labels[key]; !ok || got != want {
			t.Errorf("edge %s label %q, want %q", key, got, want)
		}
	}
}

func TestProfitHeat(t *testing.T) {
	d, err := Build(smallMap(), Options{Color: ColorProfit, Overlay: smallOverlay()})
	if err != nil {
		t.Fatal(err)
	}
	red := func(c string) (int, int) {
		var r, g, b int
		if _, err := fmtSscanf(c, &r, &g, &b); err != nil {
			t.Fatal(err)
		}
		return r, g
	}
	cr, cg := red(findNode(t, d, "contractors").Fill)
	hr, hg := red(findNode(t, d, "households").Fill)
	fr, fg := red(findNode(t, d, "farms").Fill)
	if cg <= cr || hr <= hg {
		t.Errorf("profit should be green, loss red: contractors %s, households %s", findNode(t, d, "contractors").Fill, findNode(t, d, "households").Fill)
	}
	// farms' small profit is a paler green than contractors' large one.
	if fg-fr >= cg-cr {
		t.Errorf("farms (3,000) should be paler than contractors (1,461,200)")
	}
	if n := findNode(t, d, "export"); n.Fill != noFigureFill {
		t.Errorf("export has no figures, fill %s", n.Fill)
	}
}

func TestPercent(t *testing.T) {
	for in, want := range map[float64]string{0.18: "18 %", 0.125: "12.5 %", 0: "0 %", 0.3333: "33.3 %", 0.999: "99.9 %"} {
		if got := percent(in); got != want {
			t.Errorf("percent(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestOverviewKeepsLargeMapsWithinBudget(t *testing.T) {
	m := gen.Generate(1000, 1)
	drawn := 0
	for _, n := range m.Nodes {
		if n.Kind != graph.KindProduct {
			drawn++
		}
	}
	d, err := Build(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Overview || !strings.Contains(d.Title, "overview") {
		t.Fatalf("a %d-node map is not drawn as an overview", drawn)
	}
	if len(d.Nodes) > DefaultNodeBudget {
		t.Errorf("overview draws %d boxes, budget %d", len(d.Nodes), DefaultNodeBudget)
	}
	members, groups := 0, 0
	for _, n := range d.Nodes {
		if n.Count > 0 {
			groups++
			members += n.Count
			if !strings.Contains(n.Lines[0].Text, "(") {
				t.Errorf("group %s label %q lacks its count", n.ID, n.Lines[0].Text)
			}
		} else {
			members++
		}
	}
	if members != drawn || groups == 0 {
		t.Errorf("groups hold %d nodes in %d groups, the map draws %d", members, groups, drawn)
	}
	counted := false
	for _, e := range d.Edges {
		if e.Count > 1 && strings.HasPrefix(e.Tooltip, strconv.Itoa(e.Count)+" × ") && (len(e.Label) == 0) == (e.Kind == graph.EdgeBelongsTo) {
			counted = true
		}
	}
	if !counted {
		t.Error("no aggregated edge carries a count")
	}
	full, err := Build(m, Options{Detail: true})
	if err != nil {
		t.Fatal(err)
	}
	if full.Overview || len(full.Nodes) != drawn {
		t.Errorf("detail draws %d of %d nodes", len(full.Nodes), drawn)
	}
	seg := m.NodesOfKind(graph.KindSegment)[0]
	focus, err := Build(m, Options{Focus: seg, NodeBudget: 1})
	if err != nil {
		t.Fatal(err)
	}
	if focus.Overview {
		t.Error("a focus view is never an overview")
	}
}

func fmtSscanf(c string, r, g, b *int) (int, error) { return fmt.Sscanf(c, "#%02x%02x%02x", r, g, b) }
