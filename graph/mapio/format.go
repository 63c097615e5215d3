package mapio

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/chanmap/chanmap/graph"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The input sizes are graph's limits, named here for the readers.
const (
	MaxFileSize = graph.MaxFileSize
	MaxYAMLSize = graph.MaxYAMLSize
)

// Read reads a map file in format v1 (YAML, or JSON of the same shape) and
// validates it. name is used in messages (a file path, "request body").
// Every problem, structural or semantic, is reported at once in a
// *ValidationError whose problems carry File, Line, Col, Pointer, Field and
// Value, sorted by line.
func Read(data []byte, name string) (*graph.Map, error) { return std.Read(data, name) }

// Codec reads and writes map files by one field table. The package
// functions use the table in use (graph.Fields); a Codec with a copy that
// has one more row reads, checks and writes that field too.
type Codec struct {
	Fields *graph.Schema
}

var std = Codec{Fields: graph.Fields()}

// Read is Read by the codec's table.
func (c Codec) Read(data []byte, name string) (*graph.Map, error) {
	m, tree, probs, err := c.decode(data, name)
	if err != nil {
		return nil, err
	}
	var sem []graph.Problem
	var verr *graph.ValidationError
	if errors.As(c.Fields.Validate(m), &verr) {
		sem = verr.Problems
	}
	if len(probs) > 0 {
		// A field that failed to decode is empty in m; drop the semantic
		// echoes of the same place (an "empty name" under a badly typed name).
		bad := make(map[string]bool, len(probs))
		for _, p := range probs {
			bad[p.Pointer] = true
		}
		for _, p := range sem {
			if !coveredBy(p.Pointer, bad) {
				probs = append(probs, p)
			}
		}
	} else {
		probs = sem
	}
	if len(probs) == 0 {
		return m, nil
	}
	for i := range probs {
		probs[i].File = name
		if probs[i].Line == 0 {
			probs[i].Line, probs[i].Col = tree.locate(probs[i].Pointer)
		}
	}
	relateLines(probs, tree)
	graph.SortProblems(probs)
	return nil, &graph.ValidationError{Problems: probs}
}

func coveredBy(ptr string, bad map[string]bool) bool {
	for p := ptr; ; {
		if bad[p] {
			return true
		}
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			return false
		}
		p = p[:i]
	}
}

// ReadFile reads and validates the map file at path (see Read).
func ReadFile(path string) (*graph.Map, error) {
	f, err := graph.OpenInput(path)
	if err != nil {
		return nil, fmt.Errorf("read map: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read map %s: %w", path, err)
	}
	return Read(data, path)
}

// Parse decodes a map file without semantic validation: only problems of
// shape are reported (not YAML, unknown keys, values of the wrong type), each
// located. The result may be an invalid map; Validate tells.
func Parse(data []byte, name string) (*graph.Map, error) { return std.Parse(data, name) }

// Parse is Parse by the codec's table.
func (c Codec) Parse(data []byte, name string) (*graph.Map, error) {
	m, tree, probs, err := c.decode(data, name)
	if err != nil {
		return nil, err
	}
	if len(probs) > 0 {
		for i := range probs {
			probs[i].File = name
			if probs[i].Line == 0 {
				probs[i].Line, probs[i].Col = tree.locate(probs[i].Pointer)
			}
		}
		graph.SortProblems(probs)
		return nil, &graph.ValidationError{Problems: probs}
	}
	return m, nil
}

// decode parses data into a tree and the tree into a Map, collecting
// structural problems. err is set only when there is no tree at all.
func (c Codec) decode(data []byte, name string) (*graph.Map, *tnode, []graph.Problem, error) {
	if len(data) > MaxFileSize {
		return nil, nil, nil, syntaxProblem(name, 0, 0, fmt.Sprintf("the file is larger than %d MiB; a map file must be smaller", MaxFileSize>>20))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, nil, syntaxProblem(name, 0, 0, "the file is empty; a map file needs at least an id and nodes")
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return nil, nil, nil, syntaxProblem(name, line, 0, "the file is not UTF-8 text (binary data?); a map file is YAML or JSON")
	}
	if line, err := checkNesting(data); err != nil {
		return nil, nil, nil, syntaxProblem(name, line, 0, err.Error())
	}
	tree, err := parseTreeSized(data, name)
	if err != nil {
		return nil, nil, nil, err
	}
	d := newDecoder(c.Fields)
	m := d.mapOf(tree)
	return m, tree, d.probs, nil
}

