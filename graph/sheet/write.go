package sheet

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// outCol is one column of an exported table.
type outCol struct {
	name string
	f    field
	key  string
}

// nodeOutColumns are the columns of the nodes table of m: id, kind and name,
// then the other known fields any node uses in canonical order, then
// scores.* and quality.* (criteria in their defined order, others sorted),
// then the attributes, sorted.
func nodeOutColumns(m *graph.Map) []outCol {
	used := map[field]bool{fID: true, fKind: true, fName: true}
	scores, quality, attrs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, n := range m.Nodes {
		for _, k := range nodeColumns {
			if _, ok := nodeValue(n, outCol{name: k.name, f: k.f}); ok {
				used[k.f] = true
			}
		}
		for k := range n.Scores {
			scores[k] = true
		}
		for k := range n.Quality {
			quality[k] = true
		}
		for k := range n.Attrs {
			attrs[k] = true
		}
	}
	var cols []outCol
	for _, k := range nodeColumns {
		if used[k.f] {
			cols = append(cols, outCol{name: k.name, f: k.f})
		}
	}
	for _, k := range sortedKeys(scores) {
		cols = append(cols, outCol{name: "scores." + k, f: fScore, key: k})
	}
	for _, k := range graph.QualityCriteria {
		if quality[k] {
			cols = append(cols, outCol{name: "quality." + k, f: fQuality, key: k})
			delete(quality, k)
		}
	}
	for _, k := range sortedKeys(quality) {
		cols = append(cols, outCol{name: "quality." + k, f: fQuality, key: k})
	}
	for _, k := range sortedKeys(attrs) {
		cols = append(cols, outCol{name: k, f: fAttr, key: k})
	}
	return cols
}

// edgeOutColumns are the columns of the edges table of m: from, to and kind
// (id first when any edge has one), the other known fields any edge uses,
// then the attributes, sorted.
func edgeOutColumns(m *graph.Map) []outCol {
	used := map[field]bool{fFrom: true, fTo: true, fKind: true}
	attrs := map[string]bool{}
	for _, e := range m.Edges {
		for _, k := range edgeColumns {
			if _, ok := edgeValue(e, outCol{name: k.name, f: k.f}); ok {
				used[k.f] = true
			}
		}
		for k := range e.Attrs {
			attrs[k] = true
		}
	}
	var cols []outCol
	for _, k := range edgeColumns {
		if used[k.f] {
			cols = append(cols, outCol{name: k.name, f: k.f})
		}
	}
	for _, k := range sortedKeys(attrs) {
		cols = append(cols, outCol{name: k, f: fAttr, key: k})
	}
	return cols
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// nodeValue is the value of column c of node n: a string, a float64, a bool
// or a []string; ok is false when the node has none.
func nodeValue(n *graph.Node, c outCol) (any, bool) {
	switch c.f {
	case fID:
		return str(n.ID)
	case fKind:
		return str(string(n.Kind))
	case fName:
		return str(n.Name)
	case fDescription:
		return str(n.Description)
	case fTags:
		return list(n.Tags)
	case fRegion:
		return str(n.Region)
	case fServices:
		return list(n.Services)
	case fMarket:
		return str(n.Market)
	case fCustomers:
		return num(n.Customers)
	case fRevenue:
		return num(n.Revenue)
	case fCostToServe:
		return num(n.CostToServe)
	case fGrossMargin:
		return num(n.GrossMargin)
	case fPrefers:
		return list(n.Prefers)
	case fNeeds:
		return str(n.Needs)
	case fTier:
		if n.Tier == nil {
			return nil, false
		}
		return float64(*n.Tier), true
	case fChannel:
		return str(n.Channel)
	case fPurpose:
		return str(n.Purpose)
	case fReplacementMonths:
		return num(n.ReplacementMonths)
	case fScore:
		v, ok := n.Scores[c.key]
		return v, ok
	case fQuality:
		v, ok := n.Quality[c.key]
		return v, ok
	case fAttr:
		v, ok := n.Attrs[c.key]
		return v, ok
	}
	return nil, false
}

// edgeValue is nodeValue for edges.
func edgeValue(e *graph.Edge, c outCol) (any, bool) {
	switch c.f {
	case fID:
		return str(e.ID)
	case fFrom:
		return str(e.From)
	case fTo:
		return str(e.To)
	case fKind:
		return str(string(e.Kind))
	case fDelivery:
		return str(e.Delivery)
	case fProducts:
		return list(e.Products)
	case fMargin:
		return num(e.Margin)
	case fShare:
		return num(e.Share)
	case fServices:
		return list(e.Services)
	case fWhy:
		return str(e.Why)
	case fPurpose:
		return str(e.Purpose)
	case fWhat:
		return str(e.What)
	case fAttr:
		v, ok := e.Attrs[c.key]
		return v, ok
	}
	return nil, false
}

func str(s string) (any, bool)    { return s, s != "" }
func list(l []string) (any, bool) { return l, len(l) > 0 }
func num(p *float64) (any, bool) {
	if p == nil {
		return nil, false
	}
	return *p, true
}

// nodeCell is the text of a node's column by canonical name, for messages.
func nodeCell(n *graph.Node, name string) string {
	c := outColByName(nodesTable, name)
	v, ok := nodeValue(n, c)
	if !ok {
		return ""
	}
	s, _ := text(v)
	return s
}

// edgeCell is nodeCell for edges.
func edgeCell(e *graph.Edge, name string) string {
	c := outColByName(edgesTable, name)
	v, ok := edgeValue(e, c)
	if !ok {
		return ""
	}
	s, _ := text(v)
	return s
}

func outColByName(t table, name string) outCol {
	for _, k := range t.columns() {
		if k.name == name {
			return outCol{name: name, f: k.f}
		}
	}
	if t == nodesTable {
		if k, ok := strings.CutPrefix(name, "scores."); ok {
			return outCol{name: name, f: fScore, key: k}
		}
		if k, ok := strings.CutPrefix(name, "quality."); ok {
			return outCol{name: name, f: fQuality, key: k}
		}
	}
	return outCol{name: name, f: fAttr, key: name}
}

// text renders a value as a table cell: numbers exactly and without
// grouping, lists joined by ';', booleans as true/false.
func text(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case float64:
		return formatNumber(v), nil
	case bool:
		return strconv.FormatBool(v), nil
	case []string:
		return strings.Join(v, ";"), nil
	}
	return "", fmt.Errorf("a %T cannot be written to a table", v)
}

