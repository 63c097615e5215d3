package sheet_test

// These tests round-trip maps between map files and tables, so they read
// map files through mapio (which imports sheet: an external test package).

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/graph/mapio/sheet"
)

// sampleMaps are the project's sample maps plus one that uses every field,
// attribute type and awkward text a table must carry.
func sampleMaps(t *testing.T) map[string]*graph.Map {
	t.Helper()
	out := map[string]*graph.Map{}
	paths, _ := filepath.Glob("../../../testdata/maps/*.yaml")
	if len(paths) == 0 {
		t.Fatal("no sample maps in testdata/maps")
	}
	for _, p := range paths {
		m, err := mapio.ReadFile(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out[filepath.Base(p)] = m
	}
	out["rich"] = sheet.RichMap()
	out["generated-300"] = gen.Generate(300, 7)
	return out
}

// metaOptions carries what two CSV tables cannot: the map's own fields.
func metaOptions(m *graph.Map) sheet.Options {
	return sheet.Options{ID: m.ID, Title: m.Title, Currency: m.Currency}
}

func TestMapCSVMapRoundTrip(t *testing.T) {
	for name, m := range sampleMaps(t) {
		t.Run(name, func(t *testing.T) {
			var nb, eb bytes.Buffer
			if err := sheet.WriteCSV(&nb, &eb, m); err != nil {
				t.Fatal(err)
			}
			got, err := sheet.ReadCSV(bytes.NewReader(nb.Bytes()), bytes.NewReader(eb.Bytes()), "n.csv", "e.csv", metaOptions(m))
			if err != nil {
				t.Fatal(err)
			}
			want := *m
			want.Classification, want.Source, want.AsOf = nil, "", "" // CSV tables carry nodes and edges only
			if !graph.Equal(got, &want) {
				t.Errorf("map -> CSV -> map differs\n%s", firstDiff(got, &want))
			}
		})
	}
}

func TestMapXLSXMapRoundTrip(t *testing.T) {
	for name, m := range sampleMaps(t) {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := sheet.WriteXLSX(&b, m); err != nil {
				t.Fatal(err)
			}
			got, err := sheet.ReadXLSX(bytes.NewReader(b.Bytes()), "book.xlsx", sheet.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !graph.Equal(got, m) {
				t.Errorf("map -> XLSX -> map differs\n%s", firstDiff(got, m))
			}
		})
	}
}

func TestCSVMapCSVRoundTrip(t *testing.T) {
	// A hand-written file in canonical columns comes back byte for byte,
	// and so does every export.
	nodes, _ := os.ReadFile(filepath.Join(sheet.Dir, "basic-nodes.csv"))
	edges, _ := os.ReadFile(filepath.Join(sheet.Dir, "basic-edges.csv"))
	cases := map[string][2][]byte{"basic": {nodes, edges}}
	for name, m := range sampleMaps(t) {
		var nb, eb bytes.Buffer
		if err := sheet.WriteCSV(&nb, &eb, m); err != nil {
			t.Fatal(err)
		}
		cases[name] = [2][]byte{nb.Bytes(), eb.Bytes()}
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := sheet.ReadCSV(bytes.NewReader(c[0]), bytes.NewReader(c[1]), "n.csv", "e.csv", sheet.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var nb, eb bytes.Buffer
			if err := sheet.WriteCSV(&nb, &eb, m); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(nb.Bytes(), c[0]) {
				t.Errorf("nodes CSV differs:\n got %q\nwant %q", sheet.FirstLineDiff(nb.String(), string(c[0])), sheet.FirstLineDiff(string(c[0]), nb.String()))
			}
			if !bytes.Equal(eb.Bytes(), c[1]) {
				t.Errorf("edges CSV differs:\n got %q\nwant %q", sheet.FirstLineDiff(eb.String(), string(c[1])), sheet.FirstLineDiff(string(c[1]), eb.String()))
			}
		})
	}
}

func TestXLSXMapXLSXRoundTrip(t *testing.T) {
	for name, m := range sampleMaps(t) {
		t.Run(name, func(t *testing.T) {
			var first bytes.Buffer
			if err := sheet.WriteXLSX(&first, m); err != nil {
				t.Fatal(err)
			}
			back, err := sheet.ReadXLSX(bytes.NewReader(first.Bytes()), "book.xlsx", sheet.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var second bytes.Buffer
			if err := sheet.WriteXLSX(&second, back); err != nil {
				t.Fatal(err)
			}
			a, b := sheet.Cells(t, first.Bytes()), sheet.Cells(t, second.Bytes())
			if !reflect.DeepEqual(a, b) {
				t.Errorf("XLSX -> map -> XLSX changed the cells")
			}
			if len(a[sheet.SheetNodes]) != len(m.Nodes)+1 || len(a[sheet.SheetEdges]) != len(m.Edges)+1 {
				t.Errorf("sheets have %d and %d rows for %d nodes and %d edges", len(a[sheet.SheetNodes]), len(a[sheet.SheetEdges]), len(m.Nodes), len(m.Edges))
			}
		})
	}
}

func firstDiff(a, b *graph.Map) string {
	var sa, sb bytes.Buffer
	mapio.WriteYAML(&sa, a)
	mapio.WriteYAML(&sb, b)
	return "got:  " + sheet.FirstLineDiff(sa.String(), sb.String()) + "\nwant: " + sheet.FirstLineDiff(sb.String(), sa.String())
}

var update = flag.Bool("update", false, "rewrite the golden tables under testdata/golden/sheets")

// TestWriteCSVGolden pins the exported tables of the industrial sample: the
// column order and the cell text a user's spreadsheet sees.
func TestWriteCSVGolden(t *testing.T) {
	m, err := mapio.ReadFile("../../../testdata/maps/industrial.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var nb, eb bytes.Buffer
	if err := sheet.WriteCSV(&nb, &eb, m); err != nil {
		t.Fatal(err)
	}
	golden := "../../../testdata/golden/sheets"
	for name, got := range map[string][]byte{"industrial-nodes.csv": nb.Bytes(), "industrial-edges.csv": eb.Bytes()} {
		path := filepath.Join(golden, name)
		if *update {
			if err := os.MkdirAll(golden, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden file (go test -update to accept):\n got %q\nwant %q", name, sheet.FirstLineDiff(string(got), string(want)), sheet.FirstLineDiff(string(want), string(got)))
		}
	}
}

// BenchmarkImportCSV imports 100,000 node rows and 200,000 edge rows and
// writes the map file, as `chanmap import nodes.csv edges.csv -o map.yaml`
// does. It reports rows/s and the heap the Go runtime held at the end
// (run the test binary under /usr/bin/time -v for the process peak).
func BenchmarkImportCSV(b *testing.B) {
	nb, eb := sheet.BigTables(100000)
	out := filepath.Join(b.TempDir(), "map.yaml")
	b.SetBytes(int64(len(nb) + len(eb)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, err := sheet.ReadCSV(bytes.NewReader(nb), bytes.NewReader(eb), "nodes.csv", "edges.csv", sheet.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := writeMapFile(out, m); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(300000*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "MiB-heap-sys")
}

func writeMapFile(path string, m *graph.Map) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := mapio.WriteYAML(w, m); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
