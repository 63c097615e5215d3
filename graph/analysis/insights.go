package analysis

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// Insight is one finding of the analysis in plain words, with the money it
// puts at stake: the list a strategist reads first ("HVAC Nord carries every
// sale to Housing developers: EUR 4.8 m at risk"). Insights are ranked by
// amount at stake, then severity, then ID.
type Insight struct {
	// ID names the finding: its kind and the node it is about
	// ("single_point_of_failure:hvac-nord").
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Severity string `json:"severity"`
	Headline string `json:"headline"`
	// Short says the same in fewer words and without the amount, for a
	// narrow column that shows the amount beside it ("HVAC Nord carries
	// every sale to Housing developers and 2 more").
	Short string `json:"short"`
	// AtStake is the yearly amount in the map's currency that the finding
	// puts at risk or leaves on the table; null when the map gives no figure.
	AtStake *float64 `json:"at_stake"`
	// Figures are the numbers behind the headline.
	Figures []Figure `json:"figures"`
	// Nodes are the ids of the nodes it concerns, the main one first.
	Nodes []string `json:"nodes"`
}

// Figure is one number behind an insight. Unit is "currency" (yearly, in
// the map's currency), "share" (0-1) or "count".
type Figure struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// Insight kinds.
const (
	InsightSinglePointOfFailure = "single_point_of_failure"
	InsightUnreachable          = "unreachable"
	InsightUnsupported          = "unsupported"
	InsightConcentration        = "concentration"
	InsightMoneyLoser           = "money_loser"
	InsightChannelConflict      = "channel_conflict"
	InsightServiceOpportunity   = "service_opportunity"
	InsightPreferenceUnmet      = "preference_unmet"
	InsightNoTouchpoint         = "no_touchpoint"
)

// Severities, most severe first. Ties in amount at stake rank by severity.
const (
	SeverityHigh   = "high"
	SeverityMedium = "medium"
	SeverityLow    = "low"
)

var severityRank = map[string]int{SeverityHigh: 0, SeverityMedium: 1, SeverityLow: 2}

// insightFinders each turn one part of the report into insights. A new weak
// spot adds its finder here.
var insightFinders = []func(*insightCtx) []Insight{
	(*insightCtx).singlePointsOfFailure,
	(*insightCtx).unreachable,
	(*insightCtx).unsupported,
	(*insightCtx).concentration,
	(*insightCtx).moneyLosers,
	(*insightCtx).channelConflicts,
	(*insightCtx).serviceOpportunities,
	(*insightCtx).preferencesUnmet,
	(*insightCtx).noTouchpoint,
}

// Insights turns the report r of map m into findings ranked by the money at
// stake (largest first; ties by severity, then ID). m gives the names the
// headlines use; a node m lacks is named by its id.
func Insights(r *Report, m *graph.Map) []Insight {
	src := &mapSource{names: map[string]string{}, memberOf: map[string][]string{}, into: map[string][]inflow{},
		segs: make(map[string]*Segment, len(r.Segments))}
	for i := range r.Segments {
		src.segs[r.Segments[i].ID] = &r.Segments[i]
	}
	if m != nil {
		for _, n := range m.Nodes {
			if n != nil && n.Name != "" {
				src.names[n.ID] = n.Name
			}
		}
		for _, e := range m.Edges {
			switch {
			case e == nil:
			case e.Kind == graph.EdgeBelongsTo:
				src.memberOf[e.From] = append(src.memberOf[e.From], e.To)
			case e.Kind == graph.EdgeSupplies:
				in := inflow{given: e.Share != nil, products: e.Products}
				if in.given {
					in.share = *e.Share
				}
				src.into[e.To] = append(src.into[e.To], in)
			}
		}
	}
	return insights(r, src)
}

// insights ranks the findings of every finder on r, looking names, segments
// and supplies edges up in src.
func insights(r *Report, src insightSource) []Insight {
	c := &insightCtx{r: r, src: src}
	if r.Currency != nil {
		c.currency = *r.Currency
	}
	// Each finder's list is copied into one slice of the exact length, so
	// half a million insights are never held twice over by append's
	// doubling.
	parts, total := make([][]Insight, len(insightFinders)), 0
	for i, find := range insightFinders {
		parts[i] = find(c)
		total += len(parts[i])
	}
	out := make([]Insight, 0, total)
	for i := range parts {
		out = append(out, parts[i]...)
		parts[i] = nil
	}
	// Sort an index (an Insight is large to move), then put every insight
	// in its place in one pass along the permutation's cycles, without a
	// second slice of them (a million-node map has half a million). IDs
	// are unique, so the order is total.
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		x, y := &out[idx[a]], &out[idx[b]]
		if sx, sy := stake(*x), stake(*y); sx != sy {
			return sx > sy
		}
		if rx, ry := severityRank[x.Severity], severityRank[y.Severity]; rx != ry {
			return rx < ry
		}
		return x.ID < y.ID
	})
	permute(out, idx)
	return out
}

