package pptx

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/render/pptx/officetest"
	"github.com/chanmap/chanmap/render/scene"
)

// A presentation chanmap wrote is a template too: its master and layout
// are reused, its slides and notes are not copied, and the text takes the
// theme's body font.
func TestOwnOutputAsTemplate(t *testing.T) {
	tpl := encode(t, samplePages())
	w, h, err := TemplateSize(tpl)
	if err != nil || w != 960 || h != 540 {
		t.Fatalf("TemplateSize = %g × %g, %v; want 960 × 540", w, h, err)
	}
	pages := samplePages()[:1]
	b, err := Encode(pages, Options{Template: tpl})
	if err != nil {
		t.Fatal(err)
	}
	ps := parts(t, b)
	if _, ok := ps["ppt/slides/slide2.xml"]; ok {
		t.Error("the template's slides were copied")
	}
	if _, ok := ps["ppt/notesSlides/notesSlide2.xml"]; ok {
		t.Error("the template's notes were copied")
	}
	if !strings.Contains(ps["ppt/slides/_rels/slide1.xml.rels"], `Target="../../ppt/slideLayouts/slideLayout1.xml"`) {
		t.Errorf("slide 1 does not use the template's Title Only layout:\n%s", ps["ppt/slides/_rels/slide1.xml.rels"])
	}
	if !strings.Contains(ps["ppt/slides/slide1.xml"], `<a:latin typeface="+mn-lt"/>`) {
		t.Error("text does not take the template's body font")
	}
	for name := range ps {
		if strings.HasPrefix(name, "ppt/theme/theme3") {
			t.Errorf("%s: the template has a notes master, none should be added", name)
		}
	}
}

func TestTemplateRefusals(t *testing.T) {
	if _, err := Encode(samplePages(), Options{Template: []byte("not a zip")}); err == nil || !strings.Contains(err.Error(), "template: not a PowerPoint file") {
		t.Errorf("not a zip: %v", err)
	}
	small := samplePages()[:1]
	small[0].Width, small[0].Height = 720, 540
	tpl := encode(t, small)
	if _, err := Encode(samplePages(), Options{Template: tpl}); err == nil || !strings.Contains(err.Error(), "template's slides are 720 × 540 pt") {
		t.Errorf("pages of another size: %v", err)
	}
}

// TestPythonPptxDefaultTemplate takes python-pptx's own default
// presentation (4:3, eleven layouts, no notes master) as a company template.
func TestPythonPptxDefaultTemplate(t *testing.T) {
	py := officetest.PythonPptx(t)
	dir := t.TempDir()
	tplPath := filepath.Join(dir, "corp.pptx")
	if out, err := exec.Command(py, "-c", "import sys; from pptx import Presentation; Presentation().save(sys.argv[1])", tplPath).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	tpl, err := os.ReadFile(tplPath)
	if err != nil {
		t.Fatal(err)
	}
	w, h, err := TemplateSize(tpl)
	if err != nil || w != 720 || h != 540 {
		t.Fatalf("TemplateSize = %g × %g, %v; want 720 × 540 (10 × 7.5 in)", w, h, err)
	}
	pages := samplePages()
	for _, p := range pages {
		p.Width, p.Height = w, h
		var keep []scene.Item
		for _, it := range p.Items { // the sample's wide items would leave a 4:3 page
			if g, ok := it.(*scene.Group); !ok || !strings.HasPrefix(g.ID, "node:web") && !strings.HasPrefix(g.ID, "node:store") && !strings.HasPrefix(g.ID, "node:pumps") {
				keep = append(keep, it)
			}
		}
		p.Items = keep
	}
	b, err := Encode(pages, Options{Template: tpl})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "deck.pptx")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, filepath.Join("testdata", "read_pptx.py"), path).Output()
	if err != nil {
		t.Fatalf("python-pptx could not read the deck: %v\n%s", err, stderr(err))
	}
	var got readBack
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.Width != 9144000 || got.Height != 6858000 || len(got.Slides) != 3 {
		t.Fatalf("%d × %d EMU, %d slides", got.Width, got.Height, len(got.Slides))
	}
	for i, s := range got.Slides {
		if s.Layout != "Title Only" {
			t.Errorf("slide %d uses layout %q, want the template's Title Only", i+1, s.Layout)
		}
		if s.Title == nil || *s.Title != clean(pages[i].Title) {
			t.Errorf("slide %d title %q, want %q", i+1, deref(s.Title), clean(pages[i].Title))
		}
	}
	if n := got.Slides[0].Notes; n == nil || !strings.HasPrefix(*n, "Net revenue") {
		t.Errorf("notes of slide 1: %v", n)
	}
	if got := len(officetest.RenderPages(t, path)); got != 3 {
		t.Errorf("LibreOffice made %d pages of 3 slides", got)
	}
}

func deref(s *string) string {
	if s == nil {
		return "<none>"
	}
	return *s
}
