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
	cx, cy := emu(pages[0].Width), emu(pages[0].Height)
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
	put := func(name, body string) error {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return err
		}
		_, err = io.WriteString(f, body)
		return err
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypesXML(len(pages), notes)},
		{"_rels/.rels", rootRelsXML()},
		{"docProps/core.xml", coreXML(title)},
		{"docProps/app.xml", appXML(len(pages), nNotes)},
		{"ppt/presentation.xml", presentationXML(len(pages), cx, cy)},
		{"ppt/_rels/presentation.xml.rels", presentationRelsXML(len(pages))},
		{"ppt/presProps.xml", presPropsXML()},
		{"ppt/viewProps.xml", viewPropsXML()},
		{"ppt/tableStyles.xml", tableStylesXML()},
		{"ppt/theme/theme1.xml", themeXML("chanmap")},
		{"ppt/theme/theme2.xml", themeXML("chanmap notes")},
		{"ppt/slideMasters/slideMaster1.xml", slideMasterXML(cx, cy)},
		{"ppt/slideMasters/_rels/slideMaster1.xml.rels", slideMasterRelsXML()},
		{"ppt/slideLayouts/slideLayout1.xml", slideLayoutXML()},
		{"ppt/slideLayouts/_rels/slideLayout1.xml.rels", slideLayoutRelsXML()},
		{"ppt/notesMasters/notesMaster1.xml", notesMasterXML()},
		{"ppt/notesMasters/_rels/notesMaster1.xml.rels", notesMasterRelsXML()},
	}
	for i, p := range pages {
		n := i + 1
		rels := []rel{{"rId1", "slideLayout", "../slideLayouts/slideLayout1.xml"}}
		if notes[i] {
			rels = append(rels, rel{"rId2", "notesSlide", fmt.Sprintf("../notesSlides/notesSlide%d.xml", n)})
		}
		parts = append(parts,
			struct{ name, body string }{fmt.Sprintf("ppt/slides/slide%d.xml", n), slideXML(p, cx, cy)},
			struct{ name, body string }{fmt.Sprintf("ppt/slides/_rels/slide%d.xml.rels", n), relsXML(rels)})
		if notes[i] {
			parts = append(parts,
				struct{ name, body string }{fmt.Sprintf("ppt/notesSlides/notesSlide%d.xml", n), notesXML(p.Notes)},
				struct{ name, body string }{fmt.Sprintf("ppt/notesSlides/_rels/notesSlide%d.xml.rels", n), relsXML([]rel{
					{"rId1", "notesMaster", "../notesMasters/notesMaster1.xml"},
					{"rId2", "slide", fmt.Sprintf("../slides/slide%d.xml", n)},
				})})
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
