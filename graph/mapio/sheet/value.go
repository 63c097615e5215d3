package sheet

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// numberError says why a cell is not a number; its text follows the column
// name in a problem ("revenue: not a number").
type numberError struct{ msg string }

func (e *numberError) Error() string { return e.msg }

var errNotNumber = &numberError{"not a number"}

// parseNumber reads a number as people write it in spreadsheets: an optional
// sign, thousands grouped by ',' (or by '.' with decimalComma, or by spaces),
// a decimal mark '.' (',' with decimalComma), and, where percent is allowed, a
// trailing '%' that divides by 100. An exponent is accepted on plain numbers
// ("1.5e6"). NaN and infinities are not numbers.
func parseNumber(s string, decimalComma, percent bool) (float64, error) {
	t := strings.TrimSpace(s)
	pct := false
	if strings.HasSuffix(t, "%") {
		if !percent {
			return 0, &numberError{"a percentage is only allowed for margin, share and gross_margin"}
		}
		pct = true
		t = strings.TrimSpace(t[:len(t)-1])
	}
	v, err := parseDecimal(t, decimalComma)
	if err != nil {
		return 0, err
	}
	if pct {
		v /= 100
	}
	return v, nil
}

// parseDecimal is parseNumber without the percent sign.
func parseDecimal(t string, decimalComma bool) (float64, error) {
	v, err := decimal(t, decimalComma)
	if errors.Is(err, errNotNumber) {
		return 0, hint(t, decimalComma)
	}
	return v, err
}

// decimal does the work of parseDecimal, without hints.
func decimal(t string, decimalComma bool) (float64, error) {
	if t == "" {
		return 0, errNotNumber
	}
	group, mark := byte(','), byte('.')
	if decimalComma {
		group, mark = '.', ','
	}
	var b strings.Builder
	b.Grow(len(t))
	i := 0
	if t[0] == '-' || t[0] == '+' {
		if t[0] == '-' {
			b.WriteByte('-')
		}
		i = 1
	}
	// Integer part: digits, optionally grouped by threes.
	intStart := b.Len()
	groupLen, groups, grouped := 0, 0, false
	for i < len(t) {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
			groupLen++
			i++
			continue
		case c == group || c == ' ' || isSpaceRune(t[i:]):
			if groupLen == 0 || (groups == 0 && groupLen > 3) || (groups > 0 && groupLen != 3) {
				return 0, errNotNumber
			}
			if c == group || c == ' ' {
				i++
			} else {
				i += spaceRuneLen(t[i:])
			}
			groups++
			grouped = true
			groupLen = 0
			continue
		}
		break
	}
	if grouped && groupLen != 3 {
		return 0, errNotNumber
	}
	if b.Len() == intStart {
		// ".5" is fine, "-" or "abc" are not.
		if i >= len(t) || t[i] != mark {
			return 0, errNotNumber
		}
	}
	if i < len(t) && t[i] == mark {
		b.WriteByte('.')
		i++
		n := 0
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			b.WriteByte(t[i])
			i++
			n++
		}
		if n == 0 && b.Len() <= intStart+1 {
			return 0, errNotNumber
		}
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') && !grouped {
		b.WriteByte('e')
		i++
		if i < len(t) && (t[i] == '-' || t[i] == '+') {
			b.WriteByte(t[i])
			i++
		}
		n := 0
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			b.WriteByte(t[i])
			i++
			n++
		}
		if n == 0 {
			return 0, errNotNumber
		}
	}
	if i != len(t) {
		return 0, errNotNumber
	}
	v, err := strconv.ParseFloat(b.String(), 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, &numberError{"number out of range"}
		}
		return 0, errNotNumber
	}
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, &numberError{"number out of range"}
	}
	return v, nil
}

// hint explains a number that would read in the other convention.
func hint(t string, decimalComma bool) error {
	if !decimalComma && strings.Contains(t, ",") {
		if _, err := decimal(t, true); err == nil {
			return &numberError{"not a number (with a decimal comma, use the decimal-comma option)"}
		}
	}
	if decimalComma && strings.Contains(t, ".") {
		if _, err := decimal(t, false); err == nil {
			return &numberError{"not a number (the decimal-comma option expects 1.200,50)"}
		}
	}
	return errNotNumber
}

// isSpaceRune reports whether s starts with a no-break or narrow no-break
// space, which some locales use to group thousands.
func isSpaceRune(s string) bool { return spaceRuneLen(s) > 0 }

func spaceRuneLen(s string) int {
	for _, sp := range []string{"\u00a0", "\u202f", "\u2009"} {
		if strings.HasPrefix(s, sp) {
			return len(sp)
		}
	}
	return 0
}

// parseAttr types a free attribute cell: true/false as bools, plain decimal
// numbers (optionally with thousands separators) as numbers, anything else as
// text. Numbers with a leading zero ("0042", a postcode) stay text, and so do
// exponents, so that codes are never mangled.
func parseAttr(s string, decimalComma bool) any {
	t := strings.TrimSpace(s)
	switch strings.ToLower(t) {
	case "true":
		return true
	case "false":
		return false
	}
	if !looksNumeric(t, decimalComma) {
		return s
	}
	v, err := parseDecimal(t, decimalComma)
	if err != nil {
		return s
	}
	return v
}

// looksNumeric is the cheap test before parseDecimal for attribute cells:
// digits, sign, grouping and decimal marks only, no exponent, no leading zero
// before another digit, and nothing around the number.
func looksNumeric(t string, decimalComma bool) bool {
	if t == "" {
		return false
	}
	u := strings.TrimPrefix(t, "-")
	if u == "" {
		return false
	}
	if len(u) > 1 && u[0] == '0' && u[1] >= '0' && u[1] <= '9' {
		return false
	}
	mark := byte('.')
	if decimalComma {
		mark = ','
	}
	if u[0] == mark || u[len(u)-1] == mark {
		return false
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		if !(c >= '0' && c <= '9' || c == ',' || c == '.') {
			return false
		}
	}
	return true
}

// formatNumber writes a number without exponent or grouping, exactly enough
// to read back the same float64, and never like a grouped number (1.1250,
// not 1.125; see ambiguity).
func formatNumber(v float64) string { return unambiguous(strconv.FormatFloat(v, 'f', -1, 64)) }

// splitList splits a list cell on ';', trimming items and dropping empty ones.
func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ";")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
