package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chanmap/chanmap/render/gvcache"
)

// DefaultLayoutCacheBytes bounds the layouts kept on disk: past it the least
// recently used are removed (a 200-node layout is about 40 KB).
const DefaultLayoutCacheBytes = 32 << 20

// LayoutCacheEnv turns the layout cache on disk off when set to "off" (or
// "0", "false"): for a shared or read-only home directory.
const LayoutCacheEnv = "CHANMAP_LAYOUT_CACHE"

// DefaultLayoutCacheDir is where a process keeps its layouts between runs:
// chanmap/layouts under the user's cache directory, or "" when there is no
// such directory or LayoutCacheEnv turns the cache off.
func DefaultLayoutCacheDir() string {
	switch strings.ToLower(os.Getenv(LayoutCacheEnv)) {
	case "off", "0", "false", "no":
		return ""
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "chanmap", "layouts")
}

// UseLayoutCache keeps the layouts this process makes in dir, a private
// (0700) per-user directory it creates, and reads them back in later
// processes: a map drawn again (another theme, format, footer, or the same
// drawing) is not laid out again. At most maxBytes are kept (0 means
// DefaultLayoutCacheBytes), the least recently used removed first. dir ""
// turns the cache off. Only Graphviz's own layouts (the in-process engine
// and the worker pool) are kept. The CLI turns it on; a server keeps its
// layouts in memory.
func UseLayoutCache(dir string, maxBytes int64) error {
	if dir == "" {
		disk.Store(nil)
		return nil
	}
	if !gvcache.Private(dir) {
		return fmt.Errorf("render: layout cache %s is not a private directory of this user (mode 0700)", dir)
	}
	if maxBytes <= 0 {
		maxBytes = DefaultLayoutCacheBytes
	}
	disk.Store(&diskCache{dir: dir, max: maxBytes})
	return nil
}

// disk is the layout cache on disk, nil when off.
var disk atomic.Pointer[diskCache]

type diskCache struct {
	dir string
	max int64
}

// engineVersion names the Graphviz build that made a layout: a layout kept
// by another version is not used.
var engineVersion = sync.OnceValue(func() string {
	v := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/goccy/go-graphviz" {
				v = d.Version
				if d.Replace != nil {
					v += "=>" + d.Replace.Path + "@" + d.Replace.Version
				}
			}
		}
	}
	return "chanmap-layout 1 go-graphviz " + v
})

// A file holds one layout: a header line with the engine version and the
// SHA-256 of the body, then Graphviz's plain output. A file that does not
// check out (cut short, another version) is a miss and is removed.
func (c *diskCache) path(dot []byte) string {
	h := sha256.New()
	h.Write([]byte(engineVersion()))
	h.Write([]byte{0})
	h.Write(dot)
	return filepath.Join(c.dir, hex.EncodeToString(h.Sum(nil))+".plain")
}

func header(body []byte) string {
	sum := sha256.Sum256(body)
	return engineVersion() + " " + hex.EncodeToString(sum[:]) + "\n"
}

func (c *diskCache) get(dot []byte) ([]byte, bool) {
	p := c.path(dot)
	fi, err := os.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxFrame {
		return nil, false
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	i := bytes.IndexByte(b, '\n')
	if i < 0 || string(b[:i+1]) != header(b[i+1:]) {
		_ = os.Remove(p)
		return nil, false
	}
	now := time.Now()
	_ = os.Chtimes(p, now, now) // recently used
	return b[i+1:], true
}

// put writes the layout beside its place and renames it there, so a reader
// never sees half a file, then trims the cache to its bound. Failures are
// ignored: the cache only saves time.
func (c *diskCache) put(dot, plain []byte) {
	f, err := os.CreateTemp(c.dir, "tmp-*")
	if err != nil {
		return
	}
	_, err = f.WriteString(header(plain))
	if err == nil {
		_, err = f.Write(plain)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), c.path(dot))
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return
	}
	c.trim()
}

// trim removes the least recently used layouts while the cache holds more
// than its bound, down to three quarters of it.
func (c *diskCache) trim() {
	ents, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	type file struct {
		name string
		size int64
		used time.Time
	}
	var files []file
	var total int64
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".plain") {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		files = append(files, file{e.Name(), fi.Size(), fi.ModTime()})
		total += fi.Size()
	}
	if total <= c.max {
		return
	}
	slices.SortFunc(files, func(a, b file) int { return a.used.Compare(b.used) })
	for _, f := range files {
		if total <= c.max*3/4 {
			break
		}
		if os.Remove(filepath.Join(c.dir, f.name)) == nil {
			total -= f.size
		}
	}
}
