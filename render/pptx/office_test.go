package pptx

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/render/pptx/officetest"
)

type readBack struct {
	Width, Height int64
	Slides        []struct {
		Layout string
		Title  *string
		Notes  *string
		Shapes []struct {
			Name        string
			Parent      string
			Text        []string
			Sizes       []*float64
			AutoShape   string `json:"auto_shape"`
			Placeholder string
		}
	}
}

// TestPythonPptxReadsTheDeck opens the file with python-pptx, as a script
// would: slide count and size, titles, notes, and one shape per drawn box
// carrying its text, inside the group named by the node.
func TestPythonPptxReadsTheDeck(t *testing.T) {
	py := officetest.PythonPptx(t)
	path := filepath.Join(t.TempDir(), "deck.pptx")
	if err := os.WriteFile(path, encode(t, samplePages()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, filepath.Join("testdata", "read_pptx.py"), path).Output()
	if err != nil {
		t.Fatalf("python-pptx could not read the deck: %v\n%s", err, stderr(err))
	}
	var got readBack
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.Width != 12192000 || got.Height != 6858000 || len(got.Slides) != 3 {
		t.Fatalf("size %d × %d EMU, %d slides; want 12192000 × 6858000, 3", got.Width, got.Height, len(got.Slides))
	}
	wantTitles := []string{"How customers get the products",
		"Web shop & \"Deals\" <script>alert(1)</script> \uFFFD\uFFFD tab here 🚀 ÅÄÖ", "Appendix: figures"}
	for i, s := range got.Slides {
		if s.Title == nil || *s.Title != wantTitles[i] {
			t.Errorf("slide %d title %v, want %q", i+1, s.Title, wantTitles[i])
		}
		if s.Layout != "Title Only" {
			t.Errorf("slide %d layout %q", i+1, s.Layout)
		}
	}
	if n := got.Slides[0].Notes; n == nil || *n != "Net revenue EUR 3.9 m\nTier 1: homeowners" {
		t.Errorf("slide 1 notes %v", n)
	}
	if got.Slides[2].Notes != nil {
		t.Errorf("slide 3 has notes %q", *got.Slides[2].Notes)
	}
	boxes := map[string]bool{}
	for _, sh := range got.Slides[0].Shapes {
		if strings.HasPrefix(sh.Name, "box:") {
			id := strings.TrimPrefix(sh.Name, "box:")
			if sh.Parent != "node:"+id {
				t.Errorf("shape %s is in %q, want the group node:%s", sh.Name, sh.Parent, id)
			}
			if len(sh.Text) != 2 || sh.Text[1] != id || sh.AutoShape == "" {
				t.Errorf("shape %s: text %q, auto shape %q", sh.Name, sh.Text, sh.AutoShape)
			}
			if len(sh.Sizes) != 2 || sh.Sizes[0] == nil || *sh.Sizes[0] != 14 {
				t.Errorf("shape %s: sizes %v, want 14 and 12", sh.Name, sh.Sizes)
			}
			boxes[id] = true
		}
	}
	if len(boxes) != 8 {
		t.Errorf("found %d box shapes on slide 1, want one per drawn box (8): %v", len(boxes), boxes)
	}
}

// TestLibreOfficeConvertsEveryPage converts the deck to PDF with LibreOffice
// Impress and renders every page with pdftoppm.
func TestLibreOfficeConvertsEveryPage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "deck.pptx")
	if err := os.WriteFile(path, encode(t, samplePages()), 0o644); err != nil {
		t.Fatal(err)
	}
	pngs := officetest.RenderPages(t, path)
	if len(pngs) != 3 {
		t.Fatalf("LibreOffice made %d pages of 3 slides", len(pngs))
	}
}

func stderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
