package neo4j

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"testing"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/graph/usecase"
)

// BenchmarkAnalyzeLarge measures the analysis of the generated map of
// CHANMAP_BENCH_NODES nodes (default 100,000; CHANMAP_BENCH_MAP keeps it
// between runs, as for BenchmarkReadsLarge), nothing of it cached:
//
//   - Snapshot: the whole map read (GetMap), analysed, the report encoded
//     as JSON, as the API did;
//   - Projection: the same from the projection on the fields the analysis
//     reads (usecase.Analyze), as the API does now;
//   - ProjectionRead: the projection's read alone;
//   - NetRevenueProjection and NetRevenueCypher: one part of the analysis,
//     the net revenue of every segment, from the projection of revenue,
//     share and margin streamed to the client (propagated in topological
//     order) and computed by the server (a sum over the supply paths from a
//     company, each the product of share · (1 − margin) of its edges). The
//     two are checked equal first; the server's is given up after
//     cypherLimit.
//
// Each reports p50, client and server CPU per operation and the peak Go
// heap above what was in use before.
//
//	set -a && eval "$(bash .ci/neo4j-up)" && set +a && go test ./graph/neo4j -run '^$' -bench AnalyzeLarge -benchtime 5x
func BenchmarkAnalyzeLarge(b *testing.B) {
	bg := context.Background()
	w := open(b)
	b.Cleanup(func() { w.Close() })
	mapID := benchMap(b, w, "analyze").ID

	s := open(b)
	defer s.Close()
	run := func(name string, op func() error) {
		b.Run(name, func(b *testing.B) {
			var times []time.Duration
			runtime.GC()
			peak := watchHeap()
			cpu, srv := cpuTime(), serverCPU()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.forget(mapID)
				t0 := time.Now()
				if err := op(); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
			}
			b.StopTimer()
			reportTimes(b, times, cpu, srv)
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
		})
	}
	run("Snapshot", func() error {
		whole, err := s.GetMap(bg, mapID)
		if err != nil {
			return err
		}
		rep, err := analysis.Analyze(whole)
		if err != nil {
			return err
		}
		return json.NewEncoder(io.Discard).Encode(rep)
	})
	run("Projection", func() error {
		a, err := usecase.Analyze(bg, s, mapID, usecase.AnalyzeOptions{})
		if err != nil {
			return err
		}
		return json.NewEncoder(io.Discard).Encode(a.Report)
	})
	run("ProjectionRead", func() error {
		_, err := graph.ReadProjection(bg, s, mapID, usecase.AnalysisReads)
		return err
	})
	run("NetRevenueProjection", func() error {
		_, err := netRevenueProjection(bg, s, mapID)
		return err
	})
	// The server's sum over paths, checked against the projection's first,
	// and given up (not failed) past cypherLimit.
	fromProjection, err := netRevenueProjection(bg, s, mapID)
	if err != nil {
		b.Fatal(err)
	}
	c, cancel := context.WithTimeout(bg, cypherLimit)
	defer cancel()
	t0 := time.Now()
	fromCypher, err := netRevenueCypher(c, s, mapID)
	if err != nil {
		b.Logf("net revenue by segment in Cypher: given up after %v: %v", time.Since(t0).Round(time.Second), err)
		return
	}
	if err := sameFigures(fromCypher, fromProjection); err != nil {
		b.Fatalf("net revenue by segment, Cypher against the projection: %v", err)
	}
	b.Logf("net revenue of %d segments, the same from Cypher and from the projection", len(fromProjection))
	run("NetRevenueCypher", func() error {
		c, cancel := context.WithTimeout(bg, cypherLimit)
		defer cancel()
		_, err := netRevenueCypher(c, s, mapID)
		return err
	})
}

// cypherLimit bounds one run of the server's sum over paths.
const cypherLimit = 10 * time.Minute

