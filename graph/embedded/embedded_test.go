package embedded

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/graph/storetest"
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "chanmap.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store { return openTemp(t) })
	storetest.RunLarge(t, func(t *testing.T) graph.Store { return openTemp(t) })
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) graph.Store { return openTemp(b) })
}

// The crash test re-runs this test binary as a child that writes to the
// store until it is killed; these variables tell the child what to do.
const (
	envCrashChild = "CHANMAP_EMBEDDED_CRASH_CHILD" // store path: write change sets forever
	envOpenChild  = "CHANMAP_EMBEDDED_OPEN_CHILD"  // store path: try to open it once
	crashMap      = "crash-test"
)

// TestChildProcess is the child's body; it does nothing in a normal run.
func TestChildProcess(t *testing.T) {
	if path := os.Getenv(envOpenChild); path != "" {
		_, err := Open(path)
		fmt.Printf("open error: %v\n", err)
		return
	}
	path := os.Getenv(envCrashChild)
	if path == "" {
		t.Skip("only runs as the child of TestCrashSafety / TestSecondProcessIsRefused")
	}
	s, err := Open(path)
	if err != nil {
		fmt.Printf("child: %v\n", err)
		os.Exit(3)
	}
	ctx := graph.WithWriteInfo(context.Background(), graph.WriteInfo{Author: "crash-child", Message: "add a reseller"})
	m, err := s.GetMap(ctx, crashMap)
	if errors.Is(err, graph.ErrNotFound) {
		m = &graph.Map{ID: crashMap, Title: "Crash test", Nodes: []*graph.Node{{ID: "co", Kind: graph.KindCompany, Name: "Company"}}}
		if _, err := s.CreateMap(ctx, m); err != nil {
			fmt.Printf("child: %v\n", err)
			os.Exit(3)
		}
		m.Version = 1
	} else if err != nil {
		fmt.Printf("child: %v\n", err)
		os.Exit(3)
	}
	v := m.Version
	for {
		id := fmt.Sprintf("r%d", v+1)
		cs := graph.ChangeSet{Changes: []graph.Change{
			{Op: graph.OpAddNode, Node: &graph.Node{ID: id, Kind: graph.KindReseller, Name: "Reseller " + id, Description: strings.Repeat("x", 200)}},
			{Op: graph.OpAddEdge, Edge: &graph.Edge{From: "co", To: id, Kind: graph.EdgeSupplies, Delivery: "freight"}},
		}}
		nv, err := s.Apply(ctx, crashMap, v, cs)
		if err != nil {
			fmt.Printf("child: %v\n", err)
			os.Exit(3)
		}
		// Acknowledged: the transaction is committed and fsync'd.
		fmt.Printf("ack %d %s\n", nv, id)
		v = nv
	}
}

// TestCrashSafety kills a writing child process with SIGKILL at random
// points, then checks that every acknowledged write is in the file and that
// bbolt's consistency check passes.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	acked := map[string]int64{} // node id -> version that acknowledged it
	var last int64
	for round := 0; round < 5; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$")
		cmd.Env = append(os.Environ(), envCrashChild+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Wait for the first ack, then kill at a random moment.
		delay := time.Duration(20+rng.IntN(300)) * time.Millisecond
		var timer <-chan time.Time
		deadline := time.After(30 * time.Second)
		killed := false
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				var v int64
				var id string
				if _, err := fmt.Sscanf(l, "ack %d %s", &v, &id); err != nil {
					t.Fatalf("round %d: child said %q", round, l)
				}
				acked[id], last = v, v
				if timer == nil {
					timer = time.After(delay)
				}
			case <-timer:
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
				timer = nil
			case <-deadline:
				cmd.Process.Signal(syscall.SIGKILL)
				t.Fatalf("round %d: the child acknowledged nothing in 30 s", round)
			}
		}
		cmd.Wait()
		if !killed {
			t.Fatalf("round %d: the child ended by itself: %v", round, cmd.ProcessState)
		}
		t.Logf("round %d: killed after %v, last acknowledged version %d", round, delay, last)
	}

	s, err := Open(path)
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer s.Close()
	if err := s.Check(); err != nil {
		t.Fatalf("the file is corrupt after SIGKILL: %v", err)
	}
	m, err := s.GetMap(context.Background(), crashMap)
	if err != nil {
		t.Fatalf("GetMap after SIGKILL: %v", err)
	}
	if m.Version < last {
		t.Fatalf("version %d is older than the last acknowledged version %d", m.Version, last)
	}
	if err := graph.Validate(m); err != nil {
		t.Fatalf("the map after SIGKILL is invalid: %v", err)
	}
	for id, v := range acked {
		if m.Node(id) == nil || m.Edge(graph.DefaultEdgeID("co", graph.EdgeSupplies, id)) == nil {
			t.Errorf("acknowledged write of version %d (%s) is lost", v, id)
		}
	}
	// Every acknowledged version is in the history: it reads back with its
	// own node and without the next one's, and is listed with its author.
	ctx := context.Background()
	for id, v := range acked {
		past, err := s.GetVersion(ctx, crashMap, v)
		if err != nil {
			t.Fatalf("GetVersion(%d) after SIGKILL: %v", v, err)
		}
		if past.Node(id) == nil || past.Node(fmt.Sprintf("r%d", v+1)) != nil {
			t.Errorf("version %d read back after SIGKILL is not the acknowledged one", v)
		}
	}
	vs, err := s.Versions(ctx, crashMap, 0, graph.MaxVersionPage)
	if err != nil {
		t.Fatal(err)
	}
	for i, vi := range vs {
		if vi.Version != m.Version-int64(i) {
			t.Fatalf("history line %d is version %d, want %d: a version is missing", i, vi.Version, m.Version-int64(i))
		}
		if vi.Version > 1 && vi.Author != "crash-child" {
			t.Errorf("version %d has author %q, want crash-child", vi.Version, vi.Author)
		}
	}
	t.Logf("%d acknowledged writes over 5 kills, all present and readable as past versions; file checks clean", len(acked))
}

