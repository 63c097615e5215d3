package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/graph/mapio"
)

// analyzeMapFile writes a small map: acme sells through nordic (18 %) to
// contractors (2,400,000 spend → 1,968,000 net, cost 310,000, profit
// 1,658,000, margin 84.2 %: tier 1) and directly to farms (400,000 → 400,000,
// cost 420,000: −20,000, tier 4). Nobody reaches or supports export.
const analyzeMapFile = `id: acme-pumps
title: ACME Pumps
currency: EUR
nodes:
  - {id: acme, kind: company, name: ACME Pumps}
  - {id: nordic, kind: distributor, name: Nordic Industrial Supply}
  - {id: fixit, kind: service_provider, name: FixIt}
  - {id: contractors, kind: segment, name: Small contractors, revenue: 2400000, cost_to_serve: 310000, prefers: [pickup]}
  - {id: farms, kind: segment, name: Farms, revenue: 400000, cost_to_serve: 420000}
  - {id: export, kind: segment, name: Export buyers}
edges:
  - {from: acme, to: nordic, kind: supplies, delivery: freight, margin: 0.18}
  - {from: nordic, to: contractors, kind: supplies, delivery: pickup}
  - {from: acme, to: farms, kind: supplies, delivery: freight}
  - {from: fixit, to: contractors, kind: supports, services: [repair]}
  - {from: fixit, to: farms, kind: supports, services: [repair]}
`

func writeAnalyzeMap(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "map.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAnalyzeText(t *testing.T) {
	code, out, errOut := runCLI(t, "analyze", writeAnalyzeMap(t, analyzeMapFile))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"ACME Pumps (acme-pumps)",
		"EUR 2,400,000", "EUR 1,968,000", "EUR 1,658,000", "84.2 %", "EUR -20,000",
		"Tier 1 — ideal, highly profitable; focus marketing here: contractors",
		"Tier 4 — money losers; reprice or drop: farms",
		"Unclassified — revenue or cost to serve missing: export",
		"Export buyers (export) is not reached by any supply path from the company.",
		"Nobody supports Export buyers (export).",
		"Nordic Industrial Supply (nordic) is on every supply path to Small contractors (contractors): a single point of failure (EUR 2,400,000 of spend at risk).",
		"export: no revenue and no cost_to_serve, so unclassified",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// The segment table is aligned: every row's NET REVENUE ends where the header does.
	lines := strings.Split(out, "\n")
	var header string
	for i, l := range lines {
		if strings.Contains(l, "NET REVENUE") && strings.Contains(l, "GROSS MARGIN") {
			header = l
			end := strings.Index(l, "NET REVENUE") + len("NET REVENUE")
			for _, row := range lines[i+1 : i+4] {
				if !strings.HasPrefix(strings.TrimSpace(row), "contractors") && !strings.HasPrefix(strings.TrimSpace(row), "export") && !strings.HasPrefix(strings.TrimSpace(row), "farms") {
					t.Fatalf("unexpected row %q", row)
				}
				if row[end-1] == ' ' || (end < len(row) && row[end] != ' ') {
					t.Errorf("row not right-aligned under NET REVENUE:\n%s\n%s", header, row)
				}
			}
			break
		}
	}
	if header == "" {
		t.Fatalf("no segment table:\n%s", out)
	}
}

func TestAnalyzeJSON(t *testing.T) {
	path := writeAnalyzeMap(t, analyzeMapFile)
	code, out, errOut := runCLI(t, "analyze", path, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// Exactly the report of the analysis package.
	m, err := mapio.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := analysis.Analyze(m)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.MarshalIndent(r, "", "  ")
	if out != string(want)+"\n" {
		t.Errorf("--json printed\n%s\nwant\n%s", out, want)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if got["map"] != "acme-pumps" || got["currency"] != "EUR" {
		t.Errorf("map, currency = %v, %v", got["map"], got["currency"])
	}
}

func TestAnalyzeWithout(t *testing.T) {
	path := writeAnalyzeMap(t, analyzeMapFile)
	code, out, errOut := runCLI(t, "analyze", path, "--without", "nordic")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"WITHOUT Nordic Industrial Supply (nordic)",
		"Cost to serve shrinks with the net revenue a segment keeps",
		"Cut off (no supply path left): Small contractors (contractors).",
		// contractors lose all 1,968,000 net; variable costs: cost 310,000 ·
		// 0 / 1,968,000 = 0, profit 1,658,000 → 0: 1,658,000 lost.
		"Lost over all segments: EUR 1,968,000 of net revenue, EUR 1,658,000 of profit.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("what-if lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = runCLI(t, "analyze", path, "--without", "nordic", "--fixed-costs")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"Cost to serve is kept whole (--fixed-costs)",
		// Fixed costs: profit 1,658,000 → 0 − 310,000 = −310,000: 1,968,000 lost.
		"Lost over all segments: EUR 1,968,000 of net revenue, EUR 1,968,000 of profit.",
		"EUR -310,000",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("fixed-costs what-if lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = runCLI(t, "analyze", path, "--without", "nordic", "--json")
	var w analysis.WhatIf
	if code != 0 || json.Unmarshal([]byte(out), &w) != nil {
		t.Fatalf("exit %d, output %s", code, out)
	}
	if len(w.Without) != 1 || w.Without[0] != "nordic" || w.Costs != analysis.CostsVariable || len(w.CutOff) != 1 || w.CutOff[0] != "contractors" || w.NetRevenueLost != 1968000 {
		t.Errorf("what-if JSON %+v", w)
	}
}

func TestAnalyzeErrors(t *testing.T) {
	good := writeAnalyzeMap(t, analyzeMapFile)
	cycle := writeAnalyzeMap(t, strings.Replace(analyzeMapFile, "edges:\n",
		"edges:\n  - {from: nordic, to: acme, kind: supplies}\n", 1))
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no map", []string{"analyze"}, 2, "accepts 1 arg"},
		{"missing file", []string{"analyze", filepath.Join(t.TempDir(), "nope.yaml")}, 1, "nope.yaml"},
		{"cycle", []string{"analyze", cycle}, 1, "acme -> nordic -> acme"},
		{"unknown partner", []string{"analyze", good, "--without", "ghost"}, 1, `no node "ghost"`},
		{"near-miss partner", []string{"analyze", good, "--without", "nordc"}, 1, `no node "nordc"; did you mean nordic?`},
		{"not a partner", []string{"analyze", good, "--without", "farms"}, 1, "farms is a segment, not a partner"},
		{"unknown flag", []string{"analyze", good, "--colour"}, 2, "unknown flag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %s)", code, tc.code, errOut)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr %q lacks %q", errOut, tc.want)
			}
			if out != "" && tc.code != 2 {
				t.Errorf("printed a report despite the error: %s", out)
			}
		})
	}
}

func TestAnalyzeHelp(t *testing.T) {
	code, out, _ := runCLI(t, "analyze", "--help")
	if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "--without hvac-nord") || !strings.Contains(out, "--json") {
		t.Errorf("help (exit %d):\n%s", code, out)
	}
}

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		cur  string
		v    float64
		want string
	}{
		{"EUR", 1771200, "EUR 1,771,200"},
		{"EUR", 1771199.6, "EUR 1,771,200"},
		{"EUR", 999, "EUR 999"},
		{"EUR", 1000, "EUR 1,000"},
		{"EUR", -310000, "EUR -310,000"},
		{"EUR", -0.2, "EUR 0"},
		{"", 123456789, "123,456,789"},
	}
	for _, tc := range tests {
		if got := formatMoney(tc.cur, tc.v); got != tc.want {
			t.Errorf("formatMoney(%q, %v) = %q, want %q", tc.cur, tc.v, got, tc.want)
		}
	}
}

func TestAnalyzeGrossMarginText(t *testing.T) {
	src := strings.Replace(analyzeMapFile, "currency: EUR\n", "currency: EUR\nsource: FY2025 ledger\nas_of: 2025-12-31\n", 1) +
		"classification: {gross_margin: 0.4}\n"
	code, out, errOut := runCLI(t, "analyze", writeAnalyzeMap(t, src))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"Source: FY2025 ledger, as of 2025-12-31.",
		"GROSS MARGIN", "40.0 %",
		// contractors: 1,968,000 · 0.4 − 310,000 = 477,200; 477,200 / 1,968,000 = 24.2 %.
		"EUR 477,200", "24.2 %",
		// farms: 400,000 · 0.4 − 420,000 = −260,000.
		"EUR -260,000",
		"Levels rank these 2 with revenue and cost to serve",
		"MARKETS (segments rolled up by market type)",
		"No interaction point: nobody knows how Small contractors (contractors) talks to us",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "cost of goods") || strings.Contains(out, "CUSTOMERS") {
		t.Errorf("a cost-of-goods warning or a customers table without reason:\n%s", out)
	}
}
