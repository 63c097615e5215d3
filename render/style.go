package render

import (
	"fmt"
	"math"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/render/scene"
)

// lanes are the swimlanes, left to right, with the kinds drawn in each.
var lanes = []struct {
	label string
	kinds []graph.NodeKind
}{
	{"Suppliers", []graph.NodeKind{graph.KindSupplier}},
	{"Company", []graph.NodeKind{graph.KindCompany}},
	{"Wholesale", []graph.NodeKind{graph.KindDistributor, graph.KindWholesaler}},
	{"Resale and service", []graph.NodeKind{graph.KindReseller, graph.KindRetailer, graph.KindAgent, graph.KindMarketplace, graph.KindIntegrator, graph.KindServiceProvider}},
	{"Customers", []graph.NodeKind{graph.KindSegment, graph.KindCustomer}},
	{"Touchpoints", []graph.NodeKind{graph.KindTouchpoint}},
}

// laneOf returns the lane index of a kind, or -1 for kinds that are not drawn
// as boxes (products).
func laneOf(k graph.NodeKind) int {
	for i, l := range lanes {
		for _, x := range l.kinds {
			if x == k {
				return i
			}
		}
	}
	return -1
}

func laneID(i int) string { return fmt.Sprintf("lane%d", i) }

// Theme is a set of colours for a whole drawing.
type Theme string

// Themes. Each is colour-blind safe: kinds differ by shape as well as by
// colour, tiers by lightness with the number written, profit on a blue to
// orange scale, weak spots by outline pattern and a written mark.
const (
	ThemeDefault Theme = "default"
	ThemePrint   Theme = "print"
	ThemeDark    Theme = "dark"
)

// Named colours (Okabe-Ito hues and tints of them; greys).
var (
	white     = scene.RGB(0xff, 0xff, 0xff)
	ink       = scene.RGB(0x1a, 0x1a, 0x1a)
	greyText  = scene.RGB(0x4d, 0x4d, 0x4d)
	paleGrey  = scene.RGB(0xee, 0xee, 0xee)
	midGrey   = scene.RGB(0x70, 0x70, 0x70)
	lineGrey  = scene.RGB(0x90, 0x90, 0x90)
	okBlue    = scene.RGB(0x00, 0x72, 0xb2)
	okBlueDk  = scene.RGB(0x00, 0x4d, 0x78)
	okSky     = scene.RGB(0x2a, 0x86, 0xbf)
	okSkyTint = scene.RGB(0xd3, 0xeb, 0xf9)
	okGreen   = scene.RGB(0x00, 0x9e, 0x73)
	okGrnTint = scene.RGB(0xcd, 0xee, 0xe3)
	okOrange  = scene.RGB(0xb8, 0x7d, 0x00)
	okOrTint  = scene.RGB(0xfb, 0xe3, 0xc0)
	okYellow  = scene.RGB(0x9a, 0x8c, 0x00)
	okYelTint = scene.RGB(0xfa, 0xf4, 0xc0)
	okYelPale = scene.RGB(0xfd, 0xfb, 0xe6)
	okVermil  = scene.RGB(0xd5, 0x5e, 0x00)
	okPurple  = scene.RGB(0xa8, 0x4f, 0x86)
	okPurTint = scene.RGB(0xf5, 0xe1, 0xec)
	okBrown   = scene.RGB(0x8c, 0x6d, 0x31)
	markColor = scene.RGB(0xa6, 0x36, 0x03)
	noFigures = scene.RGB(0xd9, 0xd9, 0xd9)
)

// kindStyle is how a kind is drawn.
type kindStyle struct {
	title  string // legend text
	shape  scene.Shape
	fill   scene.Color
	stroke scene.Color
	text   scene.Color
	pen    float64
}

var kindStyles = map[graph.NodeKind]kindStyle{
	graph.KindSupplier:        {"Supplier", scene.Parallelogram, okPurTint, okPurple, ink, 1},
	graph.KindCompany:         {"Company", scene.Hexagon, okBlue, okBlueDk, white, 2},
	graph.KindDistributor:     {"Distributor", scene.Rect, okSkyTint, okSky, ink, 1},
	graph.KindWholesaler:      {"Wholesaler", scene.Rect, okSkyTint, okSky, ink, 1},
	graph.KindReseller:        {"Reseller", scene.RoundRect, okGrnTint, okGreen, ink, 1},
	graph.KindRetailer:        {"Retailer", scene.RoundRect, okGrnTint, okGreen, ink, 1},
	graph.KindAgent:           {"Agent", scene.RoundRect, okGrnTint, okGreen, ink, 1},
	graph.KindMarketplace:     {"Marketplace", scene.RoundRect, okGrnTint, okGreen, ink, 1},
	graph.KindIntegrator:      {"Integrator", scene.RoundRect, okGrnTint, okGreen, ink, 1},
	graph.KindServiceProvider: {"Service provider", scene.Cylinder, okOrTint, okOrange, ink, 1},
	graph.KindSegment:         {"Segment", scene.Ellipse, okYelTint, okYellow, ink, 1},
	graph.KindCustomer:        {"Customer", scene.Ellipse, okYelPale, okYellow, ink, 1},
	graph.KindTouchpoint:      {"Touchpoint", scene.Folder, paleGrey, midGrey, ink, 1},
}

