package pptx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/render/scene"
)

// hostile is text that would break XML or a naive writer.
const hostile = "Web shop & \"Deals\" <script>alert(1)</script> \x01\x1f tab\there 🚀 ÅÄÖ"

// samplePages is a small deck: a drawn channel map with groups, every shape,
// straight and curved lines with arrowheads and dashes; a page of hostile
// text; a page that does not draw its title and has no notes.
func samplePages() []*scene.Page {
	dark := scene.RGB(0x11, 0x18, 0x27)
	node := func(id, name string, shape scene.Shape, x, y float64) *scene.Group {
		return &scene.Group{ID: "node:" + id, Title: name, Items: []scene.Item{&scene.Box{
			ID: "box:" + id, Shape: shape, X: x, Y: y, W: 150, H: 50, Padding: 6,
			Fill: scene.RGB(0xE6, 0xF0, 0xFA), Stroke: scene.Stroke{Color: scene.RGB(0, 0x72, 0xB2), Width: 1.5},
			Lines: []scene.Span{{Text: name, Size: 14, Bold: true, Color: dark}, {Text: id, Size: 12, Color: dark}},
			Align: scene.AlignCenter,
		}}}
	}
	map1 := &scene.Page{Width: 960, Height: 540, Title: "How customers get the products",
		Notes: "Net revenue EUR 3.9 m\nTier 1: homeowners", Background: scene.RGB(255, 255, 255),
		Items: []scene.Item{
			&scene.Text{ID: "title", X: 40, Y: 20, Lines: []scene.Span{{Text: "How customers get the products", Size: 28, Bold: true, Color: dark}}},
			node("acme", "ACME Pumps", scene.Rect, 40, 100),
			node("nordic", "Nordic Supply", scene.RoundRect, 260, 100),
			node("south", "South Hub", scene.Hexagon, 260, 200),
			node("farms", "Farms", scene.Ellipse, 480, 100),
			node("city", "City Retail", scene.Diamond, 480, 200),
			node("web", "Web", scene.Parallelogram, 700, 100),
			node("store", "Warehouse", scene.Cylinder, 700, 200),
			node("pumps", "Pumps", scene.Folder, 700, 300),
			&scene.Group{ID: "edge:acme--supplies--nordic", Items: []scene.Item{
				&scene.Line{ID: "line:acme-nordic", Points: []scene.Point{{X: 190, Y: 125}, {X: 260, Y: 125}},
					Stroke: scene.Stroke{Color: dark, Width: 2}, End: scene.ArrowNormal},
				&scene.Text{ID: "label:acme-nordic", X: 225, Y: 108, Align: scene.AlignCenter, Lines: []scene.Span{{Text: "freight", Size: 12, Color: dark}}},
			}},
			&scene.Line{ID: "edge:nordic--supports--farms", Curve: true,
				Points: []scene.Point{{X: 410, Y: 225}, {X: 440, Y: 225}, {X: 450, Y: 125}, {X: 480, Y: 125}},
				Stroke: scene.Stroke{Color: scene.RGB(0xD5, 0x5E, 0), Width: 1, Dash: []float64{4, 2}}, Start: scene.ArrowDot, End: scene.ArrowOpen},
			&scene.Line{ID: "edge:flat", Points: []scene.Point{{X: 40, Y: 400}, {X: 900, Y: 400}}, Stroke: scene.Stroke{Color: dark}},
			&scene.Box{ID: "outline-only", X: 40, Y: 420, W: 200, H: 40, Stroke: scene.Stroke{Color: dark}, Double: true,
				Lines: []scene.Span{{Text: "left aligned", Size: 12, Color: dark}, {Text: "", Size: 12}}, Align: scene.AlignLeft},
			&scene.Text{ID: "footer", X: 920, Y: 510, Align: scene.AlignRight, Lines: []scene.Span{{Text: "Source: sales ledger 2026", Size: 12, Italic: true, Color: scene.Color{R: 0x11, G: 0x18, B: 0x27, A: 200}}}},
		}}
	hostilePage := &scene.Page{Width: 960, Height: 540, Title: hostile, Notes: "notes " + hostile,
		Items: []scene.Item{
			&scene.Text{X: 40, Y: 20, Lines: []scene.Span{{Text: hostile, Size: 24, Bold: true}}},
			&scene.Group{ID: "node:" + hostile, Title: hostile, Items: []scene.Item{
				&scene.Box{ID: hostile, X: 40, Y: 100, W: 600, H: 60, Fill: scene.RGB(0xF0, 0xE4, 0x42),
					Lines: []scene.Span{{Text: hostile, Size: 14}}, Align: scene.AlignCenter},
			}},
		}}
	quiet := &scene.Page{Width: 960, Height: 540, Title: "Appendix: figures",
		Items: []scene.Item{&scene.Box{ID: "only", X: 100, Y: 100, W: 200, H: 100, Fill: scene.RGB(0, 0x9E, 0x73),
			Lines: []scene.Span{{Text: "Only box", Size: 12, Color: scene.RGB(0, 0, 0)}}, Align: scene.AlignCenter}}}
	return []*scene.Page{map1, hostilePage, quiet}
}

