package main

import (
	"bytes"
	"context"
	"github.com/chanmap/chanmap/graph/mapio"
	"image/png"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/api"
	"github.com/chanmap/chanmap/graph/embedded"
	"github.com/chanmap/chanmap/render"
)

const hybridMap = "../../testdata/maps/hybrid.yaml"

func TestRenderCommandWritesEachFormat(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args  []string
		file  string
		check func([]byte) bool
	}{
		{[]string{"-o", "m.svg"}, "m.svg", func(b []byte) bool { return bytes.Contains(b, []byte("<svg")) }},
		{[]string{"-o", "m.dot"}, "m.dot", func(b []byte) bool { return bytes.HasPrefix(b, []byte("digraph")) }},
		{[]string{"-o", "m.out", "--format", "dot"}, "m.out", func(b []byte) bool { return bytes.HasPrefix(b, []byte("digraph")) }},
		{[]string{"-o", "m.png", "--color", "tier"}, "m.png", func(b []byte) bool { _, err := png.Decode(bytes.NewReader(b)); return err == nil }},
		{[]string{"-o", "m.pdf", "--theme", "print"}, "m.pdf", func(b []byte) bool { return bytes.HasPrefix(b, []byte("%PDF-")) }},
		{[]string{"-o", "f.svg", "--focus", "homeowners", "--color", "profit"}, "f.svg", func(b []byte) bool {
			return bytes.Contains(b, []byte("Everything that reaches, supports or talks to Homeowners")) && !bytes.Contains(b, []byte("Small private landlords")) &&
				!bytes.Contains(b, []byte("net EUR"))
		}},
		// The hybrid map's landlords are reached by nobody: marked with kind colours too.
		{[]string{"-o", "m.svg", "--weak-spots", "--detail"}, "m.svg", func(b []byte) bool {
			return bytes.Contains(b, []byte("×\u00a0unreachable")) && !bytes.Contains(b, []byte("net EUR"))
		}},
		{[]string{"-o", "m.svg", "--figures", "--detail", "--footer", "Source: ledger 2025"}, "m.svg", func(b []byte) bool {
			return bytes.Contains(b, []byte("net EUR")) && !bytes.Contains(b, []byte("×\u00a0unreachable")) && bytes.Contains(b, []byte("Source: ledger 2025"))
		}},
	} {
		args := append([]string{"render", hybridMap}, tc.args...)
		for i, a := range args {
			if strings.HasPrefix(a, "m.") || strings.HasPrefix(a, "f.") {
				args[i] = filepath.Join(dir, a)
			}
		}
		code, _, stderr := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, stderr)
		}
		b, err := os.ReadFile(filepath.Join(dir, tc.file))
		if err != nil || !tc.check(b) {
			t.Errorf("%v: wrong output (%v)", tc.args, err)
		}
	}
}

func TestRenderCommandStdoutAndErrors(t *testing.T) {
	code, stdout, _ := runCLI(t, "render", hybridMap, "--view", "supply")
	if code != 0 || !strings.Contains(stdout, "<svg") || !strings.Contains(stdout, "How customers get the products</desc>") && !strings.Contains(stdout, "How customers get the products.") {
		t.Errorf("SVG to stdout: exit %d, %.100s", code, stdout)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"render", hybridMap, "--view", "sideways"}, 2, `unknown view "sideways"`},
		{[]string{"render", hybridMap, "--color", "rainbow"}, 2, `unknown colour "rainbow"`},
		{[]string{"render", hybridMap, "--focus", "hvac-nord"}, 2, "focus on a segment or customer"},
		{[]string{"render", hybridMap, "--format", "gif"}, 2, `unknown --format "gif"`},
		{[]string{"render", hybridMap, "--format", "png"}, 2, "PNG is binary"},
		{[]string{"render", hybridMap, "--format", "pdf"}, 2, "PDF is binary"},
		{[]string{"render", hybridMap, "--format", "png", "-o", "x.svg"}, 2, "--format png disagrees with the -o extension .svg"},
		{[]string{"render", hybridMap, "--page", "poster"}, 2, `unknown page "poster"`},
		{[]string{"render", hybridMap, "--theme", "neon"}, 2, `unknown theme "neon"`},
		{[]string{"render", "missing.yaml"}, 1, "missing.yaml"},
		{[]string{"render"}, 2, "accepts 1 arg"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d saying %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
}

func TestRenderCommandLeavesNoPartialFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.svg")
	if code, _, _ := runCLI(t, "render", hybridMap, "--focus", "nobody", "-o", out); code == 0 {
		t.Fatal("focus on an unknown id succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("a failed render left %d file(s) behind", len(entries))
	}
}

// The CLI and the API draw the same figures for the same colour mode: one
// overlay policy, in render.
func TestRenderCommandAndAPIDrawTheSame(t *testing.T) {
	m, err := mapio.ReadFile(hybridMap)
	if err != nil {
		t.Fatal(err)
	}
	st, err := embedded.Open(filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.CreateMap(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(api.Config{Store: st, Engine: render.NewInProcess(), AllowedHosts: []string{"example.com"}}) // httptest requests carry Host example.com
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, q := range []struct{ flags, query string }{
		{"--color tier", "color=tier"},
		{"--color profit --figures", "color=profit&figures=true"},
		{"--weak-spots --theme dark", "weak_spots=true&theme=dark"},
		{"--focus homeowners --color tier", "focus=homeowners&color=tier"},
	} {
		out := filepath.Join(t.TempDir(), "x.svg")
		args := append([]string{"render", hybridMap, "-o", out}, strings.Fields(q.flags)...)
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: %s", args, stderr)
		}
		cli, _ := os.ReadFile(out)
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/api/v1/maps/"+m.ID+"/diagram.svg?"+q.query, nil)
		req.Host = "127.0.0.1" // a server without tokens answers loopback names only
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", q.query, rec.Code, rec.Body)
		}
		if !bytes.Equal(cli, rec.Body.Bytes()) {
			t.Errorf("%s: the CLI and the API drew different diagrams", q.flags)
		}
	}
}
