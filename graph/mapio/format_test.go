package mapio_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/chanmap/chanmap/graph/mapio"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/testdata"
)

func mustRead(t testing.TB, data []byte, name string) *graph.Map {
	t.Helper()
	m, err := mapio.Read(data, name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func writeYAML(t testing.TB, m *graph.Map) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := mapio.WriteYAML(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeJSON(t testing.TB, m *graph.Map) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := mapio.WriteJSON(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSamplesExist(t *testing.T) {
	names := testdata.Names()
	for _, want := range []string{"generated-1000", "hybrid", "industrial"} {
		if testdata.Sample(want) == nil {
			t.Errorf("sample %s missing (have %v)", want, names)
		}
	}
	if testdata.Sample("nope") != nil || testdata.Sample("../samples") != nil || testdata.Sample("") != nil {
		t.Error("Sample of an unknown name must be nil")
	}
}

// read -> write -> read is lossless and write is stable, in YAML and in
// JSON, for every sample.
func TestRoundTripSamples(t *testing.T) {
	for _, name := range testdata.Names() {
		t.Run(name, func(t *testing.T) {
			m := mustRead(t, testdata.Sample(name), name)
			y1 := writeYAML(t, m)
			m2 := mustRead(t, y1, name+" (written)")
			if !graph.Equal(m, m2) {
				t.Fatal("YAML round trip changed the map")
			}
			if y2 := writeYAML(t, m2); !bytes.Equal(y1, y2) {
				t.Fatal("writing the re-read map gave different YAML")
			}
			j1 := writeJSON(t, m)
			if !json.Valid(j1) {
				t.Fatal("WriteJSON wrote invalid JSON")
			}
			m3 := mustRead(t, j1, name+".json")
			if !graph.Equal(m, m3) {
				t.Fatal("JSON round trip changed the map")
			}
			if j2 := writeJSON(t, m3); !bytes.Equal(j1, j2) {
				t.Fatal("writing the re-read JSON gave different JSON")
			}
			// Node and edge order is kept.
			for i := range m.Nodes {
				if m.Nodes[i].ID != m2.Nodes[i].ID {
					t.Fatalf("node %d is %s after the round trip, was %s", i, m2.Nodes[i].ID, m.Nodes[i].ID)
				}
			}
		})
	}
}

// The committed sample files are written in the canonical form, so a
// read-write cycle leaves them untouched apart from comments.
func TestGeneratedSampleIsCanonical(t *testing.T) {
	src := testdata.Sample("generated-1000")
	if got := writeYAML(t, mustRead(t, src, "g")); !bytes.Equal(got, src) {
		t.Fatal("generated-1000.yaml is not in canonical form")
	}
}

// Strings that YAML could misread are quoted; every one survives a round
// trip in both formats exactly.
func TestHostileStringsRoundTrip(t *testing.T) {
	hostile := []string{
		"yes", "No", "null", "~", "true", "123", "0x1F", "1e5", "007", "-dash", "- item", "a: b", "a #b", "#c",
		"[x]", "{y}", "@at", "`tick`", "'single'", `"double"`, "back\\slash", "multi\nline", "tab\there",
		" leading", "trailing ", "&anchor", "*alias", "!tag", "%percent", "|pipe", ">fold", "?q", "a, b",
		"Müller & Söhne GmbH", "🚀 Rocket", "مرحبا", "שלום עולם", "\u200bzero width",
		"line\u2028sep", "<script>alert(1)</script>", "2026-01-02", "1:20", ".inf", "NaN", "=", "<<",
	}
	m := &graph.Map{ID: "hostile", Title: "A: title # with, everything", Currency: "EUR"}
	m.Nodes = append(m.Nodes, &graph.Node{ID: "co", Kind: graph.KindCompany, Name: "Co"})
	for i, s := range hostile {
		m.Nodes = append(m.Nodes, &graph.Node{
			ID: fmt.Sprintf("n%d", i), Kind: graph.KindSegment, Name: s, Description: s, Tags: []string{listItem(s), "plain"},
			Needs: s, Scores: map[string]float64{"growth": 50}, Attrs: map[string]any{"note": s, "n": 1.5, "flag": true},
		})
		m.Edges = append(m.Edges, &graph.Edge{From: "co", To: fmt.Sprintf("n%d", i), Kind: graph.EdgeSupports, Why: s, Services: []string{listItem(s)}})
	}
	if err := graph.Validate(m); err != nil {
		t.Fatal(err)
	}
	y := writeYAML(t, m)
	if got := mustRead(t, y, "hostile.yaml"); !graph.Equal(m, got) {
		for i := range m.Nodes {
			if fmt.Sprint(*m.Nodes[i]) != fmt.Sprint(*got.Nodes[i]) {
				t.Errorf("node %d: wrote %q, read %q", i, m.Nodes[i].Name, got.Nodes[i].Name)
			}
		}
		t.Fatal("YAML round trip of hostile strings failed")
	}
	if got := mustRead(t, writeJSON(t, m), "hostile.json"); !graph.Equal(m, got) {
		t.Fatal("JSON round trip of hostile strings failed")
	}
}

func TestNumbersRoundTrip(t *testing.T) {
	for _, v := range []float64{0, 1, 0.18, 2400000, 1e15, 123456789.123, 1e-7, 0.1 + 0.2} {
		m := &graph.Map{ID: "n", Nodes: []*graph.Node{{ID: "s", Kind: graph.KindSegment, Name: "S", Revenue: &v}}}
		for _, w := range []func(testing.TB, *graph.Map) []byte{writeYAML, writeJSON} {
			got := mustRead(t, w(t, m), "n")
			if *got.Nodes[0].Revenue != v {
				t.Errorf("%v came back as %v", v, *got.Nodes[0].Revenue)
			}
		}
	}
}

// JSON written by encoding/json from a Map (what the API returns) is a map
// file too: attrs nested under "attrs" and the store's version are accepted.
func TestReadEncodingJSONShape(t *testing.T) {
	m := mustRead(t, testdata.Sample("hybrid"), "hybrid")
	m.Version = 7
	m.Nodes[0].Attrs = map[string]any{"founded": 2011.0, "listed": false}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	got := mustRead(t, b, "api.json")
	if !graph.Equal(m, got) {
		t.Fatal("a Map marshalled by encoding/json did not read back equal")
	}
}

func TestJSONProblemsAreLocated(t *testing.T) {
	src := `{
  "id": "j",
  "nodes": [
    {"id": "co", "kind": "company", "name": "Co"},
    {"id": "seg", "kind": "segment", "name": "Seg", "revenue": -4}
  ],
  "edges": [{"from": "co", "to": "seg", "kind": "supplies", "margin": 3}]
}`
	ps := problemsOf(t, func() error { _, err := mapio.Read([]byte(src), "m.json"); return err }())
	if len(ps) != 2 {
		t.Fatalf("want 2 problems, got %v", ps)
	}
	if p := ps[0]; p.Line != 5 || p.Col != 64 || p.Value != "-4" {
		t.Errorf("revenue problem at %d:%d value %q", p.Line, p.Col, p.Value)
	}
	if p := ps[1]; p.Line != 7 || p.Col != 71 || p.Value != "3" {
		t.Errorf("margin problem at %d:%d value %q", p.Line, p.Col, p.Value)
	}
}

func TestBadInput(t *testing.T) {
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(i*7919 + i/13)
	}
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	aliasBomb := `a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
id: x
nodes: *g
`
	cases := []struct {
		name, src, msg string
	}{
		{"empty", "", "the file is empty"},
		{"blank", "  \n\n\t\n", "the file is empty"},
		{"comment only", "# nothing here\n", "no map"},
		{"binary", string(random), "not UTF-8 text"},
		{"nul byte", "id: a\x00\n", "not UTF-8 text"},
		{"not yaml", "id: [unclosed\nnodes: {", "not valid YAML"},
		{"a list", "- a\n- b\n", "must be a mapping"},
		{"a scalar", "hello", "must be a mapping"},
		{"two documents", "id: a\n---\nid: b\n", "more than one YAML document"},
		{"deep nesting", deep, "nested more than"},
		{"alias bomb", aliasBomb, "aliases expand to more than"},
		{"merge key", "base: &b {kind: company}\nid: x\nnodes:\n  - <<: *b\n    id: co\n", "merge keys"},
		{"nodes a mapping", "id: t\nnodes: {a: 1}\n", "nodes must be a list"},
		{"duplicate key", "id: a\nid: b\n", `mapping key "id" already defined`},
		{"duplicate JSON key", `{"id": "a", "id": "b"}`, `not valid JSON: duplicate key "id"`},
		{"broken JSON", `{"id": "a", "nodes": [}`, "not valid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { _, err := mapio.Read([]byte(c.src), "bad"); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("Read hung")
			}
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("want an error saying %q, got %v", c.msg, err)
			}
			var verr *graph.ValidationError
			if !errors.As(err, &verr) || verr.Problems[0].File != "bad" {
				t.Fatalf("want a located *ValidationError, got %T %v", err, err)
			}
		})
	}
}

