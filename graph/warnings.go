package graph

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
)

// Warning is something in a valid map that probably does not say what its
// author meant. Warnings never block a write; validate, analyze and the API's
// answers to writes show them.
type Warning struct {
	// Pointer is a JSON pointer into the map document (/nodes/3/revnue).
	Pointer string `json:"pointer"`
	// Line is the line in the map file, when the warning comes from one.
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// String is "LINE: message" when the line is known, else the message.
func (w Warning) String() string {
	if w.Line > 0 {
		return strconv.Itoa(w.Line) + ": warning: " + w.Message
	}
	return "warning: " + w.Message
}

// Warnings lists the warnings of m in document order: unknown keys within
// edit distance 2 of a known field (kept as free attributes, probably a
// typo), and nodes whose inbound supplies edges all carry shares that add up
// to less than 1 (part of their sales would come from nowhere).
func Warnings(m *Map) []Warning {
	if m == nil {
		return nil
	}
	var ws []Warning
	for i, n := range m.Nodes {
		if n != nil {
			ws = append(ws, NodeWarnings(i, n)...)
		}
	}
	type sum struct {
		given    float64
		unshared int
		first    int
	}
	sums := map[string]*sum{}
	var order []string
	for i, e := range m.Edges {
		if e == nil {
			continue
		}
		ws = append(ws, EdgeWarnings(i, e)...)
		if e.Kind != EdgeSupplies {
			continue
		}
		s := sums[e.To]
		if s == nil {
			s = &sum{first: i}
			sums[e.To] = s
			order = append(order, e.To)
		}
		if e.Share != nil {
			s.given += *e.Share
		} else {
			s.unshared++
		}
	}
	names := map[string]string{}
	for _, n := range m.Nodes {
		if n != nil {
			names[n.ID] = n.Name
		}
	}
	for _, to := range order {
		s := sums[to]
		if s.unshared > 0 || s.given >= 1-1e-9 {
			continue
		}
		ws = append(ws, Warning{
			Pointer: "/edges/" + strconv.Itoa(s.first) + "/share",
			Message: SharesMessage(to, names[to], s.given),
		})
	}
	sort.SliceStable(ws, func(i, j int) bool { return comparePointers(ws[i].Pointer, ws[j].Pointer) < 0 })
	return ws
}

// NodeWarnings are the warnings Warnings gives on node i of a map by
// itself: its free attributes named within edit distance 2 of a field.
// With EdgeWarnings and SharesMessage they let a reader that takes a map
// piece by piece give Warnings's messages without holding the map.
func NodeWarnings(i int, n *Node) []Warning {
	if len(n.Attrs) == 0 {
		return nil
	}
	return attrWarnings("/nodes/"+strconv.Itoa(i), "node "+n.ID, n.Attrs, Names(std.Node))
}

// EdgeWarnings are the warnings Warnings gives on edge i of a map by
// itself: its free attributes named within edit distance 2 of a field.
func EdgeWarnings(i int, e *Edge) []Warning {
	if len(e.Attrs) == 0 {
		return nil
	}
	return attrWarnings("/edges/"+strconv.Itoa(i), "edge "+e.Key(), e.Attrs, Names(std.Edge))
}

// attrWarnings warns of the free attributes of the piece at ptr (named
// who) that are named within edit distance 2 of one of fields.
func attrWarnings(ptr, who string, attrs map[string]any, fields []string) []Warning {
	var ws []Warning
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		if f := nearestField(k, fields); f != "" {
			ws = append(ws, Warning{
				Pointer: ptr + "/" + EscapePointer(k),
				Message: fmt.Sprintf("%s: unknown field %q is kept as a free attribute; did you mean %s?", who, k, f),
			})
		}
	}
	return ws
}

// SharesMessage is Warnings's message on node id (named name, "" for
// none) whose inbound supplies edges all carry a share, the shares summing
// to given, less than 1: part of its sales come from nowhere.
func SharesMessage(id, name string, given float64) string {
	who := id
	if name != "" && name != id {
		who = name + " (" + id + ")"
	}
	rounded := math.Round(given*1e6) / 1e6
	return fmt.Sprintf("%s: its inbound shares sum to %s, so %s %% of its sales come from nowhere; share is the fraction of the buyer's purchases that come through an edge",
		who, fnum(rounded), fnum(math.Round((1-given)*1e4)/1e2))
}
