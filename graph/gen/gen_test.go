package gen

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
)

var update = flag.Bool("update", false, "rewrite testdata/maps/generated-1000.yaml from the generator")

const committed = "../../testdata/maps/generated-1000.yaml"

// The committed sample is exactly what the generator writes, so benchmarks
// on the file and on Generate measure the same map.
func TestCommittedSampleMatchesGenerator(t *testing.T) {
	var buf bytes.Buffer
	if err := mapio.WriteYAML(&buf, Generate(1000, 1)); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(committed, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(committed)
	if err != nil {
		t.Fatalf("%v (run go test ./graph/gen -update)", err)
	}
	if !bytes.Equal(got, buf.Bytes()) {
		t.Fatalf("%s differs from Generate(1000, 1); run go test ./graph/gen -update", filepath.Base(committed))
	}
}

func TestGenerateIsValidAndSized(t *testing.T) {
	for _, n := range []int{25, 100, 1000, 5000} {
		m := Generate(n, 7)
		if err := graph.Validate(m); err != nil {
			t.Fatalf("Generate(%d): %v", n, err)
		}
		if len(m.Nodes) != n {
			t.Errorf("Generate(%d) has %d nodes", n, len(m.Nodes))
		}
		kinds := map[graph.NodeKind]int{}
		for _, nd := range m.Nodes {
			kinds[nd.Kind]++
		}
		for _, k := range graph.NodeKinds {
			if kinds[k] == 0 {
				t.Errorf("Generate(%d) has no %s", n, k)
			}
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := Generate(800, 42), Generate(800, 42)
	if !graph.Equal(a, b) {
		t.Fatal("same size and seed gave different maps")
	}
	if graph.Equal(a, Generate(800, 43)) {
		t.Fatal("different seeds gave the same map")
	}
}

// Every reachable generated segment has at least one supply path, and the
// unreachable ones are exactly those without inbound supplies edges.
func TestGeneratedPathsReachSegments(t *testing.T) {
	m := Generate(1000, 1)
	ix := graph.NewIndex(m)
	reached, unreached := 0, 0
	for _, id := range m.NodesOfKind(graph.KindSegment) {
		ps := graph.SupplyPaths(ix, id)
		hasIn := len(ix.InTo(id, graph.EdgeSupplies)) > 0
		if hasIn != (len(ps) > 0) {
			t.Errorf("%s: inbound supplies %v but %d paths", id, hasIn, len(ps))
		}
		if len(ps) > 0 {
			reached++
		} else {
			unreached++
		}
	}
	if reached == 0 || unreached == 0 {
		t.Fatalf("want both reached and unreached segments, got %d and %d", reached, unreached)
	}
}

func BenchmarkGenerate1000(b *testing.B) {
	for b.Loop() {
		Generate(1000, 1)
	}
}
