package render

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"
)

// testWorkerEnv makes a worker started by a pool test use slowEngine.
const testWorkerEnv = "CHANMAP_RENDER_TEST_SLOW"

func TestMain(m *testing.M) {
	if os.Getenv(WorkerEnv) == "1" && os.Getenv(testWorkerEnv) == "1" {
		if err := serveWorker(os.Stdin, os.Stdout, slowEngine{}); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	RunWorkerIfRequested()
	os.Exit(m.Run())
}

// slowEngine is the in-process engine, except that DOT containing the
// comment "// sleep" takes 30 seconds and DOT containing "// crash" makes the
// worker exit: a layout that hangs and a worker that dies.
type slowEngine struct{}

func (slowEngine) Layout(ctx context.Context, dot []byte) ([]byte, error) {
	switch {
	case bytes.Contains(dot, []byte("// sleep")):
		time.Sleep(30 * time.Second)
	case bytes.Contains(dot, []byte("// crash")):
		os.Exit(3)
	}
	return NewInProcess().Layout(ctx, dot)
}
