// Package pptx writes laid-out scene pages as an editable PowerPoint
// presentation (Office Open XML): one slide per page, the page's title in
// the slide's title placeholder, every box a native shape carrying its text,
// every line a freeform with its arrowheads, every group a named group shape,
// and the page's notes as speaker notes. The bytes depend only on the pages.
package pptx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/chanmap/chanmap/render/scene"
)

// Options are the document-wide settings.
type Options struct {
	// Title is the document title in its properties (File > Properties);
	// empty takes the first page's title.
	Title string
	// Template is a company presentation (.pptx or .potx) whose slide
	// size, masters, layouts, themes and theme fonts the slides take: they
	// use its "Title Only" layout (else its first layout with a title), and
	// their text is set in the theme's body font. The pages must have the
	// template's size (TemplateSize). Empty: chanmap's own plain master,
	// text in Arial.
	Template []byte
}

// Slide size limits of the format: 1 to 56 inches.
const (
	minSide = 72.0
	maxSide = 4032.0
)

// zipTime is the fixed modification time of every part, so the same pages
// give the same bytes.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Write writes pages as a .pptx to w. All pages must have one size (a
// presentation has one slide size) between 1 and 56 inches a side. Bad
// pages are an error naming the page and the item, and nothing is written.
func Write(w io.Writer, pages []*scene.Page, opts Options) error {
	b, err := Encode(pages, opts)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Encode returns the .pptx bytes of pages (see Write).
func Encode(pages []*scene.Page, opts Options) ([]byte, error) {
	if err := check(pages); err != nil {
		return nil, fmt.Errorf("pptx: %w", err)
	}
	pl, err := newPlan(pages[0], opts)
	if err != nil {
		return nil, fmt.Errorf("pptx: %w", err)
	}
	title := opts.Title
	if title == "" {
		title = pages[0].Title
	}
	notes := make([]bool, len(pages))
	nNotes := 0
	for i, p := range pages {
		notes[i] = strings.TrimSpace(p.Notes) != ""
		if notes[i] {
			nNotes++
		}
	}

	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name string, body []byte) error {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return err
		}
		_, err = f.Write(body)
		return err
	}
	var parts []part
	add := func(name, body string) { parts = append(parts, part{name: name, body: []byte(body)}) }
	add("[Content_Types].xml", pl.contentTypesXML(len(pages), notes))
	add("_rels/.rels", rootRelsXML())
	add("docProps/core.xml", coreXML(title))
	add("docProps/app.xml", appXML(len(pages), nNotes))
	add("ppt/presentation.xml", pl.presentationXML(len(pages)))
	add("ppt/_rels/presentation.xml.rels", pl.presentationRelsXML(len(pages)))
	add("ppt/presProps.xml", presPropsXML())
	add("ppt/viewProps.xml", viewPropsXML())
	add("ppt/tableStyles.xml", tableStylesXML())
	parts = append(parts, pl.own...)
	if pl.tpl != nil {
		for _, name := range pl.tpl.copied {
			parts = append(parts, part{name: name, body: pl.tpl.parts[name]})
		}
	}
	for i, p := range pages {
		n := i + 1
		rels := []rel{{"rId1", "slideLayout", relTarget("ppt/slides", pl.layout)}}
		if notes[i] {
			rels = append(rels, rel{"rId2", "notesSlide", fmt.Sprintf("../notesSlides/notesSlide%d.xml", n)})
		}
		add(fmt.Sprintf("ppt/slides/slide%d.xml", n), slideXML(p, pl.cx, pl.cy, pl.font))
		add(fmt.Sprintf("ppt/slides/_rels/slide%d.xml.rels", n), relsXML(rels))
		if notes[i] {
			add(fmt.Sprintf("ppt/notesSlides/notesSlide%d.xml", n), notesXML(p.Notes))
			add(fmt.Sprintf("ppt/notesSlides/_rels/notesSlide%d.xml.rels", n), relsXML([]rel{
				{"rId1", "notesMaster", relTarget("ppt/notesSlides", pl.notesMaster)},
				{"rId2", "slide", fmt.Sprintf("../slides/slide%d.xml", n)},
			}))
		}
	}
	for _, p := range parts {
		if err := put(p.name, p.body); err != nil {
			return nil, fmt.Errorf("pptx: write %s: %w", p.name, err)
		}
	}
	if err := z.Close(); err != nil {
		return nil, fmt.Errorf("pptx: %w", err)
	}
	return buf.Bytes(), nil
}

