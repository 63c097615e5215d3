package mapio

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// fraction reads a fraction field: a number, or a percentage written as
// "15 %" or "15%" (0.15), as spreadsheets write it.
func (d *decoder) fraction(v *tnode, p, field string) *float64 {
	if v.kind == tString {
		t := strings.TrimSpace(v.text)
		if strings.HasSuffix(t, "%") {
			if f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(t, "%")), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				f /= 100
				return &f
			}
		}
	}
	return d.num(v, p, field)
}

// firstUse matches the pointer a duplicate-id problem names ("first used by
// /nodes/2", "first is /edges/4").
var firstUse = regexp.MustCompile(`\((first used by|first is) (/(?:nodes|edges)/[0-9]+)\)`)

// relateLines adds the line of the first use to duplicate-id problems read
// from a file: "(first used by /nodes/2 on line 6)".
func relateLines(probs []graph.Problem, tree *tnode) {
	for i := range probs {
		p := &probs[i]
		p.Message = firstUse.ReplaceAllStringFunc(p.Message, func(s string) string {
			m := firstUse.FindStringSubmatch(s)
			line, _ := tree.locate(m[2])
			if line == 0 {
				return s
			}
			return fmt.Sprintf("(%s %s on line %d)", m[1], m[2], line)
		})
	}
}
