package sheet

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chanmap/chanmap/graph"
)

// notUTF8 explains a cell that is not UTF-8 text, as older spreadsheet
// programs write CSV in the machine's code page.
const notUTF8 = "not UTF-8 text (save the table as \"CSV UTF-8\")"

// cellKind is what a spreadsheet knows about a cell's type. CSV knows
// nothing (kindUnknown); a workbook knows text, numbers and booleans.
type cellKind int

const (
	kindUnknown cellKind = iota
	kindText
	kindNumber
	kindBool
)

// source yields the records of one table.
type source interface {
	// next returns the next record and its spreadsheet row (the header is
	// row 1). At the end it returns io.EOF; a *rowError stops the table.
	next() (rec []string, row int, err error)
	// kind reports the type of cell col (0-based) of the last record.
	kind(col int) cellKind
}

// rowError is a table that cannot be read on from a given row on (a broken
// CSV quote, a damaged sheet).
type rowError struct {
	row int
	err error
}

func (e *rowError) Error() string { return fmt.Sprintf("row %d: %v", e.row, e.err) }

// builder collects a map from tables, and every problem on the way.
type builder struct {
	opt      Options
	m        *graph.Map
	files    [2]string
	cols     [2][]column
	rows     [2][]int32 // spreadsheet row of each node / edge
	problems []located
	done     int
	total    int
	nextTick int
	// titleGiven: the workbook's map sheet has a title row, even an empty
	// one, so no title is made up from the file name.
	titleGiven bool
}

// located is a problem with the position it sorts by.
type located struct {
	graph.Problem
	t   table
	has bool // a row was found
}

func newBuilder(opt Options) *builder {
	return &builder{opt: opt, m: &graph.Map{Nodes: []*graph.Node{}, Edges: []*graph.Edge{}}, nextTick: progressEvery}
}

func (b *builder) add(t table, p graph.Problem) {
	b.problems = append(b.problems, located{Problem: p, t: t, has: p.Line > 0})
}

// tick reports progress after one more row.
func (b *builder) tick() {
	b.done++
	if b.opt.Progress != nil && b.done >= b.nextTick {
		b.nextTick = b.done + progressEvery
		total := b.total
		if total > 0 && b.done > total {
			total = b.done
		}
		b.opt.Progress(b.done, total)
	}
}

// readTable reads one table from src into the map.
func (b *builder) readTable(t table, src source, file string) {
	b.files[t] = file
	header, hrow, err := src.next()
	if err != nil {
		var re *rowError
		switch {
		case errors.Is(err, io.EOF):
			b.add(t, graph.Problem{File: file, Line: 1, Pointer: "/" + t.String(), Message: fmt.Sprintf("the %s table is empty: it needs a header row", t)})
		case errors.As(err, &re):
			b.add(t, graph.Problem{File: file, Line: re.row, Pointer: "/" + t.String(), Message: re.err.Error()})
		default:
			b.add(t, graph.Problem{File: file, Pointer: "/" + t.String(), Message: err.Error()})
		}
		return
	}
	if !b.header(t, header, hrow, file) {
		return
	}
	var lim tableLimits
	for {
		rec, row, err := src.next()
		if errors.Is(err, io.EOF) {
			return
		}
		if msg := lim.add(rec); err == nil && msg != "" {
			b.add(t, graph.Problem{File: file, Line: row, Pointer: "/" + t.String(), Message: msg})
			return
		}
		if err != nil {
			var re *rowError
			if errors.As(err, &re) {
				b.add(t, graph.Problem{File: file, Line: re.row, Pointer: "/" + t.String(), Message: re.err.Error()})
			} else {
				b.add(t, graph.Problem{File: file, Pointer: "/" + t.String(), Message: err.Error()})
			}
			return
		}
		if blank(rec) {
			continue
		}
		b.tick()
		if t == nodesTable {
			b.node(rec, row, src)
		} else {
			b.edge(rec, row, src)
		}
	}
}

