package streamjson_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/graph/gen"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/graph/streamjson"
)

type inner struct {
	A int     `json:"a"`
	B *string `json:"b,omitempty"`
}

type embedded struct {
	X int `json:"x"`
}

type withEmbedded struct {
	*embedded
	Y int `json:"y"`
}

type quoted struct {
	N int `json:"n,string"`
}

type own struct{ v int }

func (o own) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf(`{"own":%d}`, o.v)), nil }

type ownPtr struct{ v int }

func (o *ownPtr) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf(`"ptr %d"`, o.v)), nil }

type outer struct {
	Name     string             `json:"name"`
	Untagged int                // named by the field
	Skipped  int                `json:"-"`
	hidden   int                // unexported: never written
	List     []inner            `json:"list"`
	Nil      []inner            `json:"nil"`
	Empty    []string           `json:"empty"`
	Omitted  []string           `json:"omitted,omitempty"`
	Ptr      *inner             `json:"ptr"`
	NilPtr   *inner             `json:"nil_ptr"`
	Map      map[string]float64 `json:"map"`
	Embedded withEmbedded       `json:"embedded"`
	Quoted   quoted             `json:"quoted"`
	Own      own                `json:"own"`
	OwnPtr   ownPtr             `json:"own_ptr"`
	Nested   [][]int            `json:"nested"`
	Any      any                `json:"any"`
	Bytes    []byte             `json:"bytes"`
	HTML     string             `json:"<html>"`
	Struct   struct{}           `json:"struct"`
}

func sample() outer {
	s := "b & <c>"
	return outer{
		Name: "x", Untagged: 3, Skipped: 4, hidden: 5,
		List: []inner{{A: 1, B: &s}, {A: 2}}, Empty: []string{},
		Ptr: &inner{A: 7}, Map: map[string]float64{"z": 1.5, "a": 2},
		Embedded: withEmbedded{&embedded{X: 1}, 2}, Quoted: quoted{N: 9},
		Own: own{4}, OwnPtr: ownPtr{5}, Nested: [][]int{{1, 2}, {}, nil},
		Any: []any{1, "two", map[string]int{"three": 3}}, Bytes: []byte("hi"), HTML: "<&>",
	}
}

// same checks that v is written exactly as encoding/json writes it, both
// compact and indented.
func same(t *testing.T, name string, v any) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := streamjson.Encode(&got, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if got.String() != string(want)+"\n" {
		t.Errorf("%s compact:\n got %.400s\nwant %.400s", name, got.String(), want)
	}
	want, err = json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got.Reset()
	if err := streamjson.EncodeIndent(&got, v, "  "); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if got.String() != string(want)+"\n" {
		t.Errorf("%s indented:\n got %.400s\nwant %.400s", name, got.String(), want)
	}
}

func TestSameAsEncodingJSON(t *testing.T) {
	s := sample()
	for name, v := range map[string]any{
		"struct":         s,
		"pointer":        &s,
		"slice":          []outer{s, {}},
		"nil":            nil,
		"nil pointer":    (*outer)(nil),
		"empty struct":   outer{},
		"number":         3.25,
		"string":         "a\"b",
		"empty slice":    []int{},
		"slice of slice": [][]outer{{s}, nil},
	} {
		same(t, name, v)
	}
}

// TestReports compares the analysis reports of the shipped maps and of a
// generated one, plain and as a what-if, with encoding/json's.
func TestReports(t *testing.T) {
	files, err := filepath.Glob("../../testdata/maps/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no maps: %v", err)
	}
	for _, f := range files {
		m, err := mapio.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := analysis.Analyze(m)
		if err != nil {
			t.Fatal(err)
		}
		same(t, filepath.Base(f), r)
	}
	m := gen.Generate(3000, 7)
	r, err := analysis.Analyze(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Segments) == 0 || len(r.Insights) == 0 {
		t.Fatalf("generated report has %d segments, %d insights", len(r.Segments), len(r.Insights))
	}
	same(t, "generated", r)
	w, err := analysis.AnalyzeWithout(m, []string{r.Partners[0].ID}, analysis.WhatIfOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if w.WhatIf == nil {
		t.Fatal("no what-if block")
	}
	same(t, "what-if", w)
}

type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriterError(t *testing.T) {
	m := gen.Generate(3000, 7)
	r, err := analysis.Analyze(m)
	if err != nil {
		t.Fatal(err)
	}
	err = streamjson.Encode(&failAfter{n: 100 << 10}, r)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("want the writer's error, got %v", err)
	}
}

func TestUnencodable(t *testing.T) {
	err := streamjson.Encode(io.Discard, struct {
		C chan int `json:"c"`
	}{})
	var ute *json.UnsupportedTypeError
	if !errors.As(err, &ute) {
		t.Fatalf("want encoding/json's error, got %v", err)
	}
}

// BenchmarkReport encodes the report of a generated 20,000-node map, as
// the API writes it and as encoding/json would: B/op is the memory the
// encoding holds at once plus its garbage.
func BenchmarkReport(b *testing.B) {
	r, err := analysis.Analyze(gen.Generate(20000, 1))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("streamjson", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := streamjson.Encode(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := json.NewEncoder(io.Discard).Encode(r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
