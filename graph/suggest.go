package graph

import (
	"sort"
	"strings"
)

// This file suggests what a user probably meant: the known field nearest to
// an unknown key (revnue -> revenue) and the known ids nearest to an unknown
// id, by edit distance.

// EditDistance is the Levenshtein distance between a and b: the fewest
// insertions, deletions and substitutions of one rune that turn a into b.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// MaxSuggestDistance is the largest edit distance at which a known field or
// id is suggested for an unknown one.
const MaxSuggestDistance = 2

// nearestField returns the known field nearest to key, or "" when none is
// within MaxSuggestDistance and closer than half its length (so a short
// attribute like "age" is not taken for "tags").
func nearestField(key string, fields []string) string {
	k := strings.ToLower(key)
	best, bestD := "", MaxSuggestDistance+1
	for _, f := range fields {
		if f == "id" || f == "attrs" {
			continue
		}
		d := EditDistance(k, f)
		if d < bestD && 2*d < len(f) {
			best, bestD = f, d
		}
	}
	if best == key {
		return ""
	}
	return best
}

// DidYouMeanField is ": did you mean FIELD?" for a key near a known field,
// else "".
func DidYouMeanField(key string, fields []string) string {
	if f := nearestField(key, fields); f != "" {
		return "; did you mean " + f + "?"
	}
	return ""
}

// Nearest returns up to n of the known ids nearest to id by edit distance,
// nearest first (ties by id): those within MaxSuggestDistance, else those
// that contain id or that id contains. An empty result means nothing is
// close.
func Nearest(id string, known []string, n int) []string {
	type cand struct {
		id string
		d  int
	}
	var cs []cand
	for _, k := range known {
		if k == id {
			continue
		}
		d := EditDistance(id, k)
		if d <= MaxSuggestDistance || (id != "" && (strings.Contains(k, id) || strings.Contains(id, k))) {
			cs = append(cs, cand{k, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].id < cs[j].id
	})
	var out []string
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].id)
	}
	return out
}

// DidYouMean is the end of a message about an unknown id: "; did you mean
// a or b?" naming the nearest known ids, or "" when none is near.
func DidYouMean(id string, known []string) string {
	near := Nearest(id, known, 3)
	if len(near) == 0 {
		return ""
	}
	return "; did you mean " + strings.Join(near, " or ") + "?"
}