func parseTreeSized(data []byte, name string) (*tnode, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		t, err := parseJSONTree(data)
		if err == nil {
			return t, nil
		}
		if je := (*jsonError)(nil); len(data) > MaxYAMLSize || (errors.As(err, &je) && je.dup) {
			return nil, jsonProblem(data, name, err)
		}
	} else if len(data) > MaxYAMLSize {
		return nil, syntaxProblem(name, 0, 0, fmt.Sprintf("YAML map files are read up to %d MiB; write a map this large as JSON (read up to %d MiB)", MaxYAMLSize>>20, MaxFileSize>>20))
	}
	return parseYAMLTree(data, name)
}

func jsonProblem(data []byte, name string, err error) error {
	line, col := 0, 0
	var je *jsonError
	if errors.As(err, &je) {
		lines := lineStarts(data)
		off := je.off
		i := sort.Search(len(lines), func(i int) bool { return lines[i] > off }) - 1
		if i >= 0 && off <= len(data) {
			line, col = i+1, utf8.RuneCount(data[lines[i]:off])+1
		}
	}
	return syntaxProblem(name, line, col, "not valid JSON: "+err.Error())
}

func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if (r == utf8.RuneError && size == 1) || r == 0 {
			return i
		}
		i += size
	}
	return len(data)
}

// decoder turns a tree into a Map, collecting every structural problem.
type decoder struct {
	s      *graph.Schema
	probs  []graph.Problem
	nodeAt map[string]int // node row by name
	edgeAt map[string]int // edge row by name
}

func newDecoder(s *graph.Schema) *decoder {
	d := &decoder{s: s, nodeAt: make(map[string]int, len(s.Node)), edgeAt: make(map[string]int, len(s.Edge))}
	for i, f := range s.Node {
		d.nodeAt[f.Name] = i
	}
	for i, f := range s.Edge {
		d.edgeAt[f.Name] = i
	}
	return d
}

func (d *decoder) add(ptr, field, value, format string, a ...any) {
	d.probs = append(d.probs, graph.Problem{Pointer: ptr, Field: field, Value: value, Message: fmt.Sprintf(format, a...)})
}

// addKey records a problem located at a mapping key (an unknown key).
func (d *decoder) addKey(k tkey, ptr, format string, a ...any) {
	d.probs = append(d.probs, graph.Problem{Line: k.line, Col: k.col, Pointer: ptr, Field: k.name, Value: k.name, Message: fmt.Sprintf(format, a...)})
}

func (d *decoder) mapOf(t *tnode) *graph.Map {
	m := &graph.Map{}
	if t.kind != tMap {
		d.add("", "", short(t), "a map file must be a mapping with id, nodes and edges, not %s", t.kind)
		return m
	}
	for _, k := range t.keys {
		ptr := "/" + graph.EscapePointer(k.name)
		v := k.val
		if f, ok := graph.Lookup(d.s.Map, k.name); ok {
			d.set(f.Type, f.Unit, v, ptr, f.Name, func(x any) { f.Set(m, x) })
			continue
		}
		switch k.name {
		case "version", "warnings":
			// Written by stores and the API next to a map; not part of the file.
			if k.name == "version" && v.kind != tNumber && v.kind != tNull {
				d.add(ptr, "version", short(v), "version must be a number")
			}
		case "nodes":
			if v.kind == tNull {
				continue
			}
			if v.kind != tSeq {
				d.add(ptr, "nodes", short(v), "nodes must be a list, not %s", v.kind)
				continue
			}
			m.Nodes = make([]*graph.Node, 0, len(v.items))
			for i, it := range v.items {
				m.Nodes = append(m.Nodes, d.node(it, "/nodes/"+strconv.Itoa(i)))
			}
		case "edges":
			if v.kind == tNull {
				continue
			}
			if v.kind != tSeq {
				d.add(ptr, "edges", short(v), "edges must be a list, not %s", v.kind)
				continue
			}
			m.Edges = make([]*graph.Edge, 0, len(v.items))
			for i, it := range v.items {
				m.Edges = append(m.Edges, d.edge(it, "/edges/"+strconv.Itoa(i)))
			}
		case "classification":
			m.Classification = d.classification(v, ptr)
		default:
			known := append(graph.Names(d.s.Map), "nodes", "edges", "classification")
			d.addKey(k, ptr, "unknown top-level key %q%s (known: %s)", k.name, graph.DidYouMeanField(k.name, known), strings.Join(known, ", "))
		}
	}
	return m
}

