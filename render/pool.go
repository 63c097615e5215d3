package render

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Pool errors. The API answers ErrBusy with 503 and Retry-After, ErrTimeout
// with 504.
var (
	ErrBusy    = errors.New("render: every layout worker is busy and the queue is full")
	ErrTimeout = errors.New("render: layout deadline exceeded")
	ErrClosed  = errors.New("render: layout pool is closed")
	ErrWorker  = errors.New("render: layout worker failed")
)

// PoolConfig configures a Pool. Zero fields take the defaults.
type PoolConfig struct {
	Executable string        // worker program; default os.Executable()
	Args       []string      // its arguments
	Env        []string      // extra environment (KEY=value) for workers
	Size       int           // workers; default runtime.NumCPU()
	QueueLen   int           // requests waiting for a worker; default 16
	Timeout    time.Duration // per request, queueing included; default 20 s
	MaxRenders int           // renders before a worker is replaced; default 200
}

// PoolStats counts what a Pool has done, for tests and metrics.
type PoolStats struct {
	Started  int64 // worker processes started
	Renders  int64 // layouts answered by a worker
	Timeouts int64 // workers killed at the deadline
	Crashes  int64 // workers that died or broke the protocol
	Recycled int64 // workers retired after MaxRenders
}

// Pool lays out DOT in worker subprocesses (see RunWorkerIfRequested), so a
// layout can be stopped at its deadline by killing its process and memory
// that go-graphviz keeps is returned when a worker is recycled. At most Size
// layouts run at once; up to QueueLen more wait; past that Layout answers
// ErrBusy at once. It implements Engine and is safe for concurrent use.
type Pool struct {
	cfg   PoolConfig
	queue chan *job
	ctx   context.Context // cancelled by Close
	stop  context.CancelFunc
	mu    sync.RWMutex // guards closed against sends on queue
	close bool
	wg    sync.WaitGroup

	started, renders, timeouts, crashes, recycled atomic.Int64
}

type job struct {
	ctx context.Context
	dot []byte
	res chan result // buffered: a worker never blocks on a caller gone away
}

type result struct {
	svg []byte
	err error
}

// NewPool starts a pool and its first worker processes.
func NewPool(cfg PoolConfig) (*Pool, error) {
	if cfg.Executable == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("render: finding the worker executable: %w", err)
		}
		cfg.Executable = exe
	}
	if cfg.Size <= 0 {
		cfg.Size = runtime.NumCPU()
	}
	if cfg.QueueLen <= 0 {
		cfg.QueueLen = 16
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	if cfg.MaxRenders <= 0 {
		cfg.MaxRenders = 200
	}
	if _, err := os.Stat(cfg.Executable); err != nil {
		return nil, fmt.Errorf("render: worker executable: %w", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	p := &Pool{cfg: cfg, queue: make(chan *job, cfg.QueueLen), ctx: ctx, stop: stop}
	workers := make([]*worker, cfg.Size)
	for i := range workers {
		workers[i] = &worker{pool: p}
		if err := workers[i].start(); err != nil {
			for _, w := range workers[:i] {
				w.kill()
			}
			stop()
			return nil, err
		}
	}
	for _, w := range workers {
		p.wg.Add(1)
		go p.serve(w)
	}
	return p, nil
}

// Layout implements Engine: it queues the request for a worker and waits for
// the SVG, the deadline (ErrTimeout; the worker is killed and replaced), or
// ctx. A full queue gives ErrBusy without waiting.
func (p *Pool) Layout(ctx context.Context, dot []byte) ([]byte, error) {
	if len(dot) > maxFrame {
		return nil, fmt.Errorf("%w: %d bytes of DOT exceed the %d byte limit", ErrLayout, len(dot), maxFrame)
	}
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	j := &job{ctx: ctx, dot: dot, res: make(chan result, 1)}
	p.mu.RLock()
	if p.close {
		p.mu.RUnlock()
		return nil, ErrClosed
	}
	select {
	case p.queue <- j:
	default:
		p.mu.RUnlock()
		return nil, ErrBusy
	}
	p.mu.RUnlock()
	select {
	case r := <-j.res:
		return r.svg, r.err
	case <-ctx.Done():
		return nil, p.ctxErr(ctx)
	}
}

func (p *Pool) ctxErr(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w (limit %s): %w", ErrTimeout, p.cfg.Timeout, ctx.Err())
	}
	return fmt.Errorf("render: layout abandoned: %w", ctx.Err())
}

// Stats returns what the pool has done so far.
func (p *Pool) Stats() PoolStats {
	return PoolStats{
		Started: p.started.Load(), Renders: p.renders.Load(), Timeouts: p.timeouts.Load(),
		Crashes: p.crashes.Load(), Recycled: p.recycled.Load(),
	}
}

// Close stops every worker (a layout in progress is abandoned with
// ErrClosed) and answers waiting requests with ErrClosed.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.close {
		p.mu.Unlock()
		return nil
	}
	p.close = true
	p.mu.Unlock()
	p.stop()
	p.wg.Wait()
	for {
		select {
		case j := <-p.queue:
			j.res <- result{err: ErrClosed}
		default:
			return nil
		}
	}
}

