package web_test

// Browser tests: a real `chanmap serve` on loopback driven through Debian's
// chromium by chromedp. They skip when chromium is missing and fail instead
// when CHANMAP_REQUIRE_BROWSER=1 (as in CI).
//
// The README screenshot is written by
//
//	go test ./api/web -run TestBrowserListAndOpenMap -screenshot ../../testdata/screenshots/map-view.png

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

var (
	screenshotPath = flag.String("screenshot", "", "also save a PNG of the hybrid map's view to this file (for the README)")
	shotsDir       = flag.String("shots", "", "also keep every test's screenshot in this directory, to look at the page")
)

// chanmap is built once and the shared server started on first use; TestMain stops it.
var (
	buildOnce sync.Once
	buildErr  error
	binPath   string
	tmpRoot   string
	srvOnce   sync.Once
	srvURL    string
	srvErr    error
	srvCmd    *exec.Cmd
	srvLog    lockedBuffer
	seedID    string
	seedTitle string
	seedErr   error
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if srvCmd != nil {
		stop(srvCmd)
	}
	if tmpRoot != "" {
		_ = os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// chromiumPath finds the browser, or says why there is none.
func chromiumPath() (string, error) {
	if p := os.Getenv("CHANMAP_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no chromium on PATH (apt-get install chromium, or set CHANMAP_CHROMIUM)")
}

// needBrowser skips the test without chromium, or fails it in CI.
func needBrowser(t *testing.T) string {
	t.Helper()
	p, err := chromiumPath()
	if err != nil {
		if os.Getenv("CHANMAP_REQUIRE_BROWSER") == "1" {
			t.Fatalf("browser test: %v, and CHANMAP_REQUIRE_BROWSER=1", err)
		}
		t.Skipf("skipping browser test: %v (set CHANMAP_REQUIRE_BROWSER=1 to make this a failure)", err)
	}
	return p
}

// build compiles chanmap once into the test's temporary root.
func build(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		tmpRoot, buildErr = os.MkdirTemp("", "chanmap-web-test-")
		if buildErr != nil {
			return
		}
		bin := filepath.Join(tmpRoot, "chanmap")
		out, err := exec.Command("go", "build", "-o", bin, "github.com/chanmap/chanmap/cmd/chanmap").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build chanmap: %v\n%s", err, out)
			return
		}
		binPath = bin
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// startServe starts `chanmap serve` on loopback with a fresh store in dir and
// returns its URL, read from the first line it prints.
func startServe(bin, dir string, logTo io.Writer, env ...string) (*exec.Cmd, string, error) {
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "chanmap.db"))
	cmd.Env = append(os.Environ(), "CHANMAP_TOKENS=", "CHANMAP_NEO4J_URI=", "CHANMAP_DB=")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = logTo
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("start chanmap serve: %w", err)
	}
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			first <- sc.Text()
		}
		close(first)
		_, _ = io.Copy(logTo, stdout)
	}()
	select {
	case line := <-first:
		m := regexp.MustCompile(`^chanmap: listening on (http://127\.0\.0\.1:\d+/)$`).FindStringSubmatch(line)
		if m == nil {
			stop(cmd)
			return nil, "", fmt.Errorf("chanmap serve's first line is %q, want \"chanmap: listening on http://127.0.0.1:PORT/\"", line)
		}
		return cmd, m[1], nil
	case <-time.After(60 * time.Second):
		stop(cmd)
		return nil, "", fmt.Errorf("chanmap serve printed no address in 60s")
	}
}

// stop asks the server to shut down and kills it if it does not within 5 s.
func stop(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// server is the shared `chanmap serve` (no tokens), started on first use.
func server(t *testing.T) string {
	t.Helper()
	bin := build(t)
	srvOnce.Do(func() {
		dir := filepath.Join(tmpRoot, "shared")
		if srvErr = os.Mkdir(dir, 0o755); srvErr != nil {
			return
		}
		srvCmd, srvURL, srvErr = startServe(bin, dir, &srvLog)
		if srvErr == nil {
			seedErr = readSeed(srvURL)
		}
	})
	if srvErr != nil {
		t.Fatalf("%v\nserver log:\n%s", srvErr, tail(srvLog.String(), 3000))
	}
	return srvURL
}

var idSeq atomic.Int64

// uniq gives a map id no other test (or -count run) uses.
func uniq(prefix string) string { return fmt.Sprintf("%s-%d", prefix, idSeq.Add(1)) }

// browserOptions are the flags every test's chromium runs with: headless,
// no sandbox, no GPU, no background networking, its own profile in dir.
func browserOptions(exe, dir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.UserDataDir(dir),
	}
}