// permute rearranges xs so that xs[i] becomes the old xs[idx[i]], following
// each cycle of the permutation once; idx is used up (every entry set to -1).
func permute[T any](xs []T, idx []int) {
	for i := range xs {
		if idx[i] < 0 {
			continue
		}
		held, j := xs[i], i
		for {
			k := idx[j]
			idx[j] = -1
			if k == i {
				xs[j] = held
				break
			}
			xs[j] = xs[k]
			j = k
		}
	}
}

func stake(in Insight) float64 {
	if in.AtStake == nil {
		return 0
	}
	return *in.AtStake
}

type insightCtx struct {
	r        *Report
	currency string
	src      insightSource
}

// inflow is what the insights read of a supplies edge into a node: its
// share when it gives one, and the products it names.
type inflow struct {
	given    bool
	share    float64
	products []string
}

// insightSource is what the findings look up beyond the report. Insights
// builds one from the map; Analyze hands over its own tables, so that no
// second index of a large map is built at the end of its analysis.
type insightSource interface {
	// name is the node's name, false when it has none (or no such node).
	name(id string) (string, bool)
	// segOf lists the segments customer id belongs to, in map order.
	segOf(id string) []string
	// supplies lists the supplies edges into node id, in map order.
	supplies(id string) []inflow
	// segment is the report's segment or customer id, or nil.
	segment(id string) *Segment
}

// mapSource is an insightSource indexed from a map.
type mapSource struct {
	names    map[string]string
	memberOf map[string][]string // customer -> its segments
	into     map[string][]inflow // node -> its inbound supplies edges
	segs     map[string]*Segment // the report's segments by id
}

func (s *mapSource) name(id string) (string, bool) { n, ok := s.names[id]; return n, ok }
func (s *mapSource) segOf(id string) []string      { return s.memberOf[id] }
func (s *mapSource) supplies(id string) []inflow   { return s.into[id] }
func (s *mapSource) segment(id string) *Segment    { return s.segs[id] }

func (c *insightCtx) name(id string) string {
	if n, ok := c.src.name(id); ok {
		return n
	}
	return id
}

func (c *insightCtx) money(v float64) string { return Money(c.currency, v) }

// revenue is the segment's spend, or nil.
func (c *insightCtx) revenue(id string) *float64 {
	if s := c.src.segment(id); s != nil && s.Revenue != nil {
		v := *s.Revenue
		return &v
	}
	return nil
}

// verb agrees a verb with the node: a segment is a group ("Homeowners
// prefer"), a customer one account ("Stadt Freiburg prefers").
func (c *insightCtx) verb(id, plural string) string {
	if c.kindOf(id) == string(graph.KindCustomer) {
		return plural + "s"
	}
	return plural
}

func (c *insightCtx) kindOf(id string) string {
	if s := c.src.segment(id); s != nil {
		return s.Kind
	}
	return ""
}

// spendOf adds the spend of segments; a customer counts only when none of
// its segments is among them (it is detail inside its segment).
func (c *insightCtx) spendOf(ids []string) *float64 {
	in := map[string]bool{}
	for _, id := range ids {
		in[id] = true
	}
	var total *float64
	for _, id := range ids {
		if c.kindOf(id) == string(graph.KindCustomer) {
			counted := false
			for _, s := range c.src.segOf(id) {
				counted = counted || in[s]
			}
			if counted {
				continue
			}
		}
		if v := c.revenue(id); v != nil {
			if total == nil {
				total = new(float64)
			}
			*total += *v
		}
	}
	return total
}

func figure(name string, v *float64, unit string) []Figure {
	if v == nil {
		return []Figure{}
	}
	return []Figure{{Name: name, Value: *v, Unit: unit}}
}

// names lists names in words: "A", "A and B", "A, B and C", "A, B and 2 more".
func (c *insightCtx) list(ids []string) string {
	ns := make([]string, len(ids))
	for i, id := range ids {
		ns[i] = c.name(id)
	}
	switch {
	case len(ns) == 1:
		return ns[0]
	case len(ns) <= 3:
		return strings.Join(ns[:len(ns)-1], ", ") + " and " + ns[len(ns)-1]
	default:
		return strings.Join(ns[:2], ", ") + fmt.Sprintf(" and %d more", len(ns)-2)
	}
}