func encode(t *testing.T, pages []*scene.Page) []byte {
	t.Helper()
	b, err := Encode(pages, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// parts reads every part of the package.
func parts(t *testing.T, b []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string]string{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(data)
	}
	return out
}

func TestSamePagesSameBytes(t *testing.T) {
	a, b := encode(t, samplePages()), encode(t, samplePages())
	if !bytes.Equal(a, b) {
		t.Fatal("two encodings of the same pages differ")
	}
	z, _ := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if z.File[0].Name != "[Content_Types].xml" {
		t.Errorf("first part %q, want [Content_Types].xml", z.File[0].Name)
	}
	for _, f := range z.File {
		if !f.Modified.Equal(zipTime) {
			t.Errorf("%s has time %v, want the fixed %v", f.Name, f.Modified, zipTime)
		}
	}
}

// TestEveryPartIsWellFormedXML parses every part, so no text can break the
// markup, and checks that the hostile strings come back as text.
func TestEveryPartIsWellFormedXML(t *testing.T) {
	ps := parts(t, encode(t, samplePages()))
	for name, body := range ps {
		d := xml.NewDecoder(strings.NewReader(body))
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", name, err)
			}
		}
	}
	slide2 := ps["ppt/slides/slide2.xml"]
	if strings.Contains(slide2, "<script>") {
		t.Error("slide 2 carries a raw <script> tag")
	}
	texts := textsOf(t, slide2)
	want := "Web shop & \"Deals\" <script>alert(1)</script> \uFFFD\uFFFD tab here 🚀 ÅÄÖ"
	found := 0
	for _, s := range texts {
		if s == want {
			found++
		}
	}
	if found != 2 { // the title and the box
		t.Errorf("hostile text read back %d times, want 2 (title, box); texts: %q", found, texts)
	}
}

// textsOf returns the a:t texts of a part as a reader sees them.
func textsOf(t *testing.T, body string) []string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(body))
	var out []string
	in := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			in = v.Name.Local == "t"
			if in {
				out = append(out, "")
			}
		case xml.CharData:
			if in {
				out[len(out)-1] += string(v)
			}
		case xml.EndElement:
			in = false
		}
	}
}

func TestSlideSizeIsThePagesInEMU(t *testing.T) {
	ps := parts(t, encode(t, samplePages()))
	// 960 × 540 pt · 12,700 EMU/pt = 12,192,000 × 6,858,000 (13.33 × 7.5 in).
	if !strings.Contains(ps["ppt/presentation.xml"], `<p:sldSz cx="12192000" cy="6858000"/>`) {
		t.Errorf("slide size wrong in presentation.xml:\n%s", ps["ppt/presentation.xml"])
	}
	// The box at 40,100 pt of 150 × 50 pt: 508000, 1270000, 1905000 × 635000 EMU.
	if !strings.Contains(ps["ppt/slides/slide1.xml"], `<a:off x="508000" y="1270000"/><a:ext cx="1905000" cy="635000"/>`) {
		t.Error("the ACME box is not at 40,100 pt, 150 × 50 pt")
	}
}

