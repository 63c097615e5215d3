// Package testdata holds chanmap's sample channel maps, embedded so that
// tests and the server can use them without knowing where the files are:
// industrial (a distributor -> reseller chain for pumps), hybrid (direct web
// shop, field sales, marketplace, distributors, service network, all five
// markets) and generated-1000 (graph/gen's output for 1,000 nodes, seed 1).
package testdata

import (
	"embed"
	"sort"
	"strings"
)

//go:embed maps/*.yaml
var maps embed.FS

// Sample returns the bytes of testdata/maps/NAME.yaml, or nil when there is
// no such sample.
func Sample(name string) []byte {
	if name == "" || strings.ContainsAny(name, "/\\") {
		return nil
	}
	b, err := maps.ReadFile("maps/" + name + ".yaml")
	if err != nil {
		return nil
	}
	return b
}

// Names lists the samples, sorted.
func Names() []string {
	ents, err := maps.ReadDir("maps")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