// LineStyle is the pattern of an edge.
type LineStyle int

// Line patterns.
const (
	Solid LineStyle = iota
	Dashed
	Dotted
)

// edgeStyle is how an edge kind is drawn.
type edgeStyle struct {
	title string
	style LineStyle
	color scene.Color
	width float64
	arrow scene.Arrow
}

var edgeStyles = map[graph.EdgeKind]edgeStyle{
	graph.EdgeSupplies:     {"supplies (delivery, margin)", Solid, okBlue, 1.6, scene.ArrowNormal},
	graph.EdgeSupports:     {"supports (services)", Dashed, okVermil, 1.4, scene.ArrowNormal},
	graph.EdgeOperates:     {"operates", Dotted, lineGrey, 1.3, scene.ArrowNormal},
	graph.EdgeUses:         {"uses (purpose)", Dotted, okBrown, 1.3, scene.ArrowNormal},
	graph.EdgeBelongsTo:    {"belongs to", Solid, lineGrey, 1, scene.ArrowOpen},
	graph.EdgePartnersWith: {"partners with", Solid, okPurple, 2.4, scene.ArrowNone},
}

// tierStyles are tiers 1-4 (and unclassified, index 0) on a sequential blue
// scale, darkest for the best tier; the tier number is also written.
var tierStyles = []struct {
	label      string
	fill, text scene.Color
}{
	{"Unclassified (no figures)", noFigures, ink},
	{"Tier 1: ideal, highly profitable", scene.RGB(0x08, 0x30, 0x6b), white},
	{"Tier 2: good revenue", scene.RGB(0x2f, 0x6e, 0xb0), white},
	{"Tier 3: break-even", scene.RGB(0x9e, 0xc8, 0xe6), ink},
	{"Tier 4: money losers", scene.RGB(0xf2, 0xf7, 0xfc), ink},
}

// neutral boxes are what a tier or profit colouring does not colour.
var (
	neutralFill   = white
	neutralStroke = lineGrey
)

// palette is what a theme changes around the boxes.
type palette struct {
	background, band, bandAlt, bandLine scene.Color
	title, text, muted                  scene.Color
	labelFill, labelText                scene.Color
	edgeInk                             scene.Color // replaces edge colours when set (print)
}

func paletteOf(t Theme) palette {
	switch t {
	case ThemeDark:
		return palette{
			background: scene.RGB(0x1e, 0x1e, 0x1e), band: scene.RGB(0x2a, 0x2a, 0x2a), bandAlt: scene.RGB(0x24, 0x24, 0x24),
			bandLine: scene.RGB(0x44, 0x44, 0x44), title: scene.RGB(0xf5, 0xf5, 0xf5), text: scene.RGB(0xe0, 0xe0, 0xe0),
			muted: scene.RGB(0xbd, 0xbd, 0xbd), labelFill: scene.RGB(0x1e, 0x1e, 0x1e), labelText: scene.RGB(0xe0, 0xe0, 0xe0),
		}
	case ThemePrint:
		return palette{
			background: white, band: white, bandAlt: white, bandLine: scene.RGB(0xa0, 0xa0, 0xa0),
			title: ink, text: ink, muted: greyText, labelFill: white, labelText: ink, edgeInk: scene.RGB(0x40, 0x40, 0x40),
		}
	}
	return palette{
		background: white, band: scene.RGB(0xf6, 0xf6, 0xf6), bandAlt: scene.RGB(0xfc, 0xfc, 0xfc),
		bandLine: scene.RGB(0xd6, 0xd6, 0xd6), title: ink, text: ink, muted: greyText, labelFill: white, labelText: scene.RGB(0x26, 0x26, 0x26),
	}
}

// heat maps a profit p against the largest absolute profit drawn to a
// diverging colour: orange for losses, near white at zero, blue for profit.
// Mid tones where neither dark nor white text would reach WCAG AA (4.5:1)
// are skipped towards the stronger colour, so every box stays readable.
func heat(p, maxAbs float64) scene.Color {
	if maxAbs <= 0 || p == 0 {
		return scene.RGB(0xf7, 0xf7, 0xf7)
	}
	t := math.Min(1, math.Abs(p)/maxAbs)
	t = 0.2 + 0.8*math.Sqrt(t) // small figures still visibly tinted
	to := [3]float64{0x21, 0x66, 0xac}
	if p < 0 {
		to = [3]float64{0xb3, 0x58, 0x06}
	}
	from := [3]float64{0xf7, 0xf7, 0xf7}
	at := func(t float64) scene.Color {
		var c [3]uint8
		for i := range c {
			c[i] = uint8(math.Round(from[i] + (to[i]-from[i])*t))
		}
		return scene.RGB(c[0], c[1], c[2])
	}
	c := at(t)
	for t < 1 && contrast(textOn(c), c) < 4.5 {
		t = math.Min(1, t+0.02)
		c = at(t)
	}
	return c
}

// contrast is the WCAG contrast ratio of two colours (1 to 21).
func contrast(a, b scene.Color) float64 { return scene.Contrast(a, b) }

// textOn picks dark or white text, whichever contrasts more with fill.
func textOn(fill scene.Color) scene.Color {
	if contrast(ink, fill) >= contrast(white, fill) {
		return ink
	}
	return white
}
