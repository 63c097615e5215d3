package main

import (
	"context"
	"encoding/json"
	"github.com/chanmap/chanmap/graph/mapio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/compare"
	"github.com/chanmap/chanmap/graph/embedded"
)

// TestHistoryDiffRestore walks the history commands on an embedded store:
// import, replace, list the versions, diff two versions, restore, undelete.
func TestHistoryDiffRestore(t *testing.T) {
	noStoreEnv(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "maps.db")
	path, m := sampleMap(t, "hybrid.yaml")
	if code, _, errOut := runCLI(t, "import", path, "--into", "embedded", "--db", db); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	// Version 2: one segment renamed and its revenue halved.
	seg := m.Node("homeowners")
	next := m.Clone()
	n := next.Node("homeowners")
	n.Name = "Homeowners (renamed)"
	half := *seg.Revenue / 2
	n.Revenue = &half
	changed := filepath.Join(dir, "changed.json")
	data, err := json.Marshal(next)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(changed, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "import", changed, "--into", "embedded", "--db", db, "--replace"); code != 0 {
		t.Fatalf("import --replace: exit %d: %s", code, errOut)
	}

	code, out, errOut := runCLI(t, "history", m.ID, "--db", db)
	if code != 0 {
		t.Fatalf("history: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "2 ") || !strings.HasPrefix(lines[2], "1 ") {
		t.Fatalf("history lists:\n%s\nwant a header and versions 2 and 1", out)
	}
	if !strings.Contains(lines[1], cliAuthor()) {
		t.Errorf("version 2 line %q does not name the author %q", lines[1], cliAuthor())
	}

	code, out, errOut = runCLI(t, "diff", m.ID+"@1", m.ID, "--db", db)
	if code != 0 {
		t.Fatalf("diff: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"~ node homeowners", `name: "Homeowners replacing gas boilers" -> "Homeowners (renamed)"`, "revenue: 9200000 -> 4600000", "nodes: 0 added, 0 removed, 1 changed", "homeowners"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "diff", m.ID+"@1", changed, "--db", db, "--json")
	var r compare.Result
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
		t.Fatalf("diff --json: exit %d, %q", code, out)
	}
	if r.Counts.NodesChanged != 1 || len(r.Figures) == 0 || r.Figures[0].ID != "homeowners" {
		t.Errorf("diff --json of a version and a file = %+v, want homeowners changed with its figures", r)
	}
	if code, _, errOut := runCLI(t, "diff", m.ID+"@9", m.ID, "--db", db); code != 1 || !strings.Contains(errOut, "no version 9") {
		t.Errorf("diff of a missing version: exit %d, %q", code, errOut)
	}
	if code, _, _ := runCLI(t, "diff", m.ID+"@x", m.ID, "--db", db); code != 2 {
		t.Errorf("diff of MAP@x: exit %d, want 2 (usage)", code)
	}

	code, out, errOut = runCLI(t, "restore", m.ID, "1", "--db", db, "-m", "undo the rename")
	if code != 0 || !strings.Contains(out, "as version 3") {
		t.Fatalf("restore: exit %d, %q %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "export", m.ID, "--db", db)
	back, err := mapio.Read([]byte(out), "export")
	if code != 0 || err != nil || !graph.Equal(back, m) {
		t.Fatalf("after restore the map is not version 1 again (exit %d, %v)", code, err)
	}
	_, out, _ = runCLI(t, "history", m.ID, "--db", db, "--json", "--limit", "1")
	var vs []graph.VersionInfo
	if err := json.Unmarshal([]byte(out), &vs); err != nil || len(vs) != 1 || vs[0].Message != "undo the rename" {
		t.Errorf("history --json --limit 1 = %s (%v), want version 3 with the message", out, err)
	}

	// Delete through the store, then undelete and purge through the CLI.
	s, err := embedded.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMap(context.Background(), m.ID, 3); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if code, out, _ := runCLI(t, "history", "--deleted", "--db", db); code != 0 || !strings.Contains(out, m.ID) {
		t.Errorf("history --deleted: exit %d, %q", code, out)
	}
	if code, out, errOut := runCLI(t, "undelete", m.ID, "--db", db); code != 0 || !strings.Contains(out, "as version 4") {
		t.Fatalf("undelete: exit %d, %q %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "purge", m.ID, "--db", db); code != 1 || !strings.Contains(errOut, "not found") {
		t.Errorf("purge of a live map: exit %d, %q", code, errOut)
	}
}

// diff -o draws the change: a PNG of one side, a three-page PDF of all of
// them, the text diff still on standard output with the findings that
// appeared; bad drawing flags are usage errors and write nothing.
func TestDiffDrawn(t *testing.T) {
	noStoreEnv(t)
	dir := t.TempDir()
	a, b := filepath.Join("..", "..", "testdata", "maps", "hybrid.yaml"), filepath.Join("..", "..", "testdata", "diff", "hybrid-next.yaml")
	png := filepath.Join(dir, "after.png")
	code, out, errOut := runCLI(t, "diff", a, b, "-o", png, "--side", "after")
	if code != 0 {
		t.Fatalf("diff -o after.png: exit %d: %s", code, errOut)
	}
	if data, err := os.ReadFile(png); err != nil || !strings.HasPrefix(string(data), "\x89PNG") {
		t.Errorf("after.png is not a PNG (%v)", err)
	}
	for _, want := range []string{"- node heizprofi", "+ node hotels", "+ new finding: ", "Hotels and guest houses"} {
		if !strings.Contains(out, want) {
			t.Errorf("the text diff lacks %q:\n%s", want, out)
		}
	}
	pdf := filepath.Join(dir, "all.pdf")
	if code, _, errOut := runCLI(t, "diff", a, b, "-o", pdf, "--side", "all"); code != 0 {
		t.Fatalf("diff --side all: exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "/Count 3") {
		t.Errorf("the PDF of --side all does not hold three pages (before, after, both)")
	}
	for _, bad := range [][]string{
		{"--side", "all", "-o", filepath.Join(dir, "x.svg")},
		{"--side", "left", "-o", filepath.Join(dir, "x.svg")},
		{"--side", "before"},
		{"-o", filepath.Join(dir, "x.dot")},
	} {
		code, _, errOut := runCLI(t, append([]string{"diff", a, b}, bad...)...)
		if code != 2 || errOut == "" {
			t.Errorf("diff %v: exit %d (%q), want 2 and a message", bad, code, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.svg")); err == nil {
		t.Error("a refused diff wrote its file")
	}
}
