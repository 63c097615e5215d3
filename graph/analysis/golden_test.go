package analysis

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/graph/mapio"
)

var update = flag.Bool("update", false, "rewrite the golden reports under testdata/golden/analysis")

// TestGolden compares the JSON report of the sample maps with the files
// under testdata/golden/analysis; -update rewrites them after a deliberate
// change (read the diff before committing it).
func TestGolden(t *testing.T) {
	for _, name := range []string{"hybrid", "industrial"} {
		t.Run(name, func(t *testing.T) {
			m, err := mapio.ReadFile(filepath.Join("..", "..", "testdata", "maps", name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Analyze(m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(r, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("..", "..", "testdata", "golden", "analysis", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./graph/analysis -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("report of %s differs from %s (go test ./graph/analysis -run TestGolden -update, then read the diff):\n%s", name, path, got)
			}
		})
	}
}

// TestHybridByHand checks figures of the hybrid sample map worked out by hand
// from testdata/maps/hybrid.yaml, so the golden file is not only taken on
// trust.
func TestHybridByHand(t *testing.T) {
	m, err := mapio.ReadFile(filepath.Join("..", "..", "testdata", "maps", "hybrid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r := mustAnalyze(t, m)
	// developers: 4,800,000 bought only through hvac-nord, which keeps 18 %:
	// 4,800,000 · 0.82 = 3,936,000; its own gross margin 0.36: 1,416,960;
	// cost 620,000: profit 796,960, margin 796,960 / 3,936,000 = 20.2 %: tier 1.
	d := segOf(t, r, "developers")
	checkNum(t, "developers.net_revenue", d.NetRevenue, 3936000)
	checkNum(t, "developers.profit", d.Profit, 796960)
	if d.Tier != 1 {
		t.Errorf("developers tier %v, want 1", d.Tier)
	}
	// nordbau (a customer of developers) buys direct: net 1,100,000; it has no
	// gross margin of its own, so the map's 0.42: 462,000 − 70,000 = 392,000.
	checkNum(t, "nordbau.profit", segOf(t, r, "nordbau").Profit, 392000)
	// The map's gross margin 0.42 spreads the tiers: installers lose money
	// (net 4,137,280 · 0.42 = 1,737,657.6 < cost 1,900,000: tier 4),
	// public-buyers break even (3,456,570 · 0.42 − 1,350,000 = 101,759.4,
	// margin 2.9 % < 5 %: tier 3), homeowners are good revenue
	// (6,900,920 · 0.42 − 2,100,000 = 798,386.4, margin 11.6 %: tier 2).
	for id, want := range map[string]Tier{"installers": 4, "public-buyers": 3, "homeowners": 2} {
		if got := segOf(t, r, id).Tier; got != want {
			t.Errorf("%s tier %v, want %v", id, got, want)
		}
	}
	checkNum(t, "public-buyers.profit", segOf(t, r, "public-buyers").Profit, 101759.4)
	// landlords: nobody reaches them; 900,000 spend, nothing arrives, cost 150,000.
	l := segOf(t, r, "landlords")
	checkNum(t, "landlords.net_revenue", l.NetRevenue, 0)
	if l.Tier != 4 {
		t.Errorf("landlords tier %v, want 4", l.Tier)
	}
	// export has a manual tier 3 in the map.
	if e := segOf(t, r, "export"); e.Tier != 3 || e.TierSource != TierManual {
		t.Errorf("export tier %v (%s), want 3 (manual)", e.Tier, e.TierSource)
	}
}

// TestPropertyGenerated checks the properties on generated maps of several
// sizes and seeds: net revenue is the literal path sum and never above the
// spend, and losing any partner never raises a segment's net revenue.
func TestPropertyGenerated(t *testing.T) {
	for _, c := range []struct {
		nodes int
		seeds []int64
	}{{30, []int64{1, 2, 3, 4, 5}}, {120, []int64{7, 8, 9}}, {400, []int64{11}}} {
		for _, seed := range c.seeds {
			m := gen.Generate(c.nodes, seed)
			base, err := Analyze(m)
			if err != nil {
				t.Fatalf("%d nodes, seed %d: %v", c.nodes, seed, err)
			}
			for _, n := range m.Nodes {
				if n.Kind != graph.KindSegment || n.Revenue == nil {
					continue
				}
				nr := *base.Segment(n.ID).NetRevenue
				if want := *n.Revenue * pathSum(m, n.ID); !near(nr, want) || nr > *n.Revenue*(1+1e-12) {
					t.Errorf("%d nodes, seed %d: %s net %v, path sum %v, spend %v", c.nodes, seed, n.ID, nr, want, *n.Revenue)
				}
			}
			if c.nodes > 120 {
				continue
			}
			for _, p := range base.Partners {
				w, err := WithoutPartner(m, p.ID)
				if err != nil {
					t.Fatalf("%d nodes, seed %d, without %s: %v", c.nodes, seed, p.ID, err)
				}
				for _, s := range base.Segments {
					if s.NetRevenue == nil {
						continue
					}
					if a := w.After.Segment(s.ID).NetRevenue; *a > *s.NetRevenue*(1+1e-12) {
						t.Errorf("%d nodes, seed %d, without %s: %s net %v → %v", c.nodes, seed, p.ID, s.ID, *s.NetRevenue, *a)
					}
				}
			}
		}
	}
}

// TestPropertyGeneratedNoMargins: with every margin 0, a generated map's
// segments bring exactly the share-weighted spend that reaches the company.
func TestPropertyGeneratedNoMargins(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		m := gen.Generate(150, seed)
		for _, e := range m.Edges {
			e.Margin = nil
		}
		r := mustAnalyze(t, m)
		for _, n := range m.Nodes {
			if n.Kind == graph.KindSegment && n.Revenue != nil {
				if got, want := *r.Segment(n.ID).NetRevenue, *n.Revenue*pathSum(m, n.ID); !near(got, want) {
					t.Errorf("seed %d: %s net %v, spend reached %v", seed, n.ID, got, want)
				}
			}
		}
	}
}
