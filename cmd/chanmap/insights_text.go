package main

import "github.com/chanmap/chanmap/graph/analysis"

// insights writes the findings ranked by money at stake, numbered, each with
// its severity: the section a reader reads first.
func (rw *reportWriter) insights(ins []analysis.Insight) {
	rw.printf("\nFINDINGS (ranked by the money at stake)\n")
	if len(ins) == 0 {
		rw.printf("  No weak spots found.\n")
		return
	}
	for i, in := range ins {
		rw.printf("  %2d. %s [%s]\n", i+1, in.Headline, in.Severity)
	}
}
