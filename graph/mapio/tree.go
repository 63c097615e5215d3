package mapio

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/chanmap/chanmap/graph"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// This file turns the bytes of a map file into a small positioned document
// tree (tnode): every value knows the line and column it came from. YAML goes
// through goccy/go-yaml's AST; a document that is strict JSON takes a faster
// path through a small scanner here, with the same tree as the result. The map
// decoder (format.go) and the locator of validation problems work on the tree
// only, so both syntaxes give the same messages at the same places.

type tkind int

const (
	tNull tkind = iota
	tString
	tNumber
	tBool
	tSeq
	tMap
)

func (k tkind) String() string {
	switch k {
	case tNull:
		return "null"
	case tString:
		return "a string"
	case tNumber:
		return "a number"
	case tBool:
		return "a boolean"
	case tSeq:
		return "a list"
	case tMap:
		return "a mapping"
	}
	return "a value"
}

// tnode is one value of the document tree.
type tnode struct {
	kind  tkind
	text  string  // scalars: the text as written (a string's value)
	plain bool    // a YAML string written without quotes
	num   float64 // tNumber
	b     bool    // tBool
	line  int
	col   int

	items []*tnode // tSeq
	keys  []tkey   // tMap, in document order
}

// tkey is one entry of a mapping.
type tkey struct {
	name      string
	line, col int
	val       *tnode
}

func (n *tnode) isScalar() bool {
	return n.kind == tString || n.kind == tNumber || n.kind == tBool || n.kind == tNull
}

// locate finds the line and column of a JSON pointer (/nodes/3/margin) in
// the tree. When the exact place does not exist (a missing field), it
// answers with the nearest ancestor that does. A mapping entry is located at
// its key when its value is a list or mapping, else at the value.
func (n *tnode) locate(pointer string) (line, col int) {
	if n == nil {
		return 0, 0
	}
	line, col = n.line, n.col
	cur := n
	for _, seg := range graph.SplitPointer(pointer) {
		switch cur.kind {
		case tMap:
			var found *tkey
			for i := range cur.keys {
				if cur.keys[i].name == seg {
					found = &cur.keys[i]
					break
				}
			}
			if found == nil {
				return line, col
			}
			cur = found.val
			if cur.isScalar() && cur.line > 0 {
				line, col = cur.line, cur.col
			} else {
				line, col = found.line, found.col
			}
		case tSeq:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(cur.items) {
				return line, col
			}
			cur = cur.items[i]
			if cur.line > 0 {
				line, col = cur.line, cur.col
			}
		default:
			return line, col
		}
	}
	return line, col
}

// maxDepth bounds how deeply flow collections may nest; a map file needs
// four levels, so anything near this is hostile input that would otherwise
// exhaust the stack of a recursive parser.
const maxDepth = 200

// checkNesting scans for flow brackets nested deeper than maxDepth. It does
// not understand quoting, so it may count brackets inside strings; a real
// map never comes near the limit either way.
func checkNesting(data []byte) (line int, err error) {
	depth := 0
	line = 1
	for _, c := range data {
		switch c {
		case '[', '{':
			depth++
			if depth > maxDepth {
				return line, fmt.Errorf("collections nested more than %d levels deep", maxDepth)
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		case '\n':
			line++
		}
	}
	return 0, nil
}

// syntaxProblem is a problem found before the tree exists: the file is not
// YAML or JSON at all.
func syntaxProblem(name string, line, col int, msg string) *graph.ValidationError {
	return &graph.ValidationError{Problems: []graph.Problem{{File: name, Line: line, Col: col, Pointer: "", Message: msg}}}
}

// tokenError is what goccy/go-yaml's errors offer.
type tokenError interface {
	GetToken() *token.Token
	GetMessage() string
}

func parseYAMLTree(data []byte, name string) (t *tnode, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, syntaxProblem(name, 0, 0, fmt.Sprintf("not a valid YAML document (the parser failed: %v)", r))
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var te tokenError
		if errors.As(err, &te) {
			line, col := 0, 0
			if tk := te.GetToken(); tk != nil && tk.Position != nil {
				line, col = tk.Position.Line, tk.Position.Column
			}
			return nil, syntaxProblem(name, line, col, "not valid YAML: "+te.GetMessage())
		}
		return nil, syntaxProblem(name, 0, 0, "not valid YAML: "+firstLine(err.Error()))
	}
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		return nil, syntaxProblem(name, 0, 0, "the file holds no map (it is empty)")
	}
	if len(docs) > 1 {
		line, col := pos(docs[1].Body)
		return nil, syntaxProblem(name, line, col, "the file holds more than one YAML document; a map file holds exactly one")
	}
	b := &yamlBuilder{anchors: map[string]ast.Node{}}
	t, err = b.build(docs[0].Body, 0)
	if err != nil {
		var pe *posError
		if errors.As(err, &pe) {
			return nil, syntaxProblem(name, pe.line, pe.col, pe.msg)
		}
		return nil, syntaxProblem(name, 0, 0, err.Error())
	}
	return t, nil
}

