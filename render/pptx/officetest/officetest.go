// Package officetest finds the office tools that check a written
// presentation (python-pptx, LibreOffice Impress, pdftoppm) for tests: a test
// skips with a message when one is missing, and fails instead when
// CHANMAP_REQUIRE_OFFICE=1 (as in CI).
package officetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Required tells whether the office tools must be there.
func Required() bool { return os.Getenv("CHANMAP_REQUIRE_OFFICE") == "1" }

func missing(t testing.TB, what string) {
	t.Helper()
	if Required() {
		t.Fatalf("%s is missing and CHANMAP_REQUIRE_OFFICE=1", what)
	}
	t.Skipf("skipped: %s is missing (set CHANMAP_REQUIRE_OFFICE=1 to make this a failure)", what)
}

// PythonPptx returns a Python interpreter that can import pptx: the
// repository's .venv first, then python3 on the PATH.
func PythonPptx(t testing.TB) string {
	t.Helper()
	var candidates []string
	if root, err := repoRoot(); err == nil {
		candidates = append(candidates, filepath.Join(root, ".venv", "bin", "python"))
	}
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, p)
	}
	for _, py := range candidates {
		if exec.Command(py, "-c", "import pptx").Run() == nil {
			return py
		}
	}
	missing(t, "python-pptx (python3 -m venv .venv && .venv/bin/pip install python-pptx==1.0.2)")
	return ""
}

// RenderPages converts the presentation at path to PDF with LibreOffice
// Impress and renders every PDF page to PNG with pdftoppm, at 48 dpi; it
// returns the PNG paths in page order. A failed conversion or rendering
// fails the test.
func RenderPages(t testing.TB, path string) []string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		missing(t, "LibreOffice Impress (soffice; Debian libreoffice-impress)")
	}
	pdftoppm, err := exec.LookPath("pdftoppm")
	if err != nil {
		missing(t, "pdftoppm (Debian poppler-utils)")
	}
	dir := t.TempDir()
	// A profile of its own, so parallel conversions do not wait on one lock.
	profile := "file://" + filepath.ToSlash(filepath.Join(dir, "profile"))
	cmd := exec.Command(soffice, "-env:UserInstallation="+profile, "--headless", "--norestore",
		"--convert-to", "pdf", "--outdir", dir, path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("LibreOffice could not convert %s: %v\n%s", path, err, out)
	}
	pdf := filepath.Join(dir, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+".pdf")
	if _, err := os.Stat(pdf); err != nil {
		t.Fatalf("LibreOffice wrote no PDF for %s: %v", path, err)
	}
	if out, err := exec.Command(pdftoppm, "-r", "48", "-png", pdf, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm could not render %s: %v\n%s", pdf, err, out)
	}
	pngs, err := filepath.Glob(filepath.Join(dir, "page*.png"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(pngs) // pdftoppm pads page numbers to one width
	for _, p := range pngs {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Fatalf("page %s is empty", p)
		}
	}
	return pngs
}

// repoRoot is the directory of go.mod above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
