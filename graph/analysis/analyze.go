package analysis

import (
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/chanmap/chanmap/graph"
)

// Analyze computes the report of m: figures, tiers, pyramid, scorecard and
// quality of every segment and customer, the net revenue and profit of every
// partner, and the weak spots. A supplies cycle, shares over 1, a dangling
// supplies edge or a bad classification block is an error, and no report.
func Analyze(m *graph.Map) (*Report, error) {
	return analyze(m, false)
}

// AnalyzeOwned is Analyze for a caller that gives m's edges up, as one
// that read m only to analyse it and name its nodes does: the analysis
// lets go of each edge as it takes what it reads of it, so that a big
// map's analysis does not hold them. m is left with its nodes and no
// edges. A map read as a stream is better analysed by a Builder, which
// never holds the map at all.
func AnalyzeOwned(m *graph.Map) (*Report, error) {
	return analyze(m, true)
}

func analyze(m *graph.Map, owned bool) (*Report, error) {
	if m == nil {
		return nil, fmt.Errorf("analyze: no map")
	}
	a, err := feed(newBuilder(m, true), m, owned).analyse()
	if err != nil {
		return nil, fmt.Errorf("analyze %s: %w", m.ID, err)
	}
	return a.report, nil
}

// analysis is the working state of one Analyze call.
type analysis struct {
	head     *graph.Map // the map's id, currency and classification
	net      *supplyNet
	report   *Report
	segOf    members            // the segments each customer belongs to
	supports map[int][][]string // by node: the products of each supports edge into it
	products []string           // product node ids, sorted
	replace  map[string]bool
	uses     []bool // by node index: it has a uses edge to a touchpoint
	segAt    []int  // node index -> its place in report.Segments, -1 for other nodes
}

// newAnalysis analyses m, whose limits the caller has checked.
func newAnalysis(m *graph.Map) (*analysis, error) {
	return feed(newBuilder(m, false), m, false).analyse()
}

// feed gives b the nodes, then the edges of m; when owned, m lets go of
// each edge once b has it, and is left with none.
func feed(b *builder, m *graph.Map, owned bool) *builder {
	for _, n := range m.Nodes {
		b.node(n)
	}
	for i, e := range m.Edges {
		b.edge(e)
		if owned {
			m.Edges[i] = nil
		}
	}
	if owned {
		m.Edges = []*graph.Edge{}
	}
	return b
}

// run computes the report from what the builder gathered.
func (a *analysis) run(b *builder) error {
	for _, n := range b.nodes {
		if n.Kind == graph.KindProduct {
			a.products = append(a.products, n.ID)
			if n.ReplacementMonths != nil {
				a.replace[n.ID] = true
			}
		}
	}
	sort.Strings(a.products)
	cl, err := newClassifier(a.head.Classification)
	if err != nil {
		return err
	}
	th, err := tierThresholds(a.head.Classification)
	if err != nil {
		return err
	}
	if err := a.segments(cl, th); err != nil {
		return err
	}
	a.partners()
	a.weakSpots()
	a.report.Markets = markets(a.report.Segments, func(id string) string { return a.net.nodes[a.net.index[id]].Market })
	w := append(append(append(append(a.report.Warnings, a.net.warnings...), cl.warnings...), b.warnings...), a.net.shareWarnings()...)
	sort.Strings(w)
	a.report.Warnings = w
	a.report.clean()
	// The insights look up names, memberships, supplies edges and the
	// report's segments only: the rest of the tables goes first, so that
	// the insights do not add to a peak that holds it.
	a.net.keepLookups()
	a.supports, a.uses, a.replace, a.products = nil, nil, nil, nil
	a.report.Insights = insights(a.report, analysisSource{a})
	return nil
}

