package analysis

import "strings"

// grossMargin is the company's gross margin on the node's net revenue: the
// node's gross_margin, else classification.gross_margin, else nil (profit
// then counts no cost of goods).
func (a *analysis) grossMargin(n *node) *float64 {
	if n.GrossMargin != nil {
		return n.GrossMargin
	}
	if c := a.head.Classification; c != nil && c.GrossMargin != nil {
		return c.GrossMargin
	}
	return nil
}

// grossProfit is what the company keeps of net revenue nr after the cost of
// the goods: nr · g, or nr when no gross margin is given.
func grossProfit(nr float64, g *float64) float64 {
	if g == nil {
		return nr
	}
	return nr * *g
}

// warnNoCOGS says once that profit counts no cost of goods: for the whole
// map when no classified node has a gross margin (some is false), else
// naming the nodes without one.
func (a *analysis) warnNoCOGS(ids []string, some bool) {
	if len(ids) == 0 {
		return
	}
	const why = "profit counts no cost of goods (profit = net revenue − cost to serve); set classification.gross_margin or a node's gross_margin"
	if some {
		a.warn("%s: no gross_margin, so %s", strings.Join(ids, ", "), why)
		return
	}
	a.warn("no gross margin is given, so %s", why)
}
