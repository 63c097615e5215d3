package render

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"encoding/xml"
	"flag"
	"fmt"
	"github.com/chanmap/chanmap/graph/mapio"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/render/scene"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden/render")

const goldenDir = "../testdata/golden/render"

func readMap(t testing.TB, name string) *graph.Map {
	t.Helper()
	m, err := mapio.ReadFile(filepath.Join("..", "testdata", "maps", name+".yaml"))
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	return m
}

func report(t testing.TB, m *graph.Map) *analysis.Report {
	t.Helper()
	r, err := analysis.Analyze(m)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// samples are the maps every drawing goal is checked on.
func samples(t testing.TB) map[string]*graph.Map {
	return map[string]*graph.Map{
		"hybrid": readMap(t, "hybrid"), "industrial": readMap(t, "industrial"),
		"generated-50": gen.Generate(50, 1), "generated-200": gen.Generate(200, 1),
	}
}

func draw(t testing.TB, m *graph.Map, opt Options) *Drawing {
	t.Helper()
	d, err := Draw(context.Background(), NewInProcess(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Every sample on a 16:9 slide, as drawn by default and in the supply view:
// no text under 12 pt at the slide's real size, every box's text inside its
// box, the page the slide's size. Coloured by tier (a line more per box),
// a slide that cannot hold 12 pt says on the page how small its text is.
func TestSamplesFitTheSlide(t *testing.T) {
	for name, m := range samples(t) {
		for _, opt := range []Options{{}, {View: ViewSupply}, {Color: ColorTier, Report: report(t, m)}} {
			dr := draw(t, m, opt)
			if dr.Page.Width != 960 || dr.Page.Height != 540 {
				t.Errorf("%s %+v: page %v x %v pt, want 960 x 540", name, opt.Color, dr.Page.Width, dr.Page.Height)
			}
			said := strings.Contains(dr.Diagram.Fit, "Smallest text "+formatPt(dr.Smallest))
			switch {
			case opt.Color == "" && dr.Smallest < 12:
				t.Errorf("%s view %q: smallest text %.1f pt, want at least 12", name, opt.View, dr.Smallest)
			case dr.Smallest < 12 && !said:
				t.Errorf("%s view %q colour %q: smallest text %.1f pt, and the page does not say so", name, opt.View, opt.Color, dr.Smallest)
			case dr.Smallest < 9:
				t.Errorf("%s view %q colour %q: smallest text %.1f pt", name, opt.View, opt.Color, dr.Smallest)
			}
			checkTextInsideBoxes(t, name, dr.Page)
		}
	}
}

func checkTextInsideBoxes(t *testing.T, name string, p *scene.Page) {
	t.Helper()
	scene.Walk(p.Items, func(it scene.Item) {
		b, ok := it.(*scene.Box)
		if !ok {
			return
		}
		h := 0.0
		for _, s := range b.Lines {
			if w := scene.SpanWidth(s); w > b.W+0.5 {
				t.Errorf("%s: %q is %.1f pt wide in a %.1f pt box", name, s.Text, w, b.W)
			}
			h += s.Size * scene.LineHeight
		}
		if h > b.H+0.5 {
			t.Errorf("%s: %d lines take %.1f pt in a %.1f pt box", name, len(b.Lines), h, b.H)
		}
		if b.X < -0.5 || b.Y < -0.5 || b.X+b.W > p.Width+0.5 || b.Y+b.H > p.Height+0.5 {
			t.Errorf("%s: box %q off the page", name, b.ID)
		}
	})
}

// --detail draws every node and says on the page how small the text got.
func TestDetailSaysItsSmallestFont(t *testing.T) {
	m := gen.Generate(200, 1)
	dr := draw(t, m, Options{Detail: true})
	if dr.Folded || dr.Smallest >= 12 {
		t.Fatalf("detail: folded %v, smallest %.1f pt", dr.Folded, dr.Smallest)
	}
	want := "Smallest text " + formatPt(dr.Smallest)
	if !strings.Contains(dr.Diagram.Fit, want) {
		t.Errorf("the page says %q, not %q", dr.Diagram.Fit, want)
	}
	if fold := draw(t, m, Options{}); !fold.Folded || !strings.Contains(fold.Diagram.Notes[0], "Overview") {
		t.Errorf("without detail the 200-node map should fold and say so: %q", fold.Diagram.Notes)
	}
}

// Every text meets WCAG AA (4.5:1) on what it is drawn on, in every theme
// and colouring.
func TestTextContrast(t *testing.T) {
	m := readMap(t, "hybrid")
	rep := report(t, m)
	for _, th := range []Theme{ThemeDefault, ThemePrint, ThemeDark} {
		pal := paletteOf(th)
		for _, c := range []Color{ColorKind, ColorTier, ColorProfit} {
			for _, detail := range []bool{false, true} {
				dr := draw(t, m, Options{Theme: th, Color: c, Report: rep, WeakSpots: true, Figures: true, Detail: detail, Footer: "Source: test"})
				scene.Walk(dr.Page.Items, func(it scene.Item) {
					switch v := it.(type) {
					case *scene.Box:
						bg := v.Fill
						if bg.None() {
							bg = pal.background
						}
						for _, s := range v.Lines {
							if r := contrast(s.Color, bg); r < 4.5 {
								t.Errorf("%s/%s: %q contrast %.2f on %v", th, c, s.Text, r, bg)
							}
						}
					case *scene.Text:
						for _, s := range v.Lines {
							for _, bg := range []scene.Color{pal.background, pal.band, pal.bandAlt} {
								if r := contrast(s.Color, bg); r < 4.5 {
									t.Errorf("%s/%s: %q contrast %.2f on %v", th, c, s.Text, r, bg)
								}
							}
						}
					}
				})
			}
		}
	}
}

// The tier colours stay apart for readers with protanopia or deuteranopia
// (ΔE*ab of at least 20 between any two tiers).
func TestTierColoursSurviveColourBlindness(t *testing.T) {
	for _, sim := range []struct {
		name string
		m    [3][3]float64
	}{{"normal", identity3}, {"protanopia", protanopia}, {"deuteranopia", deuteranopia}} {
		for i := 1; i <= 4; i++ {
			for j := i + 1; j <= 4; j++ {
				a, b := simulate(tierStyles[i].fill, sim.m), simulate(tierStyles[j].fill, sim.m)
				if d := deltaE(a, b); d < 20 {
					t.Errorf("%s: tier %d and tier %d differ by ΔE %.1f, want at least 20", sim.name, i, j, d)
				}
			}
		}
	}
}

var (
	identity3 = [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	// Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB.
	protanopia   = [3][3]float64{{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}}
	deuteranopia = [3][3]float64{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}
)

// simulate returns c as seen under m, in CIE L*a*b*.
func simulate(c scene.Color, m [3][3]float64) [3]float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	in := [3]float64{lin(c.R), lin(c.G), lin(c.B)}
	var rgb [3]float64
	for i := range rgb {
		for j := range in {
			rgb[i] += m[i][j] * in[j]
		}
		rgb[i] = math.Min(1, math.Max(0, rgb[i]))
	}
	x := 0.4124*rgb[0] + 0.3576*rgb[1] + 0.1805*rgb[2]
	y := 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
	z := 0.0193*rgb[0] + 0.1192*rgb[1] + 0.9505*rgb[2]
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	fx, fy, fz := f(x/0.95047), f(y), f(z/1.08883)
	return [3]float64{116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)}
}

func deltaE(a, b [3]float64) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}

// svgGroups parses SVG strictly and returns its group ids, and the texts
// inside each group by id.
func svgGroups(t *testing.T, svg []byte) (map[string]string, map[string]bool) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	titles := map[string]string{}
	elems := map[string]bool{}
	var stack []string
	var inTitle bool
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			elems[strings.ToLower(tk.Name.Local)] = true
			id := ""
			for _, a := range tk.Attr {
				if a.Name.Local == "id" {
					id = a.Value
				}
			}
			stack = append(stack, id)
			if tk.Name.Local == "title" {
				inTitle = true
				text.Reset()
			}
		case xml.CharData:
			if inTitle {
				text.Write(tk)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			if tk.Name.Local == "title" {
				inTitle = false
				if len(stack) > 0 && stack[len(stack)-1] != "" {
					titles[stack[len(stack)-1]] = text.String()
				}
			}
		}
	}
	return titles, elems
}

