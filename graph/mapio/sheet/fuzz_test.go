package sheet

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

// FuzzReadCSV feeds arbitrary tables to ReadCSV. It must never panic, must
// return either a valid map or a *graph.ValidationError whose problems all
// carry a message, and a map it accepts must be writable and (in the default
// number convention, which export uses) survive write -> read unchanged.
func FuzzReadCSV(f *testing.F) {
	for _, base := range []string{"basic", "quirks", "comma", "bad"} {
		n, _ := os.ReadFile(filepath.Join(dir, base+"-nodes.csv"))
		e, _ := os.ReadFile(filepath.Join(dir, base+"-edges.csv"))
		f.Add(n, e, base == "comma")
	}
	f.Add([]byte("id,kind,name,x\na,company,\"A\"\"\n"), []byte(""), false)
	f.Add([]byte("\xef\xbb\xbfid;kind;name;margin\r\na;company;A;1.000,5%\r\n"), []byte("from,to,kind\n,,\n"), true)
	f.Fuzz(func(t *testing.T, nodes, edges []byte, dc bool) {
		m, err := ReadCSV(bytes.NewReader(nodes), bytes.NewReader(edges), "n.csv", "e.csv", Options{ID: "fuzz", DecimalComma: dc})
		if err != nil {
			if m != nil {
				t.Fatal("a map and an error")
			}
			var ve *graph.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("not a located error: %T %v", err, err)
			}
			for _, p := range ve.Problems {
				if strings.TrimSpace(p.Message) == "" {
					t.Fatalf("problem without a message: %+v", p)
				}
			}
			return
		}
		if err := graph.Validate(m); err != nil {
			t.Fatalf("accepted an invalid map: %v", err)
		}
		var nb, eb bytes.Buffer
		if err := WriteCSV(&nb, &eb, m); err != nil {
			t.Fatalf("cannot write back what was read: %v", err)
		}
		if dc {
			// Export writes plain numbers; a text attribute such as "0.0"
			// read under the decimal comma would read back as a number.
			return
		}
		written := nb.String() + eb.String()
		back, err := ReadCSV(&nb, &eb, "n2.csv", "e2.csv", Options{ID: "fuzz", Title: m.Title})
		if err != nil {
			t.Fatalf("cannot read back what was written: %v", err)
		}
		if !graph.Equal(m, back) {
			var nb2, eb2 bytes.Buffer
			_ = WriteCSV(&nb2, &eb2, back)
			t.Fatalf("write -> read changed the map\n got %q\nwant %q", firstLineDiff(nb2.String()+eb2.String(), written), firstLineDiff(written, nb2.String()+eb2.String()))
		}
	})
}
