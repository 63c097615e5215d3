package analysis

import (
	"cmp"
	"slices"

	"github.com/chanmap/chanmap/graph"
)

// node is what the analysis reads of a map's node: the node fields of
// Reads, without free attributes, in about half the bytes of a
// graph.Node (160 against 288, and scores and quality as lists, not
// maps), so that a million-node map streamed into a Builder is held in
// its analysis's size, not the map's. The field names are graph.Node's.
type node struct {
	ID, Name, Market  string
	Kind              graph.NodeKind
	Customers         *float64
	Revenue           *float64
	CostToServe       *float64
	GrossMargin       *float64
	ReplacementMonths *float64
	Tier              *int
	Prefers           []string
	Scores, Quality   figures
}

// figures are a node's scores or quality criteria: a list of names and
// values sorted by name, about half the bytes of the same in a map.
type figures []namedValue

type namedValue struct {
	name  string
	value float64
}

func figuresOf(m map[string]float64) figures {
	if len(m) == 0 {
		return nil
	}
	fs := make(figures, 0, len(m))
	for k, v := range m {
		fs = append(fs, namedValue{k, v})
	}
	slices.SortFunc(fs, func(a, b namedValue) int { return cmp.Compare(a.name, b.name) })
	return fs
}

// get is the value named name, false when there is none.
func (fs figures) get(name string) (float64, bool) {
	for _, f := range fs {
		if f.name == name {
			return f.value, true
		}
	}
	return 0, false
}

// slimNode is the part of n the analysis reads; it shares n's values
// but its scores and quality.
func slimNode(n *graph.Node) *node {
	return &node{
		ID: n.ID, Name: n.Name, Market: n.Market, Kind: n.Kind,
		Customers: n.Customers, Revenue: n.Revenue, CostToServe: n.CostToServe,
		GrossMargin: n.GrossMargin, ReplacementMonths: n.ReplacementMonths, Tier: n.Tier,
		Prefers: n.Prefers, Scores: figuresOf(n.Scores), Quality: figuresOf(n.Quality),
	}
}
