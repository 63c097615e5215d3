package usecase_test

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/embedded"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/graph/usecase"
)

// go test ./graph/usecase -run '^$' -bench Scenario -benchtime 20x
//
// On a 10,000-node map in the embedded store: forking, reading a stale
// scenario's status (two comparisons with figures), and merging a stale
// scenario with one edit on each side (the three-way merge, validation,
// one change set and the drop).

// cpuClock sums the process's CPU time (user and system, every thread)
// over the timed parts of a benchmark, for a figure that a machine loaded
// by other work does not inflate as it does wall time.
type cpuClock struct {
	start, total time.Duration
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (c *cpuClock) Start() { c.start = cpuNow() }
func (c *cpuClock) Stop()  { c.total += cpuNow() - c.start }

// report adds cpu-ms/op to the benchmark's line.
func (c *cpuClock) report(b *testing.B, n int) {
	b.ReportMetric(float64(c.total.Microseconds())/1000/float64(n), "cpu-ms/op")
}

// benchBase stores a generated map of n nodes and returns the store and
// the map.
func benchBase(b *testing.B, n int) (graph.Store, *graph.Map) {
	b.Helper()
	st, err := embedded.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	m := gen.Generate(n, 1)
	if _, err := st.CreateMap(context.Background(), m); err != nil {
		b.Fatal(err)
	}
	m.Version = 1
	return st, m
}

// renameChange renames node id of m (a small edit).
func renameChange(t testing.TB, st graph.Store, mapID, id, name string) {
	t.Helper()
	ctx := context.Background()
	m, err := st.GetMap(ctx, mapID)
	if err != nil {
		t.Fatal(err)
	}
	n := *m.Node(id)
	n.Name = name
	if _, err := st.Apply(ctx, mapID, m.Version, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: id, Node: &n}}}); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkCreateScenario10k(b *testing.B) {
	st, m := benchBase(b, 10000)
	ctx := context.Background()
	i := 0
	var cpu cpuClock
	cpu.Start()
	for b.Loop() {
		i++
		if _, err := usecase.CreateScenario(ctx, st, m.ID, fmt.Sprintf("s%d", i), 0); err != nil {
			b.Fatal(err)
		}
	}
	cpu.Stop()
	cpu.report(b, i)
}

func BenchmarkGetStaleScenario10k(b *testing.B) {
	st, m := benchBase(b, 10000)
	ctx := context.Background()
	if _, err := usecase.CreateScenario(ctx, st, m.ID, "s", 0); err != nil {
		b.Fatal(err)
	}
	renameChange(b, st, usecase.ScenarioID(m.ID, "s"), m.Nodes[1].ID, "in the scenario")
	renameChange(b, st, m.ID, m.Nodes[2].ID, "in the base")
	var cpu cpuClock
	n := 0
	cpu.Start()
	for b.Loop() {
		n++
		s, err := usecase.GetScenario(ctx, st, m.ID, "s")
		if err != nil || !s.Stale {
			b.Fatal(s, err)
		}
	}
	cpu.Stop()
	cpu.report(b, n)
}

func BenchmarkMergeStaleScenario10k(b *testing.B) {
	st, m := benchBase(b, 10000)
	ctx := context.Background()
	i := 0
	var cpu cpuClock
	for b.Loop() {
		b.StopTimer()
		i++
		name := fmt.Sprintf("s%d", i)
		if _, err := usecase.CreateScenario(ctx, st, m.ID, name, 0); err != nil {
			b.Fatal(err)
		}
		renameChange(b, st, usecase.ScenarioID(m.ID, name), m.Nodes[1].ID, "scenario "+name)
		renameChange(b, st, m.ID, m.Nodes[2].ID, "base "+name)
		b.StartTimer()
		cpu.Start()
		res, err := usecase.MergeScenario(ctx, st, m.ID, name, usecase.MergeOptions{})
		cpu.Stop()
		if err != nil || res.Changes != 1 {
			b.Fatal(res, err)
		}
	}
	cpu.report(b, i)
}

func BenchmarkMerge3_10k(b *testing.B) {
	fork := gen.Generate(10000, 1)
	ours, theirs := fork.Clone(), fork.Clone()
	ours.Nodes[1].Name = "in the scenario"
	theirs.Nodes[2].Name = "in the base"
	var cpu cpuClock
	n := 0
	cpu.Start()
	for b.Loop() {
		n++
		if _, c := usecase.Merge3(fork, ours, theirs); len(c) != 0 {
			b.Fatal(c)
		}
	}
	cpu.Stop()
	cpu.report(b, n)
}
