package analysis

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// Default margin thresholds of the tiers and weights of the value pyramid
// (the map file's classification block).
var (
	DefaultTiers      = map[string]float64{"tier1": 0.20, "tier2": 0.05, "tier3": 0.0}
	DefaultIndicators = map[string]float64{"profit": 0.5, "growth": 0.3, "payment": 0.2}
)

// Pyramid levels, top first, with their ceiling cut-offs in tenths of n.
var levels = []struct {
	name   string
	tenths int
}{{"top", 1}, {"key", 3}, {"core", 6}, {"base", 10}}

// Scorecard groups: actual is the mean of the first two, potential of the
// last two.
var scorecardGroups = []string{"financial", "sales", "customer", "service"}

// Built-in indicators, min-max normalised across the classified nodes.
var builtins = map[string]func(*Segment, *node) *float64{
	"revenue":     func(s *Segment, _ *node) *float64 { return s.Revenue },
	"net_revenue": func(s *Segment, _ *node) *float64 { return s.NetRevenue },
	"profit":      func(s *Segment, _ *node) *float64 { return s.Profit },
	"margin":      func(s *Segment, _ *node) *float64 { return s.Margin },
	"customers":   func(_ *Segment, n *node) *float64 { return n.Customers },
}

// thresholds are the tier margin thresholds.
type thresholds struct{ tier1, tier2, tier3 float64 }

func tierThresholds(c *graph.Classification) (thresholds, error) {
	t := map[string]float64{}
	for k, v := range DefaultTiers {
		t[k] = v
	}
	if c != nil {
		for k, v := range c.Tiers {
			if _, ok := DefaultTiers[k]; !ok {
				return thresholds{}, fmt.Errorf("classification.tiers: unknown threshold %q (want tier1, tier2, tier3)", k)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return thresholds{}, fmt.Errorf("classification.tiers.%s: %v is not a number", k, v)
			}
			t[k] = v
		}
	}
	th := thresholds{t["tier1"], t["tier2"], t["tier3"]}
	if th.tier1 < th.tier2 || th.tier2 < th.tier3 {
		return thresholds{}, fmt.Errorf("classification.tiers: want tier1 ≥ tier2 ≥ tier3, got %v, %v, %v", th.tier1, th.tier2, th.tier3)
	}
	return th, nil
}

// tierOf classifies a segment with revenue and cost_to_serve: tier 4 when it
// loses money (profit < 0, or margin below tier3), tier 3 when its margin is
// below tier2 or undefined (no net revenue, no loss), tier 2 when below tier1,
// else tier 1.
func tierOf(profit float64, margin *float64, th thresholds) Tier {
	switch {
	case profit < 0 || (margin != nil && *margin < th.tier3):
		return 4
	case margin == nil || *margin < th.tier2:
		return 3
	case *margin < th.tier1:
		return 2
	}
	return 1
}

// levelOf is the pyramid level of rank r (1-based) of n: top when r ≤
// ⌈0.1n⌉, key when r ≤ ⌈0.3n⌉, core when r ≤ ⌈0.6n⌉, else base (the
// ceilings computed in integers, so the best of five is top).
func levelOf(r, n int) string {
	for _, l := range levels {
		if r <= (n*l.tenths+9)/10 {
			return l.name
		}
	}
	return levels[len(levels)-1].name
}

// quadrantOf places actual and potential in the scorecard.
func quadrantOf(actual, potential float64) string {
	switch {
	case actual >= 50 && potential >= 50:
		return "keep"
	case potential >= 50:
		return "grow"
	case actual >= 50:
		return "harvest"
	}
	return "reconsider"
}

// classifier scores the classified segments (those with revenue and
// cost_to_serve) of one kind against each other.
type classifier struct {
	weights   map[string]float64
	names     []string // indicator names, sorted
	scorecard map[string][]string
	warned    map[string]bool
	warnings  []string
}

func newClassifier(c *graph.Classification) (*classifier, error) {
	cl := &classifier{weights: DefaultIndicators, warned: map[string]bool{}}
	if c != nil && len(c.Indicators) > 0 {
		cl.weights = c.Indicators
	}
	total := 0.0
	for name, w := range cl.weights {
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("classification.indicators.%s: weight %v must be a number ≥ 0", name, w)
		}
		total += w
		cl.names = append(cl.names, name)
	}
	if total == 0 {
		return nil, fmt.Errorf("classification.indicators: the weights add up to 0")
	}
	sort.Strings(cl.names)
	if c != nil && len(c.Scorecard) > 0 {
		for g, names := range c.Scorecard {
			if !contains(scorecardGroups, g) {
				return nil, fmt.Errorf("classification.scorecard: unknown group %q (want %s)", g, strings.Join(scorecardGroups, ", "))
			}
			if len(names) == 0 {
				return nil, fmt.Errorf("classification.scorecard.%s: no indicators", g)
			}
		}
		if len(c.Scorecard["financial"])+len(c.Scorecard["sales"]) == 0 {
			return nil, fmt.Errorf("classification.scorecard: actual needs indicators under financial or sales")
		}
		if len(c.Scorecard["customer"])+len(c.Scorecard["service"]) == 0 {
			return nil, fmt.Errorf("classification.scorecard: potential needs indicators under customer or service")
		}
		cl.scorecard = c.Scorecard
	}
	return cl, nil
}

