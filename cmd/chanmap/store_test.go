package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/graph/storetest"
)

func sampleMap(t *testing.T, name string) (string, *graph.Map) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "maps", name)
	m, err := mapio.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, m
}

// noStoreEnv clears the CHANMAP_* store variables for one test.
func noStoreEnv(t *testing.T) {
	for _, k := range []string{"CHANMAP_DB", "CHANMAP_NEO4J_URI", "CHANMAP_NEO4J_USER", "CHANMAP_NEO4J_PASSWORD", "CHANMAP_NEO4J_DATABASE", "CHANMAP_NEO4J_TIMEOUT"} {
		t.Setenv(k, "")
	}
}

func TestImportExportEmbedded(t *testing.T) {
	noStoreEnv(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "maps.db")
	path, m := sampleMap(t, "industrial.yaml")

	code, out, errOut := runCLI(t, "import", path, "--into", "embedded", "--db", db)
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	if want := "imported map " + m.ID + " into embedded store " + db; !strings.Contains(out, want) {
		t.Errorf("import said %q, want %q", out, want)
	}

	// YAML on stdout reads back as the same map.
	code, out, errOut = runCLI(t, "export", m.ID, "--db", db)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	back, err := mapio.Read([]byte(out), "export")
	if err != nil {
		t.Fatalf("exported YAML does not read: %v", err)
	}
	if !graph.Equal(back, m) {
		t.Fatalf("export differs from the imported file")
	}

	// JSON to a file, format from the name.
	jsonPath := filepath.Join(dir, "out.json")
	if code, _, errOut = runCLI(t, "export", m.ID, "--db", db, "-o", jsonPath); code != 0 {
		t.Fatalf("export -o: exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(strings.TrimSpace(string(data)), "{") {
		t.Fatalf("-o out.json did not write JSON: %.40q", data)
	}
	if back, err := mapio.Read(data, jsonPath); err != nil || !graph.Equal(back, m) {
		t.Fatalf("exported JSON does not read back as the map: %v", err)
	}

	// A second import of the same id is refused without --replace.
	code, _, errOut = runCLI(t, "import", path, "--into", "embedded", "--db", db)
	if code != 1 || !strings.Contains(errOut, "already exists") || !strings.Contains(errOut, "--replace") {
		t.Fatalf("second import: exit %d, %q; want exit 1 suggesting --replace", code, errOut)
	}

	// --replace with a changed file: one atomic change set, version 2.
	changed := m.Clone()
	changed.Title = "Replaced title"
	changed.Nodes = changed.Nodes[:len(changed.Nodes)-1]
	var edges []*graph.Edge
	last := m.Nodes[len(m.Nodes)-1].ID
	for _, e := range changed.Edges {
		if e.From != last && e.To != last {
			edges = append(edges, e)
		}
	}
	changed.Edges = edges
	changedPath := filepath.Join(dir, "changed.yaml")
	writeTestMap(t, changedPath, changed)
	code, out, errOut = runCLI(t, "import", changedPath, "--into", "embedded", "--db", db, "--replace")
	if code != 0 || !strings.Contains(out, "version 2") {
		t.Fatalf("import --replace: exit %d, %q %q; want version 2", code, out, errOut)
	}
	code, out, _ = runCLI(t, "export", m.ID, "--db", db, "--format", "json")
	back, err = mapio.Read([]byte(out), "export")
	if code != 0 || err != nil || !graph.Equal(back, changed) {
		t.Fatalf("after --replace the stored map is not the new file (exit %d, %v)", code, err)
	}
	// Replacing with the same content changes nothing.
	code, out, _ = runCLI(t, "import", changedPath, "--into", "embedded", "--db", db, "--replace")
	if code != 0 || !strings.Contains(out, "unchanged at version 2") {
		t.Fatalf("same-content --replace: exit %d, %q", code, out)
	}
}

func writeTestMap(t *testing.T, path string, m *graph.Map) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := mapio.WriteYAML(f, m); err != nil {
		t.Fatal(err)
	}
}

func TestImportIDTitleAndEnvDB(t *testing.T) {
	noStoreEnv(t)
	db := filepath.Join(t.TempDir(), "env.db")
	t.Setenv("CHANMAP_DB", db)
	path, m := sampleMap(t, "hybrid.yaml")
	code, _, errOut := runCLI(t, "import", path, "--into", "embedded", "--id", "copy-1", "--title", "A copy")
	if code != 0 {
		t.Fatalf("import --id: exit %d: %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "export", "copy-1")
	if code != 0 {
		t.Fatalf("export from CHANMAP_DB: exit %d: %s", code, errOut)
	}
	back, err := mapio.Read([]byte(out), "export")
	if err != nil {
		t.Fatal(err)
	}
	want := m.Clone()
	want.ID, want.Title = "copy-1", "A copy"
	if !graph.Equal(back, want) {
		t.Fatalf("stored copy differs from the file with the new id and title")
	}
}

func TestImportErrors(t *testing.T) {
	noStoreEnv(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "e.db")
	path, _ := sampleMap(t, "industrial.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("id: bad\nnodes:\n  - {id: a, kind: company, name: A}\nedges:\n  - {from: a, to: ghost, kind: supplies}\n"), 0o644)

	if code, _, errOut := runCLI(t, "import", path, "--into", "embedded", "--db", db); code != 0 {
		t.Fatalf("setup import: %s", errOut)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no destination", []string{"import", path}, 2, "--into"},
		{"both destinations", []string{"import", path, "--into", "embedded", "-o", filepath.Join(dir, "x.yaml")}, 2, "one of them"},
		{"unknown store", []string{"import", path, "--into", "mysql"}, 2, "embedded or neo4j"},
		{"bad id", []string{"import", path, "--into", "embedded", "--db", db, "--id", "Not A Slug"}, 2, "not a slug"},
		{"no file", []string{"import", "--into", "embedded"}, 2, "give the file"},
		{"unsupported input", []string{"import", filepath.Join(dir, "x.txt"), "--into", "embedded", "--db", db}, 2, "unsupported input"},
		{"missing file", []string{"import", filepath.Join(dir, "none.yaml"), "--into", "embedded", "--db", db}, 1, "none.yaml"},
		{"invalid map", []string{"import", bad, "--into", "embedded", "--db", db}, 1, "bad.yaml:5"},
		{"neo4j without server", []string{"import", path, "--into", "neo4j"}, 2, "CHANMAP_NEO4J_URI"},
		{"export unknown map", []string{"export", "nope", "--db", db}, 1, `no map "nope"`},
		{"export from a missing store file", []string{"export", "x", "--db", filepath.Join(dir, "missing.db")}, 1, "no embedded store file"},
		{"export bad format", []string{"export", "x", "--db", db, "--format", "xml"}, 2, "yaml, json, csv, xlsx"},
		{"export both stores", []string{"export", "x", "--db", db, "--neo4j-uri", "bolt://127.0.0.1:1"}, 2, "not both"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d containing %q", code, errOut, tc.code, tc.want)
			}
		})
	}
	// Every format refuses the same way, and writes nothing.
	for _, format := range []string{"yaml", "json", "csv", "xlsx"} {
		code, _, errOut := runCLI(t, "export", "nope", "--db", db, "--format", format, "-o", filepath.Join(dir, "out-"+format))
		if code != 1 || !strings.Contains(errOut, `no map "nope"`) {
			t.Errorf("export nope --format %s: exit %d, %q", format, code, errOut)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "out-*")); len(left) > 0 {
		t.Errorf("a failed export wrote %v", left)
	}
	// The invalid map left nothing behind.
	if code, _, _ := runCLI(t, "export", "bad", "--db", db); code != 1 {
		t.Fatalf("an invalid import was stored")
	}
}

func TestImportToFile(t *testing.T) {
	noStoreEnv(t)
	dir := t.TempDir()
	path, m := sampleMap(t, "industrial.yaml")
	out := filepath.Join(dir, "conv.json")
	if code, _, errOut := runCLI(t, "import", path, "-o", out); code != 0 {
		t.Fatalf("import -o: exit %d: %s", code, errOut)
	}
	back, err := mapio.ReadFile(out)
	if err != nil || !graph.Equal(back, m) {
		t.Fatalf("converted file does not read back as the map: %v", err)
	}
}

func TestImportExportNeo4j(t *testing.T) {
	if os.Getenv("CHANMAP_NEO4J_URI") == "" {
		if os.Getenv("CHANMAP_REQUIRE_NEO4J") == "1" {
			t.Fatal("CHANMAP_NEO4J_URI is not set and CHANMAP_REQUIRE_NEO4J=1")
		}
		t.Skip("CHANMAP_NEO4J_URI is not set: no Neo4j to import into (start one with .ci/neo4j-up)")
	}
	path, m := sampleMap(t, "hybrid.yaml")
	id := storetest.FreshID("cli")
	code, out, errOut := runCLI(t, "import", path, "--into", "neo4j", "--id", id)
	if code != 0 || !strings.Contains(out, "into Neo4j "+os.Getenv("CHANMAP_NEO4J_URI")) {
		t.Fatalf("import --into neo4j: exit %d, %q %q", code, out, errOut)
	}
	t.Cleanup(func() { deleteNeo4jMap(t, id) })
	code, out, errOut = runCLI(t, "export", id)
	if code != 0 {
		t.Fatalf("export from neo4j: exit %d: %s", code, errOut)
	}
	back, err := mapio.Read([]byte(out), "export")
	want := m.Clone()
	want.ID = id
	if err != nil || !graph.Equal(back, want) {
		t.Fatalf("map exported from Neo4j differs from the file: %v", err)
	}
}

func deleteNeo4jMap(t *testing.T, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var f storeFlags
	s, _, err := f.open(ctx, "neo4j")
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	defer s.Close()
	if err := s.DeleteMap(ctx, id, 0); err != nil {
		t.Errorf("cleanup: %v", err)
	}
}

// An export of a map that is not there creates no file in any format: not
// the tables, and not an empty store file either.
func TestExportOfNoMapWritesNothing(t *testing.T) {
	for _, format := range []string{"yaml", "json", "csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			t.Setenv("CHANMAP_DB", "")
			t.Setenv("CHANMAP_NEO4J_URI", "")
			code, _, errOut := runCLI(t, "export", "nosuch", "--format", format)
			if code != 1 || !strings.Contains(errOut, "no embedded store file chanmap.db") {
				t.Errorf("exit %d, stderr %q; want exit 1 saying there is no store file", code, errOut)
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("export left %v behind", entries)
			}
		})
	}
}

