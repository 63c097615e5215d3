package api

import (
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
)

func TestAnalysisWithout(t *testing.T) {
	e := newEnv(t)
	e.seed()
	// Without nordic, contractors (2,400,000 spend, all through nordic) are cut
	// off: net 1,968,000 → 0. Variable costs: 310,000 · 0 / 1,968,000 = 0, so
	// profit 1,658,000 → 0: 1,658,000 lost.
	r := e.do("GET", "/api/v1/maps/acme-pumps/analysis?without=nordic", nil, nil)
	wantStatus(t, r, 200)
	var rep analysis.Report
	r.json(t, &rep)
	w := rep.WhatIf
	if w == nil {
		t.Fatalf("no what_if in %s", r.Body)
	}
	if w.Costs != analysis.CostsVariable || len(w.Without) != 1 || w.Without[0] != "nordic" ||
		w.NetRevenueLost != 1968000 || w.ProfitLost != 1658000 || len(w.CutOff) != 1 {
		t.Errorf("what_if %+v", w)
	}
	if s := rep.Segment("contractors"); s == nil || s.NetRevenue == nil || *s.NetRevenue != 0 {
		t.Errorf("the report is not of the map without nordic: %+v", s)
	}
	// Fixed costs: profit 1,658,000 → −310,000: 1,968,000 lost.
	r = e.do("GET", "/api/v1/maps/acme-pumps/analysis?without=nordic&fixed_costs=true", nil, nil)
	wantStatus(t, r, 200)
	rep = analysis.Report{}
	r.json(t, &rep)
	if rep.WhatIf == nil || rep.WhatIf.Costs != analysis.CostsFixed || rep.WhatIf.ProfitLost != 1968000 {
		t.Errorf("fixed costs what_if %+v", rep.WhatIf)
	}
	// A near miss gets the nearest partner; the company is no partner.
	r = e.do("GET", "/api/v1/maps/acme-pumps/analysis?without=nordc", nil, nil)
	wantStatus(t, r, 400)
	if p := r.problem(t); !strings.Contains(p.Detail, "did you mean nordic?") {
		t.Errorf("detail %q names no nearest id", p.Detail)
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/analysis?without=acme", nil, nil), 400)
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/analysis?without=nordic&fixed_costs=maybe", nil, nil), 400)
}

func TestWriteWarnings(t *testing.T) {
	e := newEnv(t)
	// A map whose segment has "revnue" (kept as a free attribute) and whose
	// distributor buys 60 % through its only inbound edge: both are warnings,
	// and the map is created all the same.
	src := strings.Replace(acmeYAML, "    revenue: 2400000\n", "    revenue: 2400000\n    revnue: 1\n", 1)
	src = strings.Replace(src, "margin: 0.18}", "margin: 0.18, share: 0.6}", 1)
	r := e.do("POST", "/api/v1/maps", src, nil)
	wantStatus(t, r, 201)
	var made struct {
		ID       string          `json:"id"`
		Warnings []graph.Warning `json:"warnings"`
	}
	r.json(t, &made)
	if len(made.Warnings) != 2 {
		t.Fatalf("warnings %+v, want 2", made.Warnings)
	}
	if w := made.Warnings[0]; w.Pointer != "/nodes/3/revnue" || !strings.Contains(w.Message, "did you mean revenue?") {
		t.Errorf("typo warning %+v", w)
	}
	if w := made.Warnings[1]; !strings.Contains(w.Message, "Nordic Industrial Supply (nordic): its inbound shares sum to 0.6, so 40 % of its sales come from nowhere") {
		t.Errorf("share warning %+v", w)
	}

	// A write that fixes the share answers with one warning left.
	etag := r.Header.Get("ETag")
	r = e.do("PATCH", "/api/v1/maps/acme-pumps/edges/acme--supplies--nordic", map[string]any{"share": 1}, hdr{"If-Match": etag})
	wantStatus(t, r, 200)
	var edge struct {
		Warnings []graph.Warning `json:"warnings"`
	}
	r.json(t, &edge)
	if len(edge.Warnings) != 1 || edge.Warnings[0].Pointer != "/nodes/3/revnue" {
		t.Errorf("after the fix: warnings %+v, want only the typo", edge.Warnings)
	}
}

func TestSupportNeeds(t *testing.T) {
	e := newEnv(t)
	e.seed()
	r := e.do("GET", "/api/v1/maps/acme-pumps/segments/contractors/support", nil, nil)
	wantStatus(t, r, 200)
	var sup graph.Support
	r.json(t, &sup)
	if sup.Needs != "fast replacement parts" || !sup.PreferenceMet {
		t.Errorf("needs %q, preference met %v", sup.Needs, sup.PreferenceMet)
	}
	r = e.do("GET", "/api/v1/maps/acme-pumps/segments/contractor/support", nil, nil)
	wantStatus(t, r, 404)
	if p := r.problem(t); !strings.Contains(p.Detail, "did you mean contractors?") {
		t.Errorf("detail %q names no nearest id", p.Detail)
	}
}

func TestImportThousands(t *testing.T) {
	e := newEnv(t)
	e.seed()
	// A ';' table from European Excel: customers 1.200 reads two ways, so
	// without ?thousands= it is a bad cell with both readings; with
	// thousands=. it is 1200.
	nodes := "id;kind;name;customers\nacme;company;ACME;\nseg;segment;Seg;1.200\n"
	edges := "from;to;kind\nacme;seg;supplies\n"
	body, ct := multipartBody(t, [3]string{"nodes", "nodes.csv", nodes}, [3]string{"edges", "edges.csv", edges})
	r := e.do("POST", "/api/v1/maps/acme-pumps/import", body, hdr{"Content-Type": ct, "If-Match": `"1"`})
	wantStatus(t, r, 400)
	if !strings.Contains(string(r.Body), "ambiguous number: 1.200 is 1.2") {
		t.Errorf("problem does not show both readings: %s", r.Body)
	}
	r = e.do("POST", "/api/v1/maps/acme-pumps/import?thousands=.", body, hdr{"Content-Type": ct, "If-Match": `"1"`})
	wantStatus(t, r, 200)
	m, _ := e.store.GetMap(t.Context(), "acme-pumps")
	if c := m.Node("seg").Customers; c == nil || *c != 1200 {
		t.Errorf("customers %v, want 1200", c)
	}
}
