package mapio

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// DecodeValue reads a YAML or JSON document into plain Go values (maps of
// string to value, lists, strings, float64, bool and nil), with the same
// bounds as Read: the file size, the nesting depth, the alias expansion and
// the expanded text (graph.MaxExpandedBytes). It is for checking a request
// body against a schema before the body is read as a map, so that a small
// document of aliases cannot grow into a large one there either.
func DecodeValue(data []byte, name string) (any, error) {
	if len(data) > MaxFileSize {
		return nil, syntaxProblem(name, 0, 0, fmt.Sprintf("the document is larger than %d MiB", MaxFileSize>>20))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return nil, syntaxProblem(name, line, 0, "the document is not UTF-8 text (binary data?)")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	if line, err := checkNesting(data); err != nil {
		return nil, syntaxProblem(name, line, 0, err.Error())
	}
	t, err := parseTreeSized(data, name)
	if err != nil {
		return nil, err
	}
	return t.value(), nil
}

// value is the node as plain Go values.
func (n *tnode) value() any {
	switch n.kind {
	case tString:
		return n.text
	case tNumber:
		return n.num
	case tBool:
		return n.b
	case tSeq:
		out := make([]any, len(n.items))
		for i, it := range n.items {
			out[i] = it.value()
		}
		return out
	case tMap:
		out := make(map[string]any, len(n.keys))
		for _, k := range n.keys {
			out[k.name] = k.val.value()
		}
		return out
	}
	return nil
}
