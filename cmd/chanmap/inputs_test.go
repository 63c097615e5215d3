package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A device given as an input file (/dev/urandom as a workbook, /dev/zero as
// a table or a map) is refused at once with a clear message; nothing is
// written.
func TestDeviceInputsAreRefused(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ dev, name string }{
		{"/dev/urandom", "book.xlsx"},
		{"/dev/zero", "nodes.csv"},
		{"/dev/zero", "map.yaml"},
	} {
		if _, err := os.Stat(tc.dev); err != nil {
			t.Skipf("no %s here", tc.dev)
		}
		in := filepath.Join(dir, tc.name)
		if err := os.Symlink(tc.dev, in); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "out.yaml")
		code, _, stderr := runCLI(t, "import", in, "-o", out)
		if code != 1 || !strings.Contains(stderr, "is a device") {
			t.Errorf("import %s (%s): exit %d, stderr %q; want 1 and \"is a device\"", tc.name, tc.dev, code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("import %s wrote %s", tc.name, out)
		}
	}
	code, _, stderr := runCLI(t, "validate", filepath.Join(dir, "map.yaml"))
	if code != 1 || !strings.Contains(stderr, "is a device") {
		t.Errorf("validate of a device: exit %d, stderr %q", code, stderr)
	}
}