type posError struct {
	line, col int
	msg       string
}

func (e *posError) Error() string { return fmt.Sprintf("%d:%d: %s", e.line, e.col, e.msg) }

func pos(n ast.Node) (int, int) {
	if n == nil {
		return 0, 0
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return 0, 0
	}
	return tk.Position.Line, tk.Position.Column
}

type yamlBuilder struct {
	anchors map[string]ast.Node
	// expanded counts values built through aliases, so that a document of
	// aliases to aliases cannot expand into an exponential tree.
	expanded   int
	aliasDepth int
	// textBytes counts the bytes of every scalar and key built, aliases
	// included (see MaxExpandedBytes).
	textBytes int
}

// maxAliasExpansion bounds the values built through aliases; without
// aliases the tree is bounded by the input size.
const maxAliasExpansion = 200000

func (b *yamlBuilder) build(n ast.Node, depth int) (*tnode, error) {
	if depth > maxDepth {
		l, c := pos(n)
		return nil, &posError{l, c, fmt.Sprintf("values nested more than %d levels deep", maxDepth)}
	}
	line, col := pos(n)
	if b.aliasDepth > 0 {
		b.expanded++
		if b.expanded > maxAliasExpansion {
			return nil, &posError{line, col, fmt.Sprintf("aliases expand to more than %d values", maxAliasExpansion)}
		}
	}
	switch v := n.(type) {
	case nil:
		return &tnode{kind: tNull}, nil
	case *ast.NullNode:
		return &tnode{kind: tNull, line: line, col: col}, nil
	case *ast.StringNode:
		if err := b.countText(len(v.Value), line, col); err != nil {
			return nil, err
		}
		plain := v.Token != nil && v.Token.Type == token.StringType
		return &tnode{kind: tString, text: v.Value, plain: plain, line: line, col: col}, nil
	case *ast.LiteralNode:
		s := ""
		if v.Value != nil {
			s = v.Value.Value
		}
		if err := b.countText(len(s), line, col); err != nil {
			return nil, err
		}
		return &tnode{kind: tString, text: s, line: line, col: col}, nil
	case *ast.IntegerNode:
		var f float64
		switch x := v.Value.(type) {
		case int64:
			f = float64(x)
		case uint64:
			f = float64(x)
		default:
			return nil, &posError{line, col, fmt.Sprintf("unreadable integer %q", v.Token.Value)}
		}
		return &tnode{kind: tNumber, num: f, text: v.Token.Value, line: line, col: col}, nil
	case *ast.FloatNode:
		return &tnode{kind: tNumber, num: v.Value, text: v.Token.Value, line: line, col: col}, nil
	case *ast.InfinityNode:
		return &tnode{kind: tNumber, num: v.Value, text: v.Token.Value, line: line, col: col}, nil
	case *ast.NanNode:
		return &tnode{kind: tNumber, num: math.NaN(), text: v.Token.Value, line: line, col: col}, nil
	case *ast.BoolNode:
		return &tnode{kind: tBool, b: v.Value, text: v.Token.Value, line: line, col: col}, nil
	case *ast.TagNode:
		return b.build(v.Value, depth+1)
	case *ast.AnchorNode:
		if v.Name != nil {
			b.anchors[v.Name.String()] = v.Value
		}
		return b.build(v.Value, depth+1)
	case *ast.AliasNode:
		name := ""
		if v.Value != nil {
			name = v.Value.String()
		}
		target, ok := b.anchors[name]
		if !ok {
			return nil, &posError{line, col, fmt.Sprintf("alias *%s names no anchor defined before it", name)}
		}
		b.aliasDepth++
		t, err := b.build(target, depth+1)
		b.aliasDepth--
		if err != nil {
			return nil, err
		}
		return t, nil
	case *ast.MappingNode:
		t := &tnode{kind: tMap, line: line, col: col, keys: make([]tkey, 0, len(v.Values))}
		for _, mv := range v.Values {
			if err := b.addEntry(t, mv, depth); err != nil {
				return nil, err
			}
		}
		if len(v.Values) > 0 {
			t.line, t.col = t.keys[0].line, t.keys[0].col
		}
		return t, nil
	case *ast.MappingValueNode:
		t := &tnode{kind: tMap, line: line, col: col}
		if err := b.addEntry(t, v, depth); err != nil {
			return nil, err
		}
		t.line, t.col = t.keys[0].line, t.keys[0].col
		return t, nil
	case *ast.SequenceNode:
		t := &tnode{kind: tSeq, line: line, col: col, items: make([]*tnode, 0, len(v.Values))}
		for _, it := range v.Values {
			c, err := b.build(it, depth+1)
			if err != nil {
				return nil, err
			}
			if c.line == 0 {
				c.line, c.col = line, col
			}
			t.items = append(t.items, c)
		}
		return t, nil
	case *ast.CommentGroupNode, *ast.CommentNode:
		return &tnode{kind: tNull, line: line, col: col}, nil
	}
	return nil, &posError{line, col, fmt.Sprintf("unsupported YAML construct (%s)", n.Type())}
}