// few names one node and counts the rest: "A", "A and 2 more".
func (c *insightCtx) few(ids []string) string {
	if len(ids) == 1 {
		return c.name(ids[0])
	}
	return fmt.Sprintf("%s and %d more", c.name(ids[0]), len(ids)-1)
}

// atStake is " EUR 4.8 m at risk" style text, or "" without a figure.
func (c *insightCtx) atStake(v *float64, what string) string {
	if v == nil {
		return ""
	}
	return ": " + c.money(*v) + " " + what
}

// singlePointsOfFailure: one insight per partner, with the spend of every
// segment only it reaches.
func (c *insightCtx) singlePointsOfFailure() []Insight {
	byPartner := map[string][]string{}
	for _, s := range c.r.WeakSpots.SinglePointsOfFailure {
		byPartner[s.Partner] = append(byPartner[s.Partner], s.Segment)
	}
	var out []Insight
	for _, p := range sortedKeys(byPartner) {
		segs := byPartner[p]
		sort.Strings(segs)
		amount := c.spendOf(segs)
		head := fmt.Sprintf("%s carries every sale to %s%s", c.name(p), c.list(segs), c.atStake(amount, "at risk"))
		out = append(out, Insight{
			ID: InsightSinglePointOfFailure + ":" + p, Kind: InsightSinglePointOfFailure, Severity: SeverityHigh,
			Headline: head, Short: fmt.Sprintf("%s carries every sale to %s", c.name(p), c.few(segs)), AtStake: amount, Figures: figure("spend_at_risk", amount, "currency"),
			Nodes: append([]string{p}, segs...),
		})
	}
	return out
}

// perSegment makes one insight per segment id with its spend at stake.
func (c *insightCtx) perSegment(ids []string, kind, severity string, short string, head func(name, money string) string) []Insight {
	var out []Insight
	for _, id := range ids {
		amount := c.revenue(id)
		money := ""
		if amount != nil {
			money = c.money(*amount)
		}
		out = append(out, Insight{
			ID: kind + ":" + id, Kind: kind, Severity: severity, Headline: head(c.name(id), money), Short: fmt.Sprintf(short, c.name(id)),
			AtStake: amount, Figures: figure("revenue", amount, "currency"), Nodes: []string{id},
		})
	}
	return out
}

func withMoney(s, money, tail string) string {
	if money == "" {
		return s
	}
	return s + ": " + money + " " + tail
}

func (c *insightCtx) unreachable() []Insight {
	return c.perSegment(c.r.WeakSpots.Unreachable, InsightUnreachable, SeverityHigh, "No channel reaches %s", func(n, money string) string {
		return withMoney("No channel reaches "+n, money, "of spend unserved")
	})
}

func (c *insightCtx) unsupported() []Insight {
	return c.perSegment(c.r.WeakSpots.Unsupported, InsightUnsupported, SeverityMedium, "Nobody supports %s", func(n, money string) string {
		return withMoney("Nobody supports "+n, money, "of spend without service")
	})
}

// noTouchpoint: segments with no interaction point; their spend is at
// stake, since nobody knows how they talk to the business.
func (c *insightCtx) noTouchpoint() []Insight {
	return c.perSegment(c.r.WeakSpots.NoTouchpoint, InsightNoTouchpoint, SeverityLow, "No interaction point for %s", func(n, money string) string {
		return withMoney("No interaction point for "+n, money, "of spend, and nobody knows how they talk to us")
	})
}

// concentration: the top segment's net revenue is at stake when the report
// flags concentration.
func (c *insightCtx) concentration() []Insight {
	con := c.r.WeakSpots.Concentration
	if !con.Flagged || con.Top1 == nil || con.Top3 == nil {
		return nil
	}
	var top *Segment
	for i := range c.r.Segments {
		s := &c.r.Segments[i]
		if s.Kind != string(graph.KindSegment) || s.NetRevenue == nil {
			continue
		}
		if top == nil || *s.NetRevenue > *top.NetRevenue {
			top = s
		}
	}
	if top == nil {
		return nil
	}
	nr := *top.NetRevenue
	head := fmt.Sprintf("%s %s %s of net revenue (%s); the top three bring %s",
		c.name(top.ID), c.verb(top.ID, "bring"), Percent(*con.Top1), c.money(nr), Percent(*con.Top3))
	figs := []Figure{{Name: "net_revenue", Value: nr, Unit: "currency"},
		{Name: "top1", Value: *con.Top1, Unit: "share"}, {Name: "top3", Value: *con.Top3, Unit: "share"}}
	if con.HHI != nil {
		figs = append(figs, Figure{Name: "hhi", Value: *con.HHI, Unit: "share"})
	}
	short := fmt.Sprintf("%s %s %s of net revenue", c.name(top.ID), c.verb(top.ID, "bring"), Percent(*con.Top1))
	return []Insight{{ID: InsightConcentration + ":" + top.ID, Kind: InsightConcentration, Severity: SeverityMedium,
		Headline: head, Short: short, AtStake: &nr, Figures: figs, Nodes: []string{top.ID}}}
}