// tab starts a fresh headless chromium (its own user-data-dir: no shared
// storage between tests) bounded by a timeout, with a 1400x900 viewport.
func tab(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	exe := needBrowser(t)
	dir, err := os.MkdirTemp("", "chanmap-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(browserOptions(exe, dir), chromedp.WindowSize(1400, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf)) // chromedp reports CDP events it does not know; keep them in the test log
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancelT()
		cancel()
		cancelAlloc() // waits for chromium to exit
		_ = os.RemoveAll(dir)
	})
	// Any uncaught exception or script/CSP error the page logs fails the test.
	var mu sync.Mutex
	var pageErrs []string
	chromedp.ListenTarget(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			pageErrs = append(pageErrs, "exception: "+msg)
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.LevelError && ev.Entry.Source != cdplog.SourceNetwork {
				pageErrs = append(pageErrs, fmt.Sprintf("%s: %s", ev.Entry.Source, ev.Entry.Text))
			}
		}
	})
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if len(pageErrs) > 0 {
			t.Errorf("the page reported errors:\n%s", strings.Join(pageErrs, "\n"))
		}
	})
	if err := chromedp.Run(ctx, cdplog.Enable(), chromedp.EmulateViewport(1400, 900)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// run runs browser actions and fails the test with what it was doing.
func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v\nserver log:\n%s", what, err, tail(srvLog.String(), 2000))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// waitJS waits until the JavaScript expression is true.
func waitJS(expr string) chromedp.Action {
	return chromedp.Poll(expr, nil, chromedp.WithPollingInterval(100*time.Millisecond))
}

// screenshot saves the page into the test's temp dir and checks it is a non-empty PNG.
func screenshot(t *testing.T, ctx context.Context, name string) []byte {
	t.Helper()
	var png []byte
	run(t, ctx, "screenshot", chromedp.CaptureScreenshot(&png))
	if len(png) < 1000 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("screenshot %s: %d bytes, not a PNG", name, len(png))
	}
	p := filepath.Join(t.TempDir(), name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(p); err != nil || st.Size() == 0 {
		t.Fatalf("screenshot %s: %v", p, err)
	}
	if *shotsDir != "" {
		if err := os.WriteFile(filepath.Join(*shotsDir, t.Name()+"-"+name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return png
}

// apiDo calls the API as a second client would.
func apiDo(t *testing.T, method, url string, body any, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

type apiMap struct {
	ID      string            `json:"id"`
	Title   string            `json:"title"`
	Version int64             `json:"version"`
	Nodes   []json.RawMessage `json:"nodes"`
	Edges   []json.RawMessage `json:"edges"`
}

type apiNode struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

type apiEdge struct {
	ID   string `json:"id"`
	From string `json:"from"`
	To   string `json:"to"`
	Kind string `json:"kind"`
}

func (e apiEdge) key() string {
	if e.ID != "" {
		return e.ID
	}
	return e.From + "--" + e.Kind + "--" + e.To
}

// seededMap is the map `chanmap serve` seeds an empty store with (the hybrid
// sample), as the shared server listed it before any test added maps.
func seededMap(t *testing.T, base string) (id, title string) {
	t.Helper()
	if base != srvURL {
		t.Fatalf("seededMap is for the shared server")
	}
	if seedErr != nil {
		t.Fatal(seedErr)
	}
	return seedID, seedTitle
}

// readSeed reads the shared server's map list right after it started.
func readSeed(base string) error {
	res, err := http.Get(base + "api/v1/maps")
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var list []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if res.StatusCode != 200 || json.Unmarshal(body, &list) != nil || len(list) != 1 {
		return fmt.Errorf("GET /api/v1/maps on a fresh store: %d %s; want just the seeded sample map", res.StatusCode, body)
	}
	seedID, seedTitle = list[0].ID, list[0].Title
	return nil
}

// getMap reads a map through the API.
func getMap(t *testing.T, base, id string) (apiMap, []apiNode, []apiEdge) {
	t.Helper()
	res, body := apiDo(t, "GET", base+"api/v1/maps/"+id, nil, nil)
	if res.StatusCode != 200 {
		t.Fatalf("GET map %s: %d %s", id, res.StatusCode, body)
	}
	var m apiMap
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	nodes := make([]apiNode, len(m.Nodes))
	for i, raw := range m.Nodes {
		_ = json.Unmarshal(raw, &nodes[i])
	}
	edges := make([]apiEdge, len(m.Edges))
	for i, raw := range m.Edges {
		_ = json.Unmarshal(raw, &edges[i])
	}
	v := strings.Trim(res.Header.Get("ETag"), `W/"`)
	fmt.Sscan(v, &m.Version)
	return m, nodes, edges
}

// copyMap stores a copy of the seeded map under a new id, so tests do not see each other's edits.
func copyMap(t *testing.T, base, newID string) {
	t.Helper()
	seed, _ := seededMap(t, base)
	res, body := apiDo(t, "GET", base+"api/v1/maps/"+seed, nil, nil)
	if res.StatusCode != 200 {
		t.Fatalf("GET seed map: %d %s", res.StatusCode, body)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	m["id"] = newID
	delete(m, "version")
	if res, body := apiDo(t, "POST", base+"api/v1/maps", m, nil); res.StatusCode != http.StatusCreated {
		t.Fatalf("POST copy %s: %d %s", newID, res.StatusCode, body)
	}
}

func firstOfKind(nodes []apiNode, kinds ...string) apiNode {
	for _, k := range kinds {
		for _, n := range nodes {
			if n.Kind == k {
				return n
			}
		}
	}
	return apiNode{}
}

// copied opens a browser tab with the given deadline and a server holding
// a fresh copy of the seeded map under a new id starting with prefix.
func copied(t *testing.T, prefix string, timeout time.Duration) (ctx context.Context, base, id string) {
	ctx = tab(t, timeout)
	base = server(t)
	id = uniq(prefix)
	copyMap(t, base, id)
	return ctx, base, id
}

// allowDownloads lets the tab save downloads into a new temporary folder,
// which it returns.
func allowDownloads(t *testing.T, ctx context.Context) string {
	dir := t.TempDir()
	c := chromedp.FromContext(ctx)
	run(t, ctx, "allow downloads",
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllow).
			WithDownloadPath(dir).WithBrowserContextID(c.BrowserContextID))
	return dir
}

// openMap loads the page on one map and waits for its diagram.
func openMap(t *testing.T, ctx context.Context, base, id string) {
	t.Helper()
	run(t, ctx, "open map "+id,
		chromedp.Navigate(base+"#/maps/"+id),
		chromedp.WaitVisible(`#diagram svg g.node`, chromedp.ByQuery),
		waitJS(`document.querySelectorAll('#diagram g.pick[data-what="node"]').length > 0`))
}

// clickNode clicks the drawn node with the given id.
func clickNode(id string) chromedp.Action {
	return chromedp.Click(fmt.Sprintf(`#diagram g.pick[data-what="node"][data-ref=%q]`, id), chromedp.ByQuery)
}

func TestBrowserListAndOpenMap(t *testing.T) {
	ctx := tab(t, 45*time.Second)
	base := server(t)
	seed, title := seededMap(t, base)

	var listText string
	run(t, ctx, "load the list",
		chromedp.Navigate(base),
		chromedp.WaitVisible(`#map-list table`, chromedp.ByQuery),
		chromedp.Text(`#map-list`, &listText, chromedp.ByQuery))
	if !strings.Contains(listText, title) {
		t.Fatalf("the list does not show the seeded map %q:\n%s", title, listText)
	}
	screenshot(t, ctx, "list")

	var svgTitle string
	var drawn int
	run(t, ctx, "open the map from the list",
		chromedp.Click(fmt.Sprintf(`tr[data-map=%q] a.map-link`, seed), chromedp.ByQuery),
		chromedp.WaitVisible(`#diagram svg g.node`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#diagram svg > title').textContent`, &svgTitle),
		chromedp.Evaluate(`document.querySelectorAll('#diagram g.pick[data-what="node"]').length`, &drawn),
		waitJS(`!!document.querySelector('#analysis-body table, #analysis-body .empty')`))
	if !strings.Contains(svgTitle, title) {
		t.Errorf("the diagram's <title> is %q, want it to name the map %q", svgTitle, title)
	}
	_, nodes, _ := getMap(t, base, seed)
	if drawn == 0 || drawn > len(nodes) {
		t.Errorf("%d nodes can be clicked on the diagram; the map has %d", drawn, len(nodes))
	}

	// Colour by tier: the diagram is drawn again, and the analysis is beside it.
	run(t, ctx, "colour by tier",
		chromedp.Evaluate(`window.oldSVG = document.querySelector('#diagram svg')`, nil),
		chromedp.SetValue(`#color-select`, "tier", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#color-select').dispatchEvent(new Event('change', {bubbles: true}))`, nil),
		waitJS(`document.querySelector('#diagram svg') !== window.oldSVG && !!document.querySelector('#diagram svg g.node')`),
		waitJS(`location.hash.includes('color=tier')`),
		waitJS(`!!document.querySelector('#analysis-report table')`))
	png := screenshot(t, ctx, "map-view")
	if *screenshotPath != "" {
		if err := os.WriteFile(*screenshotPath, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", *screenshotPath)
	}

	// Selecting a segment shows who supports it.
	seg := firstOfKind(nodes, "segment")
	var answer string
	run(t, ctx, "select a segment",
		clickNode(seg.ID),
		chromedp.WaitVisible(`#support-answer`, chromedp.ByQuery),
		chromedp.Text(`#support-answer`, &answer, chromedp.ByQuery),
		chromedp.Click(`#fit-button`, chromedp.ByQuery))
	for _, want := range []string{"What it needs", "How it gets the products", "Who supports it", seg.Name} {
		if !strings.Contains(answer, want) {
			t.Errorf("support answer lacks %q:\n%s", want, answer)
		}
	}
	screenshot(t, ctx, "support")
}

func TestBrowserRenameNode(t *testing.T) {
	ctx, base, id := copied(t, "rename", 45*time.Second)
	_, nodes, _ := getMap(t, base, id)
	n := firstOfKind(nodes, "distributor", "wholesaler", "reseller", "retailer")
	openMap(t, ctx, base, id)

	// The name is markup on purpose: it must show as text, never run.
	newName := `Nordisk<script>window.pwned=1</script>`
	var shown bool
	var pwned bool
	run(t, ctx, "rename through the panel",
		clickNode(n.ID),
		chromedp.WaitVisible(`#editor input[name="name"]`, chromedp.ByQuery),
		chromedp.SetValue(`#editor input[name="name"]`, newName, chromedp.ByQuery),
		chromedp.Click(`#editor-save`, chromedp.ByQuery),
		waitJS(fmt.Sprintf(`document.querySelector('#diagram svg')?.textContent.includes(%q)`, "Nordisk<script>")),
		chromedp.Evaluate(`document.querySelectorAll('#diagram script').length === 0`, &shown),
		chromedp.Evaluate(`window.pwned === 1`, &pwned))
	if !shown || pwned {
		t.Errorf("markup in a name was not kept as text (no script element: %v, ran: %v)", shown, pwned)
	}
	_, nodes, _ = getMap(t, base, id)
	for _, m := range nodes {
		if m.ID == n.ID && m.Name != newName {
			t.Errorf("after the save the store has name %q, want %q", m.Name, newName)
		}
	}
	screenshot(t, ctx, "rename")

	// Unsaved input is not thrown away by a click elsewhere without asking.
	other := firstOfKind(nodes, "company")
	var desc string
	var editing string
	run(t, ctx, "leave a dirty form",
		chromedp.WaitVisible(`#editor textarea[name="description"]`, chromedp.ByQuery),
		chromedp.SendKeys(`#editor textarea[name="description"]`, "half-typed", chromedp.ByQuery),
		clickNode(other.ID),
		chromedp.WaitVisible(`#confirm-dialog`, chromedp.ByQuery),
		chromedp.Click(`#confirm-no`, chromedp.ByQuery),
		chromedp.WaitNotVisible(`#confirm-dialog`, chromedp.ByQuery),
		chromedp.Value(`#editor textarea[name="description"]`, &desc, chromedp.ByQuery),
		chromedp.Value(`#editor input[name="id"]`, &editing, chromedp.ByQuery))
	if desc != "half-typed" || editing != n.ID {
		t.Errorf("after cancelling, the form edits %q with description %q; want %q with the typed text", editing, desc, n.ID)
	}
}

func TestBrowserAddAndDeleteEdge(t *testing.T) {
	ctx, base, id := copied(t, "edge", 45*time.Second)
	_, nodes, edges := getMap(t, base, id)
	company := firstOfKind(nodes, "company")
	// A segment the company does not support yet.
	var seg apiNode
	var key string
	for _, n := range nodes {
		if n.Kind != "segment" {
			continue
		}
		k := company.ID + "--supports--" + n.ID
		taken := false
		for _, e := range edges {
			taken = taken || e.key() == k
		}
		if !taken {
			seg, key = n, k
			break
		}
	}
	if key == "" {
		t.Fatalf("the company of the sample supports every segment; no edge left to add")
	}
	openMap(t, ctx, base, id)

	run(t, ctx, "add an edge by clicking two nodes",
		chromedp.Click(`#add-edge`, chromedp.ByQuery),
		chromedp.WaitVisible(`#editor select[name="from"]`, chromedp.ByQuery),
		clickNode(company.ID),
		clickNode(seg.ID),
		waitJS(fmt.Sprintf(`document.querySelector('#editor select[name="from"]').value === %q && document.querySelector('#editor select[name="to"]').value === %q`, company.ID, seg.ID)),
		chromedp.SetValue(`#editor select[name="kind"]`, "supports", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#editor select[name="kind"]').dispatchEvent(new Event('change', {bubbles: true}))`, nil),
		chromedp.WaitVisible(`#editor input[name="why"]`, chromedp.ByQuery),
		chromedp.SetValue(`#editor input[name="services"]`, "training, hotline", chromedp.ByQuery),
		chromedp.SetValue(`#editor input[name="why"]`, "direct line to the maker", chromedp.ByQuery),
		chromedp.Click(`#editor-save`, chromedp.ByQuery),
		waitJS(fmt.Sprintf(`!!document.querySelector('#diagram g.pick[data-what="edge"][data-ref=%q]')`, key)),
		waitJS(`!!document.querySelector('#editor-delete')`))
	if !hasEdge(t, base, id, key) {
		t.Fatalf("after adding, the store has no edge %s", key)
	}
	screenshot(t, ctx, "edge-added")

	run(t, ctx, "delete the edge with confirmation",
		chromedp.Click(`#editor-delete`, chromedp.ByQuery),
		chromedp.WaitVisible(`#confirm-dialog`, chromedp.ByQuery),
		chromedp.Click(`#confirm-yes`, chromedp.ByQuery),
		waitJS(fmt.Sprintf(`!document.querySelector('#diagram g.pick[data-what="edge"][data-ref=%q]') && !!document.querySelector('#diagram svg g.node')`, key)))
	if hasEdge(t, base, id, key) {
		t.Errorf("after deleting, the store still has edge %s", key)
	}
	screenshot(t, ctx, "edge-deleted")
}

func hasEdge(t *testing.T, base, mapID, key string) bool {
	_, _, edges := getMap(t, base, mapID)
	for _, e := range edges {
		if e.key() == key {
			return true
		}
	}
	return false
}

func TestBrowserConflictKeepsInput(t *testing.T) {
	ctx, base, id := copied(t, "conflict", 45*time.Second)
	m, nodes, _ := getMap(t, base, id)
	n := firstOfKind(nodes, "distributor", "reseller", "retailer")
	other := firstOfKind(nodes, "company")
	openMap(t, ctx, base, id)

	typed := "Typed but not saved yet"
	run(t, ctx, "start editing",
		clickNode(n.ID),
		chromedp.WaitVisible(`#editor input[name="name"]`, chromedp.ByQuery),
		chromedp.SetValue(`#editor input[name="name"]`, typed, chromedp.ByQuery))

	// A second client changes the map between the page's load and its save.
	res, body := apiDo(t, "PATCH", base+"api/v1/maps/"+id+"/nodes/"+other.ID,
		map[string]any{"description": "changed by a colleague"},
		map[string]string{"If-Match": fmt.Sprintf(`"%d"`, m.Version), "Content-Type": "application/merge-patch+json"})
	if res.StatusCode != 200 {
		t.Fatalf("second client's PATCH: %d %s", res.StatusCode, body)
	}

	var notice, kept string
	run(t, ctx, "save into a conflict",
		chromedp.Click(`#editor-save`, chromedp.ByQuery),
		chromedp.WaitVisible(`#editor .notice.warn`, chromedp.ByQuery),
		chromedp.Text(`#editor .notice.warn`, &notice, chromedp.ByQuery),
		chromedp.Value(`#editor input[name="name"]`, &kept, chromedp.ByQuery))
	if !strings.Contains(notice, "Someone else changed this map") {
		t.Errorf("conflict notice is %q", notice)
	}
	if kept != typed {
		t.Errorf("after the 412 the name field holds %q, want the unsent %q", kept, typed)
	}
	screenshot(t, ctx, "conflict")

	// Saving again goes through against the reloaded version and keeps the colleague's change.
	run(t, ctx, "save again",
		chromedp.Click(`#editor-save`, chromedp.ByQuery),
		waitJS(fmt.Sprintf(`document.querySelector('#diagram svg')?.textContent.includes(%q)`, "Typed")))
	_, nodes, _ = getMap(t, base, id)
	for _, x := range nodes {
		if x.ID == n.ID && x.Name != typed {
			t.Errorf("after the second save the name is %q, want %q", x.Name, typed)
		}
	}
	_, body = apiDo(t, "GET", base+"api/v1/maps/"+id+"/nodes/"+other.ID, nil, nil)
	if !strings.Contains(string(body), "changed by a colleague") {
		t.Errorf("the colleague's change was lost: %s", body)
	}
}

func TestBrowserExportSVG(t *testing.T) {
	ctx, base, id := copied(t, "export", 45*time.Second)
	openMap(t, ctx, base, id)

	dir := allowDownloads(t, ctx)
	run(t, ctx, "export SVG",
		chromedp.Click(`#export-menu summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#export-svg`, chromedp.ByQuery),
		chromedp.Click(`#export-svg`, chromedp.ByQuery))

	got := waitFile(t, filepath.Join(dir, id+".svg"), "</svg>")
	if !bytes.Contains(got, []byte("<svg")) || !bytes.Contains(got, []byte("class=\"node\"")) {
		t.Errorf("the downloaded file is not the diagram SVG: %.200s", got)
	}
	screenshot(t, ctx, "export")
}

// TestBrowserExportDeck downloads the board presentation from the export
// menu, as PowerPoint and as PDF.
func TestBrowserExportDeck(t *testing.T) {
	ctx, base, id := copied(t, "deck", 60*time.Second)
	openMap(t, ctx, base, id)

	dir := allowDownloads(t, ctx)
	run(t, ctx, "export the deck as PowerPoint",
		chromedp.Click(`#export-menu summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#export-deck-pptx`, chromedp.ByQuery),
		chromedp.Click(`#export-deck-pptx`, chromedp.ByQuery))
	got := waitFile(t, filepath.Join(dir, id+"-deck.pptx"), "ppt/presentation.xml")
	z, err := zip.NewReader(bytes.NewReader(got), int64(len(got)))
	if err != nil {
		t.Fatalf("the downloaded deck is not a PowerPoint file: %v", err)
	}
	slides := 0
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, "ppt/slides/slide") && strings.HasSuffix(f.Name, ".xml") {
			slides++
		}
	}
	if slides < 8 {
		t.Errorf("the downloaded deck has %d slides, want the title, the map, the money, the weak spots and more", slides)
	}
	run(t, ctx, "export the deck as PDF",
		chromedp.Click(`#export-menu summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#export-deck-pdf`, chromedp.ByQuery),
		chromedp.Click(`#export-deck-pdf`, chromedp.ByQuery))
	if pdf := waitFile(t, filepath.Join(dir, id+"-deck.pdf"), "%%EOF"); !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("the downloaded deck is not a PDF: %.20q", pdf)
	}
}

// TestBrowserFlowAndFindings ticks the page's flow and findings options:
// the diagram is drawn again with a width legend, then with the top
// findings numbered beside it, and the address keeps both.
func TestBrowserFlowAndFindings(t *testing.T) {
	ctx, base, id := copied(t, "flow", 45*time.Second)
	openMap(t, ctx, base, id)
	run(t, ctx, "flow",
		chromedp.Click(`#flow-toggle`, chromedp.ByQuery),
		waitJS(`document.querySelector('#diagram svg')?.textContent.includes('through the line')`))
	run(t, ctx, "findings",
		chromedp.Click(`#insights-toggle`, chromedp.ByQuery),
		waitJS(`!!document.querySelector('#diagram svg g[id="finding:1"]') && document.querySelector('#diagram svg').textContent.includes('at stake')`))
	var hash string
	run(t, ctx, "address", chromedp.Evaluate(`location.hash`, &hash))
	if !strings.Contains(hash, "flow=true") || !strings.Contains(hash, "insights=5") {
		t.Errorf("the address %q does not keep flow and findings", hash)
	}
}

func TestBrowserValidationErrorNextToField(t *testing.T) {
	ctx, base, id := copied(t, "invalid", 45*time.Second)
	_, nodes, edges := getMap(t, base, id)
	kind := map[string]string{}
	for _, n := range nodes {
		kind[n.ID] = n.Kind
	}
	pairs := map[string]int{}
	for _, e := range edges {
		pairs[e.From+">"+e.To]++
	}
	var key string
	for _, e := range edges {
		if e.Kind == "supplies" && pairs[e.From+">"+e.To] == 1 && (kind[e.To] == "distributor" || kind[e.To] == "wholesaler") {
			key = e.key()
			break
		}
	}
	if key == "" {
		t.Fatal("the sample has no supplies edge into a distributor or wholesaler")
	}
	openMap(t, ctx, base, id)

	// Reach the edge with the keyboard, give it a margin the server refuses.
	var msg, invalid string
	var ok bool
	run(t, ctx, "save a bad margin",
		chromedp.Focus(fmt.Sprintf(`#diagram g.pick[data-what="edge"][data-ref=%q]`, key), chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#editor input[name="margin"]`, chromedp.ByQuery),
		chromedp.SetValue(`#editor input[name="margin"]`, "1.5", chromedp.ByQuery),
		chromedp.Click(`#editor-save`, chromedp.ByQuery),
		chromedp.WaitVisible(`#editor [data-field="margin"] .field-error`, chromedp.ByQuery),
		chromedp.Text(`#editor [data-field="margin"] .field-error`, &msg, chromedp.ByQuery),
		chromedp.AttributeValue(`#editor input[name="margin"]`, "aria-invalid", &invalid, &ok, chromedp.ByQuery))
	if !strings.Contains(msg, "margin") || invalid != "true" {
		t.Errorf("margin field error %q, aria-invalid %q", msg, invalid)
	}
	screenshot(t, ctx, "validation")
}

func TestBrowserNewMapAndNode(t *testing.T) {
	ctx := tab(t, 45*time.Second)
	base := server(t)
	id := uniq("fresh")
	title := "Fresh <b>map</b>"

	var heading string
	var bold int
	run(t, ctx, "create a map",
		chromedp.Navigate(base),
		chromedp.WaitVisible(`#new-map`, chromedp.ByQuery),
		chromedp.SetValue(`#new-map input[name="id"]`, id, chromedp.ByQuery),
		chromedp.SetValue(`#new-map input[name="title"]`, title, chromedp.ByQuery),
		chromedp.Click(`#new-map button[type="submit"]`, chromedp.ByQuery),
		waitJS(fmt.Sprintf(`location.hash === %q`, "#/maps/"+id)),
		waitJS(`(document.getElementById('map-version')?.textContent || '').includes('0 nodes')`),
		chromedp.Text(`.map-title`, &heading, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('.map-title b, #crumbs b').length`, &bold))
	if heading != title || bold != 0 {
		t.Errorf("the title shows as %q with %d <b> elements; want the text %q and no markup", heading, bold, title)
	}

	// A missing name is caught next to the field before anything is sent.
	var nameErr string
	run(t, ctx, "add a node without a name",
		chromedp.Click(`#add-node`, chromedp.ByQuery),
		chromedp.WaitVisible(`#editor input[name="id"]`, chromedp.ByQuery),
		chromedp.SetValue(`#editor input[name="id"]`, "acme", chromedp.ByQuery),
		chromedp.SetValue(`#editor select[name="kind"]`, "company", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#editor select[name="kind"]').dispatchEvent(new Event('change', {bubbles: true}))`, nil),
		chromedp.Click(`#editor-save`, chromedp.ByQuery),
		chromedp.WaitVisible(`#editor [data-field="name"] .field-error`, chromedp.ByQuery),
		chromedp.Text(`#editor [data-field="name"] .field-error`, &nameErr, chromedp.ByQuery))
	if !strings.Contains(nameErr, "required") {
		t.Errorf("name error %q", nameErr)
	}
	run(t, ctx, "add the node",
		chromedp.SetValue(`#editor input[name="name"]`, "ACME <Pumps>", chromedp.ByQuery),
		chromedp.Click(`#editor-save`, chromedp.ByQuery),
		chromedp.WaitVisible(`#diagram g.pick[data-what="node"][data-ref="acme"]`, chromedp.ByQuery),
		waitJS(`document.querySelector('#diagram svg').textContent.includes('ACME <Pumps>')`))
	_, nodes, _ := getMap(t, base, id)
	if len(nodes) != 1 || nodes[0].Kind != "company" || nodes[0].Name != "ACME <Pumps>" {
		t.Errorf("the store has %+v, want one company \"ACME <Pumps>\"", nodes)
	}
	screenshot(t, ctx, "new-map")
}

func TestBrowserImportMapFile(t *testing.T) {
	ctx := tab(t, 45*time.Second)
	base := server(t)
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "maps", "industrial.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	id := uniq("imported")
	re := regexp.MustCompile(`(?m)^id: .*$`)
	if !re.Match(src) {
		t.Fatal("industrial.yaml has no top-level id line")
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "industrial.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, re.ReplaceAll(src, []byte("id: "+id)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("id: broken\nnodes:\n  - {id: x, kind: spaceship, name: X}\nedges: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	var problem string
	run(t, ctx, "import a broken file",
		chromedp.Navigate(base),
		chromedp.WaitVisible(`#import-map`, chromedp.ByQuery),
		chromedp.SetUploadFiles(`#import-map input[type="file"]`, []string{bad}, chromedp.ByQuery),
		chromedp.Click(`#import-map button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#import-map .notice.error`, chromedp.ByQuery),
		chromedp.Text(`#import-map .notice.error`, &problem, chromedp.ByQuery))
	if !strings.Contains(problem, "spaceship") {
		t.Errorf("the import error does not name the bad kind: %q", problem)
	}
	run(t, ctx, "import a good file",
		chromedp.SetUploadFiles(`#import-map input[type="file"]`, []string{good}, chromedp.ByQuery),
		chromedp.Click(`#import-map button[type="submit"]`, chromedp.ByQuery),
		waitJS(fmt.Sprintf(`location.hash === %q`, "#/maps/"+id)),
		chromedp.WaitVisible(`#diagram svg g.node`, chromedp.ByQuery))
	screenshot(t, ctx, "imported")
}

func TestBrowserViewsAndZoom(t *testing.T) {
	ctx, base, id := copied(t, "views", 45*time.Second)
	openMap(t, ctx, base, id)

	count := `document.querySelectorAll('#diagram svg g.node').length`
	var full, focused int
	var focus string
	run(t, ctx, "focus on a segment",
		chromedp.Evaluate(count, &full),
		chromedp.Evaluate(`window.oldSVG = document.querySelector('#diagram svg')`, nil),
		chromedp.SetValue(`#view-select`, "focus", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#view-select').dispatchEvent(new Event('change', {bubbles: true}))`, nil),
		chromedp.WaitVisible(`#focus-select`, chromedp.ByQuery),
		waitJS(`document.querySelector('#diagram svg') !== window.oldSVG && !!document.querySelector('#diagram svg g.node')`),
		chromedp.Value(`#focus-select`, &focus, chromedp.ByQuery),
		chromedp.Evaluate(count, &focused))
	if focus == "" || focused == 0 || focused >= full {
		t.Errorf("focus view on %q draws %d nodes; the full view %d", focus, focused, full)
	}
	var hash string
	run(t, ctx, "read the URL", chromedp.Evaluate(`location.hash`, &hash))
	if !strings.Contains(hash, "view=focus") || !strings.Contains(hash, "focus="+focus) {
		t.Errorf("the URL %q does not keep the view", hash)
	}

	var home, zoomed, fitted string
	vb := `document.querySelector('#diagram svg').getAttribute('viewBox')`
	run(t, ctx, "zoom and fit",
		chromedp.Evaluate(vb, &home),
		chromedp.Click(`#zoom-in`, chromedp.ByQuery),
		chromedp.Click(`#zoom-in`, chromedp.ByQuery),
		chromedp.Evaluate(vb, &zoomed),
		chromedp.Click(`#fit-button`, chromedp.ByQuery),
		chromedp.Evaluate(vb, &fitted))
	if zoomed == home || fitted != home {
		t.Errorf("viewBox: home %q, zoomed %q, fitted %q", home, zoomed, fitted)
	}

	// The wheel zooms; a drag on the background pans and selects nothing.
	var box struct{ X, Y, W, H float64 }
	run(t, ctx, "measure the diagram",
		chromedp.Evaluate(`(() => { const r = document.getElementById('diagram').getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`, &box))
	cx, cy := box.X+box.W/2, box.Y+box.H/2
	var wheeled, panned string
	var editorOpen bool
	x0, y0 := box.X+15, box.Y+15
	run(t, ctx, "wheel and drag",
		input.DispatchMouseEvent(input.MouseWheel, cx, cy).WithDeltaY(-240),
		waitJS(fmt.Sprintf(`document.querySelector('#diagram svg').getAttribute('viewBox') !== %q`, home)),
		chromedp.Evaluate(vb, &wheeled),
		input.DispatchMouseEvent(input.MousePressed, x0, y0).WithButton(input.Left).WithButtons(1).WithClickCount(1),
		input.DispatchMouseEvent(input.MouseMoved, x0+60, y0+10).WithButton(input.Left).WithButtons(1),
		input.DispatchMouseEvent(input.MouseMoved, x0+120, y0+20).WithButton(input.Left).WithButtons(1),
		input.DispatchMouseEvent(input.MouseReleased, x0+120, y0+20).WithButton(input.Left).WithButtons(0).WithClickCount(1),
		chromedp.Evaluate(vb, &panned),
		chromedp.Evaluate(`!!document.getElementById('editor')`, &editorOpen))
	if wheeled == home || panned == wheeled {
		t.Errorf("viewBox: home %q, after the wheel %q, after the drag %q", home, wheeled, panned)
	}
	if w0, w1 := vbWidth(t, home), vbWidth(t, wheeled); !(w1 < w0) {
		t.Errorf("wheel up should zoom in: viewBox width %v -> %v", w0, w1)
	}
	if editorOpen {
		t.Error("a drag opened the editor")
	}
	screenshot(t, ctx, "focus")
}

func TestBrowserTokenAskedOnce(t *testing.T) {
	ctx := tab(t, 45*time.Second)
	bin := build(t)
	dir := t.TempDir()
	var log lockedBuffer
	cmd, base, err := startServe(bin, dir, &log, "CHANMAP_TOKENS=s3cret-admin=admin")
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	t.Cleanup(func() { stop(cmd) })
	seed, title := seededMapAuth(t, base, "s3cret-admin")

	var listText string
	run(t, ctx, "answer the token prompt",
		chromedp.Navigate(base),
		chromedp.WaitVisible(`#token-dialog`, chromedp.ByQuery),
		chromedp.SetValue(`#token-input`, "s3cret-admin", chromedp.ByQuery),
		chromedp.Click(`#token-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#map-list table`, chromedp.ByQuery),
		chromedp.Text(`#map-list`, &listText, chromedp.ByQuery))
	if !strings.Contains(listText, title) {
		t.Fatalf("after the token the list lacks %q: %s", title, listText)
	}
	// The token is kept for the tab: a reload does not ask again.
	var dialogOpen bool
	run(t, ctx, "reload and open the map",
		chromedp.Reload(),
		chromedp.WaitVisible(`#map-list table`, chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById('token-dialog').open`, &dialogOpen),
		chromedp.Click(fmt.Sprintf(`tr[data-map=%q] a.map-link`, seed), chromedp.ByQuery),
		chromedp.WaitVisible(`#diagram svg g.node`, chromedp.ByQuery))
	if dialogOpen {
		t.Error("the page asked for the token again after a reload")
	}

	// With a token, exports are fetched with it and saved from a blob.
	dl := t.TempDir()
	c := chromedp.FromContext(ctx)
	run(t, ctx, "allow downloads",
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllow).
			WithDownloadPath(dl).WithBrowserContextID(c.BrowserContextID))
	run(t, ctx, "export YAML with the token",
		chromedp.Click(`#export-menu summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#export-yaml`, chromedp.ByQuery),
		chromedp.Click(`#export-yaml`, chromedp.ByQuery))
	got := waitFile(t, filepath.Join(dl, seed+".yaml"), "nodes:")
	if !bytes.Contains(got, []byte("id: "+seed)) {
		t.Errorf("the exported YAML is not the map: %.200s", got)
	}
	screenshot(t, ctx, "token")
}

func vbWidth(t *testing.T, vb string) float64 {
	t.Helper()
	var x, y, w, h float64
	if _, err := fmt.Sscan(vb, &x, &y, &w, &h); err != nil {
		t.Fatalf("viewBox %q: %v", vb, err)
	}
	return w
}

// seededMapAuth is seededMap with a bearer token.
func seededMapAuth(t *testing.T, base, token string) (id, title string) {
	t.Helper()
	res, body := apiDo(t, "GET", base+"api/v1/maps", nil, map[string]string{"Authorization": "Bearer " + token})
	var list []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if res.StatusCode != 200 || json.Unmarshal(body, &list) != nil || len(list) == 0 {
		t.Fatalf("GET /api/v1/maps with token: %d %s", res.StatusCode, body)
	}
	return list[0].ID, list[0].Title
}

// waitFile waits up to 20 s for a downloaded file that contains want.
func waitFile(t *testing.T, path, want string) []byte {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(path)
		if err == nil && bytes.Contains(b, []byte(want)) {
			return b
		}
		time.Sleep(100 * time.Millisecond)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	t.Fatalf("no %s with %q downloaded (found %v)", filepath.Base(path), want, names)
	return nil
}

// TestBrowserWhatIf takes a partner away in the analysis panel: the report
// is drawn again without it, says what was lost and how costs were treated,
// and goes back to the whole map.
func TestBrowserWhatIf(t *testing.T) {
	ctx := tab(t, 45*time.Second)
	base := server(t)
	seed, _ := seededMap(t, base)
	var result string
	run(t, ctx, "open the map and take the first partner away",
		chromedp.Navigate(base+"#/maps/"+seed),
		waitJS(`!!document.querySelector('#whatif-partners option')`),
		chromedp.Click(`details.whatif > summary`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#whatif-partners option').selected = true`, nil),
		chromedp.Click(`#whatif-run`, chromedp.ByQuery),
		chromedp.WaitVisible(`#whatif-result`, chromedp.ByQuery),
		chromedp.Text(`#whatif-result`, &result, chromedp.ByQuery))
	for _, want := range []string{"Without", "of net revenue and", "variable costs"} {
		if !strings.Contains(result, want) {
			t.Errorf("what-if result lacks %q:\n%s", want, result)
		}
	}
	run(t, ctx, "fixed costs, then back to the whole map",
		chromedp.Click(`#whatif-fixed`, chromedp.ByQuery),
		chromedp.Click(`#whatif-run`, chromedp.ByQuery),
		waitJS(`(document.querySelector('#whatif-result')?.textContent || '').includes('fixed costs')`),
		chromedp.Click(`#whatif-clear`, chromedp.ByQuery),
		waitJS(`!document.querySelector('#whatif-result') && !!document.querySelector('#analysis-report table')`))
}

// TestBrowserFormFollowsSchema: the node form shows exactly the fields the
// server's field table gives the node's kind, so a row added to the table
// reaches the page without page code of its own.
func TestBrowserFormFollowsSchema(t *testing.T) {
	ctx, base, id := copied(t, "schema", 45*time.Second)
	_, nodes, _ := getMap(t, base, id)
	seg := firstOfKind(nodes, "segment")

	_, body := apiDo(t, http.MethodGet, base+"api/v1/schema", nil, nil)
	var sc struct {
		Node []struct {
			Name  string   `json:"name"`
			Kinds []string `json:"kinds"`
		} `json:"node"`
	}
	if err := json.Unmarshal(body, &sc); err != nil {
		t.Fatalf("schema: %v: %s", err, body)
	}
	var want []string
	for _, r := range sc.Node {
		if len(r.Kinds) == 0 || slices.Contains(r.Kinds, "segment") {
			want = append(want, r.Name)
		}
	}

	openMap(t, ctx, base, id)
	var got []string
	run(t, ctx, "open a segment",
		clickNode(seg.ID),
		chromedp.WaitVisible(`#editor input[name="name"]`, chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll('#editor .field')].filter((el) => !el.hidden && el.offsetParent !== null).map((el) => el.dataset.field)`, &got))
	if !slices.Equal(got, want) {
		t.Errorf("the segment form shows %v, the schema gives a segment %v", got, want)
	}
}