func TestHugeInputRefused(t *testing.T) {
	big := bytes.Repeat([]byte("# padding padding padding padding padding padding padding padding\n"), (mapio.MaxFileSize/66)+2)
	_, err := mapio.Read(big, "huge.yaml")
	if err == nil || !strings.Contains(err.Error(), "larger than 64 MiB") {
		t.Fatalf("got %v", err)
	}
	// A 50 MB YAML file is refused quickly with the advice to use JSON.
	fifty := big[:50<<20]
	start := time.Now()
	_, err = mapio.Read(fifty, "fifty.yaml")
	if err == nil || !strings.Contains(err.Error(), "as JSON") {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("refusing took %v", d) // generous; the point is it does not parse
	}
}

// A 100k-node map, as JSON, reads and validates; as YAML it is refused with
// advice. BenchmarkRead measures the time.
func TestHundredThousandNodes(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds a 40 MB map; skipped with -short and -race")
	}
	m := gen.Generate(100000, 3)
	j := writeJSON(t, m)
	got := mustRead(t, j, "big.json")
	if len(got.Nodes) != 100000 || !graph.Equal(m, got) {
		t.Fatal("100k-node JSON map did not read back equal")
	}
	if _, err := mapio.Read(writeYAML(t, m), "big.yaml"); err == nil || !strings.Contains(err.Error(), "as JSON") {
		t.Fatalf("100k-node YAML: %v", err)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.yaml")
	if err := os.WriteFile(p, testdata.Sample("industrial"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := mapio.ReadFile(p)
	if err != nil || m.ID != "brandt-pumps" {
		t.Fatalf("ReadFile: %v %v", m, err)
	}
	if _, err := mapio.ReadFile(filepath.Join(dir, "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("id: x\nnodes: []\nedges: []\nfoo: 1\n"), 0o644)
	_, err = mapio.ReadFile(bad)
	if ps := problemsOf(t, err); ps[0].File != bad || ps[0].Line != 4 {
		t.Fatalf("problem %+v", ps[0])
	}
}

// Parse reports shape only; the semantic rules are Validate's.
func TestParseSkipsSemantics(t *testing.T) {
	m, err := mapio.Parse([]byte(withLine(10, "  - {from: co, to: dist, kind: supplies, margin: 7}")), "p.yaml")
	if err != nil {
		t.Fatalf("Parse reported a semantic problem: %v", err)
	}
	if *m.Edges[0].Margin != 7 {
		t.Fatal("margin not decoded")
	}
	if graph.Validate(m) == nil {
		t.Fatal("Validate accepted margin 7")
	}
	_, err = mapio.Parse([]byte(withLine(2, "colour: red")), "p.yaml")
	if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Line != 2 {
		t.Fatalf("Parse: %v", err)
	}
}

// Structural and semantic problems come together, without echoes of the
// same field.
func TestStructuralAndSemanticTogether(t *testing.T) {
	src := withLine(8, "  - {id: pr, kind: product, name: [x]}") + "bogus: 1\n"
	src = strings.Replace(src, "kind: company", "kind: empire", 1)
	ps := problemsOf(t, func() error { _, err := mapio.Read([]byte(src), "s.yaml"); return err }())
	var msgs []string
	for _, p := range ps {
		msgs = append(msgs, p.Message)
	}
	all := strings.Join(msgs, "\n")
	if len(ps) != 3 || !strings.Contains(all, "empire") || !strings.Contains(all, "name must be a string") || !strings.Contains(all, "bogus") {
		t.Fatalf("got:\n%s", all)
	}
}

func TestJSONStringEscapes(t *testing.T) {
	src := `{"id": "e", "title": "caf\u00e9 \ud83d\ude80 \"q\" back\\slash \/ tab\t nl\n lone\ud800 end", "nodes": [], "edges": []}`
	m := mustRead(t, []byte(src), "e.json")
	want := "café 🚀 \"q\" back\\slash / tab\t nl\n lone\uFFFD end"
	if m.Title != want {
		t.Fatalf("title %q, want %q", m.Title, want)
	}
	var viaStd struct{ Title string }
	if err := json.Unmarshal([]byte(src), &viaStd); err != nil || viaStd.Title != want {
		t.Fatalf("encoding/json reads %q (%v)", viaStd.Title, err)
	}
}

// Broken JSON too big for the YAML parser is reported by the JSON scanner
// with its line and column.
func TestBigBrokenJSONLocated(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("{\"id\": \"big\",\n\"title\": \"")
	b.Write(bytes.Repeat([]byte("x"), mapio.MaxYAMLSize))
	b.WriteString("\",\n\"nodes\": [1, 2,, 3]}\n")
	_, err := mapio.Read(b.Bytes(), "big.json")
	ps := problemsOf(t, err)
	if !strings.Contains(ps[0].Message, "not valid JSON") || ps[0].Line != 3 || ps[0].Col != 16 {
		t.Fatalf("%+v", ps[0])
	}
}

// Windows line ends, a byte order mark, block scalars, numbers where text is
// expected and quoted keys are ordinary input.
func TestYAMLVariants(t *testing.T) {
	src := "\xef\xbb\xbfid: v\r\n\"title\": 2026\r\nnodes:\r\n  - id: co\r\n    kind: company\r\n    name: true\r\n    description: |\r\n      two\r\n      lines\r\n  - {id: s, kind: segment, name: 1.50, revenue: 1e6, colour: red}\r\nedges: []\r\n"
	m := mustRead(t, []byte(src), "v.yaml")
	if m.Title != "2026" || m.Nodes[0].Name != "true" || m.Nodes[0].Description != "two\nlines\n" || m.Nodes[1].Name != "1.50" ||
		*m.Nodes[1].Revenue != 1e6 || m.Nodes[1].Attrs["colour"] != "red" {
		t.Fatalf("%+v %+v", *m.Nodes[0], *m.Nodes[1])
	}
	bad := strings.Replace(src, "kind: segment", "kind: segmnt", 1)
	ps := problemsOf(t, func() error { _, err := mapio.Read([]byte(bad), "v.yaml"); return err }())
	if ps[0].Line != 10 || ps[0].Col != 19 {
		t.Fatalf("CRLF position %d:%d", ps[0].Line, ps[0].Col)
	}
}

// A minified JSON map on one line reads in linear time, with columns in
// characters.
func TestMinifiedJSON(t *testing.T) {
	m := gen.Generate(20000, 5)
	var b bytes.Buffer
	if err := json.Compact(&b, writeJSON(t, m)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := mapio.Read(b.Bytes(), "min.json"); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("reading a minified 20k-node map took over a minute")
	}
	_, err := mapio.Read([]byte(`{"id":"e","title":"üü","nodes":[{"id":"x","kind":"wizard","name":"ä"}]}`), "u.json")
	if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Line != 1 || ps[0].Col != 50 {
		t.Fatalf("%+v", ps)
	}
}

// Random strings over YAML's special characters survive a round trip as
// names, list items, attribute values and attribute keys.
func TestRandomStringsRoundTrip(t *testing.T) {
	alphabet := []rune("aZ09 -_:#,[]{}&*!|>'\"%@`?~=<.\\/\t\n+éü🚀\u2028")
	r := rand.New(rand.NewPCG(1, 2))
	m := &graph.Map{ID: "r", Nodes: []*graph.Node{{ID: "co", Kind: graph.KindCompany, Name: "Co"}}}
	for i := 0; i < 2000; i++ {
		n := 1 + r.IntN(12)
		rs := make([]rune, n)
		for j := range rs {
			rs[j] = alphabet[r.IntN(len(alphabet))]
		}
		s := string(rs)
		m.Nodes = append(m.Nodes, &graph.Node{ID: fmt.Sprintf("n%d", i), Kind: graph.KindSegment, Name: "x" + s,
			Tags: []string{listItem(s)}, Attrs: map[string]any{fmt.Sprintf("k%d", i): "v" + s}})
	}
	if err := graph.Validate(m); err != nil {
		t.Fatal(err)
	}
	for _, w := range []func(testing.TB, *graph.Map) []byte{writeYAML, writeJSON} {
		got := mustRead(t, w(t, m), "random")
		if !graph.Equal(m, got) {
			for i := range m.Nodes {
				a, b := m.Nodes[i], got.Nodes[i]
				if a.Name != b.Name || a.Tags[0] != b.Tags[0] || fmt.Sprint(a.Attrs) != fmt.Sprint(b.Attrs) {
					t.Fatalf("node %d: wrote %q %q %v, read %q %q %v", i, a.Name, a.Tags, a.Attrs, b.Name, b.Tags, b.Attrs)
				}
			}
			t.Fatal("round trip differs")
		}
	}
}

// listItem makes s a valid list item: no ';', no white space around it.
func listItem(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, ";", ","))
	if s == "" {
		return "x"
	}
	return s
}

// A null entry in nodes or edges is a located problem, so no map read from
// a file holds a nil node or edge.
func TestNullEntriesAreRefused(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"yaml node", "id: x\nnodes:\n  - {id: a, kind: company, name: A}\n  - null\nedges: []\n", "a node must be a mapping"},
		{"yaml edge", "id: x\nnodes:\n  - {id: a, kind: company, name: A}\nedges:\n  -\n", "an edge must be a mapping"},
		{"json node", "{\"id\": \"x\",\n \"nodes\": [null],\n \"edges\": []}", "a node must be a mapping"},
		{"json edge", "{\"id\": \"x\", \"nodes\": [],\n \"edges\": [\n null]}", "an edge must be a mapping"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := mapio.Read([]byte(c.src), "null.yaml")
			ps := problemsOf(t, err)
			if len(ps) == 0 || !strings.Contains(ps[0].Message, c.want) || ps[0].Line < 2 {
				t.Errorf("problems %+v; want %q with its line", ps, c.want)
			}
		})
	}
}
