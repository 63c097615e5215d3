package graph

import "time"

// This file holds the hints for fractions written as percentages and the
// rule of the map's as_of date.

// percentHint suggests the fraction a user probably meant when a fraction
// was written as a percentage number: "margin: 15" -> 0.15 (15 %). Values
// just above 1 get no hint: 1.18 is as likely 118 % as 1.18 %.
func percentHint(f float64) string {
	if f >= 2 && f <= 100 {
		return "; for " + fnum(f) + " % write " + fnum(f/100) + " or \"" + fnum(f) + " %\""
	}
	return ""
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
}
