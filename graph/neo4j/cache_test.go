package neo4j

import (
	"fmt"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

// TestCacheBudget checks that the snapshot cache keeps its maps within
// maxCachedElements nodes and edges together and maxCached maps, and
// never holds a map bigger than the budget (a million-node map is read
// for each answer that needs all of it instead of staying in memory).
func TestCacheBudget(t *testing.T) {
	sized := func(id string, v int64, elements int) *snap {
		m := &graph.Map{ID: id, Version: v, Nodes: make([]*graph.Node, elements/2), Edges: make([]*graph.Edge, elements-elements/2)}
		return &snap{m: m}
	}
	held := func(s *Store) (n, elements int) {
		for _, c := range s.cache {
			n++
			elements += c.size()
		}
		return n, elements
	}
	s := &Store{cache: map[string]*snap{}}
	s.remember(sized("huge", 1, maxCachedElements+1))
	if s.cached("huge", 1, false) != nil {
		t.Fatal("a map bigger than the budget was kept")
	}
	third := maxCachedElements / 3
	for i := range 3 {
		s.remember(sized(fmt.Sprint("m", i), 1, third))
	}
	if n, el := held(s); n != 3 || el > maxCachedElements {
		t.Fatalf("three maps of a third of the budget: %d held, %d elements", n, el)
	}
	s.remember(sized("m3", 1, third))
	if n, el := held(s); n != 3 || el > maxCachedElements || s.cached("m3", 1, false) == nil {
		t.Fatalf("a fourth map: %d held, %d elements, m3 held: %v; want 3 within %d, m3 among them", n, el, s.cached("m3", 1, false) != nil, maxCachedElements)
	}
	// A new version of a held map replaces it without evicting others.
	s.remember(sized("m3", 2, third))
	if n, _ := held(s); n != 3 || s.cached("m3", 2, false) == nil {
		t.Fatalf("a new version of a held map: %d held", n)
	}
	// A held map grown past the budget is dropped, not kept stale.
	s.remember(sized("m3", 3, maxCachedElements+1))
	if s.cached("m3", 2, false) != nil || s.cached("m3", 3, false) != nil {
		t.Fatal("a map grown past the budget is still held")
	}
	// Many small maps: at most maxCached.
	for i := range 2 * maxCached {
		s.remember(sized(fmt.Sprint("small", i), 1, 10))
	}
	if n, _ := held(s); n != maxCached {
		t.Fatalf("%d small maps held, want %d", n, maxCached)
	}
}

// TestKeyEnds checks every split of a default edge key, node ids with
// "--" in them included: an edge is looked for between each pair.
func TestKeyEnds(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want [][2]string
	}{
		{"acme--supplies--nordic", [][2]string{{"acme", "nordic"}}},
		{"a--b--supplies--c", [][2]string{{"a--b", "c"}}},
		{"a--supplies--b--supplies--c", [][2]string{{"a", "b--supplies--c"}, {"a--supplies--b", "c"}}},
		{"x--uses--y", [][2]string{{"x", "y"}}},
		{"hydro-food", nil},
		{"--supplies--c", nil},
	} {
		if got := keyEnds(tc.key); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("keyEnds(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
}
