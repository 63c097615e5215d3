package render

import (
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
)

// overlayGoldenCases are golden drawings coloured and marked from the
// analysis report of the sample maps, as `chanmap render --color` draws them.
func overlayGoldenCases() []goldenCase {
	analysed := func(name string, opt Options) func(t testing.TB) (*graph.Map, Options) {
		return func(t testing.TB) (*graph.Map, Options) {
			m := readMap(t, name)
			rep, err := analysis.Analyze(m)
			if err != nil {
				t.Fatalf("analysing %s: %v", name, err)
			}
			opt.Overlay = OverlayOf(rep)
			return m, opt
		}
	}
	return []goldenCase{
		{name: "hybrid-full-tier-analysis", mo: analysed("hybrid", Options{Color: ColorTier})},
		{name: "hybrid-full-profit", mo: analysed("hybrid", Options{Color: ColorProfit})},
		{name: "hybrid-focus-homeowners-profit", mo: analysed("hybrid", Options{Focus: "homeowners", Color: ColorProfit})},
		{name: "industrial-full-tier-analysis", mo: analysed("industrial", Options{Color: ColorTier})},
		{name: "industrial-full-profit", mo: analysed("industrial", Options{Color: ColorProfit})},
		{name: "generated-1000-overview-tier", mo: analysed("generated-1000", Options{Color: ColorTier})},
	}
}
