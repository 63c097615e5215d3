package neo4j

import (
	"slices"
	"testing"
)

// TestOrds: positions stay strictly increasing in map order and are reused
// wherever that allows, so a change rewrites few positions.
func TestOrds(t *testing.T) {
	tests := []struct {
		name string
		old  map[string]int64
		next []string
		want []int64
	}{
		{"unchanged", map[string]int64{"a": 0, "b": 1, "c": 2}, []string{"a", "b", "c"}, []int64{0, 1, 2}},
		{"append", map[string]int64{"a": 0, "b": 1}, []string{"a", "b", "c"}, []int64{0, 1, 2}},
		{"delete in the middle keeps the rest", map[string]int64{"a": 0, "b": 1, "c": 2}, []string{"a", "c"}, []int64{0, 2}},
		{"append after a gap never reuses a taken position", map[string]int64{"a": 0, "c": 2}, []string{"a", "c", "d"}, []int64{0, 2, 3}},
		{"replacement in place takes the next free", map[string]int64{"a": 0, "b": 5, "c": 9}, []string{"a", "x", "c"}, []int64{0, 1, 9}},
		{"moved to the front renumbers what follows", map[string]int64{"a": 0, "b": 1, "c": 2}, []string{"c", "a", "b"}, []int64{2, 3, 4}},
		{"empty", map[string]int64{}, nil, []int64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ords(tc.next, func(s string) string { return s }, tc.old)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("ords = %v, want %v", got, tc.want)
			}
		})
	}
}
