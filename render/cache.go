package render

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/chanmap/chanmap/graph"
)

// Cache keeps rendered diagrams, least recently used out first. It is safe
// for concurrent use. Keys come from CacheKey; values are the output bytes,
// which callers must not change.
type Cache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
}

type cacheEntry struct {
	key string
	val []byte
}

// NewCache returns a cache of at most maxEntries diagrams (at least 1).
func NewCache(maxEntries int) *Cache {
	if maxEntries < 1 {
		maxEntries = 1
	}
	return &Cache{max: maxEntries, ll: list.New(), items: map[string]*list.Element{}}
}

// Get returns the cached output for key.
func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*cacheEntry).val, true
	}
	return nil, false
}

// Put stores output under key, evicting the least recently used entry when full.
func (c *Cache) Put(key string, val []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*cacheEntry).val = val
		c.ll.MoveToFront(el)
		return
	}
	c.items[key] = c.ll.PushFront(&cacheEntry{key, val})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
}

// Len returns the number of cached diagrams.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

// CacheKey is a content hash of everything that decides a diagram: the whole
// map (its version included), the options (the overlay included, with
// defaults filled in so that equivalent options share a key) and the format
// ("svg", "png", "dot"). It is also a good ETag.
func CacheKey(m *graph.Map, opt Options, format string) (string, error) {
	if n, err := normalise(m, opt); err == nil {
		opt = n
	}
	h := sha256.New()
	enc := json.NewEncoder(h) // encoding/json sorts map keys: stable
	if err := enc.Encode(struct {
		Format string
		Map    *graph.Map
		Opt    Options
	}{format, m, opt}); err != nil {
		return "", fmt.Errorf("render: hashing map %q: %w", m.ID, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Renderer draws maps through an Engine and remembers the results in a Cache:
// what the server uses. The CLI draws once and needs neither.
type Renderer struct {
	Engine Engine
	Cache  *Cache // nil: no caching
}

// Render returns the map drawn in format "svg", "png" or "dot", from the
// cache when it was drawn before with the same content and options.
func (r *Renderer) Render(ctx context.Context, m *graph.Map, opt Options, format string) ([]byte, error) {
	var key string
	if r.Cache != nil {
		k, err := CacheKey(m, opt, format)
		if err != nil {
			return nil, err
		}
		key = k
		if out, ok := r.Cache.Get(key); ok {
			return out, nil
		}
	}
	var out []byte
	var err error
	switch format {
	case "svg":
		out, err = SVG(ctx, r.Engine, m, opt)
	case "png":
		out, err = PNG(ctx, r.Engine, m, opt)
	case "dot":
		out, err = DOT(m, opt)
	default:
		return nil, fmt.Errorf("%w: unknown format %q (want svg, png or dot)", ErrOptions, format)
	}
	if err != nil {
		return nil, err
	}
	if r.Cache != nil {
		r.Cache.Put(key, out)
	}
	return out, nil
}
