package graph

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// This file holds the rules of the fractions a map file carries (margin,
// share, gross_margin) and of the map's own source and as_of.

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

// percentHint suggests the fraction a user probably meant when a fraction
// was written as a percentage number: "margin: 15" -> 0.15 (15 %). Values
// just above 1 get no hint: 1.18 is as likely 118 % as 1.18 %.
func percentHint(f float64) string {
	if f >= 2 && f <= 100 {
		return "; for " + fnum(f) + " % write " + fnum(f/100) + " or \"" + fnum(f) + " %\""
	}
	return ""
}

// grossMargin checks a gross margin: a fraction 0-1 of the net price.
func (v *validator) grossMargin(ptr string, f *float64) {
	if f == nil {
		return
	}
	if g := *f; !(g >= 0 && g <= 1) {
		v.add(ptr, "gross_margin", fnum(g), "gross_margin must be between 0 and 1 (the company's gross margin on its net price)%s", percentHint(g))
	}
}

// count checks a count of things (customers): a whole number.
func (v *validator) count(ptr, field string, f *float64) {
	if f != nil && *f >= 0 && *f != math.Trunc(*f) && !math.IsInf(*f, 0) {
		v.add(ptr, field, fnum(*f), "%s is a count and must be a whole number (1.2 customers? a spreadsheet's 1.200 may have meant 1200)", field)
	}
}

// AsOfLayout is the layout of a map's as_of date.
const AsOfLayout = "2006-01-02"

// mapMeta checks the map's as_of date.
func (v *validator) mapMeta() {
	if a := v.m.AsOf; a != "" {
		if _, err := time.Parse(AsOfLayout, a); err != nil {
			v.add("/as_of", "as_of", a, "as_of (the date the figures hold for) must be a date like 2026-03-31")
		}
	}
	if c := v.m.Classification; c != nil {
		v.grossMargin("/classification/gross_margin", c.GrossMargin)
	}
}

// firstUse matches the pointer a duplicate-id problem names ("first used by
// /nodes/2", "first is /edges/4").
var firstUse = regexp.MustCompile(`\((first used by|first is) (/(?:nodes|edges)/[0-9]+)\)`)

// relateLines adds the line of the first use to duplicate-id problems read
// from a file: "(first used by /nodes/2 on line 6)".
func relateLines(probs []Problem, tree *tnode) {
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