// header resolves the header row; false when the table cannot be read.
func (b *builder) header(t table, header []string, row int, file string) bool {
	cols := make([]column, len(header))
	seen := map[string]int{}
	ok := true
	for j, h := range header {
		if strings.TrimSpace(h) == "" {
			cols[j] = column{f: fAttr}
			continue
		}
		if !utf8.ValidString(h) {
			b.add(t, graph.Problem{File: file, Line: row, Col: j + 1, Pointer: "/" + t.String(), Value: strings.ToValidUTF8(h, "\uFFFD"), Message: "header: " + notUTF8})
			cols[j] = column{f: fAttr}
			ok = false
			continue
		}
		c := resolve(t, h)
		cols[j] = c
		if c.name == "" {
			b.add(t, graph.Problem{File: file, Line: row, Col: j + 1, Pointer: "/" + t.String(), Field: c.header, Value: h,
				Message: fmt.Sprintf("column %q has no usable name", h)})
			ok = false
			continue
		}
		if prev, dup := seen[c.name]; dup {
			b.add(t, graph.Problem{File: file, Line: row, Col: j + 1, Pointer: "/" + t.String(), Field: c.header, Value: h,
				Message: fmt.Sprintf("column %q is the same as column %d (%q): both are %s", h, prev+1, header[prev], c.name)})
			ok = false
			continue
		}
		seen[c.name] = j
	}
	for _, r := range t.required() {
		if _, has := seen[r]; !has {
			b.add(t, graph.Problem{File: file, Line: row, Pointer: "/" + t.String(), Field: r,
				Message: fmt.Sprintf("the %s table has no %s column", t, r)})
			ok = false
		}
	}
	b.cols[t] = cols
	return ok
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// cellProblem records a bad cell.
func (b *builder) cellProblem(t table, row, j int, idx int, c column, value, msg string) {
	b.add(t, graph.Problem{
		File: b.files[t], Line: row, Col: j + 1,
		Pointer: pointer(t, idx, c), Field: c.header, Value: value,
		Message: c.name + ": " + msg,
	})
}

func pointer(t table, idx int, c column) string {
	p := "/" + t.String() + "/" + strconv.Itoa(idx)
	switch c.f {
	case fEntry:
		return p + "/" + c.row + "/" + c.key
	case fAttr:
		return p + "/attrs/" + c.key
	}
	return p + "/" + c.name
}

// number reads a numeric cell; ok is false when a problem was recorded.
func (b *builder) number(t table, row, j, idx int, c column, cell string, src source, percent bool) (float64, bool) {
	s := strings.TrimSpace(cell)
	dc := b.opt.DecimalComma
	if dc && strings.ContainsAny(s, ".eE") && src.kind(j) == kindNumber {
		dc = false // a workbook's number cell is stored as 1234.5 whatever the locale
	}
	if src.kind(j) != kindNumber && groupable(c) {
		if msg := ambiguity(s, b.opt, src); msg != "" {
			b.cellProblem(t, row, j, idx, c, cell, msg)
			return 0, false
		}
	}
	v, err := parseNumber(s, dc, percent)
	if err != nil {
		b.cellProblem(t, row, j, idx, c, cell, err.Error())
		return 0, false
	}
	return v, true
}

func (b *builder) attr(j int, cell string, src source) any {
	guess := parseAttr(cell, b.opt.DecimalComma)
	if _, isText := guess.(string); isText {
		if _, err := strconv.ParseFloat(strings.TrimSpace(cell), 64); err != nil {
			return guess // text whatever the cell's type; no need to ask
		}
	}
	switch src.kind(j) {
	case kindText:
		return cell
	case kindBool:
		switch strings.TrimSpace(cell) {
		case "1", "TRUE", "true":
			return true
		case "0", "FALSE", "false":
			return false
		}
		return cell
	case kindNumber:
		if v, err := strconv.ParseFloat(strings.TrimSpace(cell), 64); err == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
			return v
		}
		return cell
	}
	return guess
}

