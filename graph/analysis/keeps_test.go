package analysis

import (
	"github.com/chanmap/chanmap/graph/mapio"
	"path/filepath"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

func TestChannelKeeps(t *testing.T) {
	// acme → dist (margin 0.2) → shop (margin 0.1) → seg, spend 1,000:
	// shop keeps 1,000 · 0.1 = 100 and pays 900; dist keeps 900 · 0.2 = 180
	// and pays 720, the company's net revenue.
	// orphan (margin 0.3, nobody supplies it) sells 500 to lone: no path
	// reaches the company, so it keeps nothing that counts.
	m := mapOf([]*graph.Node{company("acme"), org("dist", graph.KindDistributor), org("shop", graph.KindRetailer),
		org("orphan", graph.KindReseller), seg("seg", 1000, 0), seg("lone", 500, 0)},
		sup("acme", "dist", "m", 0.2), sup("dist", "shop", "m", 0.1), sup("shop", "seg"), sup("orphan", "lone"))
	k, err := ChannelKeeps(m)
	if err != nil {
		t.Fatal(err)
	}
	checkNum(t, "shop keeps", ptr(k["shop"]), 100)
	checkNum(t, "dist keeps", ptr(k["dist"]), 180)
	if _, ok := k["orphan"]; ok {
		t.Errorf("orphan keeps %v of spend that never reaches the company", k["orphan"])
	}
}

// On the hybrid sample the spend splits exactly into what partners keep,
// the company's net revenue and what no path brings in.
func TestChannelKeepsBalanceHybrid(t *testing.T) {
	m, err := mapio.ReadFile(filepath.Join("..", "..", "testdata", "maps", "hybrid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r := mustAnalyze(t, m)
	k, err := ChannelKeeps(m)
	if err != nil {
		t.Fatal(err)
	}
	spend, net, unreached := 0.0, 0.0, 0.0
	for _, s := range r.Segments {
		if s.Kind == "segment" && s.Revenue != nil {
			spend += *s.Revenue
			net += *s.NetRevenue
			if *s.NetRevenue == 0 {
				unreached += *s.Revenue
			}
		}
	}
	kept := 0.0
	for _, v := range k {
		kept += v
	}
	// landlords (900,000) are reached by nobody; every other segment is
	// fully supplied, so nothing else is lost.
	if !near(spend, kept+net+unreached) || unreached != 900000 {
		t.Errorf("spend %v ≠ kept %v + net %v + unreached %v", spend, kept, net, unreached)
	}
}

func ptr(v float64) *float64 { return &v }

func TestSupplyFlowsAddUpToNetRevenue(t *testing.T) {
	m, err := mapio.ReadFile(filepath.Join("..", "..", "testdata", "maps", "hybrid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r := mustAnalyze(t, m)
	f, err := SupplyFlows(m)
	if err != nil {
		t.Fatal(err)
	}
	into := map[string]float64{}
	fromCompany, total := 0.0, 0.0
	for _, e := range m.Edges {
		into[e.To] += f[e.Key()]
		if m.Node(e.From).Kind == graph.KindCompany {
			fromCompany += f[e.Key()]
		}
	}
	for _, s := range r.Segments {
		if s.Kind == "segment" {
			total += *s.NetRevenue
			if !near(into[s.ID], *s.NetRevenue) {
				t.Errorf("%s: flows in %v, net revenue %v", s.ID, into[s.ID], *s.NetRevenue)
			}
		}
	}
	// Partners pass on what they take in: the company sends out the total.
	if !near(fromCompany, total) {
		t.Errorf("flows out of the company %v, total net revenue %v", fromCompany, total)
	}
	// developers buy only through hvac-nord (margin 0.18): 4,800,000 · 0.82.
	if got := f["hvac-nord--supplies--developers"]; !near(got, 3936000) {
		t.Errorf("hvac-nord → developers carries %v, want 3,936,000", got)
	}
}
