package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// industrialMap is absolute, so tests may change directory.
var industrialMap, _ = filepath.Abs("../../testdata/maps/industrial.yaml")

// writers are the commands that write -o, each with a file name it writes.
var writers = []struct {
	name string
	args func(out string) []string
	ext  string
}{
	{"render", func(o string) []string { return []string{"render", industrialMap, "--format", "dot", "-o", o} }, ".dot"},
	{"import", func(o string) []string { return []string{"import", industrialMap, "-o", o} }, ".yaml"},
	{"export yaml", func(o string) []string { return []string{"export", industrialMap, "--format", "yaml", "-o", o} }, ".yaml"},
	{"export xlsx", func(o string) []string { return []string{"export", industrialMap, "--format", "xlsx", "-o", o} }, ".xlsx"},
}

func TestOutputDashIsStdout(t *testing.T) {
	noStoreEnv(t)
	dir := t.TempDir()
	t.Chdir(dir)
	for _, w := range writers {
		code, stdout, stderr := runCLI(t, w.args("-")...)
		if code != 0 || len(stdout) < 100 {
			t.Errorf("%s -o -: exit %d, %d bytes on stdout, stderr %q", w.name, code, len(stdout), stderr)
		}
		if strings.Contains(stdout, "wrote ") {
			t.Errorf("%s -o -: a message went into the output", w.name)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("-o - created files: %v", ents)
	}
	code, _, stderr := runCLI(t, "export", industrialMap, "--format", "csv", "-o", "-")
	if code != 2 || !strings.Contains(stderr, "two files") {
		t.Errorf("CSV export to -: exit %d, %q; want a usage error", code, stderr)
	}
}

func TestOutputKeepsModeAndSymlinks(t *testing.T) {
	noStoreEnv(t)
	for _, w := range writers {
		dir := t.TempDir()
		// An existing private file stays private.
		priv := filepath.Join(dir, "private"+w.ext)
		if err := os.WriteFile(priv, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := runCLI(t, w.args(priv)...); code != 0 {
			t.Fatalf("%s: exit %d: %s", w.name, code, stderr)
		}
		if fi, err := os.Stat(priv); err != nil || fi.Mode().Perm() != 0o600 || fi.Size() < 100 {
			t.Errorf("%s: an existing 0600 file became %v (%v)", w.name, fi.Mode(), err)
		}
		// A symlink is written through: the link stays, its target changes.
		target := filepath.Join(dir, "target"+w.ext)
		os.WriteFile(target, []byte("old"), 0o640)
		link := filepath.Join(dir, "link"+w.ext)
		if err := os.Symlink("target"+w.ext, link); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := runCLI(t, w.args(link)...); code != 0 {
			t.Fatalf("%s: exit %d: %s", w.name, code, stderr)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s: the symlink was replaced by a file", w.name)
		}
		if fi, err := os.Stat(target); err != nil || fi.Size() < 100 || fi.Mode().Perm() != 0o640 {
			t.Errorf("%s: the symlink's target was not written in place (%v, %v)", w.name, fi, err)
		}
		// A dangling symlink creates its target.
		dangling := filepath.Join(dir, "dangling"+w.ext)
		os.Symlink("new"+w.ext, dangling)
		if code, _, stderr := runCLI(t, w.args(dangling)...); code != 0 {
			t.Fatalf("%s: exit %d: %s", w.name, code, stderr)
		}
		if fi, err := os.Stat(filepath.Join(dir, "new"+w.ext)); err != nil || fi.Size() < 100 {
			t.Errorf("%s: a dangling symlink's target was not created (%v)", w.name, err)
		}
		// No temporary file is left behind.
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") {
				t.Errorf("%s: left %s behind", w.name, e.Name())
			}
		}
	}
}

func TestOutputToDevicesAndFIFOs(t *testing.T) {
	noStoreEnv(t)
	for _, w := range writers {
		dir := t.TempDir()
		// A symlink to /dev/null (a character device) stays one.
		null := filepath.Join(dir, "null"+w.ext)
		if err := os.Symlink(os.DevNull, null); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := runCLI(t, w.args(null)...); code != 0 {
			t.Fatalf("%s -o -> /dev/null: exit %d: %s", w.name, code, stderr)
		}
		if fi, err := os.Stat(null); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			t.Fatalf("%s: the link to /dev/null no longer leads to a device", w.name)
		}
		// A FIFO is written to, not replaced.
		fifo := filepath.Join(dir, "fifo"+w.ext)
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("no FIFOs here: %v", err)
		}
		got := make(chan []byte)
		go func() {
			f, err := os.Open(fifo)
			if err != nil {
				got <- nil
				return
			}
			b, _ := io.ReadAll(f)
			f.Close()
			got <- b
		}()
		if code, _, stderr := runCLI(t, w.args(fifo)...); code != 0 {
			t.Fatalf("%s -o FIFO: exit %d: %s", w.name, code, stderr)
		}
		if b := <-got; len(b) < 100 {
			t.Errorf("%s: the FIFO's reader got %d bytes", w.name, len(b))
		}
		if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("%s: the FIFO was replaced (%v)", w.name, err)
		}
	}
}

func TestOutputMissingDirectoryIsOneError(t *testing.T) {
	noStoreEnv(t)
	dir := t.TempDir()
	var msgs []string
	for _, w := range writers {
		out := filepath.Join(dir, "missing", "out"+w.ext)
		code, _, stderr := runCLI(t, w.args(out)...)
		if code != 1 {
			t.Errorf("%s into a missing directory: exit %d", w.name, code)
		}
		msgs = append(msgs, strings.TrimSpace(stderr))
	}
	want := "the directory " + filepath.Join(dir, "missing") + " does not exist"
	for i, m := range msgs {
		if !strings.Contains(m, want) {
			t.Errorf("%s: %q does not say %q", writers[i].name, m, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing directory was created")
	}
}
