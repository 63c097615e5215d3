package analysis

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
	"testing/quick"

	"github.com/chanmap/chanmap/graph"
)

// randomMap builds a small layered channel map from seed: one or two
// companies, distributors, resellers and segments, supplies edges going down
// the layers (a DAG), shares on some edges (kept ≤ 1 per node), margins on
// some edges into intermediaries, a few segments left unreachable. With
// noMargins every margin is 0.
func randomMap(seed int64, noMargins bool) *graph.Map {
	rng := rand.New(rand.NewSource(seed))
	layers := [][]*graph.Node{{company("acme")}}
	if rng.Intn(3) == 0 {
		layers[0] = append(layers[0], company("beta"))
	}
	for _, l := range []struct {
		prefix string
		kind   graph.NodeKind
	}{{"d", graph.KindDistributor}, {"r", graph.KindReseller}} {
		var layer []*graph.Node
		for i := 0; i < 1+rng.Intn(3); i++ {
			layer = append(layer, org(fmt.Sprintf("%s%d", l.prefix, i), l.kind))
		}
		layers = append(layers, layer)
	}
	var segs []*graph.Node
	for i := 0; i < 1+rng.Intn(4); i++ {
		segs = append(segs, seg(fmt.Sprintf("s%d", i), float64(1+rng.Intn(100000)), float64(rng.Intn(50000))))
	}
	layers = append(layers, segs)

	var nodes []*graph.Node
	for _, l := range layers {
		nodes = append(nodes, l...)
	}
	var edges []*graph.Edge
	for li := 1; li < len(layers); li++ {
		for _, to := range layers[li] {
			// Inbound edges from any earlier layer; some nodes get none.
			var from []*graph.Node
			for _, l := range layers[:li] {
				for _, n := range l {
					if rng.Intn(3) == 0 {
						from = append(from, n)
					}
				}
			}
			left := 1.0
			for _, f := range from {
				e := sup(f.ID, to.ID)
				if rng.Intn(2) == 0 {
					s := math.Round(rng.Float64()*left*100) / 100
					e.Share = &s
					left -= s
				}
				if to.Kind.IsIntermediary() && !noMargins && rng.Intn(4) != 0 {
					m := math.Round(rng.Float64()*60) / 100
					e.Margin = &m
				}
				edges = append(edges, e)
			}
		}
	}
	return mapOf(nodes, edges...)
}

// pathSum is the net revenue formula taken literally: Σ over supply paths from a
// company to id of Π share · Π (1 − m), with the shares split by hand and the
// recursion going upstream edge by edge.
func pathSum(m *graph.Map, id string) float64 {
	kind := map[string]graph.NodeKind{}
	for _, n := range m.Nodes {
		kind[n.ID] = n.Kind
	}
	in := map[string][]*graph.Edge{}
	for _, e := range m.Edges {
		if e.Kind == graph.EdgeSupplies {
			in[e.To] = append(in[e.To], e)
		}
	}
	share := func(e *graph.Edge) float64 {
		if e.Share != nil {
			return *e.Share
		}
		given, free := 0.0, 0
		for _, x := range in[e.To] {
			if x.Share != nil {
				given += *x.Share
			} else {
				free++
			}
		}
		return (1 - given) / float64(free)
	}
	// walk sums over the paths from a company to id, recursing upstream path
	// by path; memo only saves walking the same upper part twice.
	memo := map[string]float64{}
	var walk func(id string) float64
	walk = func(id string) float64 {
		if kind[id] == graph.KindCompany {
			return 1
		}
		if v, ok := memo[id]; ok {
			return v
		}
		sum := 0.0
		for _, e := range in[id] {
			f := share(e)
			if kind[id].IsIntermediary() && e.Margin != nil {
				f *= 1 - *e.Margin
			}
			sum += f * walk(e.From)
		}
		memo[id] = sum
		return sum
	}
	return walk(id)
}

