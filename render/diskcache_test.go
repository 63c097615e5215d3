package render

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// useDisk turns the layout cache on disk on for one test, in a fresh
// directory, with an empty in-memory cache in front of it.
func useDisk(t *testing.T, maxBytes int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "layouts")
	if err := UseLayoutCache(dir, maxBytes); err != nil {
		t.Fatal(err)
	}
	saved := layouts
	layouts = layoutCache{c: NewCache(64)}
	t.Cleanup(func() {
		_ = UseLayoutCache("", 0)
		layouts = saved
	})
	return dir
}

func plainFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.plain"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A layout made by one process is read back by the next (here: after the
// in-memory cache is emptied) instead of being laid out again; a file that
// does not check out is laid out afresh and replaced.
func TestLayoutsKeptOnDisk(t *testing.T) {
	dir := useDisk(t, 0)
	m := smallMap()
	opt := Options{Detail: true, Page: "none"}
	first, err := Render(context.Background(), NewInProcess(), m, opt, "svg")
	if err != nil {
		t.Fatal(err)
	}
	files := plainFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("%d layouts on disk after one drawing, want 1", len(files))
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("cache directory: %v, mode %v; want 0700", err, fi.Mode().Perm())
	}

	// Move every box down by 10 inches in the kept layout: a drawing that
	// comes out moved was read from disk, not laid out.
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	body := b[bytes.IndexByte(b, '\n')+1:]
	f := strings.Fields(string(body[:bytes.IndexByte(body, '\n')]))
	moved := bytes.Replace(body, []byte(strings.Join(f, " ")), []byte(strings.Join([]string{f[0], f[1], f[2], "20.5"}, " ")), 1)
	if err := os.WriteFile(files[0], append([]byte(header(moved)), moved...), 0o600); err != nil {
		t.Fatal(err)
	}
	layouts = layoutCache{c: NewCache(64)}
	again, err := Render(context.Background(), NewInProcess(), m, opt, "svg")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(first, again) {
		t.Fatal("the second process laid the map out again instead of reading its layout from disk")
	}

	// A file cut short is a miss: laid out again, the same drawing as the
	// first, and the file replaced by a good one.
	if err := os.WriteFile(files[0], b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	layouts = layoutCache{c: NewCache(64)}
	third, err := Render(context.Background(), NewInProcess(), m, opt, "svg")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, third) {
		t.Error("a damaged layout on disk changed the drawing")
	}
	if got, err := os.ReadFile(files[0]); err != nil || !bytes.Equal(got, b) {
		t.Errorf("the damaged layout was not replaced: %v", err)
	}
}

// The cache stays within its bound, keeping the most recently used.
func TestLayoutCacheOnDiskIsBounded(t *testing.T) {
	m := smallMap()
	probe := useDisk(t, 0)
	if _, err := Render(context.Background(), NewInProcess(), m, Options{Detail: true, Page: "none"}, "svg"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(plainFiles(t, probe)[0])
	if err != nil {
		t.Fatal(err)
	}
	// Room for one layout of this size and a half.
	dir := useDisk(t, fi.Size()*3/2)
	for _, view := range []View{ViewFull, ViewSupply, ViewSupport} {
		if _, err := Render(context.Background(), NewInProcess(), m, Options{View: view, Detail: true, Page: "none"}, "svg"); err != nil {
			t.Fatal(err)
		}
	}
	var total int64
	for _, f := range plainFiles(t, dir) {
		if fi, err := os.Stat(f); err == nil {
			total += fi.Size()
		}
	}
	if n := len(plainFiles(t, dir)); n == 0 || total > fi.Size()*3/2 {
		t.Errorf("%d layouts, %d bytes on disk; want at least one and at most %d bytes", n, total, fi.Size()*3/2)
	}
}

// The cache is off when asked, and refuses a directory others can read.
func TestLayoutCacheOptOut(t *testing.T) {
	t.Setenv(LayoutCacheEnv, "off")
	if d := DefaultLayoutCacheDir(); d != "" {
		t.Errorf("%s=off still gives %q", LayoutCacheEnv, d)
	}
	open := filepath.Join(t.TempDir(), "open")
	if err := os.Mkdir(open, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := UseLayoutCache(open, 0); err == nil {
		_ = UseLayoutCache("", 0)
		t.Error("a directory others can read was accepted for the layout cache")
	}
}