// TestSecondProcessIsRefused: while this process holds the file, another
// process gets a clear "in use" error instead of waiting forever.
func TestSecondProcessIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "held.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestChildProcess$")
	cmd.Env = append(os.Environ(), envOpenChild+"="+path)
	out, err := cmd.Output()
	if ctx.Err() != nil {
		t.Fatalf("the second process hung on the locked file")
	}
	want := "open error: database file " + path + " is in use by another process"
	if !strings.Contains(string(out), want) {
		t.Fatalf("second process said %q (err %v), want it to contain %q", out, err, want)
	}
}

func TestOpenInUseWrapsUnavailable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "held.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// bbolt's flock is per open file, so a second open in this process is
	// refused too.
	_, err = Open(path, WithLockTimeout(100*time.Millisecond))
	if !errors.Is(err, graph.ErrUnavailable) {
		t.Fatalf("second Open: err = %v, want ErrUnavailable", err)
	}
}

func TestOpenBadPath(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(filepath.Join(dir, "no", "such", "dir", "x.db"))
	if err == nil || !strings.Contains(err.Error(), "x.db") {
		t.Fatalf("Open in a missing directory: err = %v, want an error naming the file", err)
	}
	// A file that is not a bbolt database.
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a database ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(junk); err == nil || !strings.Contains(err.Error(), "junk.db") {
		t.Fatalf("Open of a junk file: err = %v, want an error naming the file", err)
	}
}

// BenchmarkSnapshotUncached decodes a 10k-node map from the file, bypassing
// the snapshot cache (what the first read after Open costs).
func BenchmarkSnapshotUncached(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	m := gen.Generate(10000, 7)
	if _, err := s.CreateMap(context.Background(), m); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.forget(m.ID)
		if _, err := s.GetMap(context.Background(), m.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHistoryGrowth applies 1,000 small change sets to a 10k-node map
// and reports how much the file grew (MB/1000edits) and how long reading
// version 1 takes afterwards (the loop body).
func BenchmarkHistoryGrowth(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	ctx := context.Background()
	m := gen.Generate(10000, 7)
	if _, err := s.CreateMap(ctx, m); err != nil {
		b.Fatal(err)
	}
	size := func() int64 {
		var n int64
		if err := s.db.View(func(tx *bolt.Tx) error { n = tx.Size(); return nil }); err != nil {
			b.Fatal(err)
		}
		return n
	}
	before := size()
	seg := m.Node(m.NodesOfKind(graph.KindSegment)[0])
	v := int64(1)
	for i := 0; i < 1000; i++ {
		n := *seg
		n.Name = fmt.Sprintf("renamed %d", i)
		var err error
		if v, err = s.Apply(ctx, m.ID, v, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: n.ID, Node: &n}}}); err != nil {
			b.Fatal(err)
		}
	}
	grown := float64(size()-before) / (1 << 20)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.GetVersion(ctx, m.ID, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(grown, "MB/1000edits")
}

// BenchmarkSmallChange10000 is one small change set on a 10k-node map,
// history included (the store's own benchmark, alone).
func BenchmarkSmallChange10000(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	ctx := context.Background()
	m := gen.Generate(10000, 7)
	if _, err := s.CreateMap(ctx, m); err != nil {
		b.Fatal(err)
	}
	seg := m.Node(m.NodesOfKind(graph.KindSegment)[0])
	v := int64(1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := *seg
		n.Name = fmt.Sprintf("renamed %d", i)
		var err error
		if v, err = s.Apply(ctx, m.ID, v, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: n.ID, Node: &n}}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportLarge imports a generated 100,000-node map
// (CHANMAP_BENCH_MILLION=1: 1,000,000 nodes): nodes/s and peak RSS.
func BenchmarkImportLarge(b *testing.B) {
	n := 100_000
	if os.Getenv("CHANMAP_BENCH_MILLION") == "1" {
		n = 1_000_000
	}
	s := openTemp(b)
	defer s.Close()
	storetest.BenchImport(b, s, n)
}
