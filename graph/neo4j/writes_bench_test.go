package neo4j

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
)

// BenchmarkElementWritesLarge measures what the API reads and writes for
// POST of an edge and DELETE of a node on the generated map of
// CHANMAP_BENCH_NODES nodes (default 100,000), by a store that holds
// nothing of the map (the first write after a start, or any write to a
// map too big to hold): WholeMap reads the whole map to check the edge is
// new or to find the node's edges, as a map up to api.PatchElementAbove
// nodes is written; Elements reads only the edge, or the node and its
// edges (GetEdge, GetNode, EdgesOf). Like BenchmarkReadsLarge it reports
// p50, client and server CPU per request.
//
//	set -a && eval "$(bash .ci/neo4j-up)" && set +a && go test ./graph/neo4j -run '^$' -bench ElementWritesLarge -benchtime 5x
func BenchmarkElementWritesLarge(b *testing.B) {
	bg := context.Background()
	w := open(b)
	b.Cleanup(func() { w.Close() })
	m := benchMap(b, w, "writes")
	mapID, v := m.ID, m.Version
	// New supplies edges (a distributor to a reseller it does not supply
	// yet) and customers to delete with their edges, each used once.
	keys := map[string]bool{}
	degree := map[string]int{}
	for _, e := range m.Edges {
		keys[e.Key()] = true
		degree[e.From]++
		degree[e.To]++
	}
	var adds []*graph.Edge
	resellers := m.NodesOfKind(graph.KindReseller)
	for _, d := range m.NodesOfKind(graph.KindDistributor) {
		for _, r := range resellers {
			if e := (&graph.Edge{From: d, To: r, Kind: graph.EdgeSupplies}); !keys[e.Key()] && len(adds) < 100 {
				adds = append(adds, e)
			}
		}
		if len(adds) == 100 {
			break
		}
	}
	var dels []string
	for _, c := range m.NodesOfKind(graph.KindCustomer) {
		if len(dels) < 100 && degree[c] > 0 {
			dels = append(dels, c)
		}
	}
	m = nil
	whole := func() (*graph.Map, error) {
		w.forget(mapID)
		return w.GetMap(bg, mapID)
	}
	apply := func(cs graph.ChangeSet) error {
		var err error
		v, err = w.Apply(bg, mapID, v, cs)
		return err
	}
	next := 0
	add := func(elements bool) error {
		e := adds[next]
		next++
		if elements {
			w.forget(mapID)
			if x, _, err := w.GetEdge(bg, mapID, e.Key()); err != nil || x != nil {
				return fmt.Errorf("GetEdge(%s): %v, %v", e.Key(), x, err)
			}
		} else {
			m, err := whole()
			if err != nil || m.Edge(e.Key()) != nil {
				return fmt.Errorf("edge %s: %v", e.Key(), err)
			}
		}
		return apply(graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpAddEdge, Edge: e}}})
	}
	gone := 0
	del := func(elements bool) error {
		id := dels[gone]
		gone++
		if !elements {
			m, err := whole()
			if err != nil || m.Node(id) == nil {
				return fmt.Errorf("node %s: %v", id, err)
			}
			return apply(graph.DeleteNodeCascade(m, id))
		}
		w.forget(mapID)
		if n, _, err := w.GetNode(bg, mapID, id); err != nil || n == nil {
			return fmt.Errorf("GetNode(%s): %v, %v", id, n, err)
		}
		es, _, err := w.EdgesOf(bg, mapID, id)
		if err != nil {
			return err
		}
		return apply(graph.DeleteNodeWith(id, es))
	}
	for _, c := range []struct {
		name string
		op   func(elements bool) error
	}{{"AddEdge", add}, {"DeleteNode", del}} {
		for _, elements := range []bool{false, true} {
			name := c.name + "/WholeMap"
			if elements {
				name = c.name + "/Elements"
			}
			b.Run(name, func(b *testing.B) {
				var times []time.Duration
				cpu, srv := cpuTime(), serverCPU()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					t0 := time.Now()
					if err := c.op(elements); err != nil {
						b.Fatal(err)
					}
					times = append(times, time.Since(t0))
				}
				b.StopTimer()
				reportTimes(b, times, cpu, srv)
			})
		}
	}
}