func (p *Pool) serve(w *worker) {
	defer p.wg.Done()
	defer w.kill()
	for {
		select {
		case <-p.ctx.Done():
			return
		case j := <-p.queue:
			if err := j.ctx.Err(); err != nil {
				j.res <- result{err: p.ctxErr(j.ctx)}
				continue
			}
			svg, err := w.layout(j.ctx, j.dot)
			j.res <- result{svg, err}
		}
	}
}

// worker is one subprocess slot: the process is started when needed and
// replaced after a kill, a crash or MaxRenders layouts.
type worker struct {
	pool    *Pool
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	out     chan frame // answers from the reader goroutine; closed when it stops
	stderr  *tail
	renders int
}

type frame struct {
	data []byte
	err  error
}

func (w *worker) start() error {
	cfg := w.pool.cfg
	cmd := exec.Command(cfg.Executable, cfg.Args...)
	cmd.Env = append(append(os.Environ(), WorkerEnv+"=1"), cfg.Env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("render: starting layout worker: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("render: starting layout worker: %w", err)
	}
	w.stderr = &tail{}
	cmd.Stderr = w.stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("render: starting layout worker %s: %w", cfg.Executable, err)
	}
	w.pool.started.Add(1)
	w.cmd, w.stdin, w.renders = cmd, stdin, 0
	out := make(chan frame, 1)
	w.out = out
	go func() {
		defer close(out)
		br := bufio.NewReader(stdout)
		for {
			data, err := readFrame(br)
			out <- frame{data, err}
			if err != nil {
				return
			}
		}
	}()
	return nil
}

// kill stops the process at once and forgets it.
func (w *worker) kill() {
	if w.cmd == nil {
		return
	}
	_ = w.cmd.Process.Kill()
	_ = w.cmd.Wait()
	w.cmd, w.stdin, w.out = nil, nil, nil
}

// retire lets the process finish by closing its stdin, in the background,
// killing it if it has not exited within a second.
func (w *worker) retire() {
	if w.cmd == nil {
		return
	}
	_ = w.stdin.Close()
	cmd := w.cmd
	go func() {
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	w.cmd, w.stdin, w.out = nil, nil, nil
}

func (w *worker) layout(ctx context.Context, dot []byte) ([]byte, error) {
	if w.cmd == nil {
		if err := w.start(); err != nil {
			return nil, err
		}
	}
	werr := make(chan error, 1)
	stdin := w.stdin
	go func() { werr <- writeFrame(stdin, dot) }()
	for {
		select {
		case err := <-werr:
			if err != nil {
				return nil, w.crashed(fmt.Errorf("sending the request: %w", err))
			}
			werr = nil // sent; keep waiting for the answer
		case f, ok := <-w.out:
			if !ok || f.err != nil {
				cause := io.ErrUnexpectedEOF
				if ok {
					cause = f.err
				}
				return nil, w.crashed(cause)
			}
			if len(f.data) == 0 {
				return nil, w.crashed(errors.New("empty answer"))
			}
			w.pool.renders.Add(1)
			w.renders++
			if w.renders >= w.pool.cfg.MaxRenders {
				w.pool.recycled.Add(1)
				w.retire()
			}
			if f.data[0] != 0 {
				return nil, fmt.Errorf("%w: %s", ErrLayout, f.data[1:])
			}
			return f.data[1:], nil
		case <-ctx.Done():
			w.pool.timeouts.Add(1)
			w.kill()
			return nil, w.pool.ctxErr(ctx)
		case <-w.pool.ctx.Done():
			w.kill()
			return nil, ErrClosed
		}
	}
}

// crashed records a dead or broken worker, kills what is left of it and
// returns the error to give the caller.
func (w *worker) crashed(cause error) error {
	w.pool.crashes.Add(1)
	msg := ""
	if w.stderr != nil {
		msg = strings.TrimSpace(w.stderr.String())
	}
	w.kill()
	if msg != "" {
		return fmt.Errorf("%w: %v (worker said: %s)", ErrWorker, cause, msg)
	}
	return fmt.Errorf("%w: %v", ErrWorker, cause)
}

// tail keeps the last 2 KiB written to it: a worker's stderr.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2048 {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-2048:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
