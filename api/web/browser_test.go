package web_test

// Browser tests: a real `chanmap serve` on loopback driven through Debian's
// chromium by chromedp. They skip when chromium is missing and fail instead
// when CHANMAP_REQUIRE_BROWSER=1 (as in CI).
//
// The README screenshot is written by
//
//	go test ./api/web -run TestBrowserListAndOpenMap -screenshot ../../testdata/screenshots/map-view.png

import (
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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

var screenshotPath = flag.String("screenshot", "", "also save a PNG of the hybrid map's view to this file (for the README)")

// The server is built and started once, on first use, and stopped by TestMain.
var (
	srvOnce sync.Once
	srvURL  string
	srvErr  error
	srvCmd  *exec.Cmd
	srvLog  lockedBuffer
	tmpRoot string
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if srvCmd != nil && srvCmd.Process != nil {
		_ = srvCmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = srvCmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = srvCmd.Process.Kill()
			<-done
		}
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

// server builds chanmap once and starts `chanmap serve` on loopback with an empty store.
func server(t *testing.T) string {
	t.Helper()
	srvOnce.Do(func() {
		tmpRoot, srvErr = os.MkdirTemp("", "chanmap-web-test-")
		if srvErr != nil {
			return
		}
		bin := filepath.Join(tmpRoot, "chanmap")
		build := exec.Command("go", "build", "-o", bin, "github.com/chanmap/chanmap/cmd/chanmap")
		if out, err := build.CombinedOutput(); err != nil {
			srvErr = fmt.Errorf("go build chanmap: %v\n%s", err, out)
			return
		}
		cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(tmpRoot, "chanmap.db"))
		cmd.Env = append(os.Environ(), "CHANMAP_TOKENS=", "CHANMAP_NEO4J_URI=", "CHANMAP_DB=")
		cmd.Stderr = &srvLog
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			srvErr = err
			return
		}
		if err := cmd.Start(); err != nil {
			srvErr = fmt.Errorf("start chanmap serve: %w", err)
			return
		}
		srvCmd = cmd
		first := make(chan string, 1)
		go func() {
			sc := bufio.NewScanner(stdout)
			if sc.Scan() {
				first <- sc.Text()
			}
			close(first)
			_, _ = io.Copy(&srvLog, stdout)
		}()
		select {
		case line, ok := <-first:
			m := regexp.MustCompile(`^chanmap: listening on (http://127\.0\.0\.1:\d+/)$`).FindStringSubmatch(line)
			if !ok || m == nil {
				srvErr = fmt.Errorf("chanmap serve's first line is %q, want \"chanmap: listening on http://127.0.0.1:PORT/\"; stderr:\n%s", line, srvLog.String())
				return
			}
			srvURL = m[1]
		case <-time.After(60 * time.Second):
			srvErr = fmt.Errorf("chanmap serve printed no address in 60s; stderr:\n%s", srvLog.String())
		}
	})
	if srvErr != nil {
		t.Fatal(srvErr)
	}
	return srvURL
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
	opts := []chromedp.ExecAllocatorOption{
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
		chromedp.WindowSize(1400, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf)) // chromedp reports CDP events it does not know; keep them in the test log
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancelT()
		cancel()
		cancelAlloc() // waits for chromium to exit
		_ = os.RemoveAll(dir)
	})
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1400, 900)); err != nil {
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

// seededMap is the map `chanmap serve` seeds an empty store with (the hybrid sample).
func seededMap(t *testing.T, base string) (id, title string) {
	t.Helper()
	res, body := apiDo(t, "GET", base+"api/v1/maps", nil, nil)
	var list []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if res.StatusCode != 200 || json.Unmarshal(body, &list) != nil || len(list) == 0 {
		t.Fatalf("GET /api/v1/maps: %d %s; want the seeded sample map", res.StatusCode, body)
	}
	for _, m := range list {
		if strings.Contains(m.ID, "hybrid") {
			return m.ID, m.Title
		}
	}
	return list[0].ID, list[0].Title
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
	for _, want := range []string{"How it gets the products", "Who supports it", seg.Name} {
		if !strings.Contains(answer, want) {
			t.Errorf("support answer lacks %q:\n%s", want, answer)
		}
	}
	screenshot(t, ctx, "support")
}

func TestBrowserRenameNode(t *testing.T) {
	ctx := tab(t, 45*time.Second)
	base := server(t)
	copyMap(t, base, "rename-test")
	_, nodes, _ := getMap(t, base, "rename-test")
	n := firstOfKind(nodes, "distributor", "wholesaler", "reseller", "retailer")
	openMap(t, ctx, base, "rename-test")

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
	_, nodes, _ = getMap(t, base, "rename-test")
	for _, m := range nodes {
		if m.ID == n.ID && m.Name != newName {
			t.Errorf("after the save the store has name %q, want %q", m.Name, newName)
		}
	}
	screenshot(t, ctx, "rename")
}

func TestBrowserAddAndDeleteEdge(t *testing.T) {
	ctx := tab(t, 45*time.Second)
	base := server(t)
	copyMap(t, base, "edge-test")
	_, nodes, edges := getMap(t, base, "edge-test")
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
	openMap(t, ctx, base, "edge-test")

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
	if !hasEdge(t, base, "edge-test", key) {
		t.Fatalf("after adding, the store has no edge %s", key)
	}
	screenshot(t, ctx, "edge-added")

	run(t, ctx, "delete the edge with confirmation",
		chromedp.Click(`#editor-delete`, chromedp.ByQuery),
		chromedp.WaitVisible(`#confirm-dialog`, chromedp.ByQuery),
		chromedp.Click(`#confirm-yes`, chromedp.ByQuery),
		waitJS(fmt.Sprintf(`!document.querySelector('#diagram g.pick[data-what="edge"][data-ref=%q]') && !!document.querySelector('#diagram svg g.node')`, key)))
	if hasEdge(t, base, "edge-test", key) {
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
	ctx := tab(t, 45*time.Second)
	base := server(t)
	copyMap(t, base, "conflict-test")
	m, nodes, _ := getMap(t, base, "conflict-test")
	n := firstOfKind(nodes, "distributor", "reseller", "retailer")
	other := firstOfKind(nodes, "company")
	openMap(t, ctx, base, "conflict-test")

	typed := "Typed but not saved yet"
	run(t, ctx, "start editing",
		clickNode(n.ID),
		chromedp.WaitVisible(`#editor input[name="name"]`, chromedp.ByQuery),
		chromedp.SetValue(`#editor input[name="name"]`, typed, chromedp.ByQuery))

	// A second client changes the map between the page's load and its save.
	res, body := apiDo(t, "PATCH", base+"api/v1/maps/conflict-test/nodes/"+other.ID,
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
	_, nodes, _ = getMap(t, base, "conflict-test")
	for _, x := range nodes {
		if x.ID == n.ID && x.Name != typed {
			t.Errorf("after the second save the name is %q, want %q", x.Name, typed)
		}
	}
	_, body = apiDo(t, "GET", base+"api/v1/maps/conflict-test/nodes/"+other.ID, nil, nil)
	if !strings.Contains(string(body), "changed by a colleague") {
		t.Errorf("the colleague's change was lost: %s", body)
	}
}

func TestBrowserExportSVG(t *testing.T) {
	ctx := tab(t, 45*time.Second)
	base := server(t)
	copyMap(t, base, "export-test")
	openMap(t, ctx, base, "export-test")

	dir := t.TempDir()
	c := chromedp.FromContext(ctx)
	run(t, ctx, "allow downloads",
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllow).
			WithDownloadPath(dir).WithBrowserContextID(c.BrowserContextID))
	run(t, ctx, "export SVG",
		chromedp.Click(`#export-menu summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#export-svg`, chromedp.ByQuery),
		chromedp.Click(`#export-svg`, chromedp.ByQuery))

	var got []byte
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && got == nil {
		b, err := os.ReadFile(filepath.Join(dir, "export-test.svg"))
		if err == nil && bytes.Contains(b, []byte("</svg>")) {
			got = b
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got == nil {
		entries, _ := os.ReadDir(dir)
		t.Fatalf("no export-test.svg downloaded into %s (found %v)", dir, entries)
	}
	if !bytes.Contains(got, []byte("<svg")) || !bytes.Contains(got, []byte("class=\"node\"")) {
		t.Errorf("the downloaded file is not the diagram SVG: %.200s", got)
	}
	screenshot(t, ctx, "export")
}