type part struct {
	name string
	body []byte
	ct   string // content type of a part written as an override
}

// plan says where the slides' master, layout and notes master are, at what
// size and in what font: chanmap's own parts, or a template's.
type plan struct {
	cx, cy      int64
	masters     []masterRef
	notesMaster string
	layout      string
	font        string
	own         []part    // parts written besides slides and package parts
	tpl         *template // nil without a template
}

func newPlan(first *scene.Page, opts Options) (*plan, error) {
	cx, cy := emu(first.Width), emu(first.Height)
	if len(opts.Template) == 0 {
		master := "ppt/slideMasters/slideMaster1.xml"
		return &plan{cx: cx, cy: cy, font: typeface,
			masters:     []masterRef{{id: fmt.Sprint(masterID), part: master}},
			layout:      "ppt/slideLayouts/slideLayout1.xml",
			notesMaster: "ppt/notesMasters/notesMaster1.xml",
			own: []part{
				{name: "ppt/theme/theme1.xml", body: []byte(themeXML("chanmap")), ct: "application/vnd.openxmlformats-officedocument.theme+xml"},
				{name: "ppt/theme/theme2.xml", body: []byte(themeXML("chanmap notes")), ct: "application/vnd.openxmlformats-officedocument.theme+xml"},
				{name: master, body: []byte(slideMasterXML(cx, cy)), ct: ctBase + "slideMaster+xml"},
				{name: "ppt/slideMasters/_rels/slideMaster1.xml.rels", body: []byte(slideMasterRelsXML())},
				{name: "ppt/slideLayouts/slideLayout1.xml", body: []byte(slideLayoutXML()), ct: ctBase + "slideLayout+xml"},
				{name: "ppt/slideLayouts/_rels/slideLayout1.xml.rels", body: []byte(slideLayoutRelsXML())},
				{name: "ppt/notesMasters/notesMaster1.xml", body: []byte(notesMasterXML()), ct: ctBase + "notesMaster+xml"},
				{name: "ppt/notesMasters/_rels/notesMaster1.xml.rels", body: []byte(notesMasterRelsXML("../theme/theme2.xml"))},
			}}, nil
	}
	t, err := readTemplate(opts.Template)
	if err != nil {
		return nil, err
	}
	// Half a point of rounding either way is the same size.
	if abs(t.cx-cx) > 6350 || abs(t.cy-cy) > 6350 {
		return nil, fmt.Errorf("the pages are %g × %g pt but the template's slides are %g × %g pt; lay the pages out at the template's size",
			first.Width, first.Height, float64(t.cx)/12700, float64(t.cy)/12700)
	}
	pl := &plan{cx: t.cx, cy: t.cy, masters: t.masters, layout: t.layout, notesMaster: t.notesMaster, font: "+mn-lt", tpl: t}
	if pl.notesMaster == "" {
		// The template has none: add chanmap's, with a theme of its own
		// under a name the template does not use.
		pl.notesMaster = freeName(t.parts, "ppt/notesMasters/notesMaster%d.xml")
		theme := freeName(t.parts, "ppt/theme/theme%d.xml")
		pl.own = []part{
			{name: theme, body: []byte(themeXML("chanmap notes")), ct: "application/vnd.openxmlformats-officedocument.theme+xml"},
			{name: pl.notesMaster, body: []byte(notesMasterXML()), ct: ctBase + "notesMaster+xml"},
			{name: relsName(pl.notesMaster), body: []byte(notesMasterRelsXML(relTarget("ppt/notesMasters", theme)))},
		}
	}
	return pl, nil
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// freeName is the first of pattern's names (numbered from 1) that parts
// lack.
func freeName(parts map[string][]byte, pattern string) string {
	for i := 1; ; i++ {
		if name := fmt.Sprintf(pattern, i); parts[name] == nil {
			return name
		}
	}
}

// check refuses what a presentation cannot hold: no pages, pages of
// different sizes, sizes outside the format's range, coordinates that are
// not numbers, text sizes outside 1-4000 pt.
func check(pages []*scene.Page) error {
	if len(pages) == 0 {
		return errors.New("no pages to write")
	}
	for i, p := range pages {
		if p == nil {
			return fmt.Errorf("page %d is missing", i+1)
		}
		if !finite(p.Width, p.Height) || p.Width < minSide || p.Height < minSide || p.Width > maxSide || p.Height > maxSide {
			return fmt.Errorf("page %d (%q) is %g × %g pt; a slide is %g to %g pt a side", i+1, p.Title, p.Width, p.Height, minSide, maxSide)
		}
		if p.Width != pages[0].Width || p.Height != pages[0].Height {
			return fmt.Errorf("page %d (%q) is %g × %g pt but page 1 is %g × %g pt; a presentation has one slide size",
				i+1, p.Title, p.Width, p.Height, pages[0].Width, pages[0].Height)
		}
		var bad error
		scene.Walk(p.Items, func(it scene.Item) {
			if bad != nil {
				return
			}
			if err := checkItem(it); err != nil {
				bad = fmt.Errorf("page %d (%q): %w", i+1, p.Title, err)
			}
		})
		if bad != nil {
			return bad
		}
	}
	return nil
}

func checkItem(it scene.Item) error {
	spans := func(what string, ss []scene.Span) error {
		for _, s := range ss {
			if s.Text != "" && (!finite(s.Size) || s.Size < 1 || s.Size > 4000) {
				return fmt.Errorf("%s: text %q has size %g pt; want 1 to 4000", what, s.Text, s.Size)
			}
		}
		return nil
	}
	switch v := it.(type) {
	case nil:
		return errors.New("an item is nil")
	case *scene.Box:
		what := fmt.Sprintf("box %q", v.ID)
		if !finite(v.X, v.Y, v.W, v.H, v.Stroke.Width, v.Padding) || v.W < 0 || v.H < 0 {
			return fmt.Errorf("%s: position or size %g,%g %g×%g is not a drawable number", what, v.X, v.Y, v.W, v.H)
		}
		return spans(what, v.Lines)
	case *scene.Line:
		what := fmt.Sprintf("line %q", v.ID)
		if len(v.Points) < 2 {
			return fmt.Errorf("%s has %d points; a line needs 2", what, len(v.Points))
		}
		if v.Curve && (len(v.Points)-1)%3 != 0 {
			return fmt.Errorf("%s: a curve needs 1 + 3n points, it has %d", what, len(v.Points))
		}
		for _, pt := range v.Points {
			if !finite(pt.X, pt.Y) {
				return fmt.Errorf("%s: point %g,%g is not a number", what, pt.X, pt.Y)
			}
		}
		if !finite(v.Stroke.Width) {
			return fmt.Errorf("%s: stroke width %g is not a number", what, v.Stroke.Width)
		}
	case *scene.Text:
		what := fmt.Sprintf("text %q", v.ID)
		if !finite(v.X, v.Y) {
			return fmt.Errorf("%s: position %g,%g is not a number", what, v.X, v.Y)
		}
		return spans(what, v.Lines)
	case *scene.Group:
	default:
		return fmt.Errorf("an item of type %T is not drawable", it)
	}
	return nil
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e7 {
			return false
		}
	}
	return true
}

// emu converts points to English Metric Units (12,700 per point).
func emu(pt float64) int64 { return int64(math.Round(pt * 12700)) }
