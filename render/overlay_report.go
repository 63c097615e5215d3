package render

import (
	"math"
	"strconv"

	"github.com/chanmap/chanmap/graph"
)

// overlay is what the drawing takes from the analysis report, keyed by node
// id. overlayFor is the one policy deciding which figures and marks a
// colouring draws, so the CLI and the API draw the same thing.
type overlay struct {
	tier        map[string]int     // 1-4; absent means unclassified
	profit      map[string]float64 // company profit per segment/customer
	net         map[string]float64 // net revenue, for ordering segments
	unreachable map[string]bool
	unsupported map[string]bool
	spof        map[string]bool   // partners that are a single point of failure
	figures     map[string]string // an extra line on segment boxes
}

// overlayFor applies the policy:
//   - tier colouring draws tiers (manual ones included) and weak spots;
//   - profit colouring draws profit and weak spots;
//   - --weak-spots draws weak spots with any colouring;
//   - --figures adds "net EUR 1.77 M · margin 82 %" to segment boxes;
//   - a focus view marks only the weak spots that concern the focused
//     segment (its own, and the partners that fail it).
//
// Segments are ordered by tier and net revenue whenever a report is given.
func overlayFor(opt Options, ix *graph.Index) *overlay {
	ov := &overlay{
		tier: map[string]int{}, profit: map[string]float64{}, net: map[string]float64{},
		unreachable: map[string]bool{}, unsupported: map[string]bool{}, spof: map[string]bool{}, figures: map[string]string{},
	}
	r := opt.Report
	if r == nil {
		for _, n := range ix.Map.Nodes {
			if n.Kind.IsCustomer() && n.Tier != nil && *n.Tier >= 1 && *n.Tier <= 4 && opt.Color == ColorTier {
				ov.tier[n.ID] = *n.Tier
			}
		}
		return ov
	}
	currency := ""
	if r.Currency != nil {
		currency = *r.Currency
	}
	for _, s := range r.Segments {
		if s.Tier >= 1 && s.Tier <= 4 {
			ov.tier[s.ID] = int(s.Tier)
		}
		if s.NetRevenue != nil {
			ov.net[s.ID] = *s.NetRevenue
		}
		if s.Profit != nil && opt.Color == ColorProfit {
			ov.profit[s.ID] = *s.Profit
		}
		if s.NetRevenue != nil && opt.Figures {
			f := "net " + compactMoney(currency, *s.NetRevenue)
			if s.Margin != nil {
				f += " · margin " + strconv.FormatFloat(math.Round(*s.Margin*100), 'f', 0, 64) + " %"
			}
			ov.figures[s.ID] = f
		}
	}
	if !(opt.WeakSpots || opt.Color == ColorTier || opt.Color == ColorProfit) {
		return ov
	}
	concerns := func(seg string) bool { return opt.View != ViewFocus || seg == opt.Focus }
	for _, id := range r.WeakSpots.Unreachable {
		ov.unreachable[id] = concerns(id)
	}
	for _, id := range r.WeakSpots.Unsupported {
		ov.unsupported[id] = concerns(id)
	}
	for _, s := range r.WeakSpots.SinglePointsOfFailure {
		if concerns(s.Segment) {
			ov.spof[s.Partner] = true
		}
	}
	return ov
}

// compactMoney writes an amount short enough for a diagram box: "EUR 1.77 M",
// "EUR 568 k", "EUR 950", "EUR -150 k".
func compactMoney(currency string, v float64) string {
	a := math.Abs(v)
	var s string
	switch {
	case math.Round(a) >= 999_500:
		s = strconv.FormatFloat(a/1e6, 'f', 2, 64) + " M"
	case math.Round(a) >= 1000:
		s = strconv.FormatFloat(math.Round(a/1e3), 'f', 0, 64) + " k"
	default:
		s = strconv.FormatFloat(math.Round(a), 'f', 0, 64)
	}
	if v < 0 && s != "0" {
		s = "-" + s
	}
	if currency == "" {
		return s
	}
	return currency + " " + s
}
