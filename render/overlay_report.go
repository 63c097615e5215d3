package render

import (
	"math"
	"strconv"

	"github.com/chanmap/chanmap/graph/analysis"
)

// OverlayOf turns an analysis report into what the diagram draws: tiers 1-4
// (manual ones included) and profit of segments and customers, unreachable
// and unsupported segments, partners that are a single point of failure of
// any segment, and a figures line ("net EUR 1.77 M · margin 82 %") on every
// segment or customer with net revenue. Every map is allocated, empty when
// the report has nothing for it.
func OverlayOf(r *analysis.Report) *Overlay {
	ov := &Overlay{
		Tier:        map[string]int{},
		Profit:      map[string]float64{},
		Unreachable: map[string]bool{},
		Unsupported: map[string]bool{},
		SPOF:        map[string]bool{},
		Figures:     map[string]string{},
	}
	if r == nil {
		return ov
	}
	currency := ""
	if r.Currency != nil {
		currency = *r.Currency
	}
	for _, s := range r.Segments {
		if s.Tier >= 1 && s.Tier <= 4 {
			ov.Tier[s.ID] = int(s.Tier)
		}
		if s.Profit != nil {
			ov.Profit[s.ID] = *s.Profit
		}
		if s.NetRevenue != nil {
			f := "net " + compactMoney(currency, *s.NetRevenue)
			if s.Margin != nil {
				f += " · margin " + strconv.FormatFloat(math.Round(*s.Margin*100), 'f', 0, 64) + " %"
			}
			ov.Figures[s.ID] = f
		}
	}
	for _, id := range r.WeakSpots.Unreachable {
		ov.Unreachable[id] = true
	}
	for _, id := range r.WeakSpots.Unsupported {
		ov.Unsupported[id] = true
	}
	for _, s := range r.WeakSpots.SinglePointsOfFailure {
		ov.SPOF[s.Partner] = true
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