// clean drops floating-point noise past 15 significant digits from every
// figure (2,400,000 · (1 − 0.18) is 1968000.0000000002 in float64), so the
// report shows 1968000. Nothing a currency or a percentage can show is lost.
func (r *Report) clean() {
	for i := range r.Segments {
		s := &r.Segments[i]
		for _, p := range []*float64{s.NetRevenue, s.Profit, s.Margin, s.Value, s.Quality} {
			cleanNum(p)
		}
		if s.Scorecard != nil {
			cleanNum(s.Actual)
			cleanNum(s.Potential)
		}
	}
	for i := range r.Partners {
		cleanNum(&r.Partners[i].NetRevenue)
		cleanNum(&r.Partners[i].Profit)
	}
	c := &r.WeakSpots.Concentration
	for _, p := range []*float64{c.Top1, c.Top3, c.HHI} {
		cleanNum(p)
	}
	for i := range r.WeakSpots.UnaccountedFlow {
		u := &r.WeakSpots.UnaccountedFlow[i]
		cleanNum(&u.Fraction)
		cleanNum(u.Spend)
	}
	for i := range r.Markets {
		k := &r.Markets[i]
		for _, p := range []*float64{&k.Revenue, &k.NetRevenue, k.Profit, k.Margin} {
			cleanNum(p)
		}
	}
}

func cleanNum(p *float64) {
	if p == nil {
		return
	}
	if v, err := strconv.ParseFloat(strconv.FormatFloat(*p, 'g', 15, 64), 64); err == nil {
		*p = v
	}
}

// coefOf is the fraction of a segment's or customer's spend that arrives at
// a company: its own, or for a customer without inbound supplies edges the
// mean over the segments it belongs to.
func (a *analysis) coefOf(v int) float64 {
	n := a.net.nodes[v]
	if n.Kind != graph.KindCustomer || len(a.net.in[v]) > 0 {
		return a.net.coef[v]
	}
	segs := a.segOf.of(v)
	if len(segs) == 0 {
		return 0
	}
	c := 0.0
	for _, s := range segs {
		c += a.net.coef[s]
	}
	return c / float64(len(segs))
}

// segments fills the figures of every segment and customer.
func (a *analysis) segments(cl *classifier, th thresholds) error {
	var ids []int
	for v, n := range a.net.nodes {
		if n.Kind.IsCustomer() {
			ids = append(ids, v)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return a.net.nodes[ids[i]].ID < a.net.nodes[ids[j]].ID })
	segs := make([]Segment, len(ids))
	classified := map[graph.NodeKind][]int{}
	var noCOGS []string // classified nodes whose profit counts no cost of goods
	withCOGS := false
	for i, v := range ids {
		n := a.net.nodes[v]
		s := &segs[i]
		*s = Segment{ID: n.ID, Kind: string(n.Kind), Revenue: copyNum(n.Revenue), CostToServe: copyNum(n.CostToServe),
			TierSource: TierComputed, Flags: []string{}}
		if n.Kind == graph.KindCustomer && len(a.net.in[v]) == 0 && len(a.segOf.of(v)) == 0 {
			a.warn("%s: no supplies edges and no segment, so nothing reaches it", n.ID)
		}
		switch {
		case s.Revenue == nil && s.CostToServe == nil:
			a.warn("%s: no revenue and no cost_to_serve, so unclassified", n.ID)
		case s.Revenue == nil:
			a.warn("%s: no revenue, so unclassified", n.ID)
		case s.CostToServe == nil:
			a.warn("%s: no cost_to_serve, so unclassified", n.ID)
		}
		if s.Revenue != nil {
			nr := *s.Revenue * a.coefOf(v)
			s.NetRevenue = &nr
			if s.CostToServe != nil {
				g := a.grossMargin(n)
				if g == nil {
					noCOGS = append(noCOGS, n.ID)
				} else {
					s.GrossMargin, withCOGS = copyNum(g), true
				}
				p := grossProfit(nr, g) - *s.CostToServe
				s.Profit = &p
				if nr != 0 {
					m := p / nr
					s.Margin = &m
				}
				s.Tier = tierOf(p, s.Margin, th)
				classified[n.Kind] = append(classified[n.Kind], i)
			}
		}
		if n.Tier != nil {
			if *n.Tier < 1 || *n.Tier > 4 {
				return fmt.Errorf("%s: tier %d is not 1-4", n.ID, *n.Tier)
			}
			s.Tier, s.TierSource = Tier(*n.Tier), TierManual
		}
		if cl.scorecard != nil {
			s.Scorecard = &Scorecard{}
		}
		cl.quality(s, n)
	}
	a.warnNoCOGS(noCOGS, withCOGS)
	for _, kind := range []graph.NodeKind{graph.KindSegment, graph.KindCustomer} {
		var group []*Segment
		var nodes []*node
		for _, i := range classified[kind] {
			group = append(group, &segs[i])
			nodes = append(nodes, a.net.nodes[ids[i]])
		}
		if len(group) > 0 {
			cl.classify(group, nodes)
		}
	}
	a.report.Segments = segs
	a.segAt = make([]int, len(a.net.nodes))
	for v := range a.segAt {
		a.segAt[v] = -1
	}
	for i, v := range ids {
		a.segAt[v] = i
	}
	return nil
}

