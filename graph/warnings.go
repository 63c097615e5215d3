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
		if n == nil {
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(n.Attrs)) {
			if f := nearestField(k, Names(std.Node)); f != "" {
				ws = append(ws, Warning{
					Pointer: "/nodes/" + strconv.Itoa(i) + "/" + EscapePointer(k),
					Message: fmt.Sprintf("node %s: unknown field %q is kept as a free attribute; did you mean %s?", n.ID, k, f),
				})
			}
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
		for _, k := range slices.Sorted(maps.Keys(e.Attrs)) {
			if f := nearestField(k, Names(std.Edge)); f != "" {
				ws = append(ws, Warning{
					Pointer: "/edges/" + strconv.Itoa(i) + "/" + EscapePointer(k),
					Message: fmt.Sprintf("edge %s: unknown field %q is kept as a free attribute; did you mean %s?", e.Key(), k, f),
				})
			}
		}
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
		who := to
		if nm := names[to]; nm != "" && nm != to {
			who = nm + " (" + to + ")"
		}
		given := math.Round(s.given*1e6) / 1e6
		ws = append(ws, Warning{
			Pointer: "/edges/" + strconv.Itoa(s.first) + "/share",
			Message: fmt.Sprintf("%s: its inbound shares sum to %s, so %s %% of its sales come from nowhere; share is the fraction of the buyer's purchases that come through an edge",
				who, fnum(given), fnum(math.Round((1-s.given)*1e4)/1e2)),
		})
	}
	sort.SliceStable(ws, func(i, j int) bool { return comparePointers(ws[i].Pointer, ws[j].Pointer) < 0 })
	return ws
}
