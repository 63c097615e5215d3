package deck

import (
	"context"
	"fmt"

	"github.com/chanmap/chanmap/render"
	"github.com/chanmap/chanmap/render/scene"
)

// Diagrams returns the DiagramFunc that draws the deck's diagram pages with
// render.Draw, laying out through e under ctx: the overview (the supply
// view page-fitted, coloured by kind: the tiers have their own chart), the
// weak spots (weak-spot marks and the findings numbered on the drawing), one
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
			opt.WeakSpots = true
			opt.Insights = len(req.Insights)
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
		d, err := render.Draw(ctx, e, req.Map, opt)
		// A weak-spot slide that does not fit at the minimum font numbers
		// fewer findings (the notes still list them all), down to three.
		for err == nil && opt.Insights > 3 && d.Smallest < req.MinFont-0.05 {
			opt.Insights--
			d, err = render.Draw(ctx, e, req.Map, opt)
		}
		if err != nil {
			return nil, err
		}
		return d.Page, nil
	}
}
