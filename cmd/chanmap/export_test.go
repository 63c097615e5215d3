package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph/mapio"
)

// A stored map's YAML and JSON are written as they are read, to standard
// output and to a file: the bytes are the file written whole; a missing
// map writes nothing and leaves no file or temporary file.
func TestStreamedExport(t *testing.T) {
	noStoreEnv(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "maps.db")
	path, m := sampleMap(t, "hybrid.yaml")
	if code, _, errOut := runCLI(t, "import", path, "--into", "embedded", "--db", db); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	var y, j bytes.Buffer
	if err := mapio.WriteYAML(&y, m); err != nil {
		t.Fatal(err)
	}
	if err := mapio.WriteJSON(&j, m); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "export", m.ID, "--db", db)
	if code != 0 || out != y.String() {
		t.Fatalf("export to stdout: exit %d (%s), %d bytes, want the %d of WriteYAML", code, errOut, len(out), y.Len())
	}
	file := filepath.Join(dir, "out.json")
	code, _, errOut = runCLI(t, "export", m.ID, "--db", db, "-o", file)
	if code != 0 {
		t.Fatalf("export -o: exit %d: %s", code, errOut)
	}
	if data, _ := os.ReadFile(file); !bytes.Equal(data, j.Bytes()) {
		t.Fatalf("out.json is %d bytes, not the %d of WriteJSON", len(data), j.Len())
	}
	if want := "map " + m.ID + " version 1, "; !strings.Contains(errOut, want) {
		t.Errorf("export said %q, want it to name %q", errOut, want)
	}
	missing := filepath.Join(dir, "missing.yaml")
	code, _, errOut = runCLI(t, "export", "no-such-map", "--db", db, "-o", missing)
	if code != 1 || !strings.Contains(errOut, `no map "no-such-map"`) {
		t.Errorf("export of a missing map: exit %d, %q", code, errOut)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "missing") || strings.HasPrefix(e.Name(), ".missing") {
			t.Errorf("a failed export left %s behind", e.Name())
		}
	}
}
