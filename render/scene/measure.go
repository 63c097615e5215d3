package scene

import (
	"fmt"
	"sync"

	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansbolditalic"
	"github.com/go-fonts/liberation/liberationsansitalic"
	"github.com/go-fonts/liberation/liberationsansregular"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// FontFamily is the family every writer names first. Liberation Sans has the
// metrics of Arial and Helvetica, so a writer may list those as fallbacks and
// text measured here still fits.
const FontFamily = "Liberation Sans"

// Font metrics are read once: advances in font units per rune and style.
type face struct {
	f     *sfnt.Font
	upem  float64
	mu    sync.Mutex
	buf   sfnt.Buffer
	cache map[rune]float64 // advance in em
}

var (
	facesOnce sync.Once
	faces     [4]*face // regular, bold, italic, bold italic
	facesErr  error
)

func loadFaces() {
	for i, ttf := range [][]byte{liberationsansregular.TTF, liberationsansbold.TTF, liberationsansitalic.TTF, liberationsansbolditalic.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			facesErr = fmt.Errorf("parse Liberation Sans: %w", err)
			return
		}
		faces[i] = &face{f: f, upem: float64(f.UnitsPerEm()), cache: map[rune]float64{}}
	}
}

func styleIndex(bold, italic bool) int {
	i := 0
	if bold {
		i |= 1
	}
	if italic {
		i |= 2
	}
	return i
}

// advance returns r's advance width in em; runes the font lacks count as the
// width of "M" (a writer's fallback font draws them, roughly that wide).
func (fc *face) advance(r rune) float64 {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if a, ok := fc.cache[r]; ok {
		return a
	}
	ppem := fixed.Int26_6(fc.upem * 64)
	idx, err := fc.f.GlyphIndex(&fc.buf, r)
	if err != nil || idx == 0 {
		idx, _ = fc.f.GlyphIndex(&fc.buf, 'M')
	}
	adv, err := fc.f.GlyphAdvance(&fc.buf, idx, ppem, font.HintingNone)
	a := 0.0
	if err == nil {
		a = float64(adv) / 64 / fc.upem
	}
	fc.cache[r] = a
	return a
}

// TextWidth returns the width in points of s set in Liberation Sans at size
// points (kerning ignored: at most a few per cent wider than set text, so a
// box sized by it never clips).
func TextWidth(s string, size float64, bold, italic bool) float64 {
	facesOnce.Do(loadFaces)
	if facesErr != nil {
		// The font is compiled in; failing to parse it is a build defect.
		panic(facesErr)
	}
	fc := faces[styleIndex(bold, italic)]
	w := 0.0
	for _, r := range s {
		w += fc.advance(r)
	}
	return w * size
}

// SpanWidth is TextWidth of a span in its own size and style.
func SpanWidth(s Span) float64 { return TextWidth(s.Text, s.Size, s.Bold, s.Italic) }

// Line height and baseline, as multiples of the font size: the height one
// line of text takes in a stack of lines, and how far below a line's top its
// baseline sits (Liberation Sans ascent 0.905 em, descent 0.212 em).
const (
	LineHeight = 1.2
	Ascent     = 0.905
	Descent    = 0.212
)
