package render

import (
	"reflect"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
)

func TestOverlayOf(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tier := 2
	// acme → nordic (18 %) → contractors: 2,400,000 spend, net 1,968,000, cost
	// 310,000, profit 1,658,000, margin 84.2 %: tier 1; nordic is on every path.
	// farms bought direct: 400,000 net, cost 420,000: −20,000, tier 4, margin −5 %.
	// shops: manual tier 2 without figures. export: nobody reaches it.
	m := &graph.Map{ID: "t", Currency: "EUR", Nodes: []*graph.Node{
		{ID: "acme", Kind: graph.KindCompany},
		{ID: "nordic", Kind: graph.KindDistributor},
		{ID: "fixit", Kind: graph.KindServiceProvider},
		{ID: "contractors", Kind: graph.KindSegment, Revenue: f(2400000), CostToServe: f(310000)},
		{ID: "farms", Kind: graph.KindSegment, Revenue: f(400000), CostToServe: f(420000)},
		{ID: "shops", Kind: graph.KindSegment, Tier: &tier},
		{ID: "export", Kind: graph.KindSegment},
	}, Edges: []*graph.Edge{
		{From: "acme", To: "nordic", Kind: graph.EdgeSupplies, Margin: f(0.18)},
		{From: "nordic", To: "contractors", Kind: graph.EdgeSupplies},
		{From: "acme", To: "farms", Kind: graph.EdgeSupplies},
		{From: "acme", To: "shops", Kind: graph.EdgeSupplies},
		{From: "fixit", To: "contractors", Kind: graph.EdgeSupports},
		{From: "fixit", To: "farms", Kind: graph.EdgeSupports},
	}}
	r, err := analysis.Analyze(m)
	if err != nil {
		t.Fatal(err)
	}
	got := OverlayOf(r)
	want := &Overlay{
		Tier:        map[string]int{"contractors": 1, "farms": 4, "shops": 2},
		Profit:      map[string]float64{"contractors": 1658000, "farms": -20000},
		Unreachable: map[string]bool{"export": true},
		Unsupported: map[string]bool{"export": true, "shops": true},
		SPOF:        map[string]bool{"nordic": true},
		Figures: map[string]string{
			"contractors": "net EUR 1.97 M · margin 84 %",
			"farms":       "net EUR 400 k · margin -5 %",
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("OverlayOf:\n%+v\nwant\n%+v", got, want)
	}

	// No report: empty maps, so colouring by profit still has a map to read.
	if ov := OverlayOf(nil); ov.Profit == nil || ov.Tier == nil || len(ov.Figures) != 0 {
		t.Errorf("OverlayOf(nil) = %+v", ov)
	}
}

func TestCompactMoney(t *testing.T) {
	tests := []struct {
		cur  string
		v    float64
		want string
	}{
		{"EUR", 1771200, "EUR 1.77 M"},
		{"EUR", 999600, "EUR 1.00 M"},
		{"EUR", 999400, "EUR 999 k"},
		{"EUR", 567232, "EUR 567 k"},
		{"EUR", 999.6, "EUR 1 k"},
		{"EUR", 950, "EUR 950"},
		{"EUR", -150000, "EUR -150 k"},
		{"EUR", -0.3, "EUR 0"},
		{"", 2500000, "2.50 M"},
	}
	for _, tc := range tests {
		if got := compactMoney(tc.cur, tc.v); got != tc.want {
			t.Errorf("compactMoney(%q, %v) = %q, want %q", tc.cur, tc.v, got, tc.want)
		}
	}
}