func (b *yamlBuilder) addEntry(t *tnode, mv *ast.MappingValueNode, depth int) error {
	kl, kc := pos(mv.Key)
	var name string
	switch k := mv.Key.(type) {
	case *ast.MergeKeyNode:
		return &posError{kl, kc, "merge keys (<<) are not supported in map files"}
	case *ast.StringNode:
		name = k.Value
	case ast.ScalarNode:
		name = k.String()
	default:
		return &posError{kl, kc, "a mapping key must be a plain value"}
	}
	if err := b.countText(len(name), kl, kc); err != nil {
		return err
	}
	for _, e := range t.keys {
		if e.name == name {
			return &posError{kl, kc, fmt.Sprintf("duplicate key %q (first at line %d)", name, e.line)}
		}
	}
	val, err := b.build(mv.Value, depth+1)
	if err != nil {
		return err
	}
	if val.line == 0 {
		val.line, val.col = kl, kc
	}
	t.keys = append(t.keys, tkey{name: name, line: kl, col: kc, val: val})
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// parseJSONTree reads a strict JSON document into a tree with a small
// scanner of its own: encoding/json's token stream allocates for every
// token and is several times slower on the 40 MB of a 100k-node map.
// Errors are *jsonError with the byte offset.
func parseJSONTree(data []byte) (*tnode, error) {
	p := &jsonScanner{data: data, line: 1, col: 1}
	p.skipSpace()
	t, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i < len(p.data) {
		return nil, p.errorf("trailing data after the JSON document")
	}
	return t, nil
}

// jsonError is a JSON syntax error at a byte offset.
type jsonError struct {
	off int
	msg string
	dup bool // a duplicate key: the document is not YAML either
}

func (e *jsonError) Error() string { return e.msg }

type jsonScanner struct {
	data      []byte
	i         int
	line      int
	lineStart int
	// colAt and col cache the last column computed on the current line, so
	// that a minified document on one long line is still scanned linearly.
	colAt, col int
}

func (p *jsonScanner) errorf(format string, a ...any) error {
	return &jsonError{off: p.i, msg: fmt.Sprintf(format, a...)}
}

func (p *jsonScanner) skipSpace() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\r':
		case '\n':
			p.line++
			p.lineStart = p.i + 1
			p.colAt, p.col = p.i+1, 1
		default:
			return
		}
		p.i++
	}
}

// pos is the line and column (in characters) of the current byte.
func (p *jsonScanner) pos() (int, int) {
	if p.colAt < p.lineStart {
		p.colAt, p.col = p.lineStart, 1
	}
	p.col += utf8.RuneCount(p.data[p.colAt:p.i])
	p.colAt = p.i
	return p.line, p.col
}