func TestShapesLinesAndNotes(t *testing.T) {
	ps := parts(t, encode(t, samplePages()))
	s1 := ps["ppt/slides/slide1.xml"]
	for _, want := range []string{
		`prst="rect"`, `prst="roundRect"`, `prst="ellipse"`, `prst="hexagon"`, `prst="diamond"`,
		`prst="parallelogram"`, `prst="can"`, `prst="foldedCorner"`,
		`<a:cubicBezTo>`, `<a:tailEnd type="triangle"`, `<a:headEnd type="oval"`, `<a:tailEnd type="arrow"`,
		`<a:custDash><a:ds d="400000" sp="200000"/></a:custDash>`, // 4 on, 2 off at width 1
		`cmpd="dbl"`, `<a:alpha val="78431"/>`, // 200/255
		`name="node:acme"`, `descr="ACME Pumps"`, `<p:ph type="title"/>`,
		`sz="1400" b="1"`, `i="1"`,
	} {
		if !strings.Contains(s1, want) {
			t.Errorf("slide 1 lacks %s", want)
		}
	}
	// Notes exist for the pages that have them, and only for those.
	if _, ok := ps["ppt/notesSlides/notesSlide3.xml"]; ok {
		t.Error("page 3 has no notes but got a notes slide")
	}
	if got := textsOf(t, ps["ppt/notesSlides/notesSlide1.xml"]); strings.Join(got, "|") != "Net revenue EUR 3.9 m|Tier 1: homeowners" {
		t.Errorf("notes of slide 1 read %q", got)
	}
	// Page 3 does not draw its title: the title placeholder is there, hidden.
	if !strings.Contains(ps["ppt/slides/slide3.xml"], `name="Title" hidden="1"`) {
		t.Error("slide 3's undrawn title is not a hidden title placeholder")
	}
}

func TestBadPagesAreRefusedWithWhere(t *testing.T) {
	good := func() []*scene.Page { return samplePages() }
	cases := []struct {
		name  string
		edit  func([]*scene.Page) []*scene.Page
		wants []string
	}{
		{"no pages", func([]*scene.Page) []*scene.Page { return nil }, []string{"no pages"}},
		{"nil page", func(p []*scene.Page) []*scene.Page { p[1] = nil; return p }, []string{"page 2 is missing"}},
		{"sizes differ", func(p []*scene.Page) []*scene.Page { p[2].Width = 720; return p }, []string{"page 3", "one slide size"}},
		{"too small", func(p []*scene.Page) []*scene.Page {
			for _, q := range p {
				q.Width, q.Height = 10, 10
			}
			return p
		}, []string{"page 1", "72 to 4032"}},
		{"NaN box", func(p []*scene.Page) []*scene.Page {
			p[2].Items[0].(*scene.Box).X = math.NaN()
			return p
		}, []string{"page 3", `box "only"`}},
		{"tiny text", func(p []*scene.Page) []*scene.Page {
			p[2].Items[0].(*scene.Box).Lines[0].Size = 0
			return p
		}, []string{"page 3", `"Only box"`, "size 0"}},
		{"curve points", func(p []*scene.Page) []*scene.Page {
			l := p[0].Items[10].(*scene.Line)
			l.Points = l.Points[:3]
			return p
		}, []string{"page 1", "edge:nordic--supports--farms", "1 + 3n"}},
		{"nil item", func(p []*scene.Page) []*scene.Page { p[1].Items = append(p[1].Items, nil); return p }, []string{"page 2", "nil"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Write(&buf, c.edit(good()), Options{})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written despite the error", buf.Len())
			}
		})
	}
}

// A title drawn inside a group stays text in the group (PowerPoint allows no
// placeholder inside a group); the slide gets a hidden title placeholder.
func TestTitleInsideAGroupIsNotAPlaceholder(t *testing.T) {
	p := &scene.Page{Width: 960, Height: 540, Title: "Map", Items: []scene.Item{
		&scene.Group{ID: "header", Items: []scene.Item{&scene.Text{X: 10, Y: 10, Lines: []scene.Span{{Text: "Map", Size: 20}}}}},
	}}
	s := parts(t, encode(t, []*scene.Page{p}))["ppt/slides/slide1.xml"]
	grp := s[strings.Index(s, "<p:grpSp>"):strings.Index(s, "</p:grpSp>")]
	if strings.Contains(grp, `type="title"`) {
		t.Error("the title placeholder is inside a group")
	}
	if !strings.Contains(s, `name="Title" hidden="1"`) {
		t.Error("no hidden title placeholder")
	}
}
