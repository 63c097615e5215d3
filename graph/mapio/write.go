package mapio

import (
	"bufio"
	"fmt"
	"github.com/chanmap/chanmap/graph"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file writes format v1. Both writers walk the same ordered fields
// (fieldsOf), so YAML and JSON have one shape; output depends only on the
// map, so writing twice gives the same bytes.

// field is one key and value to write. val is string, float64, bool,
// []string, map[string]float64, map[string][]string or nil (skipped).
type field struct {
	key string
	val any
}

// fieldsOf lists the fields of x that have a value, in table order;
// required fields are written even when empty.
func fieldsOf[T any](fs []graph.Field[T], x *T) []field {
	var out []field
	for _, f := range fs {
		v := f.Get(x)
		if graph.IsEmpty(v) && !f.Required {
			continue
		}
		if p, ok := v.(*float64); ok {
			if p == nil {
				continue
			}
			v = *p
		}
		out = append(out, field{f.Name, v})
	}
	return out
}

func (c Codec) nodeFieldsOf(n *graph.Node) []field {
	return appendAttrs(fieldsOf(c.Fields.Node, n), n.Attrs)
}

func (c Codec) edgeFieldsOf(e *graph.Edge) []field {
	return appendAttrs(fieldsOf(c.Fields.Edge, e), e.Attrs)
}

func (c Codec) classificationFieldsOf(cl *graph.Classification) []field {
	return fieldsOf(c.Fields.Classification, cl)
}

func appendAttrs(fs []field, attrs map[string]any) []field {
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		switch x := attrs[k].(type) {
		case string, bool, float64:
			fs = append(fs, field{k, x})
		case nil:
		default:
			if f, ok := graph.AttrFloat(x); ok {
				fs = append(fs, field{k, f})
			} else {
				fs = append(fs, field{k, fmt.Sprint(x)})
			}
		}
	}
	return fs
}

// formatNumber writes a number the same way in YAML and JSON: whole
// numbers without a fraction or exponent, others in the shortest form.
func formatNumber(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "0" // never valid on a map; Validate reports it
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	// YAML readers (goccy/go-yaml among them) take 1e+21 for a string;
	// 1.0e+21 is a number everywhere, JSON included.
	if i := strings.IndexByte(s, 'e'); i >= 0 && !strings.Contains(s[:i], ".") {
		s = s[:i] + ".0" + s[i:]
	}
	return s
}

// WriteYAML writes m as a format v1 YAML file: top-level fields, then nodes
// as block mappings in the canonical field order (free attributes last,
// sorted), then edges (one flow mapping per line where it fits), then
// classification. Node and edge order is kept.
func WriteYAML(w io.Writer, m *graph.Map) error { return std.WriteYAML(w, m) }

// WriteYAML is WriteYAML by the codec's table.
func (c Codec) WriteYAML(w io.Writer, m *graph.Map) error { return c.writeWhole(w, YAML, m) }

// writeWhole writes a whole map through the Encoder, so that a map written
// at once and one streamed as it is read are the same bytes by construction.
func (c Codec) writeWhole(w io.Writer, f Format, m *graph.Map) error {
	e, err := c.NewEncoder(w, f)
	if err != nil {
		return err
	}
	if err := e.Head(m); err != nil {
		return err
	}
	for _, n := range m.Nodes {
		if n != nil {
			if err := e.Node(n); err != nil {
				return err
			}
		}
	}
	for _, x := range m.Edges {
		if x != nil {
			if err := e.Edge(x); err != nil {
				return err
			}
		}
	}
	return e.Close()
}

func writeYAMLField(bw *bufio.Writer, f field, indent string) {
	bw.WriteString(yamlKey(f.key))
	bw.WriteString(":")
	if sc, ok := f.val.(map[string][]string); ok {
		bw.WriteByte('\n')
		for _, k := range slices.Sorted(maps.Keys(sc)) {
			bw.WriteString(indent + "  ")
			bw.WriteString(yamlKey(k))
			bw.WriteString(": ")
			bw.WriteString(yamlValue(sc[k]))
			bw.WriteByte('\n')
		}
		return
	}
	bw.WriteByte(' ')
	bw.WriteString(yamlValue(f.val))
	bw.WriteByte('\n')
}

func yamlFlowMapping(fs []field) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(yamlKey(f.key))
		b.WriteString(": ")
		b.WriteString(yamlValue(f.val))
	}
	b.WriteByte('}')
	return b.String()
}

// flowValue writes a field value in flow style, with str quoting strings
// and keys: YAML and JSON share the shape and differ only in quoting.
func flowValue(v any, str func(string) string) string {
	switch x := v.(type) {
	case string:
		return str(x)
	case float64:
		return formatNumber(x)
	case bool:
		return strconv.FormatBool(x)
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = str(s)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]float64:
		parts := make([]string, 0, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			parts = append(parts, str(k)+": "+formatNumber(x[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case map[string][]string:
		parts := make([]string, 0, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			parts = append(parts, str(k)+": "+flowValue(x[k], str))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return "null"
}

func yamlValue(v any) string { return flowValue(v, yamlString) }

func yamlKey(s string) string { return yamlString(s) }

// reserved are the plain words YAML (1.1 or 1.2) reads as something other
// than a string.
var reserved = map[string]bool{
	"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"y": true, "n": true, "null": true, "~": true,
}

// yamlString writes s plain when no YAML reader could take it for anything
// but this string, and double-quoted otherwise.
func yamlString(s string) string {
	if plainSafe(s) {
		return s
	}
	return quoteYAML(s)
}

func plainSafe(s string) bool {
	if s == "" || reserved[strings.ToLower(s)] {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	if !(first < utf8.RuneSelf && (first >= 'a' && first <= 'z' || first >= 'A' && first <= 'Z')) &&
		!(first >= utf8.RuneSelf && unicode.IsLetter(first)) {
		return false
	}
	if s[len(s)-1] == ' ' {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == ' ' || r == '_' || r == '.' || r == '/' || r == '(' || r == ')' || r == '&' || r == '+' || r == '\'' || r == '-':
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsNumber(r)):
		default:
			return false
		}
	}
	// ".inf"-like words start with a dot, excluded above; "Inf"/"NaN"
	// without a dot are strings in YAML.
	return true
}

// quoteYAML double-quotes s with escapes YAML understands. s is valid
// UTF-8 on every map Read returns; invalid bytes are replaced.
func quoteYAML(s string) string {
	return quoteEscaped(s, func(r rune) bool {
		return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 || r == 0xFEFF
	})
}

// quoteEscaped double-quotes s with backslash escapes for quotes,
// backslashes and \n \t \r, and \uXXXX for the other runes escape names.
// YAML's and JSON's double-quoted strings share these escapes.
func quoteEscaped(s string, escape func(rune) bool) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if escape(r) {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// WriteJSON writes m as JSON of the same shape as the YAML file (free
// attributes next to the known fields), indented by two spaces.
func WriteJSON(w io.Writer, m *graph.Map) error { return std.WriteJSON(w, m) }

// WriteJSON is WriteJSON by the codec's table.
func (c Codec) WriteJSON(w io.Writer, m *graph.Map) error { return c.writeWhole(w, JSON, m) }

func jsonValue(v any) string { return flowValue(v, jsonString) }

func jsonString(s string) string {
	return quoteEscaped(s, func(r rune) bool { return r < 0x20 || r == 0x2028 || r == 0x2029 })
}
