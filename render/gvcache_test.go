package render

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/chanmap/chanmap/render/gvcache"
)

// The layout engine's compile cache is private to the user (0700 under the
// user's cache directory), and the process's TMPDIR is left as it was.
func TestCompileCacheIsPrivate(t *testing.T) {
	if _, err := NewInProcess().Layout(context.Background(), []byte("digraph { a -> b }")); err != nil {
		t.Fatal(err)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		if gvcache.Dir != "" {
			t.Fatalf("no user cache directory, yet the cache is at %s", gvcache.Dir)
		}
		t.Skip("no user cache directory: the engine runs without a compile cache")
	}
	if !strings.HasPrefix(gvcache.Dir, base) {
		t.Fatalf("compile cache at %q, want it under %s", gvcache.Dir, base)
	}
	fi, err := os.Stat(gvcache.Dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("compile cache %s: %v, mode %v; want 0700", gvcache.Dir, err, fi.Mode().Perm())
	}
	if ents, _ := os.ReadDir(filepath.Join(gvcache.Dir, "go-graphviz")); len(ents) == 0 {
		t.Error("the engine wrote no compiled code to the private cache")
	}
	if os.TempDir() == gvcache.Dir {
		t.Error("TMPDIR was left pointing at the compile cache")
	}
}

// A second user lays out on the same machine (the test runs itself as
// nobody where it can: as root, with the test binary readable by others).
func TestAnotherUserLaysOut(t *testing.T) {
	if os.Getenv("CHANMAP_GVCACHE_CHILD") == "1" {
		if _, err := NewInProcess().Layout(context.Background(), []byte("digraph { a -> b }")); err != nil {
			t.Fatal(err)
		}
		return
	}
	if os.Getuid() != 0 {
		t.Skip("needs root to run as a second user")
	}
	dir, err := os.MkdirTemp("", "chanmap-gvcache-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	bin, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	exe, home := filepath.Join(dir, "render.test"), filepath.Join(dir, "home")
	if err := os.WriteFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(home, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, home} {
		if err := os.Chmod(p, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(exe, "-test.run=^TestAnotherUserLaysOut$", "-test.count=1")
	cmd.Dir = home
	cmd.Env = append(os.Environ(), "CHANMAP_GVCACHE_CHILD=1", "HOME="+home, "XDG_CACHE_HOME=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("layout as a second user: %v\n%s", err, out)
	}
	if fi, err := os.Stat(filepath.Join(home, ".cache", "chanmap", "graphviz")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the second user's compile cache: %v", err)
	}
}
