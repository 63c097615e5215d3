package render

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func testPool(t *testing.T, cfg PoolConfig) *Pool {
	t.Helper()
	cfg.Env = append(cfg.Env, testWorkerEnv+"=1")
	p, err := NewPool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func tinyDOT(label string) []byte {
	return []byte(fmt.Sprintf("digraph g {\n a [label=%q];\n a -> b;\n}\n", label))
}

func TestPoolConcurrentLayoutsAreCorrect(t *testing.T) {
	p := testPool(t, PoolConfig{Size: 2, QueueLen: 8})
	want := map[int][]byte{}
	for i := 0; i < 8; i++ {
		out, err := NewInProcess().Layout(context.Background(), tinyDOT(fmt.Sprintf("request %d", i)))
		if err != nil {
			t.Fatal(err)
		}
		want[i] = out
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	got := make([][]byte, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			got[i], errs[i] = p.Layout(context.Background(), tinyDOT(fmt.Sprintf("request %d", i)))
		}(i)
	}
	wg.Wait()
	for i := 0; i < 8; i++ {
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i, errs[i])
		}
		if string(got[i]) != string(want[i]) {
			t.Errorf("request %d: pool layout differs from the in-process layout", i)
		}
		if !strings.Contains(string(got[i]), fmt.Sprintf(`"request %d"`, i)) {
			t.Errorf("request %d: answer does not carry its own label", i)
		}
	}
	if s := p.Stats(); s.Renders != 8 || s.Started != 2 {
		t.Errorf("stats %+v, want 8 renders by 2 workers", s)
	}
}

func TestPoolDeadlineKillsAndReplacesWorker(t *testing.T) {
	// The deadline also bounds the next layout, which starts a new worker
	// (a process that compiles the layout engine): 700 ms was too little
	// for that on a loaded 2-core machine.
	p := testPool(t, PoolConfig{Size: 1, Timeout: 5 * time.Second})
	start := time.Now()
	_, err := p.Layout(context.Background(), []byte("// sleep\ndigraph { a }"))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("hanging layout: got %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("deadline of 5s answered after %s", d)
	}
	out, err := p.Layout(context.Background(), tinyDOT("after"))
	if err != nil {
		t.Fatalf("layout after a timeout: %v", err)
	}
	if !strings.Contains(string(out), " after ") {
		t.Errorf("layout after a timeout returned the wrong layout")
	}
	if s := p.Stats(); s.Timeouts != 1 || s.Started != 2 {
		t.Errorf("stats %+v, want 1 timeout and a second worker started", s)
	}
}

func TestPoolCallerDeadline(t *testing.T) {
	p := testPool(t, PoolConfig{Size: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := p.Layout(ctx, []byte("// sleep\ndigraph { a }"))
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("caller deadline: got %v, want ErrTimeout wrapping DeadlineExceeded", err)
	}
}

func TestPoolFullQueueIsBusy(t *testing.T) {
	p := testPool(t, PoolConfig{Size: 1, QueueLen: 1, Timeout: 20 * time.Second})
	errs := make(chan error, 2)
	go func() { _, err := p.Layout(context.Background(), []byte("// sleep\ndigraph { a }")); errs <- err }()
	waitFor(t, func() bool { return len(p.queue) == 0 && p.Stats().Started == 1 }, "first request taken by the worker")
	time.Sleep(50 * time.Millisecond)
	go func() { _, err := p.Layout(context.Background(), []byte("// sleep\ndigraph { b }")); errs <- err }()
	waitFor(t, func() bool { return len(p.queue) == 1 }, "second request queued")
	start := time.Now()
	_, err := p.Layout(context.Background(), tinyDOT("third"))
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("third request: got %v, want ErrBusy", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("ErrBusy took %s; it must answer at once", d)
	}
	p.Close()
	for i := 0; i < 2; i++ {
		select {
		case err := <-errs:
			if !errors.Is(err, ErrClosed) {
				t.Errorf("request waiting at Close: got %v, want ErrClosed", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Close left a request waiting")
		}
	}
	if _, err := p.Layout(context.Background(), tinyDOT("x")); !errors.Is(err, ErrClosed) {
		t.Errorf("layout after Close: got %v, want ErrClosed", err)
	}
}

func TestPoolRecyclesWorkers(t *testing.T) {
	p := testPool(t, PoolConfig{Size: 1, MaxRenders: 3})
	for i := 0; i < 7; i++ {
		out, err := p.Layout(context.Background(), tinyDOT(fmt.Sprintf("r%d", i)))
		if err != nil {
			t.Fatalf("render %d: %v", i, err)
		}
		if !strings.Contains(string(out), fmt.Sprintf(" r%d ", i)) {
			t.Fatalf("render %d: wrong layout", i)
		}
	}
	if s := p.Stats(); s.Recycled != 2 || s.Started != 3 || s.Renders != 7 {
		t.Errorf("stats %+v, want 7 renders, 2 recycled, 3 started", s)
	}
}

func TestPoolCrashedWorkerIsReplaced(t *testing.T) {
	p := testPool(t, PoolConfig{Size: 1})
	_, err := p.Layout(context.Background(), []byte("// crash\ndigraph { a }"))
	if !errors.Is(err, ErrWorker) {
		t.Fatalf("crash: got %v, want ErrWorker", err)
	}
	if _, err := p.Layout(context.Background(), tinyDOT("fine")); err != nil {
		t.Fatalf("after a crash: %v", err)
	}
	if s := p.Stats(); s.Crashes != 1 || s.Started != 2 {
		t.Errorf("stats %+v, want 1 crash and 2 started", s)
	}
}

func TestPoolBadDOTIsALayoutError(t *testing.T) {
	p := testPool(t, PoolConfig{Size: 1})
	_, err := p.Layout(context.Background(), []byte("digraph { a -> }"))
	if !errors.Is(err, ErrLayout) {
		t.Fatalf("bad DOT: got %v, want ErrLayout", err)
	}
	if s := p.Stats(); s.Crashes != 0 {
		t.Errorf("bad DOT crashed the worker: %+v", s)
	}
}

func TestNewPoolMissingExecutable(t *testing.T) {
	if _, err := NewPool(PoolConfig{Executable: "/nonexistent/chanmap"}); err == nil {
		t.Fatal("NewPool with a missing executable succeeded")
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestInProcessConcurrentLayoutsAreCorrect(t *testing.T) {
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			out, err := NewInProcess().Layout(context.Background(), tinyDOT(fmt.Sprintf("request %d", i)))
			if err == nil && !strings.Contains(string(out), fmt.Sprintf(`"request %d"`, i)) {
				err = fmt.Errorf("answer lacks its own label")
			}
			errs[i] = err
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("request %d: %v", i, err)
		}
	}
}
