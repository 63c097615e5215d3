package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A stored map's analysis, read from the fields the analysis needs, prints
// what the analysis of the map file prints: the report, its JSON, and the
// what-if of a lost partner.
func TestAnalyzeStoredMap(t *testing.T) {
	path := writeAnalyzeMap(t, analyzeMapFile)
	db := filepath.Join(t.TempDir(), "a.db")
	if code, _, errOut := runCLI(t, "import", path, "--into", "embedded", "--db", db); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	for _, extra := range [][]string{nil, {"--json"}, {"--without", "nordic"}, {"--without", "nordic", "--json", "--fixed-costs"}} {
		code, fromFile, errOut := runCLI(t, append([]string{"analyze", path}, extra...)...)
		if code != 0 {
			t.Fatalf("analyze %s %v: %s", path, extra, errOut)
		}
		code, fromStore, errOut := runCLI(t, append([]string{"analyze", "acme-pumps", "--db", db}, extra...)...)
		if code != 0 {
			t.Fatalf("analyze acme-pumps %v: %s", extra, errOut)
		}
		if fromStore != fromFile {
			t.Errorf("analyze %v of the stored map:\n%s\nof the file:\n%s", extra, fromStore, fromFile)
		}
	}

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no such map", []string{"analyze", "ghost", "--db", db}, 1, `no map "ghost"`},
		{"no store", []string{"analyze", "acme-pumps", "--db", filepath.Join(t.TempDir(), "none.db")}, 1, "no embedded store file"},
		{"not a partner", []string{"analyze", "acme-pumps", "--db", db, "--without", "farms"}, 1, "farms is a segment, not a partner"},
		{"file and store", []string{"analyze", path, "--db", db}, 2, "is a map file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) || out != "" {
				t.Errorf("exit %d, stderr %q, stdout %q; want exit %d and %q", code, errOut, out, tc.code, tc.want)
			}
		})
	}
}
