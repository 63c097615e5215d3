package graph

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// checkFields checks every value of x against its row: allowed values of
// enums, allowed names of maps, and ranges of numbers. Ids, references and
// required fields have rules of their own in the validator. prefix starts
// each message ("edge a--supplies--b: ").
func checkFields[T any](v *validator, fs []Field[T], x *T, p, prefix string) {
	for _, f := range fs {
		fp := p + "/" + EscapePointer(f.Name)
		switch val := f.Get(x).(type) {
		case string:
			if f.Type == TypeEnum && !f.Required && val != "" && !slices.Contains(f.Values, val) {
				v.add(fp, f.Name, val, "%sunknown %s %q (known: %s)", prefix, f.noun(), val, strings.Join(f.Values, ", "))
			}
		case []string:
			if f.Type != TypeEnumList {
				continue
			}
			for j, s := range val {
				if !slices.Contains(f.Values, s) {
					v.add(fmt.Sprintf("%s/%d", fp, j), f.Name, s, "%sunknown %s %q (known: %s)", prefix, f.noun(), s, strings.Join(f.Values, ", "))
				}
			}
		case *float64:
			if val != nil {
				checkRange(v, f, fp, f.Name, *val, prefix)
			}
		case map[string]float64:
			for _, k := range slices.Sorted(maps.Keys(val)) {
				if checkKey(v, f, fp, k, prefix) {
					checkRange(v, f, fp+"/"+EscapePointer(k), f.noun()+" "+k, val[k], prefix)
				}
			}
		case map[string][]string:
			for _, k := range slices.Sorted(maps.Keys(val)) {
				if !checkKey(v, f, fp, k, prefix) {
					continue
				}
				for j, s := range val[k] {
					if strings.TrimSpace(s) == "" {
						v.add(fmt.Sprintf("%s/%s/%d", fp, EscapePointer(k), j), f.Name, s, "%s%s %s names an empty item", prefix, f.keyNoun(), k)
					}
				}
			}
		}
	}
}

// checkKey checks a name of a score or list map; false when it is unknown.
func checkKey[T any](v *validator, f Field[T], fp, k, prefix string) bool {
	if k == "" {
		v.add(fp, f.Name, "", "%sa %s needs a name", prefix, f.keyNoun())
		return true
	}
	if len(f.Keys) > 0 && !slices.Contains(f.Keys, k) {
		v.add(fp+"/"+EscapePointer(k), f.Name, k, "%sunknown %s %q (known: %s)", prefix, f.keyNoun(), k, strings.Join(f.Keys, ", "))
		return false
	}
	return true
}

// checkRange checks one number against the row's range.
func checkRange[T any](v *validator, f Field[T], fp, what string, x float64, prefix string) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		v.add(fp, f.Name, fnum(x), "%s%s must be a finite number", prefix, what)
		return
	}
	if f.Type == TypeWhole && x != math.Trunc(x) {
		v.add(fp, f.Name, fnum(x), "%s%s must be a whole number", prefix, what)
		return
	}
	low := f.Min != nil && (x < *f.Min || (f.MinExclusive && x == *f.Min))
	high := f.Max != nil && (x > *f.Max || (f.MaxExclusive && x == *f.Max))
	if low || high {
		if f.Unit == UnitFraction {
			// Say what the fraction means, and what a percentage written
			// as a number probably meant: margin 15 -> 0.15.
			v.add(fp, f.Name, fnum(x), "%s%s %s (%s)%s", prefix, what, f.RangeText(), f.Meaning(), percentHint(x))
			return
		}
		v.add(fp, f.Name, fnum(x), "%s%s %s", prefix, what, f.RangeText())
		return
	}
	if f.Unit == UnitCount && x != math.Trunc(x) {
		v.add(fp, f.Name, fnum(x), "%s%s is a count and must be a whole number (1.2 customers? a spreadsheet's 1.200 may have meant 1200)", prefix, what)
	}
}

// Meaning is the first clause of the row's help: what the value is, for
// messages ("the fraction of its selling price the buyer keeps").
func (f Field[T]) Meaning() string {
	h := f.Help
	for _, sep := range []string{", ", "; ", " ("} {
		if i := strings.Index(h, sep); i > 0 {
			h = h[:i]
		}
	}
	return h
}

// RangeText says a row's range in words: "must be between 0 and 1".
func (f Field[T]) RangeText() string {
	switch {
	case f.Min == nil && f.Max == nil:
		return ""
	case f.Max == nil && f.MinExclusive:
		return "must be above " + fnum(*f.Min)
	case f.Max == nil && *f.Min == 0:
		return "must not be negative"
	case f.Max == nil:
		return "must be at least " + fnum(*f.Min)
	case f.Min == nil:
		return "must be at most " + fnum(*f.Max)
	case f.MaxExclusive:
		return fmt.Sprintf("must be at least %s and below %s", fnum(*f.Min), fnum(*f.Max))
	}
	return fmt.Sprintf("must be between %s and %s", fnum(*f.Min), fnum(*f.Max))
}

func (f Field[T]) noun() string {
	if f.Noun != "" {
		return f.Noun
	}
	return f.Name
}

func (f Field[T]) keyNoun() string {
	if f.KeyNoun != "" {
		return f.KeyNoun
	}
	return f.noun()
}