func trimmed(s string) string { return strings.TrimSpace(s) }

// eachCell calls set for each cell of a row of table t (idx is the row's
// node or edge index) that has a value, a header and valid UTF-8; a value
// without a header and a cell that is not UTF-8 are reported instead.
func (b *builder) eachCell(t table, rec []string, row, idx int, set func(j int, c column, cell string)) {
	cols := b.cols[t]
	for j, cell := range rec {
		if strings.TrimSpace(cell) == "" {
			continue
		}
		if j >= len(cols) || cols[j].name == "" {
			b.add(t, graph.Problem{File: b.files[t], Line: row, Col: j + 1, Pointer: fmt.Sprintf("/%s/%d", t, idx), Value: cell,
				Message: fmt.Sprintf("a value in column %d, which has no header", j+1)})
			continue
		}
		if !utf8.ValidString(cell) {
			b.cellProblem(t, row, j, idx, cols[j], strings.ToValidUTF8(cell, "\uFFFD"), notUTF8)
			continue
		}
		set(j, cols[j], cell)
	}
}

func (b *builder) node(rec []string, row int, src source) {
	const t = nodesTable
	idx := len(b.m.Nodes)
	n := &graph.Node{}
	b.eachCell(t, rec, row, idx, func(j int, c column, cell string) {
		if c.f == fAttr {
			if n.Attrs == nil {
				n.Attrs = map[string]any{}
			}
			n.Attrs[c.key] = b.attr(j, cell, src)
			return
		}
		f, _ := graph.Lookup(fields.Node, c.row)
		setCell(b, t, row, j, idx, c, cell, src, f, n)
	})
	b.m.Nodes = append(b.m.Nodes, n)
	b.rows[t] = append(b.rows[t], int32(row))
}

func (b *builder) edge(rec []string, row int, src source) {
	const t = edgesTable
	idx := len(b.m.Edges)
	e := &graph.Edge{}
	b.eachCell(t, rec, row, idx, func(j int, c column, cell string) {
		if c.f == fAttr {
			if e.Attrs == nil {
				e.Attrs = map[string]any{}
			}
			e.Attrs[c.key] = b.attr(j, cell, src)
			return
		}
		f, _ := graph.Lookup(fields.Edge, c.row)
		setCell(b, t, row, j, idx, c, cell, src, f, e)
	})
	b.m.Edges = append(b.m.Edges, e)
	b.rows[t] = append(b.rows[t], int32(row))
}

// setCell reads one cell into field f of x by the field's type: free text
// as written, ids and allowed values trimmed, lists split at ';', numbers
// parsed (fractions also as percentages), map entries into their map.
func setCell[T any](b *builder, t table, row, j, idx int, c column, cell string, src source, f graph.Field[T], x *T) {
	switch {
	case c.f == fEntry:
		v, ok := b.number(t, row, j, idx, c, cell, src, f.Unit == graph.UnitFraction)
		if !ok {
			return
		}
		m, _ := f.Get(x).(map[string]float64)
		if m == nil {
			m = map[string]float64{}
		}
		m[c.key] = v
		f.Set(x, m)
	case f.Type.IsList():
		f.Set(x, splitList(cell))
	case f.Type.IsNumber():
		v, ok := b.number(t, row, j, idx, c, cell, src, f.Unit == graph.UnitFraction)
		if !ok {
			return
		}
		if f.Type == graph.TypeWhole && (v != math.Trunc(v) || math.Abs(v) > 1e9) {
			b.cellProblem(t, row, j, idx, c, cell, "not a whole number")
			return
		}
		f.Set(x, &v)
	case f.Type == graph.TypeText:
		f.Set(x, cell)
	default:
		f.Set(x, trimmed(cell))
	}
}