func svgOf(t *testing.T, m *graph.Map, opt Options) []byte {
	t.Helper()
	b, err := Render(context.Background(), NewInProcess(), m, opt, "svg")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The page finds what was clicked by the SVG group ids "node:ID" and
// "edge:KEY"; the SVG is an accessible image with a title and description.
func TestSVGCarriesIDsTitleAndDesc(t *testing.T) {
	m := readMap(t, "hybrid")
	ix := graph.NewIndex(m)
	full, _ := svgGroups(t, svgOf(t, m, Options{Detail: true, Page: "none"}))
	grid, _ := svgGroups(t, svgOf(t, m, Options{View: ViewTouchpoints}))
	for _, n := range m.Nodes {
		ids := full
		switch {
		case n.Kind == graph.KindProduct:
			continue // named in tooltips, not drawn as boxes
		case n.Kind == graph.KindTouchpoint:
			ids = grid // the touchpoints grid
		}
		if got, ok := ids["node:"+n.ID]; !ok || !strings.HasPrefix(got, displayName(ix.Nodes[n.ID])) {
			t.Errorf("<g id=%q> titled %q", "node:"+n.ID, got)
		}
	}
	for _, e := range m.Edges {
		ids := full
		switch e.Kind {
		case graph.EdgeOperates:
			continue // the operator is named in the touchpoint's header
		case graph.EdgeUses:
			ids = grid // a mark in the grid
		}
		if _, ok := ids["edge:"+e.Key()]; !ok {
			t.Errorf("no <g id=%q>", "edge:"+e.Key())
		}
	}
	s := string(svgOf(t, m, Options{View: ViewTouchpoints}))
	for _, want := range []string{`role="img"`, `<title id="chanmap-title">Voltair Heat Pumps - hybrid channel map 2026</title>`, `<desc id="chanmap-desc">Where customers talk to the business.`, fontFamilies} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
}

// hostileNames try to put markup into the SVG; each must show as its text.
var hostileNames = []string{
	`Web shop & "Deals" <script>alert(1)</script>`,
	`]]><!-- comment --><![CDATA[x]]>`,
	`&amp; &#60; &lt; entity-looking`,
	"Café ☕ 🚀 naïve",
	"متجر الويب שלום",
	"<b>bold</b> <img src=x onerror=alert(1)>",
	strings.Repeat("x", 120),
}

func TestHostileNamesShowAsText(t *testing.T) {
	m := &graph.Map{ID: "hostile", Title: `Title <script>alert("t")</script>`}
	m.Nodes = append(m.Nodes, &graph.Node{ID: "acme", Kind: graph.KindCompany, Name: "ACME"})
	for i, name := range hostileNames {
		id := fmt.Sprintf("n%d", i)
		m.Nodes = append(m.Nodes, &graph.Node{ID: id, Kind: graph.KindSegment, Name: name, Market: "<i>" + name})
		m.Edges = append(m.Edges, &graph.Edge{From: "acme", To: id, Kind: graph.EdgeSupplies, Delivery: `"quoted" <x> \`})
	}
	for _, paths := range []bool{false, true} {
		svg := svgOf(t, m, Options{TextAsPaths: paths, Page: "none"})
		titles, elems := svgGroups(t, svg)
		for _, bad := range []string{"script", "b", "img", "i", "foreignobject", "iframe"} {
			if elems[bad] {
				t.Errorf("SVG contains a <%s> element", bad)
			}
		}
		for i, name := range hostileNames {
			if got := titles[fmt.Sprintf("node:n%d", i)]; !strings.HasPrefix(got, name) {
				t.Errorf("node %d titled %q, want %q", i, got, name)
			}
		}
		if paths && bytes.Contains(svg, []byte("<text")) {
			t.Error("text-as-paths left <text> elements")
		}
	}
}

// The same input gives the same bytes in every format, whatever the order
// of the map's nodes and edges.
func TestSameInputSameBytes(t *testing.T) {
	for _, format := range []string{"svg", "pdf", "png", "dot"} {
		m := readMap(t, "hybrid")
		a, err := Render(context.Background(), NewInProcess(), m, Options{Focus: "homeowners"}, format)
		if err != nil {
			t.Fatal(err)
		}
		r := readMap(t, "hybrid")
		for i, j := 0, len(r.Nodes)-1; i < j; i, j = i+1, j-1 {
			r.Nodes[i], r.Nodes[j] = r.Nodes[j], r.Nodes[i]
		}
		for i, j := 0, len(r.Edges)-1; i < j; i, j = i+1, j-1 {
			r.Edges[i], r.Edges[j] = r.Edges[j], r.Edges[i]
		}
		b, err := Render(context.Background(), NewInProcess(), r, Options{Focus: "homeowners"}, format)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: the same map in another order gave different bytes", format)
		}
	}
}

// The PDF's creation date is fixed, so the same map gives the same file in
// any second (the library writes the time of writing).
func TestPDFHasNoWritingTime(t *testing.T) {
	b, err := Render(context.Background(), NewInProcess(), readMap(t, "industrial"), Options{}, "pdf")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("/CreationDate(D:20000101000000Z)")) && !bytes.Contains(b, []byte("/CreationDate (D:20000101000000Z)")) {
		i := bytes.Index(b, []byte("/CreationDate"))
		if i < 0 {
			t.Fatal("the PDF has no /CreationDate")
		}
		t.Errorf("the PDF carries the time of writing: %q", b[i:min(len(b), i+40)])
	}
}

// Every font embedded in a PDF has its header's modified time pinned to its
// created time (the PDF library writes the time of writing there, inside a
// compressed stream), and the cross-reference table still points at every
// object after the font streams were compressed again.
func TestPDFFontTimesPinned(t *testing.T) {
	b, err := Render(context.Background(), NewInProcess(), readMap(t, "hybrid"), Options{}, "pdf")
	if err != nil {
		t.Fatal(err)
	}
	fonts := 0
	for _, m := range streamStart.FindAllSubmatchIndex(b, -1) {
		n, _ := strconv.Atoi(string(b[m[2]:m[3]]))
		r, err := zlib.NewReader(bytes.NewReader(b[m[1] : m[1]+n]))
		if err != nil {
			t.Fatalf("stream at %d: %v", m[0], err)
		}
		font, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("stream at %d: %v", m[0], err)
		}
		if string(font[:4]) != "\x00\x01\x00\x00" {
			continue
		}
		fonts++
		for i := 0; i < int(binary.BigEndian.Uint16(font[4:])); i++ {
			rec := font[12+16*i:]
			if string(rec[:4]) != "head" {
				continue
			}
			head := font[binary.BigEndian.Uint32(rec[8:]):]
			if !bytes.Equal(head[20:28], head[28:36]) {
				t.Errorf("font at byte %d: modified %x is not its created time %x", m[0], head[28:36], head[20:28])
			}
			if sum := checksum(font); sum != 0xB1B0AFBA {
				t.Errorf("font at byte %d: whole-font checksum %#x, want 0xB1B0AFBA", m[0], sum)
			}
		}
	}
	if fonts == 0 {
		t.Fatal("the PDF embeds no TrueType font")
	}
	x := bytes.LastIndex(b, []byte("\nxref\n"))
	lines := strings.Split(string(b[x+len("\nxref\n"):]), "\n")
	var first, count int
	fmt.Sscanf(lines[0], "%d %d", &first, &count)
	for i := 0; i < count; i++ {
		e := lines[1+i]
		if e[17] != 'n' {
			continue
		}
		off, _ := strconv.Atoi(e[:10])
		if want := fmt.Sprintf("%d 0 obj", first+i); !bytes.HasPrefix(b[off:], []byte(want)) {
			t.Errorf("xref entry %d points at %q, want %q", first+i, b[off:min(len(b), off+12)], want)
		}
	}
	s := bytes.LastIndex(b, []byte("startxref\n")) + len("startxref\n")
	off, _ := strconv.Atoi(strings.TrimSpace(string(b[s : s+bytes.IndexByte(b[s:], '\n')])))
	if !bytes.HasPrefix(b[off:], []byte("xref")) {
		t.Errorf("startxref %d does not point at the xref table", off)
	}
}

func TestPNGIsTheSlide(t *testing.T) {
	b, err := Render(context.Background(), NewInProcess(), readMap(t, "industrial"), Options{}, "png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if s := img.Bounds().Size(); s.X != 1920 || s.Y != 1080 {
		t.Errorf("PNG of a 16:9 slide is %v, want 1920x1080", s)
	}
	// Not blank: the company box is dark blue somewhere.
	dark := 0
	for y := 0; y < 1080; y += 4 {
		for x := 0; x < 1920; x += 4 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if bl > 2*r && bl > g && r < 0x4000 {
				dark++
			}
		}
	}
	if dark == 0 {
		t.Error("the PNG shows no company box")
	}
	if w, h := PNGSize(20000, 100); w > pngMaxSide || h < 1 {
		t.Errorf("PNGSize(20000, 100) = %d x %d", w, h)
	}
}

// Every page of a PDF renders with poppler's pdftoppm without an error.
func TestPDFPagesRender(t *testing.T) {
	tool, err := exec.LookPath("pdftoppm")
	if err != nil {
		if os.Getenv("CHANMAP_REQUIRE_POPPLER") == "1" {
			t.Fatal("pdftoppm (poppler-utils) is required here")
		}
		t.Skip("pdftoppm (Debian poppler-utils) is not installed")
	}
	var pages []*scene.Page
	for _, opt := range []Options{{}, {Color: ColorProfit, Theme: ThemeDark}, {View: ViewTouchpoints, Page: "a4"}} {
		m := readMap(t, "hybrid")
		opt.Report = report(t, m)
		pages = append(pages, draw(t, m, opt).Page)
	}
	var buf bytes.Buffer
	if err := WritePDF(&buf, pages); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "deck.pdf")
	if err := os.WriteFile(pdf, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-r", "20", "-png", pdf, filepath.Join(dir, "p")).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	got, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	if len(got) != len(pages) {
		t.Errorf("pdftoppm made %d pages, want %d", len(got), len(pages))
	}
}

// goldenCases are drawings checked byte for byte against
// testdata/golden/render (SVG; the DOT for --format dot too).
func goldenCases(t testing.TB) map[string]struct {
	m   *graph.Map
	opt Options
} {
	hyb, ind := readMap(t, "hybrid"), readMap(t, "industrial")
	type c = struct {
		m   *graph.Map
		opt Options
	}
	return map[string]c{
		"hybrid-full":                   {hyb, Options{}},
		"hybrid-full-detail":            {hyb, Options{Detail: true}},
		"hybrid-supply":                 {hyb, Options{View: ViewSupply}},
		"hybrid-supply-flow":            {hyb, Options{View: ViewSupply, Flow: true}},
		"hybrid-full-insights":          {hyb, Options{Insights: 5, WeakSpots: true, Report: report(t, hyb)}},
		"hybrid-support":                {hyb, Options{View: ViewSupport}},
		"hybrid-touchpoints":            {hyb, Options{View: ViewTouchpoints}},
		"hybrid-focus-homeowners":       {hyb, Options{Focus: "homeowners", Color: ColorProfit, Report: report(t, hyb)}},
		"hybrid-full-tier":              {hyb, Options{Color: ColorTier, Report: report(t, hyb), Footer: "Source: sample data, 2026"}},
		"hybrid-full-print":             {hyb, Options{Theme: ThemePrint, Page: "a4-landscape"}},
		"industrial-full":               {ind, Options{}},
		"industrial-full-profit-dark":   {ind, Options{Color: ColorProfit, Report: report(t, ind), Theme: ThemeDark}},
		"industrial-focus-water-detail": {ind, Options{Focus: "water-utilities", WeakSpots: true, Figures: true, Report: report(t, ind)}},
		"small-natural":                 {smallMap(), Options{Page: "none", WeakSpots: true, Figures: true, Report: report(t, smallMap())}},
	}
}

func TestGolden(t *testing.T) {
	for name, tc := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			checkGolden(t, name+".svg", svgOf(t, tc.m, tc.opt))
			dot, err := DOT(tc.m, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, name+".dot", dot)
		})
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render -run TestGolden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (%d bytes, want %d); if the change is intended, rerun with -update and review the diff", name, len(got), len(want))
	}
}

// countingEngine counts the layouts it is asked for.
type countingEngine struct{ n int }

func (c *countingEngine) Layout(ctx context.Context, dot []byte) ([]byte, error) {
	c.n++
	return NewInProcess().Layout(ctx, dot)
}

// A drawing that changes only theme, page or footer is drawn again from the
// layout cache; a change of structure lays out again.
func TestRedrawReusesTheLayout(t *testing.T) {
	m := smallMap()
	m.ID = "layout-cache-test"
	e := &countingEngine{}
	if _, err := Render(context.Background(), e, m, Options{Detail: true, Page: "none"}, "svg"); err != nil {
		t.Fatal(err)
	}
	first := e.n
	for _, opt := range []Options{{Detail: true, Page: "none", Theme: ThemeDark}, {Detail: true, Page: "none", Theme: ThemePrint, Footer: "Source: x"}} {
		if _, err := Render(context.Background(), e, m, opt, "pdf"); err != nil {
			t.Fatal(err)
		}
	}
	if first == 0 || e.n != first {
		t.Errorf("laid out %d times for the first drawing and %d for two re-themed ones", first, e.n-first)
	}
	m.Nodes[0].Name = "A much longer supplier name than before"
	if _, err := Render(context.Background(), e, m, Options{Detail: true, Page: "none"}, "svg"); err != nil {
		t.Fatal(err)
	}
	if e.n == first {
		t.Error("a longer name (a bigger box) did not lay out again")
	}
}
