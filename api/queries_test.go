package api

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/render"
)

func TestSupport(t *testing.T) {
	e := newEnv(t)
	e.seed()
	r := e.do("GET", "/api/v1/maps/acme-pumps/segments/contractors/support", nil, nil)
	wantStatus(t, r, 200)
	m, _ := e.store.GetMap(context.Background(), "acme-pumps")
	want, err := graph.SupportOf(m, "contractors")
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	if strings.TrimSpace(string(r.Body)) != string(wantJSON) {
		t.Errorf("support answer\n got %s\nwant %s", r.Body, wantJSON)
	}
	var sup graph.Support
	r.json(t, &sup)
	if len(sup.Supporters) != 1 || sup.Supporters[0].ID != "fixit" || len(sup.Paths) != 1 || !sup.PreferenceMet {
		t.Errorf("support %+v", sup)
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/segments/ghost/support", nil, nil), 404)
	wantStatus(t, e.do("GET", "/api/v1/maps/ghost/segments/contractors/support", nil, nil), 404)
	r = e.do("GET", "/api/v1/maps/acme-pumps/segments/nordic/support", nil, nil)
	if r.Code != 400 && r.Code != 404 {
		t.Errorf("support of a distributor: %d, want 400 or 404", r.Code)
	}
}

func TestAnalysis(t *testing.T) {
	e := newEnv(t)
	e.seed()
	r := e.do("GET", "/api/v1/maps/acme-pumps/analysis", nil, nil)
	wantStatus(t, r, 200)
	m, _ := e.store.GetMap(context.Background(), "acme-pumps")
	rep, err := analysis.Analyze(m)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(rep)
	if strings.TrimSpace(string(r.Body)) != string(want) {
		t.Errorf("analysis\n got %s\nwant %s", r.Body, want)
	}
	var got struct {
		Segments []struct {
			ID         string   `json:"id"`
			NetRevenue *float64 `json:"net_revenue"`
		} `json:"segments"`
	}
	r.json(t, &got)
	// 2,400,000 through nordic, which keeps 18 %.
	if len(got.Segments) != 1 || got.Segments[0].NetRevenue == nil || *got.Segments[0].NetRevenue != 2400000*(1-0.18) {
		t.Errorf("segments %+v", got.Segments)
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/ghost/analysis", nil, nil), 404)
}

// TestAnalysisOfABigMap checks that the report, written as it is encoded,
// is exactly what encoding/json gives, compact and with ?pretty, when it
// is megabytes long.
func TestAnalysisOfABigMap(t *testing.T) {
	e := newEnv(t)
	big := gen.Generate(5000, 4)
	big.ID = "big"
	if _, err := e.store.CreateMap(context.Background(), big); err != nil {
		t.Fatal(err)
	}
	m, _ := e.store.GetMap(context.Background(), "big")
	rep, err := analysis.Analyze(m)
	if err != nil {
		t.Fatal(err)
	}
	compact, _ := json.Marshal(rep)
	pretty, _ := json.MarshalIndent(rep, "", "  ")
	if len(compact) < 1<<20 {
		t.Fatalf("the report is only %d bytes", len(compact))
	}
	for query, want := range map[string][]byte{"": compact, "?pretty": pretty} {
		r := e.do("GET", "/api/v1/maps/big/analysis"+query, nil, nil)
		wantStatus(t, r, 200)
		if got := r.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("%s: Content-Type %q", query, got)
		}
		if r.Header.Get("ETag") != etag(m.Version) {
			t.Errorf("%s: ETag %q, want %q", query, r.Header.Get("ETag"), etag(m.Version))
		}
		if string(r.Body) != string(want)+"\n" {
			t.Errorf("%s: the answer (%d bytes) is not the report (%d bytes)", query, len(r.Body), len(want)+1)
		}
	}
}

func TestDiagrams(t *testing.T) {
	e := newEnv(t)
	e.seed()
	r := e.do("GET", "/api/v1/maps/acme-pumps/diagram.svg", nil, nil)
	wantStatus(t, r, 200)
	if !bytes.Contains(r.Body, []byte("<svg")) || !bytes.Contains(r.Body, []byte("Nordic Industrial Supply")) {
		t.Fatalf("not the map's SVG: %.300s", r.Body)
	}
	if got := r.Header.Get("Content-Security-Policy"); got != "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'" {
		t.Errorf("CSP %q", got)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("headers %v", r.Header)
	}
	tag := r.Header.Get("ETag")
	if tag == "" {
		t.Fatal("no ETag on the diagram")
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/diagram.svg", nil, hdr{"If-None-Match": tag}), 304)
	r = e.do("GET", "/api/v1/maps/acme-pumps/diagram.svg?view=supply", nil, hdr{"If-None-Match": tag})
	wantStatus(t, r, 200) // other options, other drawing
	if r.Header.Get("ETag") == tag {
		t.Error("view=supply has the same ETag as the full view")
	}

	// An edit changes the drawing's ETag.
	wantStatus(t, e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/nordic", map[string]any{"name": "Nordic Supply AB"}, hdr{"If-Match": `"1"`}), 200)
	r = e.do("GET", "/api/v1/maps/acme-pumps/diagram.svg", nil, hdr{"If-None-Match": tag})
	wantStatus(t, r, 200)
	if !bytes.Contains(r.Body, []byte("Nordic Supply AB")) {
		t.Error("diagram after the edit does not show the new name (stale cache)")
	}

	r = e.do("GET", "/api/v1/maps/acme-pumps/diagram.dot?color=tier", nil, nil)
	wantStatus(t, r, 200)
	if !bytes.HasPrefix(bytes.TrimSpace(r.Body), []byte("digraph")) {
		t.Errorf("DOT %.100s", r.Body)
	}
	r = e.do("GET", "/api/v1/maps/acme-pumps/diagram.png?view=focus&focus=contractors&color=profit", nil, nil)
	wantStatus(t, r, 200)
	if !bytes.HasPrefix(r.Body, []byte("\x89PNG")) {
		t.Errorf("not a PNG: %.20q", r.Body)
	}
	r = e.do("GET", "/api/v1/maps/acme-pumps/diagram.svg?detail=true&view=support", nil, nil)
	wantStatus(t, r, 200)
	r = e.do("GET", "/api/v1/maps/acme-pumps/diagram.pdf?page=a4-landscape&theme=print&footer=Source:+test", nil, nil)
	wantStatus(t, r, 200)
	if !bytes.HasPrefix(r.Body, []byte("%PDF-")) || r.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("not a PDF: %.20q %v", r.Body, r.Header)
	}

	r = e.do("GET", "/api/v1/maps/acme-pumps/diagram.svg?insights=3&page=none", nil, nil)
	wantStatus(t, r, 200)
	if !bytes.Contains(r.Body, []byte(`id="finding:1"`)) || !bytes.Contains(r.Body, []byte("at stake")) {
		t.Error("insights=3 lists no findings")
	}
	r = e.do("GET", "/api/v1/maps/acme-pumps/diagram.svg?flow=true&page=none", nil, nil)
	wantStatus(t, r, 200)
	if !bytes.Contains(r.Body, []byte("Net revenue a year through the line: EUR")) {
		t.Error("flow=true draws no width legend")
	}
	r = e.do("GET", "/api/v1/maps/acme-pumps/diagram.svg?without=nordic&page=none", nil, nil)
	wantStatus(t, r, 200)
	if !bytes.Contains(r.Body, []byte("lost in this what-if")) {
		t.Error("without=nordic does not draw the what-if")
	}
	for _, q := range []string{"view=sideways", "color=rainbow", "detail=maybe", "view=focus", "focus=ghost", "page=poster", "theme=neon", "min_font=2", "without=ghost", "flow=maybe", "insights=-1", "insights=all"} {
		r = e.do("GET", "/api/v1/maps/acme-pumps/diagram.svg?"+q, nil, nil)
		wantStatus(t, r, 400)
		r.problem(t)
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/ghost/diagram.svg", nil, nil), 404)

	// Deleted and created again: version 1 again, but not the old drawing.
	m, _ := e.store.GetMap(context.Background(), "acme-pumps")
	wantStatus(t, e.do("DELETE", "/api/v1/maps/acme-pumps", nil, hdr{"If-Match": etag(m.Version)}), 204)
	wantStatus(t, e.do("POST", "/api/v1/maps", strings.Replace(acmeYAML, "Nordic Industrial Supply", "Baltic Traders", 1), nil), 201)
	r = e.do("GET", "/api/v1/maps/acme-pumps/diagram.svg", nil, hdr{"If-None-Match": tag})
	wantStatus(t, r, 200) // version 1 was drawn at the start of this test
	if !bytes.Contains(r.Body, []byte("Baltic Traders")) {
		t.Error("the re-created map is drawn from the old map's cache")
	}
}

// engineFunc is an Engine made of a function, to make the pool's failures
// happen on demand.
type engineFunc func(ctx context.Context, dot []byte) ([]byte, error)

func (f engineFunc) Layout(ctx context.Context, dot []byte) ([]byte, error) { return f(ctx, dot) }

func TestDiagramEngineFailures(t *testing.T) {
	cases := []struct {
		name   string
		engine render.Engine
		code   int
	}{
		{"queue full", engineFunc(func(context.Context, []byte) ([]byte, error) { return nil, render.ErrBusy }), 503},
		{"deadline", engineFunc(func(ctx context.Context, _ []byte) ([]byte, error) {
			<-ctx.Done()
			return nil, render.ErrTimeout
		}), 504},
		{"worker died", engineFunc(func(context.Context, []byte) ([]byte, error) { return nil, render.ErrWorker }), 503},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, func(cfg *Config) { cfg.Engine = c.engine; cfg.RenderTimeout = 50 * time.Millisecond })
			e.seed()
			// Diagrams and decks are laid out through the same engine.
			for _, path := range []string{"diagram.svg", "deck.pdf", "deck.pptx"} {
				r := e.do("GET", "/api/v1/maps/acme-pumps/"+path, nil, nil)
				wantStatus(t, r, c.code)
				r.problem(t)
				if c.code == 503 && r.Header.Get("Retry-After") == "" {
					t.Errorf("%s: 503 without Retry-After", path)
				}
			}
			// Failures are not cached: a working engine answers next.
		})
	}
}

