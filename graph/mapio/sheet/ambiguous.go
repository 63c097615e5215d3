package sheet

import (
	"fmt"
	"github.com/chanmap/chanmap/graph"
	"regexp"
	"strings"
)

// A number like 1.200 or 18.000 reads as 1.2 and 18 with '.' as the
// decimal mark, and as 1200 and 18000 with '.' grouping thousands; 1,200 the
// other way round. European Excel writes the second kind, so without
// --decimal-comma or an explicit --thousands such a cell is an error that
// shows both readings rather than a silent guess.

// groupedLike matches one group of exactly three digits after one to three
// leading digits (not starting with 0, which no grouped number does).
var groupedLike = regexp.MustCompile(`^[+-]?[1-9][0-9]{0,2}([.,])[0-9]{3}$`)

// groupable tells the columns whose numbers may be big enough to be written
// with thousands separators: counts and money. A score, margin or month
// count is never 1200, so 1.200 there is plainly 1.2.
func groupable(c column) bool {
	if c.f != fField {
		return false
	}
	f, ok := graph.Lookup(fields.Node, c.row)
	return ok && (f.Unit == graph.UnitCount || f.Unit == "currency")
}

// unambiguous writes a number so that reading it back cannot take it for a
// grouped one: 1.125 becomes 1.1250.
func unambiguous(s string) string {
	if groupedLike.MatchString(s) {
		return s + "0"
	}
	return s
}

// separator is the CSV field separator of the table.
func (s *csvSource) separator() rune {
	if s.r == nil {
		return ','
	}
	return s.r.Comma
}

// ambiguity explains why cell s of a text or CSV column could be read two
// ways, or returns "" when it cannot: the conventions are explicit
// (DecimalComma or Thousands), or s is not 1-3 digits, one mark and three
// digits. A ',' is ambiguous only in a table not separated by ',' (where a
// decimal comma is plausible); a '.' always is.
func ambiguity(s string, opt Options, src source) string {
	if opt.DecimalComma || opt.Thousands != "" {
		return ""
	}
	m := groupedLike.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return ""
	}
	sep := ','
	if cs, ok := src.(interface{ separator() rune }); ok {
		sep = cs.separator()
	}
	mark := m[1]
	if mark == "," && sep == ',' {
		return ""
	}
	t := strings.TrimSpace(s)
	whole := strings.Replace(t, mark, "", 1)
	frac := strings.Replace(t, mark, ".", 1)
	var b strings.Builder
	if mark == "." {
		fmt.Fprintf(&b, "ambiguous number: %s is %s with '.' as the decimal mark, or %s with '.' grouping thousands; say which with --thousands , (it is %s) or --decimal-comma (it is %s)",
			t, trimFrac(frac), whole, trimFrac(frac), whole)
	} else {
		fmt.Fprintf(&b, "ambiguous number: %s is %s with ',' grouping thousands, or %s with ',' as the decimal mark; say which with --thousands , (it is %s) or --decimal-comma (it is %s)",
			t, whole, trimFrac(frac), whole, trimFrac(frac))
	}
	if sep == ';' {
		b.WriteString("; this table is separated by ';' as Excel writes it where ',' is the decimal mark, so probably --decimal-comma")
	}
	return b.String()
}

// trimFrac writes 1.200 as 1.2 and 18.000 as 18.
func trimFrac(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
