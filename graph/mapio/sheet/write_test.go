package sheet

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/chanmap/chanmap/graph"
)

func richMap() *graph.Map {
	tier := 2
	return &graph.Map{
		ID: "rich", Title: "Rich, \"quoted\" map", Currency: "EUR",
		Classification: &graph.Classification{
			Tiers:      map[string]float64{"tier1": 0.25, "tier2": 0.05, "tier3": 0},
			Indicators: map[string]float64{"profit": 0.5, "growth": 0.5},
			Scorecard:  map[string][]string{"financial": {"profit"}, "customer": {"growth", "payment"}},
		},
		Nodes: []*graph.Node{
			{ID: "acme", Kind: graph.KindCompany, Name: "=HYPERLINK(\"x\")", Description: "line one\nline two, with \"quotes\"", Tags: []string{"core", "-own"},
				Attrs: map[string]any{"founded": 1921.0, "listed": true, "ceo": "Jane Roe", "negative": -0.5, "note": "'quoted", "AccountOwner": "+49 30 1234"}},
			{ID: "nordic", Kind: graph.KindDistributor, Name: "Nordic", Region: "North"},
			{ID: "fixit", Kind: graph.KindServiceProvider, Name: "FixIt", Services: []string{"repair", "installation"}},
			{ID: "contractors", Kind: graph.KindSegment, Name: "Contractors", Market: "producer", Customers: f(1200), Revenue: f(2400000.75),
				CostToServe: f(310000), GrossMargin: f(0.35), Prefers: []string{"pickup", "in_store"}, Needs: "fast parts", Tier: &tier,
				Scores:  map[string]float64{"growth": 70, "payment": 40.5},
				Quality: map[string]float64{"payment": 2, "focus": 5, "team": 3}},
			{ID: "bob", Kind: graph.KindCustomer, Name: "Bob's Builds", Revenue: f(1e-7), CostToServe: f(123456789.123)},
			{ID: "web", Kind: graph.KindTouchpoint, Name: "Web shop", Channel: "web", Purpose: "sales"},
			{ID: "pumps", Kind: graph.KindProduct, Name: "Pumps", ReplacementMonths: f(60)},
		},
		Edges: []*graph.Edge{
			{From: "acme", To: "nordic", Kind: graph.EdgeSupplies, Delivery: "freight", Margin: f(0.18), Share: f(1), Attrs: map[string]any{"contract": "C-17"}},
			{ID: "n-c-1", From: "nordic", To: "contractors", Kind: graph.EdgeSupplies, Delivery: "pickup", Products: []string{"pumps"}},
			{From: "fixit", To: "contractors", Kind: graph.EdgeSupports, Services: []string{"repair"}, Why: "on-site, 24h"},
			{From: "acme", To: "web", Kind: graph.EdgeOperates},
			{From: "contractors", To: "web", Kind: graph.EdgeUses, Purpose: "ordering"},
			{From: "bob", To: "contractors", Kind: graph.EdgeBelongsTo},
			{From: "acme", To: "fixit", Kind: graph.EdgePartnersWith, What: "referrals"},
		},
	}
}

func TestRichMapIsValid(t *testing.T) {
	if err := graph.Validate(richMap()); err != nil {
		t.Fatal(err)
	}
}

// cells reads every sheet of a workbook as typed text: "n:1200", "s:Pumps".
func cells(t *testing.T, data []byte) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			for j, v := range r {
				name, _ := excelize.CoordinatesToCellName(j+1, i+1)
				ct, _ := f.GetCellType(s, name)
				r[j] = string(rune('a'+int(ct))) + ":" + v
			}
		}
		out[s] = rows
	}
	return out
}