func (d *decoder) node(t *tnode, ptr string) *graph.Node {
	n := &graph.Node{}
	if t.kind != tMap {
		d.add(ptr, "", short(t), "a node must be a mapping with id, kind and name, not %s", t.kind)
		return n
	}
	decodeFields(d, t, ptr, n, d.s.Node, d.nodeAt, &n.Attrs, "node")
	return n
}

func (d *decoder) edge(t *tnode, ptr string) *graph.Edge {
	e := &graph.Edge{}
	if t.kind != tMap {
		d.add(ptr, "", short(t), "an edge must be a mapping with from, to and kind, not %s", t.kind)
		return e
	}
	decodeFields(d, t, ptr, e, d.s.Edge, d.edgeAt, &e.Attrs, "edge")
	return e
}

// decodeFields sets the keys of mapping t on element x: a key of the field
// table through its row, "attrs" as a block of free attributes, any other
// scalar as one free attribute.
func decodeFields[T any](d *decoder, t *tnode, ptr string, x *T, rows []graph.Field[T], at map[string]int, attrs *map[string]any, what string) {
	for _, k := range t.keys {
		p := ptr + "/" + graph.EscapePointer(k.name)
		if i, ok := at[k.name]; ok {
			f := rows[i]
			d.set(f.Type, f.Unit, k.val, p, f.Name, func(v any) { f.Set(x, v) })
			continue
		}
		if k.name == "attrs" {
			d.attrsBlock(k.val, p, attrs)
			continue
		}
		d.attr(k, p, attrs, what)
	}
}

// attr keeps a free scalar attribute; anything nested is an unknown field.
func (d *decoder) attr(k tkey, p string, attrs *map[string]any, what string) {
	v, name := k.val, k.name
	var val any
	switch v.kind {
	case tNull:
		return
	case tString:
		val = v.text
	case tNumber:
		if math.IsNaN(v.num) || math.IsInf(v.num, 0) {
			d.add(p, name, v.text, "attribute %q must be a finite number", name)
			return
		}
		val = v.num
	case tBool:
		val = v.b
	default:
		d.addKey(k, p, "unknown %s field %q holding %s (free attributes must be plain strings, numbers or booleans)", what, name, v.kind)
		return
	}
	if *attrs == nil {
		*attrs = map[string]any{}
	}
	(*attrs)[name] = val
}

// attrsBlock reads an explicit `attrs:` mapping (the shape encoding/json
// gives a Node) into Attrs.
func (d *decoder) attrsBlock(v *tnode, p string, attrs *map[string]any) {
	if v.kind == tNull {
		return
	}
	if v.kind != tMap {
		d.add(p, "attrs", short(v), "attrs must be a mapping of free attributes, not %s", v.kind)
		return
	}
	for _, k := range v.keys {
		d.attr(k, p+"/"+graph.EscapePointer(k.name), attrs, "attrs")
	}
}

func (d *decoder) str(v *tnode, p, field string) string {
	switch v.kind {
	case tNull:
		return ""
	case tString, tNumber, tBool:
		return v.text
	}
	d.add(p, field, short(v), "%s must be a string, not %s", field, v.kind)
	return ""
}

func (d *decoder) strs(v *tnode, p, field string) []string {
	switch v.kind {
	case tNull:
		return nil
	case tString, tNumber, tBool:
		// A single value where a list is expected: a one-item list.
		return []string{v.text}
	case tSeq:
		out := make([]string, 0, len(v.items))
		for i, it := range v.items {
			if !it.isScalar() || it.kind == tNull {
				d.add(fmt.Sprintf("%s/%d", p, i), field, short(it), "%s must be a list of strings; item %d is %s", field, i, it.kind)
				continue
			}
			out = append(out, it.text)
		}
		return out
	}
	d.add(p, field, short(v), "%s must be a list of strings, not %s", field, v.kind)
	return nil
}

