package render

import (
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/render/scene"
)

// smallReport is the analysis of smallMap.
func smallReport(t testing.TB) *analysis.Report {
	t.Helper()
	r, err := analysis.Analyze(smallMap())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

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
		{Options{Color: ColorProfit}, "needs the figures of the analysis report"},
		{Options{Figures: true}, "need the analysis report"},
		{Options{Page: "poster"}, `unknown page "poster"`},
		{Options{Theme: "neon"}, `unknown theme "neon"`},
		{Options{MinFont: 2}, "outside 4-72 pt"},
	} {
		_, err := Build(smallMap(), tc.opt)
		if !errors.Is(err, ErrOptions) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want ErrOptions saying %q", tc.opt, err, tc.want)
		}
	}
}

// The focus rule lives in render alone: a focus with no view, or with the
// full view (the CLI's default), is the focus view.
func TestFocusImpliesTheFocusView(t *testing.T) {
	for _, v := range []View{"", ViewFull} {
		opt, err := Normalise(smallMap(), Options{View: v, Focus: "farms"})
		if err != nil || opt.View != ViewFocus {
			t.Errorf("view %q with a focus: got view %q, %v", v, opt.View, err)
		}
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
		// Touchpoints are written into the segment boxes in the full view.
		{Options{}, "acme bazaar bigfarm city contractors export farms fixit households nordic south steelco",
			map[K]int{graph.EdgeSupplies: 9, graph.EdgeSupports: 2, graph.EdgeBelongsTo: 1, graph.EdgePartnersWith: 1}},
		{Options{View: ViewSupply}, "acme bazaar bigfarm city contractors export farms households nordic south steelco",
			map[K]int{graph.EdgeSupplies: 9, graph.EdgeBelongsTo: 1}},
		{Options{View: ViewSupport}, "bigfarm contractors export farms fixit households",
			map[K]int{graph.EdgeSupports: 2, graph.EdgeBelongsTo: 1}},
		{Options{View: ViewTouchpoints}, "acme bigfarm contractors export farms fixit hotline households web",
			map[K]int{graph.EdgeOperates: 2, graph.EdgeUses: 2}},
		// Reached through acme -> nordic -> city; supported and heard by fixit's hotline.
		{Options{Focus: "contractors"}, "acme city contractors fixit hotline nordic",
			map[K]int{graph.EdgeSupplies: 3, graph.EdgeSupports: 1, graph.EdgeUses: 1, graph.EdgeOperates: 1}},
		{Options{Focus: "households"}, "acme bazaar households web",
			map[K]int{graph.EdgeSupplies: 3, graph.EdgeUses: 1, graph.EdgeOperates: 1}},
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
		got := edgeKinds(d)
		if len(got) != len(tc.edges) {
			t.Errorf("%+v edges: got %v, want %v", tc.opt, got, tc.edges)
		}
		for k, v := range tc.edges {
			if got[k] != v {
				t.Errorf("%+v edges: got %v, want %v", tc.opt, got, tc.edges)
			}
		}
	}
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
	// Kinds drawn alike share an entry.
	d, err = Build(smallMap(), Options{View: ViewSupply})
	if err != nil {
		t.Fatal(err)
	}
	if got := legendLabels(d); !slices.Contains(got, "Reseller, marketplace") {
		t.Errorf("supply view legend %q lacks the shared reseller entry", got)
	}
	d, err = Build(smallMap(), Options{Color: ColorTier, Report: smallReport(t)})
	if err != nil {
		t.Fatal(err)
	}
	got := legendLabels(d)
	for _, w := range []string{"Tier 1: ideal, highly profitable", "Tier 3: break-even", "Tier 4: money losers", "× Unreachable: no supply path", "? Unsupported: nobody supports it", "! Single point of failure"} {
		if !slices.Contains(got, w) {
			t.Errorf("tier legend %q lacks %q", got, w)
		}
	}
	d, err = Build(smallMap(), Options{Color: ColorProfit, Report: smallReport(t)})
	if err != nil {
		t.Fatal(err)
	}
	if d.Legend[0].Kind != LegendBar || d.Legend[0].Min >= 0 || d.Legend[0].Max <= 0 || d.Legend[0].Unit != "EUR" {
		t.Errorf("profit legend starts with %+v, want a colour bar in EUR around zero", d.Legend[0])
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
	d, err := Build(smallMap(), Options{WeakSpots: true, Figures: true, Report: smallReport(t)})
	if err != nil {
		t.Fatal(err)
	}
	export := findNode(t, d, "export")
	if export.Stroke != markColor || export.Dash != Dashed || export.PenWidth != 3 {
		t.Errorf("unreachable export: stroke %v dash %v width %v", export.Stroke, export.Dash, export.PenWidth)
	}
	if got := lineTexts(export); !slices.Contains(got, "×\u00a0unreachable · ?\u00a0unsupported") {
		t.Errorf("export lines %q", got)
	}
	if n := findNode(t, d, "nordic"); !n.Double || !slices.Contains(lineTexts(n), "!\u00a0single point of failure") {
		t.Errorf("nordic is a single point of failure: %+v", n)
	}
	if n := findNode(t, d, "contractors"); !slices.ContainsFunc(lineTexts(n), func(s string) bool { return strings.HasPrefix(s, "net EUR ") }) {
		t.Errorf("contractors figures line missing: %q", lineTexts(n))
	}
	if n := findNode(t, d, "households"); !slices.Contains(lineTexts(n), "via Web shop") {
		t.Errorf("households' touchpoint missing from its box: %q", lineTexts(n))
	}
	if n := findNode(t, d, "acme"); n.Double || n.Dash != Solid || n.Fill != kindStyles[graph.KindCompany].fill || n.Shape != scene.Hexagon {
		t.Errorf("acme drawn as %+v", n)
	}
	labels := map[string]string{}
	for _, e := range d.Edges {
		labels[e.Key] = strings.ReplaceAll(e.Label, "\u00a0", " ")
	}
	for key, want := range map[string]string{
		"acme--supplies--nordic":       "freight · margin 18 %",
		"acme--supplies--bazaar":       "drop ship · margin 12.5 %",
		"acme--supplies--households":   "online · share 40 %",
		"city--supplies--contractors":  "pickup",
		"fixit--supports--contractors": "repair",
		"nordic--partners_with--fixit": "referrals",
		"bigfarm--belongs_to--farms":   "",
		"steelco--supplies--acme":      "freight",
	} {
		if got, ok := labels[key]; !ok || got != want {
			t.Errorf("edge %s label %q, want %q", key, got, want)
		}
	}
}

// A focus view marks only the weak spots of the focused segment: south is a
// single point of failure for farms, not for households.
func TestFocusMarksOnlyItsOwnWeakSpots(t *testing.T) {
	d, err := Build(smallMap(), Options{Focus: "households", Color: ColorTier, Report: smallReport(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range d.Nodes {
		if n.Double {
			t.Errorf("%s is badged a single point of failure in the households focus", n.ID)
		}
	}
	d, err = Build(smallMap(), Options{Focus: "farms", Color: ColorTier, Report: smallReport(t)})
	if err != nil {
		t.Fatal(err)
	}
	if n := findNode(t, d, "south"); !n.Double {
		t.Error("south fails farms and is not badged in the farms focus")
	}
}

func TestProfitIsBlueAndLossOrange(t *testing.T) {
	d, err := Build(smallMap(), Options{Color: ColorProfit, Report: smallReport(t)})
	if err != nil {
		t.Fatal(err)
	}
	c := findNode(t, d, "contractors").Fill
	h := findNode(t, d, "households").Fill
	if !(c.B > c.R) || !(h.R > h.B) {
		t.Errorf("profit should be blue (%v), loss orange (%v)", c, h)
	}
	if n := findNode(t, d, "export"); n.Fill != noFigures {
		t.Errorf("export has no figures, fill %v", n.Fill)
	}
}

func TestListsAreShortenedNotCut(t *testing.T) {
	if got := listOf([]string{"repair", "install", "training", "rental", "leasing"}, 3); got != "repair, install, training +2 more" {
		t.Errorf("listOf: %q", got)
	}
	for _, l := range wrapMeasured("Nordic Industrial Supply Company of the Far North", 12, true, 100, 2) {
		for _, w := range strings.Fields(strings.TrimSuffix(l, " …")) {
			if !strings.Contains("Nordic Industrial Supply Company of the Far North", w) {
				t.Errorf("wrapped line %q cuts a word", l)
			}
		}
	}
}

// A label wrapped at its "·" separator leaves no dot alone on a line or at
// a line's end: the break separates the parts.
func TestWrapDropsSeparatorAtBreak(t *testing.T) {
	label := "field install · share\u00a060\u00a0%"
	w := scene.TextWidth("field install", 12, false, false) + 1
	got := wrapMeasured(label, 12, false, w, 3)
	if want := []string{"field install", "share\u00a060\u00a0%"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wrapped %q as %q, want %q", label, got, want)
	}
	if got := wrapMeasured("direct · share 70 %", 12, false, 500, 2); len(got) != 1 || got[0] != "direct · share 70 %" {
		t.Errorf("a label that fits keeps its separator: %q", got)
	}
}

func TestOverviewGroupsLargeMaps(t *testing.T) {
	m := gen.Generate(1000, 1)
	drawn := 0
	for _, n := range m.Nodes {
		if n.Kind != graph.KindProduct && n.Kind != graph.KindTouchpoint {
			drawn++
		}
	}
	d, err := BuildOverview(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Overview || len(d.Notes) == 0 || !strings.Contains(d.Notes[0], "Overview") {
		t.Fatalf("the overview does not say it is one: %q", d.Notes)
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
	seg := m.NodesOfKind(graph.KindSegment)[0]
	focus, err := BuildOverview(m, Options{Focus: seg})
	if err != nil {
		t.Fatal(err)
	}
	if focus.Overview {
		t.Error("a focus view is never an overview")
	}
}

// --without draws the loss: the partner and its lines greyed, the segments
// it strands marked, the figures after the loss.
func TestWhatIfIsDrawn(t *testing.T) {
	opt, err := WithAnalysis(smallMap(), Options{Without: []string{"south"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Build(smallMap(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if n := findNode(t, d, "south"); n.Fill != paleGrey || n.Dash != Dashed || !slices.Contains(lineTexts(n), "lost in this what-if") {
		t.Errorf("south, the lost partner, drawn as %+v", n)
	}
	farms := lineTexts(findNode(t, d, "farms"))
	if !slices.Contains(farms, "×\u00a0stranded: no supply path left") || !slices.ContainsFunc(farms, func(s string) bool { return strings.HasPrefix(s, "after: net EUR 0") }) {
		t.Errorf("farms, reached only through south, shows %q", farms)
	}
	for _, e := range d.Edges {
		lost := e.From == "south" || e.To == "south"
		if lost != (e.Label == "lost" && e.Style == Dashed) {
			t.Errorf("edge %s: label %q style %v", e.Key, e.Label, e.Style)
		}
	}
	if !strings.Contains(d.Subtitle, "what if Southern Pump Wholesale is lost") {
		t.Errorf("subtitle %q", d.Subtitle)
	}
	for _, bad := range []string{"nobody", "acme", "farms"} {
		if _, err := WithAnalysis(smallMap(), Options{Without: []string{bad}}); !errors.Is(err, ErrOptions) {
			t.Errorf("without %q: %v, want ErrOptions", bad, err)
		}
	}
	if _, err := Build(smallMap(), Options{Without: []string{"south"}}); !errors.Is(err, ErrOptions) {
		t.Errorf("without and no what-if analysis: %v", err)
	}
}

// --fade keeps the rest of the map in a focus view, faded.
func TestFadeKeepsTheRestFaded(t *testing.T) {
	d, err := Build(smallMap(), Options{Focus: "households", Fade: true})
	if err != nil {
		t.Fatal(err)
	}
	focus := map[string]bool{"acme": true, "bazaar": true, "households": true, "web": true}
	for _, n := range d.Nodes {
		if n.Faded == focus[n.ID] {
			t.Errorf("%s faded %v", n.ID, n.Faded)
		}
	}
	if got := strings.Join(nodeIDs(d), " "); !strings.Contains(got, "contractors") || !strings.Contains(got, "nordic") {
		t.Errorf("fade drops the rest of the map: %s", got)
	}
}

func TestFooterFromTheMap(t *testing.T) {
	m := smallMap()
	m.Source, m.AsOf = "Sales ledger 2026", "2026-06-30"
	d, err := Build(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Footer != "Sales ledger 2026 · as of 2026-06-30" {
		t.Errorf("footer %q, want the map's source and date", d.Footer)
	}
	if d, _ := Build(m, Options{Footer: "Board, June"}); d == nil || d.Footer != "Board, June" {
		t.Errorf("an asked-for footer must win over the map's")
	}
}