func TestXLSXCellTypes(t *testing.T) {
	// A workbook as a person makes it: numbers typed as numbers (with a
	// percent format), a text cell holding digits, a real boolean, a
	// decimal-comma text number, headers in other words, and blank rows.
	x := excelize.NewFile()
	defer x.Close()
	x.SetSheetName("Sheet1", "Nodes")
	x.NewSheet("Edges")
	rows := [][]any{
		{"ID", "Kind", "Name", "Revenue", "Cost to serve", "Scores.Growth", "Postcode", "Key account", "Employees"},
		{"acme", "company", "ACME", nil, nil, nil, "0451", true, 120},
		{},
		{"seg", "segment", "Segment", 2400000.5, "310.000,25", 70, "12345", false, nil},
		{"nordic", "distributor", "Nordic"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Nodes", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	edges := [][]any{{"From", "To", "Kind", "Margin"}, {"acme", "nordic", "supplies", 0.18}, {"nordic", "seg", "supplies", "12,5%"}}
	for i, r := range edges {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		x.SetSheetRow("Edges", cell, &r)
	}
	pct, _ := x.NewStyle(&excelize.Style{NumFmt: 10})
	x.SetCellStyle("Edges", "D2", "D2", pct)
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	m, err := ReadXLSX(&b, "book.xlsx", Options{DecimalComma: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "book" {
		t.Errorf("id %q", m.ID)
	}
	acme, seg := m.Node("acme"), m.Node("seg")
	if !reflect.DeepEqual(acme.Attrs, map[string]any{"Postcode": "0451", "key_account": true, "Employees": 120.0}) {
		t.Errorf("acme attrs %#v", acme.Attrs)
	}
	if !reflect.DeepEqual(seg.Attrs, map[string]any{"Postcode": "12345", "key_account": false}) {
		t.Errorf("a text cell of digits must stay text: %#v", seg.Attrs)
	}
	if *seg.Revenue != 2400000.5 || *seg.CostToServe != 310000.25 || seg.Scores["growth"] != 70 {
		t.Errorf("number cell 2400000.5 and text 310.000,25 under decimal comma: %v %v %v", *seg.Revenue, *seg.CostToServe, seg.Scores)
	}
	if *m.Edges[0].Margin != 0.18 || *m.Edges[1].Margin != 0.125 {
		t.Errorf("margins %v %v", *m.Edges[0].Margin, *m.Edges[1].Margin)
	}
}

func TestReadXLSXErrors(t *testing.T) {
	x := excelize.NewFile()
	x.SetSheetName("Sheet1", "nodes")
	x.SetSheetRow("nodes", "A1", &[]any{"id", "kind", "name", "revenue"})
	x.SetSheetRow("nodes", "A2", &[]any{"a", "company", "A"})
	x.SetSheetRow("nodes", "A4", &[]any{"s", "segment", "S", "lots"})
	x.NewSheet("edges")
	x.SetSheetRow("edges", "A1", &[]any{"from", "to", "kind"})
	x.SetSheetRow("edges", "A2", &[]any{"a", "s", "teleports"})
	var b bytes.Buffer
	x.Write(&b)
	x.Close()
	_, err := ReadXLSX(&b, "book.xlsx", Options{})
	checkProblems(t, err, []want{
		{"book.xlsx[nodes]", 4, "revenue", "lots", "not a number"},
		{"book.xlsx[edges]", 2, "kind", "teleports", "unknown edge kind"},
	})

	_, err = ReadXLSX(strings.NewReader("id,kind,name\n"), "nodes.csv", Options{})
	checkProblems(t, err, []want{{"nodes.csv", 0, "", "", "not a readable XLSX workbook"}})

	y := excelize.NewFile()
	b.Reset()
	y.Write(&b)
	y.Close()
	_, err = ReadXLSX(&b, "empty.xlsx", Options{})
	checkProblems(t, err, []want{{"empty.xlsx", 0, "", "", `no "nodes" sheet`}})
}

func TestWriteRefusesWhatATableCannotHold(t *testing.T) {
	m := richMap()
	m.Nodes[0].Tags = []string{"a;b"}
	m.Nodes[1].Attrs = map[string]any{"Region": "x"}
	m.Edges[0].Attrs = map[string]any{"nested": map[string]any{"a": 1}}
	var nb, eb bytes.Buffer
	err := WriteCSV(&nb, &eb, m)
	var ve *graph.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 3 {
		t.Fatalf("want 3 problems, got %v", err)
	}
	if nb.Len() != 0 || eb.Len() != 0 {
		t.Errorf("something was written despite the error")
	}
	var xb bytes.Buffer
	if err := WriteXLSX(&xb, m); err == nil || xb.Len() != 0 {
		t.Errorf("WriteXLSX: err %v, %d bytes written", err, xb.Len())
	}
}

func TestCSVFormulaEscape(t *testing.T) {
	var nb, eb bytes.Buffer
	if err := WriteCSV(&nb, &eb, richMap()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(nb.String(), `"'=HYPERLINK(""x"")"`) {
		t.Errorf("a name starting with = must be written as text:\n%s", nb.String())
	}
	if !strings.Contains(nb.String(), `'+49 30 1234`) || !strings.Contains(nb.String(), "core;-own") {
		t.Errorf("escaping:\n%s", nb.String())
	}
}

func firstLineDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range la {
		if i >= len(lb) || la[i] != lb[i] {
			return la[i]
		}
	}
	return "(no difference in lines)"
}

func TestReadXLSXRefusesWhatUnpacksTooBig(t *testing.T) {
	var b bytes.Buffer
	if err := WriteXLSX(&b, richMap()); err != nil {
		t.Fatal(err)
	}
	old := unzipLimits
	defer func() { unzipLimits = old }()
	unzipLimits = excelize.Options{UnzipSizeLimit: 2000, UnzipXMLSizeLimit: 1000}
	_, err := ReadXLSX(&b, "bomb.xlsx", Options{})
	checkProblems(t, err, []want{{"bomb.xlsx", 0, "", "", "not a readable XLSX workbook"}})
}