// moneyLosers: tier 4 segments and customers; their loss is at stake.
func (c *insightCtx) moneyLosers() []Insight {
	var out []Insight
	for _, s := range c.r.Segments {
		if s.Tier != 4 {
			continue
		}
		var loss *float64
		head := c.name(s.ID) + " " + c.verb(s.ID, "lose") + " money (tier 4)"
		if s.Profit != nil {
			l := math.Max(-*s.Profit, 0)
			loss = &l
			if l > 0 {
				head = fmt.Sprintf("%s %s %s a year (tier 4)", c.name(s.ID), c.verb(s.ID, "lose"), c.money(l))
			}
		}
		figs := figure("loss", loss, "currency")
		figs = append(figs, figure("net_revenue", s.NetRevenue, "currency")...)
		figs = append(figs, figure("cost_to_serve", s.CostToServe, "currency")...)
		out = append(out, Insight{ID: InsightMoneyLoser + ":" + s.ID, Kind: InsightMoneyLoser, Severity: SeverityHigh,
			Headline: head, Short: c.name(s.ID) + " " + c.verb(s.ID, "lose") + " money (tier 4)", AtStake: loss, Figures: figs, Nodes: []string{s.ID}})
	}
	return out
}

// channelConflicts: one insight per segment, naming every seller in a
// conflict and the products they compete on. What is at stake is the
// segment's channel margin pool (spend − net revenue): what the competing
// sellers fight over and what a price war erodes first.
func (c *insightCtx) channelConflicts() []Insight {
	sellers, products := map[string]map[string]bool{}, map[string]map[string]bool{}
	for _, cc := range c.r.WeakSpots.ChannelConflicts {
		if sellers[cc.Segment] == nil {
			sellers[cc.Segment], products[cc.Segment] = map[string]bool{}, map[string]bool{}
		}
		for _, p := range cc.Partners {
			sellers[cc.Segment][p] = true
		}
		for _, p := range cc.Products {
			products[cc.Segment][p] = true
		}
	}
	var out []Insight
	for _, seg := range sortedKeys(sellers) {
		ps, prods := sortedKeys(sellers[seg]), sortedKeys(products[seg])
		var amount *float64
		figs := []Figure{}
		if s := c.src.segment(seg); s != nil && s.Revenue != nil && s.NetRevenue != nil {
			pool := math.Max(*s.Revenue-*s.NetRevenue, 0)
			amount = &pool
			figs = append(figs, Figure{Name: "revenue", Value: *s.Revenue, Unit: "currency"},
				Figure{Name: "net_revenue", Value: *s.NetRevenue, Unit: "currency"},
				Figure{Name: "channel_margin", Value: pool, Unit: "currency"})
		}
		head := fmt.Sprintf("%s compete for %s", c.list(ps), c.name(seg))
		if len(prods) > 0 {
			head += " over " + c.list(prods)
		}
		head += c.atStake(amount, "of channel margin contested")
		figs = append(figs, Figure{Name: "sellers", Value: float64(len(ps)), Unit: "count"})
		short := fmt.Sprintf("%d sellers compete for %s", len(ps), c.name(seg))
		out = append(out, Insight{ID: InsightChannelConflict + ":" + seg, Kind: InsightChannelConflict, Severity: SeverityMedium,
			Headline: head, Short: short, AtStake: amount, Figures: figs, Nodes: append([]string{seg}, ps...)})
	}
	return out
}

