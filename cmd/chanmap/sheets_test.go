package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
)

func sheetPath(name string) string { return filepath.Join("..", "..", "testdata", "sheets", name) }

func TestImportCSVToMapFile(t *testing.T) {
	noStoreEnv(t)
	out := filepath.Join(t.TempDir(), "quirks.yaml")
	code, stdout, stderr := runCLI(t, "import", sheetPath("quirks-nodes.csv"), sheetPath("quirks-edges.csv"), "-o", out, "--currency", "EUR")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "4 nodes, 2 edges") {
		t.Errorf("stdout: %q", stdout)
	}
	m, err := mapio.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "quirks" || m.Title != "quirks" || m.Currency != "EUR" {
		t.Errorf("map fields from file name and flags: %q %q %q", m.ID, m.Title, m.Currency)
	}
	if c := m.Node("contractors"); c == nil || *c.Revenue != 2400000 || c.Quality["payment"] != 4 {
		t.Errorf("contractors: %+v", c)
	}
	if stderr != "" {
		t.Errorf("a progress bar or noise on a non-terminal: %q", stderr)
	}
}

func TestImportDecimalCommaAndNames(t *testing.T) {
	noStoreEnv(t)
	out := filepath.Join(t.TempDir(), "m.yaml")
	code, _, stderr := runCLI(t, "import", sheetPath("comma-nodes.csv"), sheetPath("comma-edges.csv"), "-o", out, "--decimal-comma", "--id", "acme", "--title", "ACME 2026", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m, err := mapio.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "acme" || m.Title != "ACME 2026" || *m.Node("contractors").Revenue != 2400000.5 {
		t.Errorf("got %q %q %v", m.ID, m.Title, *m.Node("contractors").Revenue)
	}
	// Without --decimal-comma the same files are refused with a hint.
	code, _, stderr = runCLI(t, "import", sheetPath("comma-nodes.csv"), sheetPath("comma-edges.csv"), "-o", filepath.Join(t.TempDir(), "x.yaml"))
	if code != 1 || !strings.Contains(stderr, "decimal-comma") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func TestImportCSVErrorsWriteNothing(t *testing.T) {
	noStoreEnv(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "bad.yaml")
	db := filepath.Join(dir, "maps.db")
	code, _, stderr := runCLI(t, "import", sheetPath("bad-nodes.csv"), sheetPath("bad-edges.csv"), "-o", out)
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		`bad-nodes.csv:3:4: revenue: not a number (value "lots")`,
		`bad-edges.csv:2:3: kind: edge acme--teleports--seg1: unknown edge kind "teleports"`,
		`bad-edges.csv:3:4: margin:`,
		"9 problem(s)",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a map file was written despite errors")
	}
	if code, _, _ := runCLI(t, "import", sheetPath("bad-nodes.csv"), sheetPath("bad-edges.csv"), "--into", "embedded", "--db", db); code != 1 {
		t.Fatalf("store import of bad tables: exit %d", code)
	}
	if code, _, _ := runCLI(t, "export", "bad", "--db", db); code != 1 {
		t.Errorf("bad tables were stored")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestImportUsage(t *testing.T) {
	noStoreEnv(t)
	out := filepath.Join(t.TempDir(), "x.yaml")
	for _, args := range [][]string{
		{"import", sheetPath("basic-nodes.csv"), sheetPath("basic-edges.csv"), sheetPath("bad-edges.csv"), "-o", out},
		{"import", "book.xlsx", "other.xlsx", "-o", out},
		{"import", "notes.pdf", "-o", out},
	} {
		if code, _, stderr := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, stderr)
		}
	}
}

// TestExportImportRoundTrip: a map file exported as CSV and as XLSX, and
// imported again, is the same map; through the embedded store as well.
func TestExportImportRoundTrip(t *testing.T) {
	noStoreEnv(t)
	dir := t.TempDir()
	path, m := sampleMap(t, "hybrid.yaml")

	// CSV into a directory.
	tables := filepath.Join(dir, "tables")
	os.Mkdir(tables, 0o755)
	if code, _, stderr := runCLI(t, "export", path, "--format", "csv", "-o", tables); code != 0 {
		t.Fatalf("export csv: exit %d: %s", code, stderr)
	}
	nodes, edges := filepath.Join(tables, m.ID+"-nodes.csv"), filepath.Join(tables, m.ID+"-edges.csv")
	back := filepath.Join(dir, "back.yaml")
	if code, _, stderr := runCLI(t, "import", nodes, edges, "-o", back, "--id", m.ID, "--title", m.Title, "--currency", m.Currency); code != 0 {
		t.Fatalf("import csv: exit %d: %s", code, stderr)
	}
	got, err := mapio.ReadFile(back)
	if err != nil {
		t.Fatal(err)
	}
	want := *m
	want.Classification = nil       // not carried by CSV tables
	want.Source, want.AsOf = "", "" // nor these
	if !graph.Equal(got, &want) {
		t.Errorf("map -> CSV -> map differs")
	}

	// XLSX by file name, carrying everything.
	book := filepath.Join(dir, "hybrid.xlsx")
	if code, _, stderr := runCLI(t, "export", path, "-o", book); code != 0 {
		t.Fatalf("export xlsx: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "import", book, "-o", back); code != 0 {
		t.Fatalf("import xlsx: exit %d: %s", code, stderr)
	}
	if got, err := mapio.ReadFile(back); err != nil || !graph.Equal(got, m) {
		t.Errorf("map -> XLSX -> map differs (%v)", err)
	}

	// Through the embedded store: import the workbook, export its tables by id.
	db := filepath.Join(dir, "maps.db")
	if code, _, stderr := runCLI(t, "import", book, "--into", "embedded", "--db", db); code != 0 {
		t.Fatalf("import into store: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "export", m.ID, "--format", "csv", "-o", filepath.Join(dir, "stored.csv"), "--db", db); code != 0 {
		t.Fatalf("export from store: exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(nodes)
	b, _ := os.ReadFile(filepath.Join(dir, "stored-nodes.csv"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("nodes table from the store differs from the one from the file")
	}
	if code, _, _ := runCLI(t, "export", "no-such-map", "--format", "xlsx", "--db", db); code != 1 {
		t.Errorf("export of a missing map: exit %d", code)
	}
}

func TestCSVExportPaths(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ out, nodes, edges string }{
		{"", "acme-nodes.csv", "acme-edges.csv"},
		{dir, filepath.Join(dir, "acme-nodes.csv"), filepath.Join(dir, "acme-edges.csv")},
		{"out/tables.csv", "out/tables-nodes.csv", "out/tables-edges.csv"},
		{"out/tables", "out/tables-nodes.csv", "out/tables-edges.csv"},
	} {
		n, e := csvExportPaths(tt.out, "acme")
		if n != tt.nodes || e != tt.edges {
			t.Errorf("csvExportPaths(%q) = %q, %q", tt.out, n, e)
		}
	}
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "bar")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	yes := func(*os.File) bool { return true }
	no := func(*os.File) bool { return false }

	for _, tt := range []struct {
		name  string
		quiet bool
		term  func(*os.File) bool
		total int
		drawn bool
	}{
		{"terminal, big import", false, yes, 20000, true},
		{"terminal, small import", false, yes, 3000, false},
		{"--quiet", true, yes, 20000, false},
		{"not a terminal", false, no, 20000, false},
	} {
		f.Truncate(0)
		f.Seek(0, 0)
		p := newProgress(tt.quiet, f, tt.term)
		for done := 1000; done <= tt.total; done += 1000 {
			p.update(done, tt.total)
		}
		p.close()
		data, _ := os.ReadFile(f.Name())
		drawn := strings.Contains(string(data), "reading rows")
		if drawn != tt.drawn {
			t.Errorf("%s: bar drawn %v, want %v (%q)", tt.name, drawn, tt.drawn, data)
		}
	}
}

// TestImportNames: tables imported to a map file take the map id from --id,
// else from the output file's name, and the title from --title, else the
// id; never "nodes" from nodes.csv.
func TestImportNames(t *testing.T) {
	noStoreEnv(t)
	dir := t.TempDir()
	nodes, edges := filepath.Join(dir, "nodes.csv"), filepath.Join(dir, "edges.csv")
	for src, dst := range map[string]string{"basic-nodes.csv": nodes, "basic-edges.csv": edges} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "sheets", src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		args      []string
		out       string
		id, title string
	}{
		{nil, "Acme Pumps 2026.yaml", "acme-pumps-2026", "acme-pumps-2026"},
		{[]string{"--id", "acme"}, "m.yaml", "acme", "acme"},
		{[]string{"--title", "ACME channels"}, "acme.yaml", "acme", "ACME channels"},
	} {
		out := filepath.Join(dir, c.out)
		args := append([]string{"import", nodes, edges, "-o", out}, c.args...)
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		m, err := mapio.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if m.ID != c.id || m.Title != c.title {
			t.Errorf("%v: id %q, title %q; want %q, %q", c.args, m.ID, m.Title, c.id, c.title)
		}
	}
}
