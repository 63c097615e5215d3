package render

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// cleanText makes user text safe to carry into any output: invalid UTF-8
// becomes U+FFFD, tabs and line breaks become spaces when oneLine is set
// (kept as \n otherwise), and characters XML cannot hold (other control
// characters, U+FFFE, U+FFFF) are dropped. Everything else, including markup
// characters, emoji and right-to-left text, is kept as it is: escaping is the
// writer's job.
func cleanText(s string, oneLine bool) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			if oneLine {
				sb.WriteByte(' ')
			} else {
				sb.WriteByte('\n')
			}
		case r == '\t':
			sb.WriteByte(' ')
		case r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0xFFFE || r == 0xFFFF:
			// not allowed in XML, or invisible control: drop
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// wrap breaks text into lines of at most width runes at spaces (splitting
// words longer than a line), and keeps at most max lines, ending the last
// one with an ellipsis when text was cut.
func wrap(text string, width, max int) []string {
	words := strings.FieldsFunc(cleanText(text, true), unicode.IsSpace)
	var lines []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			lines = append(lines, string(cur))
			cur = nil
		}
	}
	for _, w := range words {
		rw := []rune(w)
		if len(cur) > 0 && len(cur)+1+len(rw) <= width {
			cur = append(cur, ' ')
			cur = append(cur, rw...)
			continue
		}
		flush()
		for len(rw) > width {
			lines = append(lines, string(rw[:width]))
			rw = rw[width:]
		}
		cur = rw
	}
	flush()
	if len(lines) > max {
		last := []rune(lines[max-1])
		if len(last) >= width {
			last = last[:width-1]
		}
		lines = append(lines[:max-1], strings.TrimRight(string(last), " ")+"…")
	}
	return lines
}