func (d *decoder) num(v *tnode, p, field string) *float64 {
	switch v.kind {
	case tNull:
		return nil
	case tNumber:
		if math.IsNaN(v.num) || math.IsInf(v.num, 0) {
			d.add(p, field, v.text, "%s must be a finite number", field)
			return nil
		}
		f := v.num
		return &f
	case tString:
		// YAML 1.2 parsers differ on plain 1e6 (goccy reads a string);
		// an unquoted number is a number.
		if v.plain {
			if f, err := strconv.ParseFloat(v.text, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				return &f
			}
		}
	}
	d.add(p, field, short(v), "%s must be a number, not %s", field, v.kind)
	return nil
}

func (d *decoder) nums(v *tnode, p, field string) map[string]float64 {
	if v.kind == tNull {
		return nil
	}
	if v.kind != tMap {
		d.add(p, field, short(v), "%s must be a mapping of names to numbers, not %s", field, v.kind)
		return nil
	}
	out := make(map[string]float64, len(v.keys))
	for _, k := range v.keys {
		if f := d.num(k.val, p+"/"+graph.EscapePointer(k.name), field); f != nil {
			out[k.name] = *f
		}
	}
	return out
}

func (d *decoder) classification(v *tnode, p string) *graph.Classification {
	if v.kind == tNull {
		return nil
	}
	if v.kind != tMap {
		d.add(p, "classification", short(v), "classification must be a mapping with tiers, indicators, scorecard, not %s", v.kind)
		return nil
	}
	c := &graph.Classification{}
	for _, k := range v.keys {
		kp := p + "/" + graph.EscapePointer(k.name)
		f, ok := graph.Lookup(d.s.Classification, k.name)
		if !ok {
			d.addKey(k, kp, "unknown classification key %q%s (known: %s)", k.name,
				graph.DidYouMeanField(k.name, graph.Names(d.s.Classification)), strings.Join(graph.Names(d.s.Classification), ", "))
			continue
		}
		d.set(f.Type, f.Unit, k.val, kp, f.Name, func(x any) { f.Set(c, x) })
	}
	return c
}

// set decodes v as a value of type t and hands it to put; a value of the
// wrong type is a problem and put is not called.
func (d *decoder) set(t graph.FieldType, unit string, v *tnode, p, field string, put func(any)) {
	n := len(d.probs)
	var x any
	switch t {
	case graph.TypeTextList, graph.TypeEnumList, graph.TypeNodeRefList:
		x = d.strs(v, p, field)
	case graph.TypeNumber:
		if unit == graph.UnitFraction {
			x = d.fraction(v, p, field) // "15 %" reads as 0.15, as in spreadsheets
		} else {
			x = d.num(v, p, field)
		}
	case graph.TypeWhole:
		f := d.num(v, p, field)
		if f != nil && (*f != math.Trunc(*f) || math.Abs(*f) > 1e6) {
			d.add(p, field, v.text, "%s must be a whole number", field)
			return
		}
		x = f
	case graph.TypeScoreMap:
		x = d.nums(v, p, field)
	case graph.TypeListMap:
		x = d.listMap(v, p, field)
	default:
		x = d.str(v, p, field)
	}
	if len(d.probs) == n {
		put(x)
	}
}

func (d *decoder) listMap(v *tnode, p, field string) map[string][]string {
	if v.kind == tNull {
		return nil
	}
	if v.kind != tMap {
		d.add(p, field, short(v), "%s must be a mapping of names to lists, not %s", field, v.kind)
		return nil
	}
	out := make(map[string][]string, len(v.keys))
	for _, g := range v.keys {
		out[g.name] = d.strs(g.val, p+"/"+graph.EscapePointer(g.name), field)
	}
	return out
}

// short renders a value for a message: scalars as written, collections by kind.
func short(v *tnode) string {
	if v == nil {
		return ""
	}
	if v.isScalar() {
		s := v.text
		if len(s) > 80 {
			s = s[:77] + "..."
		}
		return s
	}
	return v.kind.String()
}

// lineStarts returns the offset of the first byte of every line.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}
