package render

import (
	"container/list"
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

// CacheKey is a content hash of everything that decides a diagram: the whole
// map (its version included), the options (the overlay included, with
// defaults filled in so that equivalent options share a key) and the format
// ("svg", "pdf", "png", "dot"). It is also a good ETag.
func CacheKey(m *graph.Map, opt Options, format string) (string, error) {
	if n, err := Normalise(m, opt); err == nil {
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
