package api

import (
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph/compare"
	"github.com/chanmap/chanmap/graph/usecase"
)

// TestScenariosAPI: an editor forks a map, edits the scenario through the
// ordinary map routes, reads its status and diff, sees it go stale when
// the base changes, gets a 409 listing the conflict, merges it with force
// and the base holds the scenario's side; a viewer can read but not fork.
func TestScenariosAPI(t *testing.T) {
	tokens, err := ParseTokens("ed-token-123=editor:erin,view-token-1=viewer")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *Config) { c.Tokens = tokens })
	e.seed()
	const base = "/api/v1/maps/acme-pumps"
	const scen = base + "/scenarios/price-cut"
	const scenMap = "/api/v1/maps/acme-pumps--scenario--price-cut"

	e.token = "view-token-1"
	wantStatus(t, e.do("POST", base+"/scenarios", map[string]any{"name": "price-cut"}, nil), 403)
	e.token = "ed-token-123"
	r := e.do("POST", base+"/scenarios", map[string]any{"name": "price-cut", "message": "what if"}, nil)
	wantStatus(t, r, 201)
	var sc usecase.Scenario
	r.json(t, &sc)
	if sc.ID != "acme-pumps--scenario--price-cut" || sc.BaseVersion != 1 || sc.Stale || r.Header.Get("ETag") != `"1"` ||
		r.Header.Get("Location") != scen {
		t.Fatalf("created %+v (ETag %s, Location %s)", sc, r.Header.Get("ETag"), r.Header.Get("Location"))
	}
	wantStatus(t, e.do("POST", base+"/scenarios", map[string]any{"name": "price-cut"}, nil), 409)
	p := e.do("POST", base+"/scenarios", map[string]any{"name": "Price Cut"}, nil)
	wantStatus(t, p, 400)
	if pr := p.problem(t); len(pr.Errors) != 1 || pr.Errors[0].Field != "name" || !strings.Contains(pr.Detail, "not a slug") {
		t.Errorf("a bad name: %+v", pr)
	}
	wantStatus(t, e.do("POST", base+"/scenarios", map[string]any{"name": "later", "version": 5}, nil), 400)
	wantStatus(t, e.do("POST", "/api/v1/maps/nope/scenarios", map[string]any{"name": "x"}, nil), 404)

	// Edit the scenario like any map; the base stays at version 1.
	wantStatus(t, e.do("PATCH", scenMap+"/nodes/contractors", map[string]any{"revenue": 5000000}, hdr{"If-Match": `"1"`}), 200)
	var status usecase.ScenarioStatus
	r = e.do("GET", scen, nil, nil)
	wantStatus(t, r, 200)
	r.json(t, &status)
	if status.Version != 2 || status.Stale || status.Changes.NodesChanged != 1 || status.BaseChanges != nil {
		t.Fatalf("status = %+v, want version 2, not stale, one node changed", status)
	}
	var d compare.Result
	r = e.do("GET", scen+"/diff", nil, nil)
	wantStatus(t, r, 200)
	r.json(t, &d)
	if len(d.Nodes) != 1 || d.Nodes[0].ID != "contractors" || len(d.Figures) == 0 || d.From.Map != "acme-pumps" || d.From.Version != 1 {
		t.Fatalf("diff = %+v, want contractors changed with its figures, from acme-pumps@1", d)
	}
	wantStatus(t, e.do("GET", scen+"/diff?against=yesterday", nil, nil), 400)

	// The base changes the same field: stale, and the merge is a conflict.
	wantStatus(t, e.do("PATCH", base+"/nodes/contractors", map[string]any{"revenue": 1000000}, hdr{"If-Match": `"1"`}), 200)
	e.token = "view-token-1"
	var list scenarioList
	r = e.do("GET", base+"/scenarios", nil, nil)
	wantStatus(t, r, 200)
	r.json(t, &list)
	if len(list.Scenarios) != 1 || !list.Scenarios[0].Stale || list.Scenarios[0].BaseCurrent != 2 {
		t.Fatalf("list = %+v, want price-cut stale, base at 2", list)
	}
	status = usecase.ScenarioStatus{}
	e.do("GET", scen, nil, nil).json(t, &status)
	if !status.Stale || status.BaseChanges == nil || status.BaseChanges.Counts.NodesChanged != 1 {
		t.Fatalf("status = %+v, want stale with the base's change listed", status)
	}
	wantStatus(t, e.do("POST", scen+"/merge", nil, nil), 403)
	e.token = "ed-token-123"
	r = e.do("POST", scen+"/merge", nil, nil)
	wantStatus(t, r, 409)
	pr := r.problem(t)
	if pr.Type != "urn:chanmap:problem:merge-conflict" || len(pr.Errors) != 1 || pr.Errors[0].Pointer != "/nodes/contractors/revenue" {
		t.Fatalf("conflict problem = %+v, want one conflict at /nodes/contractors/revenue", pr)
	}
	wantStatus(t, e.do("POST", scen+"/merge", map[string]any{"force": true}, hdr{"If-Match": `"1"`}), 412)

	// Forced: the scenario wins, the merge names it, the scenario is gone.
	r = e.do("POST", scen+"/merge", map[string]any{"force": true, "message": "approved"}, hdr{"If-Match": `"2"`})
	wantStatus(t, r, 200)
	var res usecase.MergeResult
	r.json(t, &res)
	if res.Version != 3 || len(res.Conflicts) != 1 || res.Kept || r.Header.Get("ETag") != `"3"` {
		t.Fatalf("merge = %+v", res)
	}
	var page versionPage
	e.do("GET", base+"/versions?limit=1", nil, nil).json(t, &page)
	if v := page.Versions[0]; v.Author != "erin" || !strings.Contains(v.Message, "merge scenario price-cut") || !strings.Contains(v.Message, "approved") {
		t.Errorf("the merge's version = %+v", v)
	}
	var got struct {
		Nodes []struct {
			ID      string   `json:"id"`
			Revenue *float64 `json:"revenue"`
		} `json:"nodes"`
	}
	e.do("GET", base, nil, nil).json(t, &got)
	for _, n := range got.Nodes {
		if n.ID == "contractors" && (n.Revenue == nil || *n.Revenue != 5000000) {
			t.Errorf("contractors' revenue after the forced merge = %v, want the scenario's 5000000", n.Revenue)
		}
	}
	wantStatus(t, e.do("GET", scen, nil, nil), 404)
	wantStatus(t, e.do("GET", scenMap, nil, nil), 404)

	// Drop: a second scenario goes away; dropping it again is 404.
	wantStatus(t, e.do("POST", base+"/scenarios", map[string]any{"name": "tmp", "version": 1}, nil), 201)
	wantStatus(t, e.do("DELETE", base+"/scenarios/tmp", nil, nil), 204)
	wantStatus(t, e.do("DELETE", base+"/scenarios/tmp", nil, nil), 404)
	list = scenarioList{}
	e.do("GET", base+"/scenarios", nil, nil).json(t, &list)
	if len(list.Scenarios) != 0 {
		t.Errorf("scenarios after the merge and the drop: %+v", list.Scenarios)
	}

	// The Chanmap-Message header names why, as for every write.
	wantStatus(t, e.do("POST", base+"/scenarios", map[string]any{"name": "hdr"}, nil), 201)
	wantStatus(t, e.do("PATCH", base+"--scenario--hdr/nodes/contractors", map[string]any{"name": "Builders"}, hdr{"If-Match": `"1"`}), 200)
	wantStatus(t, e.do("POST", base+"/scenarios/hdr/merge", nil, hdr{HeaderMessage: "from the header"}), 200)
	page = versionPage{}
	e.do("GET", base+"/versions?limit=1", nil, nil).json(t, &page)
	if v := page.Versions[0]; v.Message != "merge scenario hdr (forked from acme-pumps@3): from the header" {
		t.Errorf("merge with a message header: version %+v", v)
	}
}
