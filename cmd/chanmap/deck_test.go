package main

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/chanmap/chanmap/graph/mapio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/render"
	"github.com/chanmap/chanmap/render/deck"
	"github.com/chanmap/chanmap/render/gvcache"
	"github.com/chanmap/chanmap/render/pptx/officetest"
	"github.com/chanmap/chanmap/render/scene"
)

// hybridDeckArgs are the options the deck tests write the hybrid deck with.
var hybridDeckArgs = []string{"--without", "hvac-nord", "--segments", "3"}

// hybridDeckPages builds the same deck as the command, as scene pages.
func hybridDeckPages(t *testing.T) (*graph.Map, []*scene.Page) {
	t.Helper()
	m, err := mapio.ReadFile(hybridMap)
	if err != nil {
		t.Fatal(err)
	}
	r, err := analysis.Analyze(m)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := deck.Build(m, r, deck.Options{Footer: render.Footer(m, ""), Date: m.AsOf, Source: m.Source, Segments: 3, Without: []string{"hvac-nord"}},
		deck.Diagrams(context.Background(), render.NewInProcess(), render.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	return m, pages
}

// TestDeckCommandPDF writes the hybrid deck as PDF: one page per slide, no
// text under the minimum font on any page, and every page renders with
// pdftoppm.
func TestDeckCommandPDF(t *testing.T) {
	_, pages := hybridDeckPages(t)
	for i, p := range pages {
		if s := p.SmallestText(); s < render.DefaultMinFont {
			t.Errorf("page %d (%s): text at %.1f pt, under the %d pt minimum", i+1, p.Title, s, render.DefaultMinFont)
		}
	}
	out := filepath.Join(t.TempDir(), "hybrid-deck.pdf")
	code, _, stderr := runCLI(t, append([]string{"deck", hybridMap, "-o", out}, hybridDeckArgs...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("no PDF written (%v)", err)
	}
	tool, err := exec.LookPath("pdftoppm")
	if err != nil {
		if os.Getenv("CHANMAP_REQUIRE_POPPLER") == "1" {
			t.Fatal("pdftoppm (poppler-utils) is required here")
		}
		t.Skip("skipped: pdftoppm (Debian poppler-utils) is not installed")
	}
	dir := t.TempDir()
	if msg, err := exec.Command(tool, "-r", "20", "-png", out, filepath.Join(dir, "p")).CombinedOutput(); err != nil || len(msg) > 0 {
		t.Fatalf("pdftoppm: %v %s", err, msg)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	if len(pngs) != len(pages) {
		t.Errorf("pdftoppm rendered %d pages, the deck has %d slides", len(pngs), len(pages))
	}
}

// TestDeckCommandPowerPoint writes the hybrid deck as .pptx: LibreOffice
// converts it with one page per slide, and python-pptx finds on the
// overview slide one shape per drawn node carrying the node's name.
func TestDeckCommandPowerPoint(t *testing.T) {
	m, pages := hybridDeckPages(t)
	out := filepath.Join(t.TempDir(), "hybrid-deck.pptx")
	code, _, stderr := runCLI(t, append([]string{"deck", hybridMap, "-o", out}, hybridDeckArgs...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The nodes drawn on the overview slide (the second page).
	var drawn []string
	scene.Walk(pages[1].Items, func(it scene.Item) {
		if g, ok := it.(*scene.Group); ok && strings.HasPrefix(g.ID, "node:") {
			drawn = append(drawn, strings.TrimPrefix(g.ID, "node:"))
		}
	})
	if len(drawn) < 5 {
		t.Fatalf("the overview slide draws %d nodes; the hybrid map has %d", len(drawn), len(m.Nodes))
	}
	t.Run("python-pptx", func(t *testing.T) {
		py := officetest.PythonPptx(t)
		raw, err := exec.Command(py, filepath.Join("..", "..", "render", "pptx", "testdata", "read_pptx.py"), out).Output()
		if err != nil {
			t.Fatalf("python-pptx: %v", err)
		}
		var doc struct {
			Slides []struct {
				Title  *string
				Shapes []struct {
					Name, Parent string
					Text         []string
				}
			}
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Slides) != len(pages) {
			t.Fatalf("%d slides, want %d", len(doc.Slides), len(pages))
		}
		squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
		for _, id := range drawn {
			want := squash(m.Node(id).Name)
			n := 0
			for _, sh := range doc.Slides[1].Shapes {
				if sh.Parent == "node:"+id && strings.Contains(squash(strings.Join(sh.Text, " ")), want) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("overview slide: %d shapes in node:%s carry its name %q, want 1", n, id, m.Node(id).Name)
			}
		}
	})
	t.Run("LibreOffice", func(t *testing.T) {
		if got := len(officetest.RenderPages(t, out)); got != len(pages) {
			t.Errorf("LibreOffice made %d pages of %d slides", got, len(pages))
		}
	})
}

func TestDeckCommandErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"deck", hybridMap}, 2, "give -o deck.pdf or -o deck.pptx"},
		{[]string{"deck", hybridMap, "-o", filepath.Join(dir, "x.pdf"), "--format", "pptx"}, 2, "--format pptx disagrees with the -o extension .pdf"},
		{[]string{"deck", hybridMap, "-o", filepath.Join(dir, "x.svg")}, 2, "name it .pdf or .pptx"},
		{[]string{"deck", hybridMap, "-o", filepath.Join(dir, "x.pdf"), "--format", "key"}, 2, `unknown --format "key"`},
		{[]string{"deck", hybridMap, "-o", filepath.Join(dir, "x.pdf"), "--without", "nobody"}, 2, `without "nobody": no such partner in map`},
		{[]string{"deck", hybridMap, "-o", filepath.Join(dir, "x.pdf"), "--page", "none"}, 2, "a deck needs a page size"},
		{[]string{"deck", hybridMap, "-o", filepath.Join(dir, "x.pdf"), "--theme", "neon"}, 2, `unknown theme "neon"`},
		{[]string{"deck", hybridMap, "-o", filepath.Join(dir, "x.pdf"), "--segments", "-1"}, 2, "segments -1 is negative"},
		{[]string{"deck", hybridMap, "-o", filepath.Join(dir, "x.pdf"), "--template", filepath.Join(dir, "corp.pptx")}, 2, "needs a .pptx deck"},
		{[]string{"deck", hybridMap, "-o", filepath.Join(dir, "x.pptx"), "--template", filepath.Join(dir, "corp.pptx")}, 2, "--template"},
		{[]string{"deck", "missing.yaml", "-o", filepath.Join(dir, "x.pdf")}, 1, "missing.yaml"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d saying %q", tc.args[2:], code, stderr, tc.code, tc.msg)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed decks left %d file(s) behind", len(entries))
	}
}

// A deck written again by a new process reads every diagram's layout from
// the layout cache on disk instead of laying it out: no layout file is
// written the second time, and every one the first run kept is read (its
// time of use moves on). --layout-cache=false keeps nothing.
func TestDeckKeepsLayoutsOnDisk(t *testing.T) {
	home := t.TempDir()
	copyCompileCache(t, filepath.Join(home, "chanmap", "graphviz"))
	deckRun := func(args ...string) {
		t.Helper()
		cmd := exec.Command(os.Args[0], append([]string{"deck", hybridMap, "--segments", "1"}, args...)...)
		cmd.Env = append(os.Environ(), runAsCLI+"=1", "XDG_CACHE_HOME="+home, render.LayoutCacheEnv+"=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("chanmap deck %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	dir := filepath.Join(home, "chanmap", "layouts")
	kept := func() map[string]os.FileInfo {
		t.Helper()
		names, err := filepath.Glob(filepath.Join(dir, "*.plain"))
		if err != nil {
			t.Fatal(err)
		}
		fis := map[string]os.FileInfo{}
		for _, n := range names {
			fi, err := os.Stat(n)
			if err != nil {
				t.Fatal(err)
			}
			fis[n] = fi
		}
		return fis
	}

	deckRun("-o", filepath.Join(t.TempDir(), "a.pptx"))
	first := kept()
	if len(first) < 2 {
		t.Fatalf("%d layouts kept after a deck with a map, a weak-spot and a focus slide, want at least 2", len(first))
	}
	long := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	for n := range first {
		if err := os.Chtimes(n, long, long); err != nil {
			t.Fatal(err)
		}
	}
	deckRun("-o", filepath.Join(t.TempDir(), "b.pdf"))
	second := kept()
	if len(second) != len(first) {
		t.Errorf("%d layouts kept after the second deck, %d after the first: it laid out again", len(second), len(first))
	}
	for n, fi := range first {
		now, ok := second[n]
		switch {
		case !ok:
			t.Errorf("layout %s gone after the second deck", filepath.Base(n))
		case !os.SameFile(fi, now):
			t.Errorf("layout %s written again by the second deck, not read", filepath.Base(n))
		case !now.ModTime().After(long):
			t.Errorf("layout %s not used by the second deck", filepath.Base(n))
		}
	}

	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	deckRun("-o", filepath.Join(t.TempDir(), "c.pptx"), "--layout-cache=false")
	if n := len(kept()); n != 0 {
		t.Errorf("--layout-cache=false kept %d layouts", n)
	}
}

// copyCompileCache gives a child process with its own cache directory the
// Graphviz engine's compiled code of this process, so that it does not
// compile the engine again (seconds, more under the race detector).
func copyCompileCache(t *testing.T, to string) {
	t.Helper()
	if gvcache.Dir == "" {
		return // the child compiles the engine itself
	}
	err := filepath.WalkDir(gvcache.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(gvcache.Dir, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}
