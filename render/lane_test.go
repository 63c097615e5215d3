package render

import (
	"testing"

	"github.com/chanmap/chanmap/graph"
)

// Segments with figures stand in their order, top to bottom in each
// column of the customers lane: tier 1 first, then by net revenue.
func TestSegmentsStandInTierOrder(t *testing.T) {
	m := readMap(t, "hybrid")
	rep := report(t, m)
	rank := map[string]int{}
	net := map[string]float64{}
	for _, s := range rep.Segments {
		rank[s.ID] = int(s.Tier)
		if rank[s.ID] == 0 {
			rank[s.ID] = 5
		}
		if s.NetRevenue != nil {
			net[s.ID] = *s.NetRevenue
		}
	}
	before := func(a, b string) bool {
		if rank[a] != rank[b] {
			return rank[a] < rank[b]
		}
		return net[a] > net[b]
	}
	for _, opt := range []Options{{Color: ColorTier, Report: rep, Detail: true}, {Color: ColorProfit, Report: rep, Detail: true, Page: "none"}} {
		dr := draw(t, m, opt)
		boxes := boxesByNode(dr.Page)
		var segs []string
		for _, n := range m.Nodes {
			if n.Kind == graph.KindSegment {
				if boxes[n.ID] == nil {
					t.Fatalf("%s: segment %s not drawn", opt.Color, n.ID)
				}
				segs = append(segs, n.ID)
			}
		}
		pairs := 0
		for _, a := range segs {
			for _, b := range segs {
				ba, bb := boxes[a], boxes[b]
				sameColumn := abs(ba.X+ba.W/2-(bb.X+bb.W/2)) < 1
				if a == b || !sameColumn || !before(a, b) {
					continue
				}
				pairs++
				if ba.Y >= bb.Y {
					t.Errorf("%s: %s (tier %d) is drawn below %s (tier %d)", opt.Color, a, rank[a], b, rank[b])
				}
			}
		}
		if pairs == 0 {
			t.Errorf("%s: no two segments share a column; the test checks nothing", opt.Color)
		}
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// A focus on a segment with accounts, and the weak-spot view of the
// 1000-node sample (the deck's slides), reach 12 pt at slide size; the
// focus keeps every account of its segment, right of the segment.
func TestLongCustomerLanesFitTheSlide(t *testing.T) {
	m := readMap(t, "generated-1000")
	rep := report(t, m)
	focus := draw(t, m, Options{Focus: "segment-001", Color: ColorTier, Report: rep})
	if focus.Smallest < 12 {
		t.Errorf("focus on segment-001: smallest text %.1f pt, want 12", focus.Smallest)
	}
	boxes := boxesByNode(focus.Page)
	seg := boxes["segment-001"]
	accounts := 0
	for _, e := range m.Edges {
		if e.Kind == graph.EdgeBelongsTo && e.To == "segment-001" {
			accounts++
			if b := boxes[e.From]; b == nil {
				t.Errorf("account %s of the focused segment is not drawn", e.From)
			} else if seg != nil && b.X+b.W/2 < seg.X+seg.W/2-1 {
				t.Errorf("account %s is left of its segment", e.From)
			}
		}
	}
	if accounts == 0 {
		t.Fatal("segment-001 has no accounts; pick another segment")
	}
	// Three numbered findings, as the deck's weak-spot slide starts from;
	// with five, the findings column lists whole headlines and the map
	// comes out at 10.7 pt (said on the slide).
	weak := draw(t, m, Options{WeakSpots: true, Insights: 3, Report: rep})
	if weak.Smallest < 12 {
		t.Errorf("weak-spot view: smallest text %.1f pt, want 12", weak.Smallest)
	}
}

// Coloured by tier or by profit, the samples that drew under 12 pt (the
// hybrid by tier at 10.5 pt, the generated maps by profit at 10.7-10.9 pt)
// reach it now.
func TestColouredSamplesFitTheSlide(t *testing.T) {
	all := samples(t)
	for _, c := range []struct {
		name  string
		color Color
	}{{"hybrid", ColorTier}, {"generated-50", ColorProfit}, {"generated-200", ColorProfit}} {
		m := all[c.name]
		dr := draw(t, m, Options{Color: c.color, Report: report(t, m)})
		if dr.Smallest < 12 {
			t.Errorf("%s coloured by %s: smallest text %.2f pt, want 12", c.name, c.color, dr.Smallest)
		}
		checkTextInsideBoxes(t, c.name, dr.Page)
	}
}
