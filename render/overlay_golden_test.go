package render

// overlayGoldenCases are golden drawings with an overlay computed by analysis
// (added once render.OverlayOf exists).
func overlayGoldenCases() []goldenCase { return nil }