// members lists the segments every customer belongs to (belongs_to
// edges, in map order) in two flat arrays instead of a slice per node.
type members struct {
	start []int32 // node v's segments are list[start[v]:start[v+1]]
	list  []int32
}

// newMembers lays out the belongs_to pairs (customer, segment), in map
// order, by customer.
func newMembers(nodes int, pairs [][2]int32) members {
	ms := members{start: make([]int32, nodes+1)}
	for _, p := range pairs {
		ms.start[p[0]+1]++
	}
	for v := range nodes {
		ms.start[v+1] += ms.start[v]
	}
	ms.list = make([]int32, ms.start[nodes])
	next := slices.Clone(ms.start[:nodes])
	for _, p := range pairs {
		ms.list[next[p[0]]] = p[1]
		next[p[0]]++
	}
	return ms
}

func (ms members) of(v int) []int32 { return ms.list[ms.start[v]:ms.start[v+1]] }

// analysisSource answers the insights' look-ups from the analysis's own
// tables, which hold the same as an index of the map would: every node of
// the map is in net, belongs_to edges are in segOf and supplies edges in
// net.in, each in map order.
type analysisSource struct{ a *analysis }

func (s analysisSource) name(id string) (string, bool) {
	if v, ok := s.a.net.index[id]; ok && s.a.net.nodes[v].Name != "" {
		return s.a.net.nodes[v].Name, true
	}
	return "", false
}

func (s analysisSource) segOf(id string) []string {
	v, ok := s.a.net.index[id]
	if !ok {
		return nil
	}
	segs := s.a.segOf.of(v)
	ids := make([]string, len(segs))
	for i, v := range segs {
		ids[i] = s.a.net.nodes[v].ID
	}
	return ids
}

func (s analysisSource) supplies(id string) []inflow {
	v, ok := s.a.net.index[id]
	if !ok {
		return nil
	}
	in := make([]inflow, len(s.a.net.in[v]))
	for i, arc := range s.a.net.in[v] {
		in[i] = inflow{given: arc.given, share: arc.share, products: arc.products}
	}
	return in
}

func (s analysisSource) segment(id string) *Segment {
	if v, ok := s.a.net.index[id]; ok && s.a.segAt[v] >= 0 {
		return &s.a.report.Segments[s.a.segAt[v]]
	}
	return nil
}

// partners credits every partner with the company net revenue of the
// segments (kind segment) that flows through it, and with the segment profit
// in proportion to that flow.
func (a *analysis) partners() {
	n := len(a.net.nodes)
	sold, soldProfit := make([]float64, n), make([]float64, n)
	for _, s := range a.report.Segments {
		if s.Kind != string(graph.KindSegment) || s.Revenue == nil {
			continue
		}
		v := a.net.index[s.ID]
		sold[v] = *s.Revenue
		if s.Margin != nil {
			soldProfit[v] = *s.Revenue * *s.Margin
		}
	}
	a.net.credit(sold)
	a.net.credit(soldProfit)
	for v, node := range a.net.nodes {
		if !isPartner(node.Kind) || (!node.Kind.IsIntermediary() && (len(a.net.out[v]) == 0 || !a.net.reach[v])) {
			continue
		}
		a.report.Partners = append(a.report.Partners, Partner{
			ID:         node.ID,
			NetRevenue: a.net.coef[v] * sold[v],
			Profit:     a.net.coef[v] * soldProfit[v],
		})
	}
	sort.Slice(a.report.Partners, func(i, j int) bool { return a.report.Partners[i].ID < a.report.Partners[j].ID })
}

// isPartner tells whether nodes of kind k are partners: organisations other
// than the company.
func isPartner(k graph.NodeKind) bool { return k.IsOrg() && k != graph.KindCompany }

func (a *analysis) warn(format string, args ...any) {
	a.report.Warnings = append(a.report.Warnings, fmt.Sprintf(format, args...))
}

func copyNum(p *float64) *float64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
