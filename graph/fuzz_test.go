package graph_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/testdata"
)

// FuzzRead feeds Read arbitrary bytes. It must never panic or hang; what it
// accepts must be valid and survive a YAML and a JSON round trip.
//
//	go test ./graph -run '^$' -fuzz FuzzRead -fuzztime 60s
func FuzzRead(f *testing.F) {
	f.Add(testdata.Sample("industrial"))
	f.Add(testdata.Sample("hybrid"))
	f.Add([]byte(withLine(2, "currency: EUR")))
	f.Add([]byte(withLine(12, "  - {from: dist, to: co, kind: supplies}")))
	f.Add([]byte(`{"id": "j", "nodes": [{"id": "a", "kind": "company", "name": "A", "x": 1}], "edges": []}`))
	f.Add([]byte("a: &a [1]\nb: *a\n"))
	f.Add([]byte("id: x\nnodes:\n  - id: a\n    kind: segment\n    name: |\n      multi\n      line\n"))
	f.Add([]byte(""))
	f.Add([]byte("\xff\xfe"))
	f.Add([]byte("[[[[{"))
	f.Add([]byte("id: 'q'\ntitle: \"\\u00e9 \\t\"\nnodes: []\nedges: []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		type result struct {
			m   *graph.Map
			err error
		}
		done := make(chan result, 1)
		go func() { m, err := graph.Read(data, "fuzz"); done <- result{m, err} }()
		var r result
		select {
		case r = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Read hung on %q", data)
		}
		m, err := r.m, r.err
		if err != nil {
			if m != nil {
				t.Fatal("Read returned a map with an error")
			}
			return
		}
		if err := graph.Validate(m); err != nil {
			t.Fatalf("Read accepted an invalid map: %v", err)
		}
		var y, j bytes.Buffer
		if err := graph.WriteYAML(&y, m); err != nil {
			t.Fatal(err)
		}
		m2, err := graph.Read(y.Bytes(), "fuzz-written.yaml")
		if err != nil {
			t.Fatalf("written YAML does not read back: %v\n%s", err, y.Bytes())
		}
		if !graph.Equal(m, m2) {
			t.Fatalf("YAML round trip changed the map:\n%s", y.Bytes())
		}
		if err := graph.WriteJSON(&j, m); err != nil {
			t.Fatal(err)
		}
		m3, err := graph.Read(j.Bytes(), "fuzz-written.json")
		if err != nil || !graph.Equal(m, m3) {
			t.Fatalf("JSON round trip failed: %v\n%s", err, j.Bytes())
		}
	})
}
