package api

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/render"
	"github.com/chanmap/chanmap/render/deck"
	"github.com/labstack/echo/v4"
)

var deckTypes = map[string]string{
	"pdf":  "application/pdf",
	"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

// deckSettings reads the deck's query parameters (already checked against
// the document's enums and ranges by validation); they are the CLI's
// options.
func deckSettings(c echo.Context) (deck.Settings, error) {
	q := c.QueryParams()
	s := deck.Settings{Page: q.Get("page"), Theme: render.Theme(q.Get("theme")), Footer: q.Get("footer"), Without: q["without"]}
	if v := q.Get("fixed_costs"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return s, badRequest("fixed_costs must be true or false", problemField{Field: "fixed_costs", Value: short(v), Message: "not a boolean"})
		}
		s.FixedCosts = b
	}
	if v := q.Get("min_font"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return s, badRequest("min_font must be a number of points", problemField{Field: "min_font", Value: short(v), Message: "not a number"})
		}
		s.MinFont = f
	}
	if v := q.Get("segments"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return s, badRequest("segments must be a whole number, 0 or more", problemField{Field: "segments", Value: short(v), Message: "not a count"})
		}
		s.Segments = n
	}
	return s, nil
}

// deck serves the map's presentation as PDF or PowerPoint: drawn through
// the engine (the worker pool) under the render deadline, cached by content
// like the diagrams.
func (s *Server) deck(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		set, err := deckSettings(c)
		if err != nil {
			return err
		}
		m, err := s.loadMap(c)
		if err != nil {
			return err
		}
		memoKey := strings.Join([]string{m.ID, strconv.FormatInt(m.Version, 10), "deck." + format, fmt.Sprintf("%+v", set)}, "\x00")
		key, tag, err := s.diagrams.memo(memoKey, func() (string, error) { return deck.CacheKey(m, format, set) })
		if err != nil {
			return drawErr(err)
		}
		c.Response().Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", m.ID+"-deck."+format))
		return s.serveDrawing(c, key, tag, deckTypes[format], func(ctx context.Context) ([]byte, error) {
			return s.drawDeck(ctx, m, format, set)
		})
	}
}

// drawDeck makes one deck under the render deadline: every diagram of it is
// laid out through the engine.
func (s *Server) drawDeck(ctx context.Context, m *graph.Map, format string, set deck.Settings) ([]byte, error) {
	ctx, cancel, err := s.rendering(ctx)
	if err != nil {
		return nil, err
	}
	defer cancel()
	b, err := deck.Write(ctx, s.cfg.Engine, m, format, set)
	switch {
	case errors.Is(err, deck.ErrUnanalysable):
		return nil, unanalysable(m.ID, err)
	case errors.Is(err, deck.ErrDoesNotFit):
		return nil, badRequest(err.Error(), problemField{Field: "min_font", Value: strconv.FormatFloat(set.MinFont, 'g', -1, 64), Message: "too large for the page"})
	case errors.Is(err, deck.ErrNoPartner):
		return nil, badRequest(err.Error(), problemField{Field: "without", Value: short(strings.Join(set.Without, ",")), Message: "no such partner"})
	}
	return b, err
}
