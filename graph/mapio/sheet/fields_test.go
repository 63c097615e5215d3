package sheet

import (
	"bytes"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/fieldtest"
)

// Columns follow the field table: a row added to a copy becomes a column
// that is written, read back and checked like the others.
func TestNewFieldReachesTheTables(t *testing.T) {
	x := fieldtest.New()
	old := fields
	fields = x.Schema
	t.Cleanup(func() { fields = old })

	m := &graph.Map{ID: "t", Title: "T", Nodes: []*graph.Node{
		{ID: "co", Kind: graph.KindCompany, Name: "Co"},
		{ID: "seg", Kind: graph.KindSegment, Name: "Seg"},
	}, Edges: []*graph.Edge{{From: "co", To: "seg", Kind: graph.EdgeSupplies}}}
	seven := 7.0
	x.Map[len(x.Map)-1].Set(m, "CRM export")
	x.Node[len(x.Node)-1].Set(m.Nodes[1], &seven)
	x.Edge[len(x.Edge)-1].Set(m.Edges[0], "yearly")

	var nb, eb bytes.Buffer
	if err := WriteCSV(&nb, &eb, m); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(nb.String(), "id,kind,name,"+fieldtest.NodeField+"\r\n") && !strings.HasPrefix(nb.String(), "id,kind,name,"+fieldtest.NodeField+"\n") {
		t.Errorf("nodes header: %q", strings.SplitN(nb.String(), "\n", 2)[0])
	}
	if !strings.Contains(eb.String(), fieldtest.EdgeField) || !strings.Contains(eb.String(), "yearly") {
		t.Errorf("edges table: %q", eb.String())
	}
	back, err := ReadCSV(bytes.NewReader(nb.Bytes()), bytes.NewReader(eb.Bytes()), "n.csv", "e.csv", Options{ID: "t", Title: "T"})
	if err != nil {
		t.Fatal(err)
	}
	if l := x.Loyalty(back.Node("seg")); l == nil || *l != 7 || x.Contract(back.Edges[0]) != "yearly" {
		t.Errorf("read back: loyalty %v, contract %q", l, x.Contract(back.Edges[0]))
	}

	// The workbook's map sheet carries the new map-level row.
	var book bytes.Buffer
	if err := WriteXLSX(&book, m); err != nil {
		t.Fatal(err)
	}
	wb, err := ReadXLSX(bytes.NewReader(book.Bytes()), "book.xlsx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if x.Source(wb) != "CRM export" || !x.Equal(wb, m) {
		t.Errorf("workbook round trip: owner %q", x.Source(wb))
	}

	// A bad cell in the new column is located like any other.
	bad := strings.Replace(nb.String(), ",7", ",lots", 1)
	_, err = ReadCSV(strings.NewReader(bad), bytes.NewReader(eb.Bytes()), "n.csv", "e.csv", Options{ID: "t"})
	checkProblems(t, err, []want{{"n.csv", 3, fieldtest.NodeField, "lots", "not a number"}})
}
