package deck

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render"
	"github.com/chanmap/chanmap/render/pptx"
)

// Formats are the files a deck is written as.
var Formats = []string{"pdf", "pptx"}

// ErrUnanalysable marks a map whose analysis failed: the deck cannot be
// made from it (the map, not the request, is at fault).
var ErrUnanalysable = errors.New("the map cannot be analysed")

// ErrDoesNotFit marks a deck whose tables do not fit the page at the
// minimum font asked for (the request's font, not the map, is at fault).
var ErrDoesNotFit = errors.New("the deck does not fit its page at this text size; ask for a smaller minimum font")

// ErrNoPartner marks a --without id that names no partner of the map (it
// is also a render.ErrOptions error).
var ErrNoPartner = errors.New("no such partner")

// Settings are the deck's options as the CLI and the API take them.
type Settings struct {
	Page       string       // 16:9 (default), 4:3, a4, a4-landscape, letter
	Theme      render.Theme // default, print, dark
	MinFont    float64      // smallest text in points; 0 is 12
	Footer     string       // empty: the map's source and date
	Segments   int          // focus slides: 0 every segment, N the N with most net revenue
	Without    []string     // one what-if slide per partner
	FixedCosts bool         // what-if: keep cost to serve whole
	Template   []byte       // pptx: a company template whose master and fonts the slides take
}

// Write draws m's deck and writes it as format ("pdf" or "pptx"): the one
// path the CLI and the API take. Diagrams are laid out through e under
// ctx's deadline. Bad settings (an unknown page or partner, a template of
// another size than the page) are render.ErrOptions errors that say what.
func Write(ctx context.Context, e render.Engine, m *graph.Map, format string, s Settings) ([]byte, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: no map", render.ErrOptions)
	}
	if format != "pdf" && format != "pptx" {
		return nil, fmt.Errorf("%w: unknown deck format %q (want %s)", render.ErrOptions, format, strings.Join(Formats, " or "))
	}
	if s.Page == "" {
		s.Page = "16:9"
	}
	w, h, err := render.PageSize(s.Page)
	if err != nil {
		return nil, err
	}
	if w == 0 {
		return nil, fmt.Errorf("%w: a deck needs a page size, not %q", render.ErrOptions, s.Page)
	}
	if len(s.Template) > 0 {
		if format != "pptx" {
			return nil, fmt.Errorf("%w: a template is for PowerPoint decks, not %s", render.ErrOptions, format)
		}
		tw, th, err := pptx.TemplateSize(s.Template)
		if err != nil {
			return nil, fmt.Errorf("%w: template: %v", render.ErrOptions, err)
		}
		if abs(tw-w) > 1 || abs(th-h) > 1 {
			return nil, fmt.Errorf("%w: the template's slides are %g × %g pt, page %s is %g × %g pt", render.ErrOptions, tw, th, s.Page, w, h)
		}
	}
	if s.Segments < 0 {
		return nil, fmt.Errorf("%w: segments %d is negative", render.ErrOptions, s.Segments)
	}
	for _, id := range s.Without {
		n := m.Node(id)
		if n == nil || !n.Kind.IsOrg() || n.Kind == graph.KindCompany {
			return nil, fmt.Errorf("%w: without %q: %w in map %q", render.ErrOptions, id, ErrNoPartner, m.ID)
		}
	}
	// Theme and font are checked by render before any work.
	if _, err := render.Normalise(m, render.Options{Page: s.Page, Theme: s.Theme, MinFont: s.MinFont}); err != nil {
		return nil, err
	}
	r, err := analysis.Analyze(m)
	if err != nil {
		return nil, fmt.Errorf("%w: map %q: %w", ErrUnanalysable, m.ID, err)
	}
	segments := s.Segments
	if segments == 0 {
		segments = len(m.Nodes) // every one
	}
	opts := Options{
		Width: w, Height: h, MinFont: s.MinFont, Footer: render.Footer(m, s.Footer),
		Date: m.AsOf, Source: m.Source, Segments: segments, Without: s.Without,
	}
	pages, err := Build(m, r, opts, Diagrams(ctx, e, render.Options{Page: s.Page, Theme: s.Theme, FixedCosts: s.FixedCosts}))
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("deck of %s: %w", m.ID, err)
	}
	var buf bytes.Buffer
	if format == "pdf" {
		err = render.WritePDF(&buf, pages)
	} else {
		err = pptx.Write(&buf, pages, pptx.Options{Template: s.Template})
	}
	if err != nil {
		return nil, fmt.Errorf("deck of %s: writing %s: %w", m.ID, format, err)
	}
	return buf.Bytes(), nil
}

// CacheKey is a content hash of everything that decides a deck: the whole
// map (its version included), the format and the settings. It is also a
// good ETag.
func CacheKey(m *graph.Map, format string, s Settings) (string, error) {
	if s.Page == "" {
		s.Page = "16:9"
	}
	if s.Theme == "" {
		s.Theme = render.ThemeDefault
	}
	if s.MinFont == 0 {
		s.MinFont = render.DefaultMinFont
	}
	h := sha256.New()
	if err := json.NewEncoder(h).Encode(struct {
		Format   string
		Map      *graph.Map
		Settings Settings
	}{"deck." + format, m, s}); err != nil {
		return "", fmt.Errorf("deck: hashing map %q: %w", m.ID, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
