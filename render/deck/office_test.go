package deck

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/render/pptx"
	"github.com/chanmap/chanmap/render/pptx/officetest"
)

// TestHybridDeckAsPowerPoint writes the hybrid sample's deck as .pptx and
// reads it back as a user's tools would: python-pptx finds every slide with
// its title and notes and, on the overview slide, one shape per drawn node
// carrying the node's name; LibreOffice converts it with one page per slide
// and pdftoppm renders every page.
func TestHybridDeckAsPowerPoint(t *testing.T) {
	m, r := sample(t, "hybrid")
	pages, err := Build(m, r, Options{Date: "1 December 2026", Source: "sales ledger", Without: []string{"hvac-nord"}}, simpleDiagram)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pptx.Encode(pages, pptx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hybrid.pptx")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("python-pptx", func(t *testing.T) {
		py := officetest.PythonPptx(t)
		out, err := exec.Command(py, filepath.Join("..", "pptx", "testdata", "read_pptx.py"), path).Output()
		if err != nil {
			t.Fatalf("python-pptx: %v", err)
		}
		var doc struct {
			Slides []struct {
				Title  *string
				Notes  *string
				Shapes []struct {
					Name string
					Text []string
				}
			}
		}
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Slides) != len(pages) {
			t.Fatalf("%d slides, want %d", len(doc.Slides), len(pages))
		}
		for i, s := range doc.Slides {
			if s.Title == nil || *s.Title != pages[i].Title {
				t.Errorf("slide %d title %v, want %q", i+1, s.Title, pages[i].Title)
			}
			if s.Notes == nil || *s.Notes == "" {
				t.Errorf("slide %d has no notes", i+1)
			}
		}
		named := map[string]string{}
		for _, sh := range doc.Slides[1].Shapes {
			named[sh.Name] = strings.Join(sh.Text, " ")
		}
		for _, n := range m.Nodes {
			if got := named["box:"+n.ID]; got != n.Name {
				t.Errorf("overview slide: shape box:%s carries %q, want the node's name %q", n.ID, got, n.Name)
			}
		}
	})
	t.Run("LibreOffice", func(t *testing.T) {
		if got := len(officetest.RenderPages(t, path)); got != len(pages) {
			t.Errorf("LibreOffice made %d pages of %d slides", got, len(pages))
		}
	})
}
