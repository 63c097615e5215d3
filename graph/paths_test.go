package graph_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/testdata"
)

func sample(t testing.TB, name string) *graph.Map {
	t.Helper()
	return mustRead(t, testdata.Sample(name), name)
}

// hopLine renders a hop as "from>to delivery m=.. s=.. [products]".
func hopLine(h graph.Hop) string {
	s := fmt.Sprintf("%s>%s %s", h.From, h.To, h.Delivery)
	if h.Margin != nil {
		s += fmt.Sprintf(" m=%g", *h.Margin)
	}
	if h.Share != nil {
		s += fmt.Sprintf(" s=%g", *h.Share)
	}
	if len(h.Products) > 0 {
		s += " " + fmt.Sprint(h.Products)
	}
	return s
}

func pathLines(ps []graph.SupplyPath) []string {
	var out []string
	for _, p := range ps {
		out = append(out, strings.Join(p.Nodes, " -> "))
	}
	return out
}

// The expected answers below are read off testdata/maps/*.yaml by hand.
func TestSupportIndustrialWaterUtilities(t *testing.T) {
	s, err := graph.SupportOf(sample(t, "industrial"), "water-utilities")
	if err != nil {
		t.Fatal(err)
	}
	wantPaths := []string{
		"brandt -> nordhydro -> hamburg-ps -> water-utilities",
		"brandt -> nordhydro -> weser-it -> water-utilities",
		"brandt -> plantbuild -> water-utilities",
	}
	if got := pathLines(s.Paths); !reflect.DeepEqual(got, wantPaths) {
		t.Fatalf("paths:\n%s", strings.Join(got, "\n"))
	}
	wantHops := [][]string{
		{"brandt>nordhydro freight m=0.15", "nordhydro>hamburg-ps freight m=0.22", "hamburg-ps>water-utilities field_install s=0.4"},
		{"brandt>nordhydro freight m=0.15", "nordhydro>weser-it courier m=0.2", "weser-it>water-utilities freight s=0.25"},
		{"brandt>plantbuild direct m=0.1 [centrifugal dosing]", "plantbuild>water-utilities field_install s=0.35 [centrifugal]"},
	}
	for i, p := range s.Paths {
		var got []string
		for _, h := range p.Hops {
			got = append(got, hopLine(h))
		}
		if !reflect.DeepEqual(got, wantHops[i]) {
			t.Errorf("path %d hops %v, want %v", i, got, wantHops[i])
		}
	}
	if s.Paths[0].Hops[0].Edge != "brandt--supplies--nordhydro" {
		t.Errorf("hop edge key %q", s.Paths[0].Hops[0].Edge)
	}
	if want := []string{"hamburg-ps", "nordhydro", "plantbuild", "weser-it"}; !reflect.DeepEqual(s.KeyPlayers, want) {
		t.Errorf("key players %v", s.KeyPlayers)
	}
	wantSup := []graph.Supporter{{ID: "hydroservice", Name: "HydroService Field Team", Kind: "service_provider",
		Edge: "hydroservice--supports--water-utilities", Services: []string{"installation", "repair"},
		Products: []string{"centrifugal"}, Why: "certified for drinking-water installations"}}
	if !reflect.DeepEqual(s.Supporters, wantSup) {
		t.Errorf("supporters %+v", s.Supporters)
	}
	wantTP := []graph.TouchpointUse{
		{ID: "hotline", Name: "Brandt technical hotline", Channel: "phone", Purpose: "application advice", Operators: []string{"brandt"}},
		{ID: "ifat", Name: "IFAT Munich trade fair stand", Channel: "trade_fair", Purpose: "meets engineers for tenders", Operators: []string{"brandt"}},
	}
	if !reflect.DeepEqual(s.Touchpoints, wantTP) {
		t.Errorf("touchpoints %+v", s.Touchpoints)
	}
	if !reflect.DeepEqual(s.Prefers, []string{"field_install"}) || !reflect.DeepEqual(s.Offered, []string{"field_install", "freight"}) || !s.PreferenceMet {
		t.Errorf("prefers %v offered %v met %v", s.Prefers, s.Offered, s.PreferenceMet)
	}
	if s.Map != "brandt-pumps" || s.Name != "Municipal water utilities" || s.Kind != "segment" {
		t.Errorf("header %q %q %q", s.Map, s.Name, s.Kind)
	}
}

