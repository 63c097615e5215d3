package mapio_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/fieldtest"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/graph/mapio/sheet"
	"github.com/chanmap/chanmap/testdata"
)

// Every format gives the map back through one Encode and one Decode.
func TestEncodeDecodeEveryFormat(t *testing.T) {
	m := mustRead(t, testdata.Sample("hybrid"), "hybrid")
	for _, f := range mapio.Formats {
		t.Run(string(f), func(t *testing.T) {
			enc, err := mapio.Encode(m, f)
			if err != nil {
				t.Fatal(err)
			}
			in := mapio.Input{Format: f, MapName: "map." + string(f), NodesName: "nodes.csv", EdgesName: "edges.csv"}
			want := m
			if f == mapio.CSV {
				in.Nodes, in.Edges = bytes.NewReader(enc.Nodes), bytes.NewReader(enc.Edges)
				in.Options = sheet.Options{ID: m.ID, Title: m.Title, Currency: m.Currency}
				w := *m
				w.Classification, w.Source, w.AsOf = nil, "", "" // two tables carry nodes and edges only
				want = &w
			} else {
				in.Map = bytes.NewReader(enc.Map)
			}
			got, err := mapio.Decode(in)
			if err != nil {
				t.Fatal(err)
			}
			if !graph.Equal(got, want) {
				t.Errorf("%s: map -> %s -> map differs", f, f)
			}
		})
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := mapio.ParseFormat("XML"); err == nil || !strings.Contains(err.Error(), "yaml, json, csv, xlsx") {
		t.Errorf("ParseFormat(XML) = %v, want an error naming the known formats", err)
	}
	if f, err := mapio.ParseFormat("YML"); err != nil || f != mapio.YAML {
		t.Errorf("ParseFormat(YML) = %q, %v", f, err)
	}
	if _, err := mapio.Encode(&graph.Map{ID: "x"}, "xml"); err == nil {
		t.Error("Encode accepted format xml")
	}
	if _, err := mapio.Decode(mapio.Input{Format: "xml", Map: strings.NewReader("id: x")}); err == nil {
		t.Error("Decode accepted format xml")
	}
	for name, want := range map[string]mapio.Format{"a.YML": mapio.YAML, "b.json": mapio.JSON, "c.csv": mapio.CSV, "d.xlsx": mapio.XLSX, "e.txt": ""} {
		if got := mapio.FormatOf(name); got != want {
			t.Errorf("FormatOf(%s) = %q, want %q", name, got, want)
		}
	}
}

const extraYAML = `id: t
owner: CRM export 2026
nodes:
  - {id: co, kind: company, name: Co}
  - {id: seg, kind: segment, name: Seg, loyalty: 7}
edges:
  - {from: co, to: seg, kind: supplies, contract: yearly}
`

// A row added to a copy of the field table is read, checked, copied,
// compared and written without code of its own.
func TestNewFieldReachesTheCodec(t *testing.T) {
	x := fieldtest.New()
	c := mapio.Codec{Fields: x.Schema}
	m, err := c.Read([]byte(extraYAML), "extra.yaml")
	if err != nil {
		t.Fatal(err)
	}
	seg, e := m.Node("seg"), m.Edges[0]
	if l := x.Loyalty(seg); l == nil || *l != 7 || x.Contract(e) != "yearly" || x.Source(m) != "CRM export 2026" {
		t.Fatalf("the new fields were not read: loyalty %v, contract %q, owner %q", l, x.Contract(e), x.Source(m))
	}
	if _, ok := seg.Attrs["loyalty"]; ok {
		t.Error("loyalty was kept as a free attribute, not as its field")
	}

	var out bytes.Buffer
	if err := c.WriteYAML(&out, m); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"owner: CRM export 2026", "loyalty: 7", "contract: yearly"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("written file lacks %q:\n%s", want, out.String())
		}
	}
	back, err := c.Read(out.Bytes(), "back.yaml")
	if err != nil || !x.Equal(back, m) {
		t.Errorf("write -> read changed the map (%v)", err)
	}

	// Change sets: a clone carries the field, and a change in it is a difference.
	cl := x.Clone(m)
	if l := x.Loyalty(cl.Node("seg")); l == nil || *l != 7 || !x.Equal(cl, m) {
		t.Error("the clone lost the new field")
	}
	nine := 9.0
	x.Node[len(x.Node)-1].Set(cl.Node("seg"), &nine)
	if x.Equal(cl, m) || x.Loyalty(seg) == nil || *x.Loyalty(seg) != 7 {
		t.Error("changing the clone's new field changed the original or went unnoticed")
	}

	// Validation: range and allowed values come from the row.
	bad := strings.NewReplacer("loyalty: 7", "loyalty: 12", "contract: yearly", "contract: weekly").Replace(extraYAML)
	_, err = c.Read([]byte(bad), "bad.yaml")
	ps := problemsOf(t, err)
	var msgs []string
	for _, p := range ps {
		msgs = append(msgs, p.Message)
		if p.Line == 0 {
			t.Errorf("problem %q has no line", p.Message)
		}
	}
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, "loyalty must be between 0 and 10") || !strings.Contains(all, `unknown contract type "weekly"`) {
		t.Errorf("validation of the new rows:\n%s", all)
	}

	// The default table does not know the field: it is a free attribute there.
	plain := mustRead(t, []byte(extraYAML[:strings.Index(extraYAML, "owner")]+extraYAML[strings.Index(extraYAML, "nodes"):]), "plain.yaml")
	if v, ok := plain.Node("seg").Attrs["loyalty"]; !ok || v != 7.0 {
		t.Errorf("without the row, loyalty is attribute %v", v)
	}
}
