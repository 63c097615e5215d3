package sheet

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// outCol is one column of an exported table.
type outCol struct {
	name string
	f    field
	row  string
	key  string
}

// nodeOutColumns are the columns of the nodes table of m: the required
// fields, then the other fields any node uses in table order, then the
// entries of score maps (known names in their defined order, others
// sorted), then the attributes, sorted.
func nodeOutColumns(m *graph.Map) []outCol {
	return outColumns(fields.Node, m.Nodes, func(n *graph.Node) map[string]any { return n.Attrs })
}

// edgeOutColumns are nodeOutColumns for the edges table.
func edgeOutColumns(m *graph.Map) []outCol {
	return outColumns(fields.Edge, m.Edges, func(e *graph.Edge) map[string]any { return e.Attrs })
}

func outColumns[T any](fs []graph.Field[T], xs []*T, attrsOf func(*T) map[string]any) []outCol {
	used := map[string]bool{}
	entries := map[string]map[string]bool{}
	attrs := map[string]bool{}
	for _, x := range xs {
		for _, f := range fs {
			v := f.Get(x)
			if graph.IsEmpty(v) {
				continue
			}
			used[f.Name] = true
			if m, ok := v.(map[string]float64); ok {
				if entries[f.Name] == nil {
					entries[f.Name] = map[string]bool{}
				}
				for k := range m {
					entries[f.Name][k] = true
				}
			}
		}
		for k := range attrsOf(x) {
			attrs[k] = true
		}
	}
	var cols []outCol
	for _, f := range fs {
		if f.Type != graph.TypeScoreMap && f.Type != graph.TypeListMap && (f.Required || used[f.Name]) {
			cols = append(cols, outCol{name: f.Name, f: fField, row: f.Name})
		}
	}
	for _, f := range fs {
		if f.Type != graph.TypeScoreMap {
			continue
		}
		keys := entries[f.Name]
		for _, k := range f.Keys {
			if keys[k] {
				cols = append(cols, outCol{name: f.Name + "." + k, f: fEntry, row: f.Name, key: k})
				delete(keys, k)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			cols = append(cols, outCol{name: f.Name + "." + k, f: fEntry, row: f.Name, key: k})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		cols = append(cols, outCol{name: k, f: fAttr, key: k})
	}
	return cols
}

// nodeValue is the value of column c of node n: a string, a float64, a bool
// or a []string; ok is false when the node has none.
func nodeValue(n *graph.Node, c outCol) (any, bool) { return valueOf(fields.Node, n, n.Attrs, c) }

// edgeValue is nodeValue for edges.
func edgeValue(e *graph.Edge, c outCol) (any, bool) { return valueOf(fields.Edge, e, e.Attrs, c) }

func valueOf[T any](fs []graph.Field[T], x *T, attrs map[string]any, c outCol) (any, bool) {
	if c.f == fAttr {
		v, ok := attrs[c.key]
		return v, ok
	}
	f, ok := graph.Lookup(fs, c.row)
	if !ok {
		return nil, false
	}
	v := f.Get(x)
	if graph.IsEmpty(v) {
		return nil, false
	}
	switch val := v.(type) {
	case *float64:
		return *val, true
	case map[string]float64:
		e, ok := val[c.key]
		return e, ok
	}
	return v, true
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
			return outCol{name: name, f: fField, row: name}
		}
	}
	if r, k, ok := strings.Cut(name, "."); ok && slices.Contains(t.maps(), r) {
		return outCol{name: name, f: fEntry, row: r, key: k}
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
		ptr := pointer(t, idx, column{name: c.name, f: c.f, row: c.row, key: c.key})
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

	fill := func(t table, cols []outCol, n int, value func(i int, c outCol) (any, bool)) grid {
		g := grid{rows: make([][]any, n)}
		for _, c := range cols {
			g.header = append(g.header, c.name)
			if c.f == fAttr {
				attrProblem(t, c.name)
			}
		}
		for i := range g.rows {
			row := make([]any, len(cols))
			for j, c := range cols {
				if v, ok := value(i, c); ok {
					row[j] = check(t, i, c, v)
				}
			}
			g.rows[i] = row
		}
		return g
	}
	nodes = fill(nodesTable, nodeOutColumns(m), len(m.Nodes), func(i int, c outCol) (any, bool) { return nodeValue(m.Nodes[i], c) })
	edges = fill(edgesTable, edgeOutColumns(m), len(m.Edges), func(i int, c outCol) (any, bool) { return edgeValue(m.Edges[i], c) })
	if len(problems) > 0 {
		return grid{}, grid{}, &graph.ValidationError{Problems: problems}
	}
	return nodes, edges, nil
}

// maxCell is the most characters a spreadsheet cell holds.
const maxCell = 32767