// qNetRevenue is the net revenue of every segment with a revenue, summed
// over its supply paths by the server: a path starts at a company and
// passes no other (supplies edges into a company are outside the sums);
// an edge without a share takes an even part of what the given shares into
// its buyer leave; a margin counts on edges into intermediaries only.
var qNetRevenue = "MATCH (s:" + labelNode + " {map: $map}) USING INDEX s:" + labelNode + "(map) WHERE s:Segment AND s.revenue IS NOT NULL " +
	"CALL { WITH s " +
	// Upstream from the segment (anchored at it, so the walk is the
	// segment's own paths), through buyers that are no company, to a
	// company: x is the buyer of each edge r.
	"  MATCH (s) ((x WHERE NOT x:Company)<-[r:SUPPLIES]-())+ (:Company) " +
	"  CALL { WITH r, x " +
	"    UNWIND range(0, size(r) - 1) AS i WITH r[i] AS e, x[i] AS b " +
	"    CALL { WITH e, b " +
	"      OPTIONAL MATCH ()-[q:SUPPLIES]->(b) WHERE e.share IS NULL " +
	"      WITH e, sum(q.share) AS given, count(q) - count(q.share) AS unshared " +
	"      RETURN CASE WHEN e.share IS NOT NULL THEN e.share WHEN given < 1 THEN (1.0 - given) / unshared ELSE 0.0 END AS share } " +
	"    WITH share * (1 - CASE WHEN b.kind IN $intermediaries THEN coalesce(e.margin, 0.0) ELSE 0.0 END) AS w " +
	"    RETURN reduce(p = 1.0, y IN collect(w) | p * y) AS weight } " +
	"  RETURN sum(weight) AS coef } " +
	"RETURN s.id, s.revenue * coef"

// netRevenueCypher runs qNetRevenue.
func netRevenueCypher(ctx context.Context, s *Store, mapID string) (map[string]float64, error) {
	var inter []string
	for _, k := range graph.NodeKinds {
		if k.IsIntermediary() {
			inter = append(inter, string(k))
		}
	}
	out := map[string]float64{}
	err := s.read(ctx, func(tx driver.ManagedTransaction) error {
		res, err := tx.Run(ctx, qNetRevenue, map[string]any{"map": mapID, "intermediaries": inter})
		if err != nil {
			return err
		}
		for res.Next(ctx) {
			id, _ := res.Record().Values[0].(string)
			v, _ := res.Record().Values[1].(float64)
			out[id] = v
		}
		return res.Err()
	})
	return out, err
}

// netRevenueProjection reads the projection of revenue, share and margin
// and adds up what flows into each segment (analysis.SupplyFlows).
func netRevenueProjection(ctx context.Context, s *Store, mapID string) (map[string]float64, error) {
	m, err := graph.ReadProjection(ctx, s, mapID, graph.Projection{Node: []string{"revenue"}, Edge: []string{"share", "margin"}})
	if err != nil {
		return nil, err
	}
	flows, err := analysis.SupplyFlows(m)
	if err != nil {
		return nil, err
	}
	kind := make(map[string]*graph.Node, len(m.Nodes))
	for _, n := range m.Nodes {
		kind[n.ID] = n
	}
	out := map[string]float64{}
	for _, n := range m.Nodes {
		if n.Kind == graph.KindSegment && n.Revenue != nil {
			out[n.ID] = 0
		}
	}
	for _, e := range m.Edges {
		if f, ok := flows[e.Key()]; ok && kind[e.To].Kind == graph.KindSegment {
			out[e.To] += f
		}
	}
	return out, nil
}

// sameFigures says where two sets of figures differ by more than rounding;
// a figure one lacks is 0 (the server returns no row for a segment no
// path reaches).
func sameFigures(a, b map[string]float64) error {
	for _, pair := range [2][2]map[string]float64{{a, b}, {b, a}} {
		for k, x := range pair[0] {
			if y := pair[1][k]; math.Abs(x-y) > 1e-6*max(1, math.Abs(x)) {
				return fmt.Errorf("%s: %v against %v", k, x, y)
			}
		}
	}
	return nil
}