// finish validates the map, maps validation problems back to rows and
// columns, and returns the map or every problem.
func (b *builder) finish(name string) (*graph.Map, error) {
	if b.opt.Progress != nil {
		b.opt.Progress(b.done, b.done)
	}
	title := b.m.Title
	fill(b.m, b.opt, name)
	if b.titleGiven && b.opt.Title == "" {
		b.m.Title = title
	}
	parsed := make(map[string]bool, len(b.problems))
	for _, p := range b.problems {
		parsed[p.Pointer] = true
	}
	if err := fields.Validate(b.m); err != nil {
		var ve *graph.ValidationError
		if !errors.As(err, &ve) {
			return nil, fmt.Errorf("validate %s: %w", name, err)
		}
		for _, p := range ve.Problems {
			if parsed[p.Pointer] {
				continue // the cell was already reported as unreadable
			}
			b.locate(&p)
		}
	}
	if len(b.problems) == 0 {
		return b.m, nil
	}
	sort.SliceStable(b.problems, func(i, j int) bool {
		pi, pj := b.problems[i], b.problems[j]
		if pi.has != pj.has {
			return !pi.has
		}
		if pi.t != pj.t {
			return pi.t < pj.t
		}
		if pi.Line != pj.Line {
			return pi.Line < pj.Line
		}
		return pi.Col < pj.Col
	})
	ps := make([]graph.Problem, len(b.problems))
	for i, p := range b.problems {
		ps[i] = p.Problem
	}
	return nil, &graph.ValidationError{Problems: ps}
}

// locate adds a validation problem with the file, row, column and value of
// the cell its pointer names (/nodes/3/margin -> nodes file, row 5).
func (b *builder) locate(p *graph.Problem) {
	segs := strings.Split(strings.TrimPrefix(p.Pointer, "/"), "/")
	var t table
	switch {
	case len(segs) >= 2 && segs[0] == "nodes":
		t = nodesTable
	case len(segs) >= 2 && segs[0] == "edges":
		t = edgesTable
	default:
		p.File, p.Line, p.Col = "", 0, 0
		b.problems = append(b.problems, located{Problem: *p})
		return
	}
	idx, err := strconv.Atoi(segs[1])
	if err != nil || idx < 0 || idx >= len(b.rows[t]) {
		p.File, p.Line, p.Col = b.files[t], 0, 0
		b.problems = append(b.problems, located{Problem: *p, t: t})
		return
	}
	p.File, p.Line, p.Col = b.files[t], int(b.rows[t][idx]), 0
	name := fieldName(segs[2:])
	if name == "" {
		name = p.Field // a problem of the whole row that names its field
	}
	if name != "" {
		for j, c := range b.cols[t] {
			if c.name == name || (c.f == fAttr && c.key == name) {
				p.Col = j + 1
				p.Field = c.header
				if !strings.HasPrefix(p.Message, c.header+":") {
					p.Message = c.header + ": " + p.Message
				}
				break
			}
		}
		if p.Field == "" {
			p.Field = name
		}
		if p.Value == "" {
			if t == nodesTable {
				p.Value = nodeCell(b.m.Nodes[idx], name)
			} else {
				p.Value = edgeCell(b.m.Edges[idx], name)
			}
		}
	}
	b.problems = append(b.problems, located{Problem: *p, t: t, has: true})
}

// fieldName is the column name the rest of a pointer names: "margin",
// "scores.growth", an attribute name; list indexes are dropped.
func fieldName(segs []string) string {
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	switch {
	case len(segs) == 0 || segs[0] == "":
		return ""
	case len(segs) >= 2 && (slices.Contains(scoreMapRows(fields.Node), segs[0]) || slices.Contains(scoreMapRows(fields.Edge), segs[0])):
		return segs[0] + "." + segs[1]
	case segs[0] == "attrs" && len(segs) >= 2:
		return segs[1]
	}
	return segs[0]
}