// silentServer accepts connections and never answers, like a Neo4j that
// is overloaded; it returns its bolt:// URI.
func silentServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "bolt://" + l.Addr().String()
}

// --neo4j-timeout (or CHANMAP_NEO4J_TIMEOUT) is how long a command waits
// for Neo4j, and the error says which it was; the flag beats the variable.
func TestNeo4jTimeoutFlag(t *testing.T) {
	noStoreEnv(t)
	path, _ := sampleMap(t, "hybrid.yaml")
	uri := silentServer(t)
	t.Setenv("CHANMAP_NEO4J_TIMEOUT", "45s")
	code, _, errOut := runCLI(t, "import", path, "--into", "neo4j", "--neo4j-uri", uri, "--neo4j-timeout", "1500ms")
	if code != 1 || !strings.Contains(errOut, "cannot reach Neo4j") || !strings.Contains(errOut, "one call may take 1.5s") {
		t.Fatalf("exit %d, stderr %q; want exit 1 saying the 1.5s of --neo4j-timeout ran out", code, errOut)
	}
	t.Setenv("CHANMAP_NEO4J_TIMEOUT", "1200ms")
	code, _, errOut = runCLI(t, "export", "x", "--neo4j-uri", uri)
	if code != 1 || !strings.Contains(errOut, "one call may take 1.2s") {
		t.Fatalf("exit %d, stderr %q; want exit 1 saying the 1.2s of CHANMAP_NEO4J_TIMEOUT ran out", code, errOut)
	}
	t.Setenv("CHANMAP_NEO4J_TIMEOUT", "soon")
	if code, _, errOut = runCLI(t, "export", "x", "--neo4j-uri", uri); code != 2 || !strings.Contains(errOut, `CHANMAP_NEO4J_TIMEOUT: "soon" is not a duration`) {
		t.Fatalf("exit %d, stderr %q; want exit 2 naming the variable", code, errOut)
	}
	t.Setenv("CHANMAP_NEO4J_TIMEOUT", "")
	if code, _, errOut = runCLI(t, "import", path, "--into", "embedded", "--db", filepath.Join(t.TempDir(), "x.db"), "--neo4j-timeout", "5m"); code != 2 || !strings.Contains(errOut, "--neo4j-timeout is for Neo4j") {
		t.Fatalf("exit %d, stderr %q; want exit 2: the embedded store has no Neo4j timeout", code, errOut)
	}
}