// TestDiagramThroughPool draws through real worker subprocesses (this test
// binary is the worker) and checks that a render past the deadline is a 504
// and that the pool recovers.
func TestDiagramThroughPool(t *testing.T) {
	pool, err := render.NewPool(render.PoolConfig{Size: 1, QueueLen: 2, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	e := newEnv(t, func(c *Config) { c.Engine = pool })
	e.seed()
	r := e.do("GET", "/api/v1/maps/acme-pumps/diagram.svg", nil, nil)
	wantStatus(t, r, 200)
	if !bytes.Contains(r.Body, []byte("<svg")) {
		t.Fatalf("pool answered %.200s", r.Body)
	}
	// A deck's diagrams go through the same workers.
	r = e.do("GET", "/api/v1/maps/acme-pumps/deck.pdf", nil, nil)
	wantStatus(t, r, 200)
	if !bytes.HasPrefix(r.Body, []byte("%PDF-")) {
		t.Fatalf("pool answered %.20q for the deck", r.Body)
	}
}

func TestExports(t *testing.T) {
	e := newEnv(t)
	e.seed()
	orig, _ := e.store.GetMap(context.Background(), "acme-pumps")

	r := e.do("GET", "/api/v1/maps/acme-pumps/export.yaml", nil, nil)
	wantStatus(t, r, 200)
	back, err := mapio.Read(r.Body, "export.yaml")
	if err != nil {
		t.Fatalf("exported YAML does not read back: %v", err)
	}
	back.Version = orig.Version
	if !graph.Equal(orig, back) {
		t.Error("YAML export does not round-trip")
	}
	if !strings.Contains(r.Header.Get("Content-Disposition"), `filename="acme-pumps.yaml"`) {
		t.Errorf("Content-Disposition %q", r.Header.Get("Content-Disposition"))
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/export.yaml", nil, hdr{"If-None-Match": `"1"`}), 304)

	r = e.do("GET", "/api/v1/maps/acme-pumps/export.json", nil, nil)
	wantStatus(t, r, 200)
	if back, err = mapio.Read(r.Body, "export.json"); err != nil || back.ID != "acme-pumps" {
		t.Fatalf("JSON export: %v", err)
	}

	r = e.do("GET", "/api/v1/maps/acme-pumps/export.csv", nil, nil)
	wantStatus(t, r, 200)
	zr, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
	if err != nil {
		t.Fatalf("CSV export is not a zip: %v", err)
	}
	if len(zr.File) != 2 || zr.File[0].Name != "nodes.csv" || zr.File[1].Name != "edges.csv" {
		t.Fatalf("zip holds %v", zr.File)
	}

	r = e.do("GET", "/api/v1/maps/acme-pumps/export.xlsx", nil, nil)
	wantStatus(t, r, 200)
	if !bytes.HasPrefix(r.Body, []byte("PK")) {
		t.Error("XLSX export is not a zip container")
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/ghost/export.xlsx", nil, nil), 404)
}

// multipartBody builds an import upload from (part, filename, content) triples.
func multipartBody(t *testing.T, parts ...[3]string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		w, err := mw.CreateFormFile(p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p[2])
	}
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

func TestImport(t *testing.T) {
	e := newEnv(t)
	e.seed()

	// Export the tables, change a name in them, import them back.
	r := e.do("GET", "/api/v1/maps/acme-pumps/export.csv", nil, nil)
	zr, _ := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
	read := func(i int) string {
		f, _ := zr.File[i].Open()
		b, _ := io.ReadAll(f)
		return string(b)
	}
	nodesCSV := strings.Replace(read(0), "Nordic Industrial Supply", "Nordic Wholesale", 1)
	body, ct := multipartBody(t, [3]string{"nodes", "nodes.csv", nodesCSV}, [3]string{"edges", "edges.csv", read(1)})
	wantStatus(t, e.do("POST", "/api/v1/maps/acme-pumps/import", body, hdr{"Content-Type": ct}), 428)
	r = e.do("POST", "/api/v1/maps/acme-pumps/import", body, hdr{"Content-Type": ct, "If-Match": `"1"`})
	wantStatus(t, r, 200)
	m, _ := e.store.GetMap(context.Background(), "acme-pumps")
	if m.Node("nordic").Name != "Nordic Wholesale" || len(m.Nodes) != 6 || len(m.Edges) != 5 || m.Title != "ACME Pumps - channel map 2026" {
		t.Fatalf("after CSV import: %q, %d nodes, %d edges, title %q", m.Node("nordic").Name, len(m.Nodes), len(m.Edges), m.Title)
	}

	// A map file replaces the content.
	smaller := strings.Replace(acmeYAML, "  - {from: contractors, to: web, kind: uses, purpose: ordering}\n", "", 1)
	body, ct = multipartBody(t, [3]string{"map", "acme.yaml", smaller})
	r = e.do("POST", "/api/v1/maps/acme-pumps/import", body, hdr{"Content-Type": ct, "If-Match": r.Header.Get("ETag")})
	wantStatus(t, r, 200)
	m, _ = e.store.GetMap(context.Background(), "acme-pumps")
	if len(m.Edges) != 4 {
		t.Fatalf("after map import %d edges, want 4", len(m.Edges))
	}
	tag := r.Header.Get("ETag")

	// The workbook export imports back to the same map.
	wb := e.do("GET", "/api/v1/maps/acme-pumps/export.xlsx", nil, nil)
	body, ct = multipartBody(t, [3]string{"workbook", "acme.xlsx", string(wb.Body)})
	r = e.do("POST", "/api/v1/maps/acme-pumps/import", body, hdr{"Content-Type": ct, "If-Match": tag})
	wantStatus(t, r, 200)
	after, _ := e.store.GetMap(context.Background(), "acme-pumps")
	after.Version = m.Version
	if !graph.Equal(m, after) {
		t.Error("XLSX export -> import changed the map")
	}
	tag = r.Header.Get("ETag")

	// Bad rows change nothing and say where.
	badNodes := nodesCSV + "broken,segment,Broken,,,,,,not-a-number\n"
	body, ct = multipartBody(t, [3]string{"nodes", "nodes.csv", badNodes}, [3]string{"edges", "edges.csv", "from,to,kind\nacme,ghost,supplies\n"})
	r = e.do("POST", "/api/v1/maps/acme-pumps/import", body, hdr{"Content-Type": ct, "If-Match": tag})
	wantStatus(t, r, 400)
	if p := r.problem(t); len(p.Errors) == 0 {
		t.Errorf("no located errors: %+v", p)
	}
	body, ct = multipartBody(t, [3]string{"nodes", "nodes.csv", nodesCSV})
	wantStatus(t, e.do("POST", "/api/v1/maps/acme-pumps/import", body, hdr{"Content-Type": ct, "If-Match": tag}), 400)
	wantStatus(t, e.do("POST", "/api/v1/maps/acme-pumps/import", acmeYAML, hdr{"If-Match": tag}), 415)
	still, _ := e.store.GetMap(context.Background(), "acme-pumps")
	if `"`+itoa(still.Version)+`"` != tag {
		t.Errorf("failed imports moved the version to %d", still.Version)
	}
}

func itoa(v int64) string { return strings.TrimSpace(strings.Trim(etag(v), `"`)) }

// TestRenderDeadlineAndQueueThroughPool drives the real worker pool past its
// limits: a layout beyond the deadline is a 504 and its worker is killed and
// replaced; requests beyond the queue are 503 with Retry-After; a small
// diagram right after draws again.
func TestRenderDeadlineAndQueueThroughPool(t *testing.T) {
	if testing.Short() {
		t.Skip("lays out a large map")
	}
	pool, err := render.NewPool(render.PoolConfig{Size: 1, QueueLen: 1, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	e := newEnv(t, func(c *Config) { c.Engine = pool; c.RenderTimeout = 3 * time.Second })
	e.seed()
	big := gen.Generate(3000, 3)
	big.ID = "big"
	if _, err := e.store.CreateMap(context.Background(), big); err != nil {
		t.Fatal(err)
	}

	r := e.do("GET", "/api/v1/maps/big/diagram.svg?detail=true", nil, nil)
	wantStatus(t, r, 504)
	r.problem(t)
	deadline := time.Now().Add(10 * time.Second)
	for pool.Stats().Timeouts == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if pool.Stats().Timeouts == 0 {
		t.Fatalf("the worker past the deadline was not killed: %+v", pool.Stats())
	}
	// PNG and PDF go through the same pool and deadline.
	for _, f := range []string{"png", "pdf"} {
		start := time.Now()
		r := e.do("GET", "/api/v1/maps/big/diagram."+f+"?detail=true", nil, nil)
		wantStatus(t, r, 504)
		if took := time.Since(start); took > 20*time.Second { // generous: the 504 is the point; a loaded machine builds slowly
			t.Errorf("%s past the 3 s deadline answered after %s", f, took)
		}
	}

	// One layout runs, one waits, the rest are turned away at once. A
	// second server on the same pool gives requests a longer deadline, so
	// that building the 3000-node diagram before layout (slow under the
	// race detector) cannot use up the deadline before the pool is reached.
	storm := newEnv(t, func(c *Config) { c.Engine = pool; c.RenderTimeout = 20 * time.Second })
	if _, err := storm.store.CreateMap(context.Background(), big); err != nil {
		t.Fatal(err)
	}
	views := []string{"full", "supply", "support", "touchpoints", "full&color=tier", "supply&color=tier"}
	codes := make(chan resp, len(views))
	for _, v := range views {
		go func(v string) {
			codes <- storm.do("GET", "/api/v1/maps/big/diagram.svg?detail=true&view="+v, nil, nil)
		}(v)
	}
	busy := 0
	for range views {
		r := <-codes
		switch r.Code {
		case 503:
			busy++
			if r.Header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		case 504, 200:
		default:
			t.Errorf("overloaded pool answered %d: %s", r.Code, r.Body)
		}
	}
	if busy == 0 {
		t.Errorf("%d concurrent layouts on 1 worker with a queue of 1: none turned away", len(views))
	}

	// Once the abandoned layouts are cleared (their workers killed at the
	// deadline and replaced), a small diagram draws again.
	deadline = time.Now().Add(20 * time.Second)
	for {
		r = e.do("GET", "/api/v1/maps/acme-pumps/diagram.svg", nil, nil)
		if r.Code != 503 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	wantStatus(t, r, 200)
	t.Logf("pool after the storm: %+v", pool.Stats())
}
