package render

import (
	"strings"
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
