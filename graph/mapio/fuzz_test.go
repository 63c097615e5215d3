package mapio_test

import (
	"bytes"
	"fmt"
	"github.com/chanmap/chanmap/graph/mapio"
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
		done := make(chan string, 1)
		go func() { done <- checkRead(data) }()
		select {
		case msg := <-done:
			if msg != "" {
				t.Fatal(msg)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("Read or the round trip hung on %q", data)
		}
	})
}

// checkRead returns what is wrong with reading data, or "".
func checkRead(data []byte) string {
	m, err := mapio.Read(data, "fuzz")
	if err != nil {
		if m != nil {
			return "Read returned a map with an error"
		}
		return ""
	}
	if err := graph.Validate(m); err != nil {
		return fmt.Sprintf("Read accepted an invalid map: %v", err)
	}
	var y, j bytes.Buffer
	if err := mapio.WriteYAML(&y, m); err != nil {
		return err.Error()
	}
	m2, err := mapio.Read(y.Bytes(), "fuzz-written.yaml")
	if err != nil {
		return fmt.Sprintf("written YAML does not read back: %v\n%s", err, y.Bytes())
	}
	if !graph.Equal(m, m2) {
		return fmt.Sprintf("YAML round trip changed the map:\n%s", y.Bytes())
	}
	if err := mapio.WriteJSON(&j, m); err != nil {
		return err.Error()
	}
	m3, err := mapio.Read(j.Bytes(), "fuzz-written.json")
	if err != nil || !graph.Equal(m, m3) {
		return fmt.Sprintf("JSON round trip failed: %v\n%s", err, j.Bytes())
	}
	return ""
}
