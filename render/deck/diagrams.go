package deck

import (
	"context"
	"fmt"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/render"
	"github.com/chanmap/chanmap/render/scene"
)

// Diagrams returns the DiagramFunc that draws the deck's diagram pages with
// render.Draw, laying out through e under ctx: the overview (the supply
// view page-fitted, coloured by kind: the tiers have their own chart), the
// weak spots (the part of the map the findings concern, weak-spot marks and
// the findings numbered on the drawing, every segment by name), one
// focus per segment (coloured by tier) and one what-if (supply view) per
// partner removed. base gives the theme, the page name and the
// what-if's cost rule (FixedCosts); the request gives the rest. The page
// name must be the request's size (Settings does this).
func Diagrams(ctx context.Context, e render.Engine, base render.Options) DiagramFunc {
	return func(req DiagramRequest) (*scene.Page, error) {
		opt := render.Options{
			Color: render.ColorKind, Theme: base.Theme, Page: base.Page, FixedCosts: base.FixedCosts,
			MinFont: req.MinFont, Footer: req.Footer, Title: req.Title, Report: req.Report,
		}
		switch req.View {
		case ViewOverview:
			// How customers get the products: the supply view keeps every
			// segment in sight where the full view would group them.
			opt.View = render.ViewSupply
		case ViewWeakSpots:
			// The supply view: the marks say who is unsupported, and the
			// service providers would take the room of the segments.
			opt.View, opt.WeakSpots, opt.Insights = render.ViewSupply, true, len(req.Insights)
		case ViewFocus:
			// One segment: its tier and its weak spots.
			opt.View, opt.Focus, opt.Color = render.ViewFocus, req.Focus, render.ColorTier
		case ViewWithout:
			opt.View, opt.Without = render.ViewSupply, req.Without
			var err error
			// The what-if's own analysis: the figures after the loss.
			if opt, err = render.WithAnalysis(req.Map, opt); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("deck: unknown diagram view %q", req.View)
		}
		if req.View == ViewWeakSpots {
			return weakSpots(ctx, e, req, opt)
		}
		d, err := render.Draw(ctx, e, req.Map, opt)
		if err != nil {
			return nil, err
		}
		return d.Page, nil
	}
}

// weakSpots draws the weak-spot slide: the part of the map its findings
// concern (weakPart), so that every segment of it is drawn by name. One that
// does not fit at the minimum font, or folds its segments into a counted
// box, numbers fewer findings (the notes still list them all), down to
// three; if the segments are still folded it draws every box, and says on
// the slide how small its text had to be.
func weakSpots(ctx context.Context, e render.Engine, req DiagramRequest, opt render.Options) (*scene.Page, error) {
	draw := func() (*render.Drawing, *graph.Map, error) {
		m := weakPart(req.Map, req.Insights[:opt.Insights])
		d, err := render.Draw(ctx, e, m, opt)
		return d, m, err
	}
	d, m, err := draw()
	for err == nil && opt.Insights > 3 && (d.Smallest < req.MinFont-0.05 || !segmentsByName(m, d)) {
		opt.Insights--
		d, m, err = draw()
	}
	if err == nil && !segmentsByName(m, d) {
		opt.Detail = true
		d, _, err = draw()
	}
	if err != nil {
		return nil, err
	}
	return d.Page, nil
}

// segmentsByName tells whether the drawing draws every segment of m in a
// box of its own.
func segmentsByName(m *graph.Map, d *render.Drawing) bool {
	drawn := map[string]bool{}
	for _, n := range d.Diagram.Nodes {
		if n.Count == 0 {
			drawn[n.ID] = true
		}
	}
	for _, n := range m.Nodes {
		if n != nil && n.Kind == graph.KindSegment && !drawn[n.ID] {
			return false
		}
	}
	return true
}