// scalar normalises an attribute value to string, float64 or bool.
func scalar(v any) (any, error) {
	switch v := v.(type) {
	case string, bool:
		return v, nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%v cannot be written to a table", v)
		}
		return v, nil
	case float32:
		return float64(v), nil
	case int:
		return float64(v), nil
	case int64:
		return float64(v), nil
	case int32:
		return float64(v), nil
	case uint64:
		return float64(v), nil
	case uint32:
		return float64(v), nil
	}
	return nil, fmt.Errorf("a %T cannot be written to a table", v)
}

// grid is an exported table: the header and, per row, typed cells (nil for
// an empty cell).
type grid struct {
	header []string
	rows   [][]any
}

// tables builds the two tables of m, or says what in m a table cannot hold
// (all of it at once, as a *graph.ValidationError).
func tables(m *graph.Map) (nodes, edges grid, err error) {
	var problems []graph.Problem
	check := func(t table, idx int, c outCol, v any) any {
		ptr := pointer(t, idx, column{name: c.name, f: c.f, key: c.key})
		bad := func(msg string) {
			problems = append(problems, graph.Problem{Pointer: ptr, Field: c.name, Message: c.name + ": " + msg})
		}
		if c.f == fAttr {
			s, err := scalar(v)
			if err != nil {
				bad(err.Error())
				return nil
			}
			v = s
		}
		switch x := v.(type) {
		case []string:
			for _, item := range x {
				if item == "" || strings.Contains(item, ";") || strings.TrimSpace(item) != item {
					bad(fmt.Sprintf("list item %q cannot be written to a ';'-separated cell", item))
					return nil
				}
			}
		case string:
			if strings.TrimSpace(x) == "" {
				return nil
			}
			if len(x) > maxCell {
				bad(fmt.Sprintf("text of %d bytes is longer than a spreadsheet cell holds (%d)", len(x), maxCell))
				return nil
			}
		}
		return v
	}
	var attrProblem = func(t table, name string) {
		c := resolve(t, name)
		if c.f != fAttr || c.key != name {
			problems = append(problems, graph.Problem{Pointer: "/" + t.String(), Field: name,
				Message: fmt.Sprintf("attribute %q would read back as column %q; rename it", name, c.name)})
		}
	}

	ncols := nodeOutColumns(m)
	for _, c := range ncols {
		nodes.header = append(nodes.header, c.name)
		if c.f == fAttr {
			attrProblem(nodesTable, c.name)
		}
	}
	nodes.rows = make([][]any, len(m.Nodes))
	for i, n := range m.Nodes {
		row := make([]any, len(ncols))
		for j, c := range ncols {
			if v, ok := nodeValue(n, c); ok {
				row[j] = check(nodesTable, i, c, v)
			}
		}
		nodes.rows[i] = row
	}

	ecols := edgeOutColumns(m)
	for _, c := range ecols {
		edges.header = append(edges.header, c.name)
		if c.f == fAttr {
			attrProblem(edgesTable, c.name)
		}
	}
	edges.rows = make([][]any, len(m.Edges))
	for i, e := range m.Edges {
		row := make([]any, len(ecols))
		for j, c := range ecols {
			if v, ok := edgeValue(e, c); ok {
				row[j] = check(edgesTable, i, c, v)
			}
		}
		edges.rows[i] = row
	}
	if len(problems) > 0 {
		return grid{}, grid{}, &graph.ValidationError{Problems: problems}
	}
	return nodes, edges, nil
}

// maxCell is the most characters a spreadsheet cell holds.
const maxCell = 32767
