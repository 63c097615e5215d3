package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/embedded"
	"github.com/chanmap/chanmap/testdata"
)

func TestRequireLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:8080": true,
		"127.0.0.2:0":    true,
		"[::1]:8080":     true,
		"localhost:8080": true,
		":8080":          false,
		"0.0.0.0:8080":   false,
		"[::]:8080":      false,
		"192.0.2.10:80":  false,
	} {
		err := requireLoopback(addr)
		if (err == nil) != ok {
			t.Errorf("requireLoopback(%q) = %v, want ok=%v", addr, err, ok)
		}
		if err != nil && !strings.Contains(err.Error(), "CHANMAP_TOKENS") {
			t.Errorf("refusal does not say how to fix it: %v", err)
		}
	}
}

func TestServeRefusesOpenAddressWithoutTokens(t *testing.T) {
	t.Setenv("CHANMAP_TOKENS", "")
	db := filepath.Join(t.TempDir(), "x.db")
	var out, errb bytes.Buffer
	o := serveOptions{addr: "0.0.0.0:0", store: storeFlags{db: db}, logFormat: "text", renderWorkers: 1}
	err := serve(context.Background(), o, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "refusing to serve 0.0.0.0:0 without tokens") {
		t.Fatalf("serve on 0.0.0.0 without tokens: %v", err)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q before refusing", out.String())
	}
	if _, statErr := os.Stat(db); statErr == nil {
		t.Error("the store was opened before the refusal")
	}
	t.Setenv("CHANMAP_TOKENS", "short=admin")
	if err := serve(context.Background(), o, &out, &errb); err == nil || !strings.Contains(err.Error(), "at least 8") {
		t.Errorf("bad CHANMAP_TOKENS: %v", err)
	}
}

// buildChanmap builds the real binary: serve's render workers re-execute it.
func buildChanmap(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the chanmap binary")
	}
	bin := filepath.Join(t.TempDir(), "chanmap")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

var listenLine = regexp.MustCompile(`^chanmap: listening on (http://127\.0\.0\.1:[1-9][0-9]*/)$`)

// TestServeEndToEnd starts `chanmap serve` on a fresh store as a user would,
// reads the URL from its first line, uses the seeded map, and stops it with
// SIGTERM: it must exit 0 and leave the store closed.
func TestServeEndToEnd(t *testing.T) {
	bin := buildChanmap(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "chanmap.db")
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--render-workers", "1", "--log-format", "json")
	cmd.Env = append(os.Environ(), "CHANMAP_TOKENS=", "CHANMAP_NEO4J_URI=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// The child's stderr goes to a file the test reads while it runs.
	logFile, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd.Stderr = logFile
	logs := func() string { b, _ := os.ReadFile(logFile.Name()); return string(b) }
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- strings.TrimRight(line, "\n")
		io.Copy(io.Discard, stdout)
	}()
	var base string
	select {
	case line := <-lines:
		m := listenLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("first stdout line %q, want %q", line, "chanmap: listening on http://127.0.0.1:PORT/")
		}
		base = m[1]
	case <-time.After(60 * time.Second):
		t.Fatalf("no listening line in 60 s; log:\n%s", logs())
	}

	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	res, body := get("api/v1/maps")
	var maps []graph.MapInfo
	if err := json.Unmarshal(body, &maps); err != nil || res.StatusCode != 200 || len(maps) != 1 || maps[0].Nodes == 0 {
		t.Fatalf("seeded store lists %d %s (%v)", res.StatusCode, body, err)
	}
	res, body = get("api/v1/maps/" + maps[0].ID + "/diagram.svg")
	if res.StatusCode != 200 || !bytes.Contains(body, []byte("<svg")) {
		t.Fatalf("diagram through the worker pool: %d %.200s", res.StatusCode, body)
	}
	if res, _ = get(""); res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("web page at /: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(logs(), `"msg":"request"`) || !strings.Contains(logs(), `"request_id"`) {
		t.Errorf("no structured request log lines:\n%s", logs())
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM; log:\n%s", err, logs())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not stop within 40 s of SIGTERM")
	}
	st, err := embedded.Open(db)
	if err != nil {
		t.Fatalf("store not released after shutdown: %v", err)
	}
	defer st.Close()
	if m, err := st.GetMap(context.Background(), maps[0].ID); err != nil || len(m.Nodes) != maps[0].Nodes {
		t.Errorf("seeded map after restart: %v", err)
	}
}

// The map serve seeds with is the hybrid sample, byte for byte.
func TestSeedIsTheHybridSample(t *testing.T) {
	if !bytes.Equal(seedMap, testdata.Sample("hybrid")) {
		t.Error("cmd/chanmap/sample.yaml differs from testdata/maps/hybrid.yaml; copy it again")
	}
}
