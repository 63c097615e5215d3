package mapio

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// Encoder writes a map file as the map is read, piece by piece (see
// graph.MapVisitor), holding one node or edge at a time: the same bytes as
// WriteYAML or WriteJSON of the whole map, for maps too big to hold.
//
// Use: NewEncoder, pass Visitor to a graph.MapStreamer (or graph.WalkMap),
// then Close, which writes the end of the file. Nothing is written before
// the head arrives.
type Encoder struct {
	c      Codec
	f      Format
	bw     *bufio.Writer
	head   *graph.Map
	part   int // 0: head not seen; 1: in nodes; 2: in edges
	nodes  int // nodes written
	edges  int // edges written
	closed bool
}

// NewEncoder writes a YAML or JSON map file to w. Other formats are
// written whole (Encode).
func NewEncoder(w io.Writer, f Format) (*Encoder, error) { return std.NewEncoder(w, f) }

// NewEncoder is NewEncoder by the codec's table.
func (c Codec) NewEncoder(w io.Writer, f Format) (*Encoder, error) {
	if f != YAML && f != JSON {
		if _, err := ParseFormat(string(f)); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("a %s file cannot be written as it is read; only yaml and json can", f)
	}
	return &Encoder{c: c, f: f, bw: bufio.NewWriterSize(w, 64<<10)}, nil
}

// Visitor is what the encoder takes the map from.
func (e *Encoder) Visitor() graph.MapVisitor {
	return graph.MapVisitor{Head: e.Head, Node: e.Node, Edge: e.Edge}
}

// Head writes the map's own fields.
func (e *Encoder) Head(m *graph.Map) error {
	if e.part != 0 {
		return fmt.Errorf("encode map %s: the map's fields come first, once", m.ID)
	}
	e.head, e.part = m, 1
	fs := fieldsOf(e.c.Fields.Map, m)
	if e.f == YAML {
		for _, f := range fs {
			writeYAMLField(e.bw, f, "")
		}
		return nil
	}
	e.bw.WriteString("{\n")
	for _, f := range fs {
		fmt.Fprintf(e.bw, "  %s: %s,\n", jsonString(f.key), jsonValue(f.val))
	}
	fmt.Fprintf(e.bw, "  %q: [", "nodes")
	return nil
}

// Node writes the next node.
func (e *Encoder) Node(n *graph.Node) error {
	if e.part != 1 {
		return fmt.Errorf("encode map: node %q out of order (nodes follow the map's fields and come before edges)", n.ID)
	}
	fs := e.c.nodeFieldsOf(n)
	if e.f == JSON {
		e.jsonItem(fs, e.nodes)
		e.nodes++
		return nil
	}
	if e.nodes == 0 {
		e.bw.WriteString("nodes:\n")
	}
	e.nodes++
	for i, f := range fs {
		if i == 0 {
			e.bw.WriteString("  - ")
		} else {
			e.bw.WriteString("    ")
		}
		writeYAMLField(e.bw, f, "    ")
	}
	return nil
}

// toEdges ends the node list.
func (e *Encoder) toEdges() {
	if e.part != 1 {
		return
	}
	e.part = 2
	if e.f == JSON {
		e.endJSONList(e.nodes)
		e.bw.WriteString(",\n")
		fmt.Fprintf(e.bw, "  %q: [", "edges")
	} else if e.nodes == 0 {
		e.bw.WriteString("nodes: []\n")
	}
}

// Edge writes the next edge.
func (e *Encoder) Edge(x *graph.Edge) error {
	e.toEdges()
	if e.part != 2 {
		return fmt.Errorf("encode map: edge %q before the map's fields", x.Key())
	}
	fs := e.c.edgeFieldsOf(x)
	if e.f == JSON {
		e.jsonItem(fs, e.edges)
		e.edges++
		return nil
	}
	if e.edges == 0 {
		e.bw.WriteString("edges:\n")
	}
	e.edges++
	flow := yamlFlowMapping(fs)
	if len(flow) <= 110 && !strings.Contains(flow, "\n") {
		e.bw.WriteString("  - ")
		e.bw.WriteString(flow)
		e.bw.WriteByte('\n')
		return nil
	}
	for i, f := range fs {
		if i == 0 {
			e.bw.WriteString("  - ")
		} else {
			e.bw.WriteString("    ")
		}
		writeYAMLField(e.bw, f, "    ")
	}
	return nil
}

// Close writes the end of the file (the classification comes last) and
// flushes. A map whose head never came is an error.
func (e *Encoder) Close() error {
	if e.closed {
		return nil
	}
	if e.part == 0 {
		return fmt.Errorf("encode map: no map was read")
	}
	e.closed = true
	e.toEdges()
	var cls []field
	if e.head.Classification != nil {
		cls = e.c.classificationFieldsOf(e.head.Classification)
	}
	if e.f == JSON {
		e.endJSONList(e.edges)
		if len(cls) > 0 {
			e.bw.WriteString(",\n  \"classification\": {\n")
			for i, f := range cls {
				fmt.Fprintf(e.bw, "    %s: %s", jsonString(f.key), jsonValue(f.val))
				if i < len(cls)-1 {
					e.bw.WriteByte(',')
				}
				e.bw.WriteByte('\n')
			}
			e.bw.WriteString("  }")
		}
		e.bw.WriteString("\n}\n")
		return e.bw.Flush()
	}
	if e.edges == 0 {
		e.bw.WriteString("edges: []\n")
	}
	if len(cls) > 0 {
		e.bw.WriteString("classification:\n")
		for _, f := range cls {
			e.bw.WriteString("  ")
			writeYAMLField(e.bw, f, "  ")
		}
	}
	return e.bw.Flush()
}

// jsonItem writes one object of a JSON list, the i-th written.
func (e *Encoder) jsonItem(fs []field, i int) {
	if i > 0 {
		e.bw.WriteByte(',')
	}
	e.bw.WriteString("\n    {")
	for j, f := range fs {
		if j > 0 {
			e.bw.WriteString(", ")
		}
		e.bw.WriteString(jsonString(f.key))
		e.bw.WriteString(": ")
		e.bw.WriteString(jsonValue(f.val))
	}
	e.bw.WriteByte('}')
}

func (e *Encoder) endJSONList(n int) {
	if n > 0 {
		e.bw.WriteString("\n  ")
	}
	e.bw.WriteByte(']')
}