func TestSupportTable(t *testing.T) {
	cases := []struct {
		sample, segment string
		paths           []string
		players         []string
		supporters      []string
		touchpoints     []string // id:operators
		offered         []string
		met             bool
	}{
		{"industrial", "chem-plants",
			[]string{"brandt -> plantbuild -> chem-plants", "brandt -> suedtech -> isar-pt -> chem-plants", "brandt -> suedtech -> neckar-pt -> chem-plants"},
			[]string{"isar-pt", "neckar-pt", "plantbuild", "suedtech"},
			[]string{"brandt", "hydroservice"}, []string{"hotline:brandt"},
			[]string{"field_install", "freight"}, false}, // prefers direct
		{"industrial", "food-plants",
			[]string{"brandt -> benelux-tw -> maas-pompen -> food-plants", "brandt -> suedtech -> neckar-pt -> food-plants"},
			[]string{"benelux-tw", "maas-pompen", "neckar-pt", "suedtech"},
			nil, nil, []string{"courier", "freight"}, true},
		{"industrial", "building-services",
			[]string{"brandt -> benelux-tw -> maas-pompen -> building-services", "brandt -> nordhydro -> hamburg-ps -> building-services", "brandt -> suedtech -> isar-pt -> building-services"},
			[]string{"benelux-tw", "hamburg-ps", "isar-pt", "maas-pompen", "nordhydro", "suedtech"},
			[]string{"hamburg-ps"}, []string{"field-visits:hamburg-ps,isar-pt", "parts-portal:nordhydro,suedtech"},
			[]string{"pickup"}, true},
		// A customer without supplies edges takes its segment's paths and
		// offered methods; supporters and touchpoints are its own (none).
		{"industrial", "kiel-water",
			[]string{"brandt -> nordhydro -> hamburg-ps -> water-utilities", "brandt -> nordhydro -> weser-it -> water-utilities", "brandt -> plantbuild -> water-utilities"},
			[]string{"hamburg-ps", "nordhydro", "plantbuild", "weser-it"},
			nil, nil, []string{"field_install", "freight"}, true},
		{"hybrid", "homeowners",
			[]string{"voltair -> homeowners", "voltair -> hvac-nord -> installers-net -> homeowners", "voltair -> klima-sued -> installers-net -> homeowners", "voltair -> marktplatz -> homeowners"},
			[]string{"hvac-nord", "installers-net", "klima-sued", "marktplatz"},
			[]string{"servicenet", "voltair"},
			[]string{"hotline:voltair", "market-listing:marktplatz", "service-desk:servicenet", "webshop:voltair"},
			[]string{"drop_ship", "field_install", "online"}, true},
		{"hybrid", "landlords", nil, nil, nil, []string{"webshop:voltair"}, nil, false},
		{"hybrid", "export", []string{"voltair -> export-agent -> export"}, []string{"export-agent"}, nil, []string{"ish:voltair"}, []string{"freight"}, false},
		// A customer with its own supplies edge keeps to it.
		{"hybrid", "nordbau", []string{"voltair -> nordbau"}, nil, nil, nil, []string{"drop_ship"}, true},
		{"hybrid", "stadt-freiburg",
			[]string{"voltair -> hvac-nord -> installers-net -> public-buyers", "voltair -> klima-sued -> installers-net -> public-buyers", "voltair -> public-buyers"},
			[]string{"hvac-nord", "installers-net", "klima-sued"}, nil, nil, []string{"direct", "field_install"}, true},
		{"hybrid", "installers",
			[]string{"voltair -> hvac-nord -> installers", "voltair -> klima-sued -> heizprofi -> installers"},
			[]string{"heizprofi", "hvac-nord", "klima-sued"}, []string{"voltair"},
			[]string{"installer-portal:voltair", "ish:voltair", "showroom:heizprofi"}, []string{"pickup"}, true},
	}
	for _, c := range cases {
		t.Run(c.sample+"/"+c.segment, func(t *testing.T) {
			s, err := graph.SupportOf(sample(t, c.sample), c.segment)
			if err != nil {
				t.Fatal(err)
			}
			if got := pathLines(s.Paths); !reflect.DeepEqual(got, c.paths) {
				t.Errorf("paths:\n%s", strings.Join(got, "\n"))
			}
			if !eqList(s.KeyPlayers, c.players) {
				t.Errorf("key players %v, want %v", s.KeyPlayers, c.players)
			}
			var sup []string
			for _, x := range s.Supporters {
				sup = append(sup, x.ID)
			}
			if !eqList(sup, c.supporters) {
				t.Errorf("supporters %v, want %v", sup, c.supporters)
			}
			var tps []string
			for _, x := range s.Touchpoints {
				tps = append(tps, x.ID+":"+strings.Join(x.Operators, ","))
			}
			if !eqList(tps, c.touchpoints) {
				t.Errorf("touchpoints %v, want %v", tps, c.touchpoints)
			}
			if !eqList(s.Offered, c.offered) || s.PreferenceMet != c.met {
				t.Errorf("offered %v met %v, want %v %v", s.Offered, s.PreferenceMet, c.offered, c.met)
			}
		})
	}
}

