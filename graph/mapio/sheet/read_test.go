package sheet

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

const dir = "../../../testdata/sheets"

func readPair(t *testing.T, base string, opt Options) (*graph.Map, error) {
	t.Helper()
	nf, err := os.Open(filepath.Join(dir, base+"-nodes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer nf.Close()
	ef, err := os.Open(filepath.Join(dir, base+"-edges.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	return ReadCSV(nf, ef, base+"-nodes.csv", base+"-edges.csv", opt)
}

func f(v float64) *float64 { return &v }

func TestReadCSVQuirks(t *testing.T) {
	tests := []struct {
		name  string
		base  string
		opt   Options
		check func(t *testing.T, m *graph.Map)
	}{
		{"basic map in canonical columns", "basic", Options{}, func(t *testing.T, m *graph.Map) {
			if m.ID != "basic" || m.Title != "basic" {
				t.Errorf("id/title from file name: got %q / %q", m.ID, m.Title)
			}
			if len(m.Nodes) != 6 || len(m.Edges) != 5 {
				t.Fatalf("got %d nodes, %d edges", len(m.Nodes), len(m.Edges))
			}
			c := m.Node("contractors")
			if *c.Revenue != 2400000 || *c.CostToServe != 310000 || *c.Customers != 1200 || c.Market != "producer" {
				t.Errorf("segment figures: %+v", c)
			}
			if !reflect.DeepEqual(c.Scores, map[string]float64{"growth": 70, "payment": 40}) {
				t.Errorf("scores: %v", c.Scores)
			}
			if got := m.Node("fixit").Services; !reflect.DeepEqual(got, []string{"repair", "installation"}) {
				t.Errorf("services list: %v", got)
			}
			if e := m.Edges[0]; *e.Margin != 0.18 || e.Delivery != "freight" {
				t.Errorf("edge 0: %+v", e)
			}
			if e := m.Edges[2]; e.Why != "on-site in 24h" || !reflect.DeepEqual(e.Services, []string{"repair"}) {
				t.Errorf("supports edge: %+v", e)
			}
		}},
		{"options name the map", "basic", Options{ID: "acme-pumps", Title: "ACME channels", Currency: "EUR"}, func(t *testing.T, m *graph.Map) {
			if m.ID != "acme-pumps" || m.Title != "ACME channels" || m.Currency != "EUR" {
				t.Errorf("got %q %q %q", m.ID, m.Title, m.Currency)
			}
		}},
		{"BOM, CRLF, header variants, quoting, lists, nesting, separators, attributes", "quirks", Options{}, func(t *testing.T, m *graph.Map) {
			acme := m.Node("acme")
			if acme == nil {
				t.Fatalf("no acme: BOM or quoted header not handled; nodes %v", m.Nodes)
			}
			if acme.Description != `Pumps, valves and "seals"` {
				t.Errorf("quoted comma and quotes: %q", acme.Description)
			}
			if !reflect.DeepEqual(acme.Tags, []string{"core", "own"}) {
				t.Errorf("tags: %q", acme.Tags)
			}
			wantAttrs := map[string]any{"account_manager": "Jane Roe", "key_account": true, "Founded": 1921.0}
			if !reflect.DeepEqual(acme.Attrs, wantAttrs) {
				t.Errorf("attributes: got %#v, want %#v", acme.Attrs, wantAttrs)
			}
			nordic := m.Node("nordic")
			if nordic.Description != "Line one\nline two" {
				t.Errorf("quoted newline: %q", nordic.Description)
			}
			if !reflect.DeepEqual(nordic.Attrs, map[string]any{"key_account": false, "Postcode": "0451"}) {
				t.Errorf("FALSE and a leading-zero code: %#v", nordic.Attrs)
			}
			c := m.Node("contractors")
			if c.CostToServe == nil || *c.CostToServe != 310000 || *c.Revenue != 2400000 || *c.Customers != 1200 {
				t.Errorf("thousands separators: %v %v %v", c.CostToServe, c.Revenue, c.Customers)
			}
			if !reflect.DeepEqual(c.Prefers, []string{"pickup", "in_store"}) {
				t.Errorf("prefers: %q", c.Prefers)
			}
			if c.Scores["growth"] != 70 || c.Quality["payment"] != 4 {
				t.Errorf("Scores.Growth / Quality.Payment: %v %v", c.Scores, c.Quality)
			}
			if *m.Edges[0].Margin != 0.18 || *m.Edges[1].Share != 1 {
				t.Errorf("percentages: margin %v share %v", *m.Edges[0].Margin, *m.Edges[1].Share)
			}
			if m.Edges[0].Attrs["contract_ref"] != "C-17" {
				t.Errorf("edge attribute: %#v", m.Edges[0].Attrs)
			}
			if len(m.Nodes) != 4 {
				t.Errorf("%d nodes: the quoted newline must not split a row", len(m.Nodes))
			}
		}},
		{"decimal comma with ';' fields", "comma", Options{DecimalComma: true}, func(t *testing.T, m *graph.Map) {
			c := m.Node("contractors")
			if *c.Revenue != 2400000.50 || *c.CostToServe != 310000 || *c.Customers != 1200 {
				t.Errorf("got revenue %v cost %v customers %v", *c.Revenue, *c.CostToServe, *c.Customers)
			}
			if *m.Edges[0].Margin != 0.18 || *m.Edges[1].Margin != 0.125 {
				t.Errorf("margins %v %v", *m.Edges[0].Margin, *m.Edges[1].Margin)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := readPair(t, tt.base, tt.opt)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			tt.check(t, m)
		})
	}
}

// want is one expected problem.
type want struct {
	file  string
	row   int
	field string
	value string
	msg   string // a part of the message
}

func checkProblems(t *testing.T, err error, wants []want) {
	t.Helper()
	var ve *graph.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a *graph.ValidationError, got %T %v", err, err)
	}
	for _, w := range wants {
		found := false
		for _, p := range ve.Problems {
			if p.File == w.file && p.Line == w.row && p.Field == w.field && p.Value == w.value && strings.Contains(p.Message, w.msg) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no problem %+v in:\n%v", w, err)
		}
	}
	if len(ve.Problems) != len(wants) {
		t.Errorf("got %d problems, want %d:\n%v", len(ve.Problems), len(wants), err)
	}
}

func TestReadCSVErrorsAllAtOnce(t *testing.T) {
	m, err := readPair(t, "bad", Options{})
	if m != nil {
		t.Errorf("a map came back despite errors")
	}
	n, e := "bad-nodes.csv", "bad-edges.csv"
	checkProblems(t, err, []want{
		{n, 3, "revenue", "lots", "revenue: not a number"},
		{n, 4, "kind", "segmnt", `unknown node kind "segmnt"`},
		{n, 4, "tier", "2.5", "tier: not a whole number"},
		{n, 5, "revenue", "0,5", "decimal-comma"},
		{n, 5, "customers", "12%", "percentage is only allowed for margin, share and gross_margin"},
		{e, 2, "kind", "teleports", `unknown edge kind "teleports"`},
		{e, 3, "margin", "1.5", "margin must be at least 0 and below 1"},
		{e, 4, "share", "abc", "share: not a number"},
		{e, 5, "from", "ghost", "ghost"},
	})
	// Sorted by file, then row.
	var ve *graph.ValidationError
	errors.As(err, &ve)
	for i := 1; i < len(ve.Problems); i++ {
		a, b := ve.Problems[i-1], ve.Problems[i]
		if a.File == b.File && a.Line > b.Line {
			t.Errorf("problems not in row order: %v before %v", a, b)
		}
	}
	// The rendered error names file, row and value.
	if !strings.Contains(err.Error(), `bad-nodes.csv:3:4: revenue: not a number (value "lots")`) {
		t.Errorf("error text:\n%v", err)
	}
}

func TestReadCSVErrorKinds(t *testing.T) {
	tests := []struct {
		name         string
		nodes, edges string
		opt          Options
		wants        []want
	}{
		{"missing required columns", "id,name\na,A\n", "from,kind\n", Options{}, []want{
			{"n.csv", 1, "kind", "", "no kind column"},
			{"e.csv", 1, "to", "", "no to column"},
		}},
		{"duplicate columns", "id,kind,name,Name\na,company,A,B\n", "from,to,kind\n", Options{}, []want{
			{"n.csv", 1, "Name", "Name", "same as column 3"},
		}},
		{"empty nodes file", "", "from,to,kind\n", Options{}, []want{
			{"n.csv", 1, "", "", "empty"},
		}},
		{"value without header", "id,kind,name\na,company,A,extra\n", "from,to,kind\n", Options{}, []want{
			{"n.csv", 2, "", "extra", "no header"},
		}},
		{"broken quote", "id,kind,name\na,company,\"A\nb,company,B\n", "from,to,kind\n", Options{}, []want{
			{"n.csv", 2, "", "", "broken CSV"},
		}},
		{"grouped number needs groups of three", "id,kind,name,revenue\ns,segment,S,\"1,20\"\n", "from,to,kind\n", Options{}, []want{
			{"n.csv", 2, "revenue", "1,20", "not a number"},
		}},
		{"decimal point under the decimal-comma option", "id,kind,name,revenue\ns,segment,S,1.5\n", "from,to,kind\n", Options{DecimalComma: true}, []want{
			{"n.csv", 2, "revenue", "1.5", "decimal-comma option expects"},
		}},
		{"unknown list value maps to its column", "id,kind,name,prefers\ns,segment,S,pickup;teleport\n", "from,to,kind\n", Options{}, []want{
			{"n.csv", 2, "prefers", "teleport", "unknown acquisition method"},
		}},
		{"duplicate id", "id,kind,name\na,company,A\na,company,B\n", "from,to,kind\n", Options{}, []want{
			{"n.csv", 3, "id", "a", "duplicate node id"},
		}},
		{"wrong pairing names the row", "id,kind,name\na,company,A\ns,segment,S\n", "from,to,kind\ns,a,supplies\n", Options{}, []want{
			{"e.csv", 2, "kind", "supplies", "a segment cannot supply a company"},
		}},
		{"UTF-16 table", "\xff\xfei\x00d\x00", "from,to,kind\n", Options{}, []want{
			{"n.csv", 1, "", "", "UTF-16"},
		}},
		{"Excel's sep= line is not a row", "sep=;\r\nid;kind;name;revenue\r\ns;segment;S;x\r\n", "from,to,kind\n", Options{}, []want{
			{"n.csv", 2, "revenue", "x", "not a number"},
		}},
		{"bad map id from options", "id,kind,name\na,company,A\n", "from,to,kind\n", Options{ID: "Bad Id"}, []want{
			{"", 0, "id", "Bad Id", "not a slug"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ReadCSV(strings.NewReader(tt.nodes), strings.NewReader(tt.edges), "n.csv", "e.csv", tt.opt)
			if m != nil {
				t.Errorf("a map came back despite errors")
			}
			checkProblems(t, err, tt.wants)
		})
	}
}

func TestReadCSVBlankRowsKeepRowNumbers(t *testing.T) {
	// Row 3 is empty (a blank line) and row 4 all commas; the bad value sits
	// on row 5 as a spreadsheet shows it.
	nodes := "id,kind,name,revenue\r\na,company,A,\r\n\r\n,,,\r\ns,segment,\"S\r\nsecond line\",x\r\nt,segment,T,y\r\n"
	_, err := ReadCSV(strings.NewReader(nodes), nil, "n.csv", "", Options{})
	checkProblems(t, err, []want{
		{"n.csv", 5, "revenue", "x", "not a number"},
		{"n.csv", 6, "revenue", "y", "not a number"},
	})
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in      string
		dc, pct bool
		want    float64
		bad     bool
	}{
		{"1200000", false, false, 1200000, false},
		{"1,200,000", false, false, 1200000, false},
		{"1,200,000.50", false, false, 1200000.5, false},
		{" -3.25 ", false, false, -3.25, false},
		{".5", false, false, 0.5, false},
		{"1e6", false, false, 1e6, false},
		{"1 200 000", false, false, 1200000, false},
		{"1\u00a0200", false, false, 1200, false},
		{"1.200.000,50", true, false, 1200000.5, false},
		{"0,18", true, false, 0.18, false},
		{"18%", false, true, 0.18, false},
		{"12,5 %", true, true, 0.125, false},
		{"18%", false, false, 0, true},
		{"1,20", false, false, 0, true},
		{"12,0000", false, false, 0, true},
		{"1.2.3", false, false, 0, true},
		{"NaN", false, false, 0, true},
		{"Inf", false, false, 0, true},
		{"1e999", false, false, 0, true},
		{"", false, false, 0, true},
		{"-", false, false, 0, true},
		{"EUR 5", false, false, 0, true},
		{"0.18", true, false, 0, true},
	}
	for _, tt := range tests {
		got, err := parseNumber(tt.in, tt.dc, tt.pct)
		if tt.bad {
			if err == nil {
				t.Errorf("parseNumber(%q, dc=%v) = %v, want an error", tt.in, tt.dc, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseNumber(%q, dc=%v, pct=%v) = %v, %v; want %v", tt.in, tt.dc, tt.pct, got, err, tt.want)
		}
	}
}

func TestHeaderMatching(t *testing.T) {
	tests := []struct {
		t      table
		header string
		name   string
		f      field
	}{
		{nodesTable, "Cost to serve", "cost_to_serve", fField},
		{nodesTable, "COST-TO-SERVE", "cost_to_serve", fField},
		{nodesTable, " Replacement months ", "replacement_months", fField},
		{nodesTable, "Scores.Growth", "scores.growth", fEntry},
		{nodesTable, "Quality.Value add", "quality.value_add", fEntry},
		{nodesTable, "Account manager", "account_manager", fAttr},
		{nodesTable, "AccountManager", "AccountManager", fAttr},
		{nodesTable, "quality_notes", "quality_notes", fAttr},
		{edgesTable, "FROM", "from", fField},
		{edgesTable, "Scores.Growth", "scores_growth", fAttr},
	}
	for _, tt := range tests {
		c := resolve(tt.t, tt.header)
		if c.name != tt.name || c.f != tt.f {
			t.Errorf("resolve(%s, %q) = %q (%d), want %q (%d)", tt.t, tt.header, c.name, c.f, tt.name, tt.f)
		}
	}
}

func TestDefaultID(t *testing.T) {
	for in, want := range map[string]string{
		"/tmp/ACME Pumps-nodes.csv": "acme-pumps",
		"book.xlsx":                 "book",
		"partners_Nodes.CSV":        "partners",
		"2026 map.csv":              "2026-map",
		"...csv":                    "",
	} {
		if got := DefaultID(in); got != want {
			t.Errorf("DefaultID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProgress(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("id,kind,name\n")
	for i := 0; i < 2500; i++ {
		b.WriteString("n")
		b.WriteString(strings.Repeat("x", i%3))
		b.WriteString(",company,N\n")
	}
	var calls [][2]int
	_, _ = ReadCSV(bytes.NewReader(b.Bytes()), nil, "n.csv", "", Options{Progress: func(done, total int) {
		calls = append(calls, [2]int{done, total})
	}})
	if len(calls) != 3 {
		t.Fatalf("calls %v, want at 1000, 2000 and the end", calls)
	}
	if calls[0] != [2]int{1000, 2500} || calls[2] != [2]int{2500, 2500} {
		t.Errorf("calls %v", calls)
	}
}

func TestReadCSVCodePageText(t *testing.T) {
	// An older spreadsheet program wrote the table in Windows-1252.
	nf, err := os.Open(filepath.Join(dir, "cp1252-nodes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer nf.Close()
	_, err = ReadCSV(nf, nil, "cp1252-nodes.csv", "", Options{})
	checkProblems(t, err, []want{{"cp1252-nodes.csv", 3, "name", "Caf\uFFFD M\uFFFDller", "CSV UTF-8"}})
}