func TestPropertyNetRevenueIsThePathSum(t *testing.T) {
	// Flow propagation gives the same as enumerating every path, and never more
	// than the spend.
	f := func(seed int64) bool {
		m := randomMap(seed, false)
		r, err := Analyze(m)
		if err != nil {
			t.Logf("seed %d: %v", seed, err)
			return false
		}
		for _, n := range m.Nodes {
			if n.Kind != graph.KindSegment {
				continue
			}
			nr := *r.Segment(n.ID).NetRevenue
			want := *n.Revenue * pathSum(m, n.ID)
			if !near(nr, want) || nr > *n.Revenue*(1+1e-12) || nr < 0 {
				t.Logf("seed %d: %s net %v, path sum %v, spend %v", seed, n.ID, nr, want, *n.Revenue)
				return false
			}
		}
		return true
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 300, Rand: rand.New(rand.NewSource(1))}); err != nil {
		t.Error(err)
	}
}

func TestPropertyNoMarginsIsSpendReached(t *testing.T) {
	// With every margin 0, the net revenue is the share-weighted spend that
	// reaches the company: S · Σ paths Π share. A segment whose every inbound
	// share chain is complete (no given shares, all reached) gets all of it.
	f := func(seed int64) bool {
		m := randomMap(seed, true)
		r, err := Analyze(m)
		if err != nil {
			return false
		}
		for _, n := range m.Nodes {
			if n.Kind != graph.KindSegment {
				continue
			}
			nr := *r.Segment(n.ID).NetRevenue
			if want := *n.Revenue * pathSum(m, n.ID); !near(nr, want) {
				t.Logf("seed %d: %s net %v, spend reached %v", seed, n.ID, nr, want)
				return false
			}
		}
		return true
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 300, Rand: rand.New(rand.NewSource(2))}); err != nil {
		t.Error(err)
	}

	// A chain without shares or margins reaches the whole spend.
	r := mustAnalyze(t, mapOf([]*graph.Node{company("acme"), org("d", graph.KindDistributor), org("r", graph.KindReseller), seg("s", 777, 0)},
		sup("acme", "d"), sup("d", "r"), sup("r", "s")))
	checkNum(t, "s.net_revenue", segOf(t, r, "s").NetRevenue, 777)
}

func TestPropertyLosingAPartnerNeverHelps(t *testing.T) {
	f := func(seed int64) bool {
		m := randomMap(seed, false)
		base, err := Analyze(m)
		if err != nil {
			return false
		}
		for _, p := range base.Partners {
			w, err := WithoutPartner(m, p.ID)
			if err != nil {
				t.Logf("seed %d without %s: %v", seed, p.ID, err)
				return false
			}
			for _, s := range base.Segments {
				after := w.After.Segment(s.ID)
				if *after.NetRevenue > *s.NetRevenue*(1+1e-12) {
					t.Logf("seed %d without %s: %s net %v → %v", seed, p.ID, s.ID, *s.NetRevenue, *after.NetRevenue)
					return false
				}
			}
			// What is lost in total is at most what the partner carried.
			if w.NetRevenueLost > p.NetRevenue*(1+1e-9)+1e-6 {
				t.Logf("seed %d without %s: lost %v, carried %v", seed, p.ID, w.NetRevenueLost, p.NetRevenue)
				return false
			}
		}
		return true
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 200, Rand: rand.New(rand.NewSource(3))}); err != nil {
		t.Error(err)
	}
}

func TestPropertySinglePointsOfFailure(t *testing.T) {
	// A partner is a single point of failure of a segment exactly when losing
	// it cuts the segment off.
	f := func(seed int64) bool {
		m := randomMap(seed, false)
		base, err := Analyze(m)
		if err != nil {
			return false
		}
		spof := map[[2]string]bool{}
		for _, s := range base.WeakSpots.SinglePointsOfFailure {
			spof[[2]string{s.Segment, s.Partner}] = true
		}
		for _, p := range base.Partners {
			w, err := WithoutPartner(m, p.ID)
			if err != nil {
				return false
			}
			cut := map[string]bool{}
			for _, id := range w.CutOff {
				cut[id] = true
			}
			for _, s := range base.Segments {
				if cut[s.ID] != spof[[2]string{s.ID, p.ID}] {
					t.Logf("seed %d: %s cut off without %s: %v; single point of failure: %v", seed, s.ID, p.ID, cut[s.ID], !cut[s.ID])
					return false
				}
			}
		}
		return true
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 200, Rand: rand.New(rand.NewSource(4))}); err != nil {
		t.Error(err)
	}
}