// serviceOpportunities: one insight per segment with the products nobody
// services. What is at stake is the segment's spend on those products
// (productSpend), not its whole spend: the replacement business a service
// partner would keep.
func (c *insightCtx) serviceOpportunities() []Insight {
	bySeg := map[string][]string{}
	for _, so := range c.r.WeakSpots.ServiceOpportunities {
		bySeg[so.Segment] = append(bySeg[so.Segment], so.Product)
	}
	var out []Insight
	for _, seg := range sortedKeys(bySeg) {
		prods := bySeg[seg]
		sort.Strings(prods)
		amount := c.productSpend(seg, prods)
		head := fmt.Sprintf("Nobody services %s for %s%s", c.list(prods), c.name(seg), c.atStake(amount, "of spend on them"))
		what := c.name(prods[0])
		if len(prods) > 1 {
			what = fmt.Sprintf("%d products", len(prods))
		}
		figs := figure("product_spend", amount, "currency")
		figs = append(figs, figure("revenue", c.revenue(seg), "currency")...)
		out = append(out, Insight{ID: InsightServiceOpportunity + ":" + seg, Kind: InsightServiceOpportunity, Severity: SeverityLow,
			Headline: head, Short: fmt.Sprintf("Nobody services %s for %s", what, c.name(seg)),
			AtStake: amount, Figures: figs, Nodes: append([]string{seg}, prods...)})
	}
	return out
}

// productSpend is the part of node id's spend that goes to products: through
// each inbound supplies edge naming some of them, the edge's share of id's
// purchases split evenly over the products it names. Shares are read as the
// analysis reads them: the given one, else an even split of what the given
// shares leave over. Nil when id has no spend.
func (c *insightCtx) productSpend(id string, products []string) *float64 {
	rev := c.revenue(id)
	if rev == nil {
		return nil
	}
	want := map[string]bool{}
	for _, p := range products {
		want[p] = true
	}
	edges := c.src.supplies(id)
	given, unshared := 0.0, 0
	for _, e := range edges {
		if e.given {
			given += e.share
		} else {
			unshared++
		}
	}
	rest := 0.0
	if unshared > 0 {
		rest = math.Max(0, 1-given) / float64(unshared)
	}
	part := 0.0
	for _, e := range edges {
		k := 0
		for _, p := range e.products {
			if want[p] {
				k++
			}
		}
		if k == 0 {
			continue
		}
		share := rest
		if e.given {
			share = e.share
		}
		part += share * float64(k) / float64(len(e.products))
	}
	v := *rev * part
	cleanNum(&v) // 9,200,000 · 0.2 is 1840000.0000000002 in float64
	return &v
}

func (c *insightCtx) preferencesUnmet() []Insight {
	var out []Insight
	for _, pu := range c.r.WeakSpots.PreferenceUnmet {
		amount := c.revenue(pu.Segment)
		head := fmt.Sprintf("%s %s %s", c.name(pu.Segment), c.verb(pu.Segment, "prefer"), words(pu.Prefers, "or"))
		if len(pu.Offered) > 0 {
			head += fmt.Sprintf(" but %s %s", c.verb(pu.Segment, "get"), words(pu.Offered, "and"))
		} else {
			head += " and nothing delivers that way"
		}
		head += c.atStake(amount, "of spend")
		short := fmt.Sprintf("%s %s %s; no channel delivers that way", c.name(pu.Segment), c.verb(pu.Segment, "prefer"), words(pu.Prefers, "or"))
		out = append(out, Insight{ID: InsightPreferenceUnmet + ":" + pu.Segment, Kind: InsightPreferenceUnmet, Severity: SeverityLow,
			Headline: head, Short: short, AtStake: amount, Figures: figure("revenue", amount, "currency"), Nodes: []string{pu.Segment}})
	}
	return out
}

// words lists method names in words: "field install or online".
func words(xs []string, conj string) string {
	ws := make([]string, len(xs))
	for i, x := range xs {
		ws[i] = strings.ReplaceAll(x, "_", " ")
	}
	if len(ws) <= 1 {
		return strings.Join(ws, "")
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " " + conj + " " + ws[len(ws)-1]
}

// Money writes an amount for a headline: "EUR 4.8 m", "EUR 400 k",
// "EUR 950", "EUR 1.2 bn"; without a currency just the number.
func Money(currency string, v float64) string {
	sign := ""
	if v < 0 {
		sign, v = "−", -v
	}
	var s string
	switch {
	case v >= 999.5e6:
		s = trimZero(fmt.Sprintf("%.1f", v/1e9)) + " bn"
	case v >= 999.5e3:
		s = trimZero(fmt.Sprintf("%.1f", v/1e6)) + " m"
	case v >= 999.5:
		s = fmt.Sprintf("%.0f k", v/1e3)
	default:
		s = fmt.Sprintf("%.0f", v)
	}
	if currency == "" {
		return sign + s
	}
	return currency + " " + sign + s
}

// Percent writes a share as a whole per cent: "35 %".
func Percent(share float64) string { return fmt.Sprintf("%.0f %%", share*100) }

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }
