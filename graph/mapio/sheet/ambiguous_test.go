package sheet

import (
	"strings"
	"testing"
)

func TestAmbiguousNumbers(t *testing.T) {
	// A ';'-separated table from European Excel: 18.000 customers and revenue
	// 1.200 read two ways. Without --decimal-comma or --thousands each is an
	// error with both readings; with either, one reading and no error.
	const semi = "id;kind;name;customers;revenue;cost_to_serve\nacme;company;ACME;;;\nseg;segment;Seg;18.000;1.200;300\n"
	_, err := ReadCSV(strings.NewReader(semi), nil, "n.csv", "", Options{})
	checkProblems(t, err, []want{
		{"n.csv", 3, "customers", "18.000", "ambiguous number: 18.000 is 18 with '.' as the decimal mark, or 18000 with '.' grouping thousands"},
		{"n.csv", 3, "revenue", "1.200", "say which with --thousands , (it is 1.2) or --decimal-comma (it is 1200)"},
	})
	if !strings.Contains(err.Error(), "separated by ';' as Excel writes it where ',' is the decimal mark, so probably --decimal-comma") {
		t.Errorf("the ';' table is not recognised: %v", err)
	}

	m, err := ReadCSV(strings.NewReader(semi), nil, "n.csv", "", Options{DecimalComma: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Node("seg"); *s.Customers != 18000 || *s.Revenue != 1200 {
		t.Errorf("--decimal-comma: customers %v, revenue %v", *s.Customers, *s.Revenue)
	}

	// --thousands , says '.' is the decimal mark: revenue 1.2, and 18.000
	// customers are 18 (a whole number, so valid).
	m, err = ReadCSV(strings.NewReader(semi), nil, "n.csv", "", Options{Thousands: ","})
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Node("seg"); *s.Customers != 18 || *s.Revenue != 1.2 {
		t.Errorf("--thousands ,: customers %v, revenue %v", *s.Customers, *s.Revenue)
	}

	// In a ','-separated table 1,200 can only be grouped (a decimal comma would
	// need quotes): 1200, no error. 0.180 and 12.5 are plain decimals.
	const comma = "id,kind,name,customers,revenue\nacme,company,ACME,,\nseg,segment,Seg,\"1,200\",12.5\n"
	m, err = ReadCSV(strings.NewReader(comma), nil, "n.csv", "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Node("seg"); *s.Customers != 1200 || *s.Revenue != 12.5 {
		t.Errorf("comma table: customers %v, revenue %v", *s.Customers, *s.Revenue)
	}

	// Only counts and money are taken for grouped: a score of 40.125 is 40.125.
	const score = "id,kind,name,scores.growth\nseg,segment,Seg,40.125\n"
	m, err = ReadCSV(strings.NewReader(score), nil, "n.csv", "", Options{})
	if err != nil || m.Node("seg").Scores["growth"] != 40.125 {
		t.Errorf("score 40.125: %v", err)
	}

	// Export never writes a number that reads two ways: revenue 1.125 is
	// written 1.1250 and reads back as 1.125.
	if got := formatNumber(1.125); got != "1.1250" {
		t.Errorf("formatNumber(1.125) = %q, want 1.1250", got)
	}

	// Counts must be whole: 1.5 customers is an error whatever the convention.
	const half = "id,kind,name,customers\nseg,segment,Seg,1.5\n"
	_, err = ReadCSV(strings.NewReader(half), nil, "n.csv", "", Options{})
	checkProblems(t, err, []want{{"n.csv", 2, "customers", "1.5", "customers is a count and must be a whole number"}})
}