// warn records a missing-data warning once.
func (cl *classifier) warn(format string, a ...any) {
	w := fmt.Sprintf(format, a...)
	if !cl.warned[w] {
		cl.warned[w] = true
		cl.warnings = append(cl.warnings, w)
	}
}

// classify fills value, level and the scorecard of the given segments (all
// of one kind, all with revenue and cost_to_serve). nodes holds the map node
// of each segment.
func (cl *classifier) classify(segs []*Segment, nodes []*node) {
	// Min and max of every built-in over the segments that have it.
	type span struct{ lo, hi float64 }
	spans := map[string]*span{}
	for name, get := range builtins {
		for i, s := range segs {
			if p := get(s, nodes[i]); p != nil {
				if sp := spans[name]; sp == nil {
					spans[name] = &span{*p, *p}
				} else {
					sp.lo, sp.hi = min(sp.lo, *p), max(sp.hi, *p)
				}
			}
		}
	}
	score := func(i int, name string) float64 {
		s, n := segs[i], nodes[i]
		if get, ok := builtins[name]; ok {
			p := get(s, n)
			if p == nil {
				cl.warn("%s: no %s (counted 0)", s.ID, name)
				return 0
			}
			sp := spans[name]
			if sp.hi == sp.lo {
				return 100
			}
			return (*p - sp.lo) / (sp.hi - sp.lo) * 100
		}
		v, ok := n.Scores.get(name)
		if !ok {
			cl.warn("%s: no score for %s (counted 0)", s.ID, name)
			return 0
		}
		return v
	}
	mean := func(i int, names []string) float64 {
		sum := 0.0
		for _, name := range names {
			sum += score(i, name)
		}
		return sum / float64(len(names))
	}

	for i, s := range segs {
		num, den := 0.0, 0.0
		for _, name := range cl.names {
			w := cl.weights[name]
			num += w * score(i, name)
			den += w
		}
		v := num / den
		s.Value = &v
		if cl.scorecard != nil {
			var act, pot []float64
			for _, g := range scorecardGroups[:2] {
				if names := cl.scorecard[g]; len(names) > 0 {
					act = append(act, mean(i, names))
				}
			}
			for _, g := range scorecardGroups[2:] {
				if names := cl.scorecard[g]; len(names) > 0 {
					pot = append(pot, mean(i, names))
				}
			}
			a, p := avg(act), avg(pot)
			q := quadrantOf(a, p)
			s.Scorecard = &Scorecard{Actual: &a, Potential: &p, Quadrant: &q}
		}
	}

	ranked := append([]*Segment(nil), segs...)
	sort.SliceStable(ranked, func(a, b int) bool {
		if *ranked[a].Value != *ranked[b].Value {
			return *ranked[a].Value > *ranked[b].Value
		}
		return ranked[a].ID < ranked[b].ID
	})
	// Equal values share the better level: a node's rank is one more than
	// the number of nodes with a strictly higher value.
	rank := 1
	for r, s := range ranked {
		if r > 0 && *s.Value != *ranked[r-1].Value {
			rank = r + 1
		}
		l := levelOf(rank, len(ranked))
		s.Level = &l
	}
}

// quality scores the eight customer quality criteria (1-5 each) as their
// mean × 20, over the criteria given, and flags a payment score ≤ 2.
func (cl *classifier) quality(s *Segment, n *node) {
	if len(n.Quality) == 0 {
		return
	}
	sum, count := 0.0, 0
	var missing []string
	for _, c := range graph.QualityCriteria {
		if v, ok := n.Quality.get(c); ok {
			sum += v
			count++
		} else {
			missing = append(missing, c)
		}
	}
	var unknown []string
	for _, f := range n.Quality {
		if !contains(graph.QualityCriteria, f.name) {
			unknown = append(unknown, f.name)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		cl.warn("%s: unknown quality criteria %s ignored", s.ID, strings.Join(unknown, ", "))
	}
	if count == 0 {
		return
	}
	if len(missing) > 0 {
		cl.warn("%s: no quality score for %s (quality is the mean of the %d given)", s.ID, strings.Join(missing, ", "), count)
	}
	q := sum / float64(count) * 20
	s.Quality = &q
	if p, ok := n.Quality.get("payment"); ok && p <= 2 {
		s.Flags = append(s.Flags, "payment_risk")
	}
}

func avg(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