func eqList(a, b []string) bool { return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b)) }

func TestSupportErrors(t *testing.T) {
	m := sample(t, "hybrid")
	if _, err := graph.SupportOf(m, "nobody"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	_, err := graph.SupportOf(m, "hvac-nord")
	if !errors.Is(err, graph.ErrNotCustomer) || !strings.Contains(err.Error(), `"hvac-nord" is a distributor: not a segment or customer`) {
		t.Errorf("a distributor: %v", err)
	}
}

// Empty answers are empty JSON lists, never null, so clients can iterate.
// A customer without supplies edges of its own is supplied through its
// segments; with its own, through itself only.
func TestSupplyTargets(t *testing.T) {
	m := &graph.Map{ID: "t", Nodes: []*graph.Node{
		{ID: "co", Kind: graph.KindCompany, Name: "Co"},
		{ID: "a", Kind: graph.KindSegment, Name: "A"}, {ID: "b", Kind: graph.KindSegment, Name: "B"},
		{ID: "bob", Kind: graph.KindCustomer, Name: "Bob"}, {ID: "ann", Kind: graph.KindCustomer, Name: "Ann"},
	}, Edges: []*graph.Edge{
		{From: "bob", To: "b", Kind: graph.EdgeBelongsTo}, {From: "bob", To: "a", Kind: graph.EdgeBelongsTo},
		{From: "ann", To: "a", Kind: graph.EdgeBelongsTo}, {From: "co", To: "ann", Kind: graph.EdgeSupplies},
		{From: "co", To: "a", Kind: graph.EdgeSupplies},
	}}
	ix := graph.NewIndex(m)
	for id, want := range map[string][]string{"bob": {"b", "a"}, "ann": {"ann"}, "a": {"a"}, "co": {"co"}} {
		if got := graph.SupplyTargets(ix, id); !reflect.DeepEqual(got, want) {
			t.Errorf("SupplyTargets(%s) = %v, want %v", id, got, want)
		}
	}
	if got := graph.SupplyTargetsOf("x", graph.KindCustomer, false, []string{"s", "s"}); !reflect.DeepEqual(got, []string{"s"}) {
		t.Errorf("a segment named twice: %v", got)
	}
}

func TestLessPath(t *testing.T) {
	p := func(nodes ...string) graph.SupplyPath {
		sp := graph.SupplyPath{Nodes: nodes}
		for i := 1; i < len(nodes); i++ {
			sp.Hops = append(sp.Hops, graph.Hop{Edge: nodes[i-1] + "-" + nodes[i]})
		}
		return sp
	}
	x, y := p("co", "a", "s"), p("co", "b", "s")
	if !graph.LessPath(x, y) || graph.LessPath(y, x) || graph.LessPath(x, x) {
		t.Error("paths are not ordered by their node ids")
	}
	z := p("co", "a", "s")
	z.Hops[0].Edge = "co-a-2"
	if !graph.LessPath(x, z) {
		t.Error("paths through the same nodes are not ordered by edge keys")
	}
}

func TestSupportJSONHasNoNulls(t *testing.T) {
	s, err := graph.SupportOf(sample(t, "hybrid"), "landlords")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(s)
	if strings.Contains(string(b), "null") {
		t.Fatalf("null in %s", b)
	}
}

// SupplyPaths terminates on a map with a supplies cycle (Validate rejects
// such maps, but a store may hand one over) and lists only simple paths.
func TestSupplyPathsCycleGuard(t *testing.T) {
	m := &graph.Map{ID: "c", Nodes: []*graph.Node{
		{ID: "co", Kind: graph.KindCompany, Name: "Co"},
		{ID: "a", Kind: graph.KindDistributor, Name: "A"},
		{ID: "b", Kind: graph.KindReseller, Name: "B"},
		{ID: "seg", Kind: graph.KindSegment, Name: "Seg"},
	}, Edges: []*graph.Edge{
		{From: "co", To: "a", Kind: graph.EdgeSupplies},
		{From: "a", To: "b", Kind: graph.EdgeSupplies},
		{From: "b", To: "a", Kind: graph.EdgeSupplies},
		{From: "b", To: "seg", Kind: graph.EdgeSupplies},
		{From: "a", To: "seg", Kind: graph.EdgeSupplies},
	}}
	got := pathLines(graph.SupplyPaths(graph.NewIndex(m), "seg"))
	want := []string{"co -> a -> b -> seg", "co -> a -> seg"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("paths %v", got)
	}
}

// Parallel edges with ids give separate paths, ordered by edge key.
func TestSupplyPathsParallelEdges(t *testing.T) {
	m := &graph.Map{ID: "p", Nodes: []*graph.Node{
		{ID: "co", Kind: graph.KindCompany, Name: "Co"},
		{ID: "seg", Kind: graph.KindSegment, Name: "Seg"},
	}, Edges: []*graph.Edge{
		{ID: "web", From: "co", To: "seg", Kind: graph.EdgeSupplies, Delivery: "online"},
		{ID: "field", From: "co", To: "seg", Kind: graph.EdgeSupplies, Delivery: "field_install"},
	}}
	if err := graph.Validate(m); err != nil {
		t.Fatal(err)
	}
	ps := graph.SupplyPaths(graph.NewIndex(m), "seg")
	if len(ps) != 2 || ps[0].Hops[0].Edge != "field" || ps[1].Hops[0].Edge != "web" {
		t.Fatalf("paths %+v", ps)
	}
}

// The hybrid sample is what the web page, the API seed and the analysis
// tests show: it must keep every market, a manual tier, a scorecard,
// replacement cycles, and weak spots (a segment nobody reaches, one nobody
// supports, an unmet preference).
func TestHybridSampleShowsWeakSpots(t *testing.T) {
	m := sample(t, "hybrid")
	markets := map[string]bool{}
	manual, cycles := false, false
	var unreachable, unsupported, unmet []string
	for _, n := range m.Nodes {
		if n.Market != "" {
			markets[n.Market] = true
		}
		if n.Tier != nil {
			manual = true
		}
		if n.ReplacementMonths != nil {
			cycles = true
		}
		if n.Kind != graph.KindSegment {
			continue
		}
		s, err := graph.SupportOf(m, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Paths) == 0 {
			unreachable = append(unreachable, n.ID)
		}
		if len(s.Supporters) == 0 {
			unsupported = append(unsupported, n.ID)
		}
		if !s.PreferenceMet {
			unmet = append(unmet, n.ID)
		}
	}
	if len(markets) != len(graph.Markets) || !manual || !cycles || m.Classification == nil || len(m.Classification.Scorecard) != 4 {
		t.Errorf("markets %v, manual tier %v, replacement cycles %v, classification %+v", markets, manual, cycles, m.Classification)
	}
	if !reflect.DeepEqual(unreachable, []string{"landlords"}) || !reflect.DeepEqual(unsupported, []string{"export", "landlords"}) ||
		!reflect.DeepEqual(unmet, []string{"export", "landlords"}) {
		t.Errorf("unreachable %v, unsupported %v, preference unmet %v", unreachable, unsupported, unmet)
	}
}
