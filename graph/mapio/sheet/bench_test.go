package sheet

import (
	"bytes"
	"fmt"
	"testing"
)

// bigTables writes a valid channel map of exactly `nodes` node rows and
// 2*nodes edge rows as CSV, with the figures, lists, percentages, thousands
// separators and a free attribute a CRM export has: 1% distributors, 9%
// resellers, 80% segments, the rest touchpoints (and one company).
func bigTables(nodes int) (nb, eb []byte) {
	nDist, nRes := nodes/100, nodes*9/100
	nSeg := nodes * 80 / 100
	nTouch := nodes - 1 - nDist - nRes - nSeg
	var n, e bytes.Buffer
	n.WriteString("ID,Kind,Name,Region,Market,Customers,Revenue,Cost to serve,Prefers,Scores.Growth,Channel,Account manager\n")
	e.WriteString("From,To,Kind,Delivery,Margin,Services\n")
	n.WriteString("acme,company,ACME Pumps,,,,,,,,,\n")
	edges := 0
	for i := 0; i < nDist; i++ {
		fmt.Fprintf(&n, "d%d,distributor,Distributor %d,Region %d,,,,,,,,Rep %d\n", i, i, i%7, i%50)
		fmt.Fprintf(&e, "acme,d%d,supplies,freight,12%%,\n", i)
		edges++
	}
	for i := 0; i < nRes; i++ {
		fmt.Fprintf(&n, "r%d,reseller,\"Reseller %d, Ltd\",Region %d,,,,,,,,\n", i, i, i%7)
		fmt.Fprintf(&e, "d%d,r%d,supplies,courier,0.25,\n", i%nDist, i)
		fmt.Fprintf(&e, "d%d,r%d,supplies,courier,0.25,\n", (i+1)%nDist, i)
		edges += 2
	}
	for i := 0; i < nSeg; i++ {
		fmt.Fprintf(&n, "s%d,segment,Segment %d,,producer,\"1,%03d\",\"2,%03d,000\",\"310,%03d\",pickup;in_store,%d,,\n", i, i, i%1000, i%1000, i%1000, i%100)
		fmt.Fprintf(&e, "r%d,s%d,supplies,pickup,,\n", i%nRes, i)
		edges++
	}
	for i := 0; i < nTouch; i++ {
		fmt.Fprintf(&n, "t%d,touchpoint,Touchpoint %d,,,,,,,,web,\n", i, i)
		fmt.Fprintf(&e, "acme,t%d,operates,,,\n", i)
		edges++
	}
	for i := 0; i < nSeg && edges < 2*nodes; i++ {
		fmt.Fprintf(&e, "s%d,t%d,uses,,,\n", i, i%nTouch)
		edges++
	}
	for i := 0; edges < 2*nodes; i++ {
		fmt.Fprintf(&e, "r%d,s%d,supports,,,repair;training\n", (i+1)%nRes, i)
		edges++
	}
	return n.Bytes(), e.Bytes()
}

func TestBigTablesAreValid(t *testing.T) {
	nb, eb := bigTables(2000)
	m, err := ReadCSV(bytes.NewReader(nb), bytes.NewReader(eb), "n.csv", "e.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Nodes) != 2000 || len(m.Edges) != 4000 {
		t.Fatalf("%d nodes, %d edges", len(m.Nodes), len(m.Edges))
	}
}

// BenchmarkReadCSV is the table reading and validation alone.
func BenchmarkReadCSV(b *testing.B) {
	nb, eb := bigTables(100000)
	b.SetBytes(int64(len(nb) + len(eb)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ReadCSV(bytes.NewReader(nb), bytes.NewReader(eb), "nodes.csv", "edges.csv", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportXLSX imports a workbook of 10,000 node and 20,000 edge rows.
func BenchmarkImportXLSX(b *testing.B) {
	nb, eb := bigTables(10000)
	m, err := ReadCSV(bytes.NewReader(nb), bytes.NewReader(eb), "n.csv", "e.csv", Options{})
	if err != nil {
		b.Fatal(err)
	}
	var book bytes.Buffer
	if err := WriteXLSX(&book, m); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(book.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ReadXLSX(bytes.NewReader(book.Bytes()), "book.xlsx", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