func (p *jsonScanner) value(depth int) (*tnode, error) {
	if depth > maxDepth {
		return nil, p.errorf("nested more than %d levels deep", maxDepth)
	}
	if p.i >= len(p.data) {
		return nil, p.errorf("unexpected end of JSON")
	}
	line, col := p.pos()
	switch c := p.data[p.i]; {
	case c == '{':
		p.i++
		t := &tnode{kind: tMap, line: line, col: col}
		p.skipSpace()
		if p.i < len(p.data) && p.data[p.i] == '}' {
			p.i++
			return t, nil
		}
		for {
			p.skipSpace()
			if p.i >= len(p.data) || p.data[p.i] != '"' {
				return nil, p.errorf("expected a string key")
			}
			kl, kc := p.pos()
			name, err := p.str()
			if err != nil {
				return nil, err
			}
			for _, e := range t.keys {
				if e.name == name {
					return nil, &jsonError{off: p.i, msg: fmt.Sprintf("duplicate key %q (first at line %d)", name, e.line), dup: true}
				}
			}
			p.skipSpace()
			if p.i >= len(p.data) || p.data[p.i] != ':' {
				return nil, p.errorf("expected ':' after a key")
			}
			p.i++
			p.skipSpace()
			val, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			t.keys = append(t.keys, tkey{name: name, line: kl, col: kc, val: val})
			p.skipSpace()
			if p.i < len(p.data) && p.data[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.data) && p.data[p.i] == '}' {
				p.i++
				return t, nil
			}
			return nil, p.errorf("expected ',' or '}'")
		}
	case c == '[':
		p.i++
		t := &tnode{kind: tSeq, line: line, col: col}
		p.skipSpace()
		if p.i < len(p.data) && p.data[p.i] == ']' {
			p.i++
			return t, nil
		}
		for {
			p.skipSpace()
			it, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			t.items = append(t.items, it)
			p.skipSpace()
			if p.i < len(p.data) && p.data[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.data) && p.data[p.i] == ']' {
				p.i++
				return t, nil
			}
			return nil, p.errorf("expected ',' or ']'")
		}
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &tnode{kind: tString, text: s, line: line, col: col}, nil
	case c == 't' || c == 'f' || c == 'n':
		for _, w := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(p.data[p.i:], []byte(w)) {
				p.i += len(w)
				switch w {
				case "null":
					return &tnode{kind: tNull, line: line, col: col}, nil
				default:
					return &tnode{kind: tBool, b: w == "true", text: w, line: line, col: col}, nil
				}
			}
		}
		return nil, p.errorf("invalid literal")
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		if !p.number() {
			return nil, p.errorf("invalid number")
		}
		text := string(p.data[start:p.i])
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, p.errorf("invalid number %s", text)
		}
		return &tnode{kind: tNumber, num: f, text: text, line: line, col: col}, nil
	}
	return nil, p.errorf("unexpected character %q", p.data[p.i])
}

// number advances over a JSON number and reports whether it was well formed.
func (p *jsonScanner) number() bool {
	d := p.data
	digits := func() int {
		n := 0
		for p.i < len(d) && d[p.i] >= '0' && d[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if d[p.i] == '-' {
		p.i++
	}
	if p.i < len(d) && d[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return false
	}
	if p.i < len(d) && d[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return false
		}
	}
	if p.i < len(d) && (d[p.i] == 'e' || d[p.i] == 'E') {
		p.i++
		if p.i < len(d) && (d[p.i] == '+' || d[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}

// str reads a JSON string starting at the opening quote.
func (p *jsonScanner) str() (string, error) {
	p.i++ // opening quote
	start := p.i
	d := p.data
	for p.i < len(d) {
		c := d[p.i]
		if c == '"' {
			s := string(d[start:p.i])
			p.i++
			return s, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.errorf("control character in a string")
		}
		p.i++
	}
	// Slow path: escapes.
	buf := append([]byte(nil), d[start:p.i]...)
	for p.i < len(d) {
		c := d[p.i]
		switch {
		case c == '"':
			p.i++
			return string(buf), nil
		case c < 0x20:
			return "", p.errorf("control character in a string")
		case c != '\\':
			buf = append(buf, c)
			p.i++
			continue
		}
		if p.i+1 >= len(d) {
			break
		}
		e := d[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errorf("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if p.i+1 < len(d) && d[p.i] == '\\' && d[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					var ok2 bool
					if r2, ok2 = p.hex4(); !ok2 {
						p.i = save
						r2 = -1
					}
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
				} else {
					if r2 >= 0 {
						p.i -= 6 // not a pair: read the second escape on its own
					}
					r = utf8.RuneError
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", p.errorf("invalid escape \\%c", e)
		}
	}
	return "", p.errorf("unterminated string")
}

func (p *jsonScanner) hex4() (rune, bool) {
	if p.i+4 > len(p.data) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.data[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(v), true
}
