package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/compare"
	"github.com/chanmap/chanmap/graph/embedded"
)

// setRevenueIn sets node id's revenue on stored map mapID, as a user
// editing it would.
func setRevenueIn(t *testing.T, db, mapID, id string, r float64) {
	t.Helper()
	s, err := embedded.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, err := s.GetMap(context.Background(), mapID)
	if err != nil {
		t.Fatal(err)
	}
	n := *m.Node(id)
	n.Revenue = &r
	if _, err := s.Apply(context.Background(), mapID, m.Version, graph.ChangeSet{Changes: []graph.Change{{Op: graph.OpUpdateNode, ID: id, Node: &n}}}); err != nil {
		t.Fatal(err)
	}
}

// TestScenarioCommands walks a scenario through the CLI: create, list,
// show (stale, with the base's change), diff, a refused merge that names
// the conflict, a forced merge, and the errors of a wrong call.
func TestScenarioCommands(t *testing.T) {
	noStoreEnv(t)
	db := filepath.Join(t.TempDir(), "maps.db")
	path, m := sampleMap(t, "hybrid.yaml")
	if code, _, errOut := runCLI(t, "import", path, "--into", "embedded", "--db", db); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	sid := m.ID + "--scenario--price-cut"
	code, out, errOut := runCLI(t, "scenario", "create", m.ID, "price-cut", "-m", "what if", "--db", db)
	if code != 0 || !strings.Contains(out, "edit it as map "+sid) {
		t.Fatalf("scenario create: exit %d, %q, %s", code, out, errOut)
	}
	setRevenueIn(t, db, sid, "homeowners", 1e6)
	setRevenueIn(t, db, m.ID, "homeowners", 2e6)

	code, out, errOut = runCLI(t, "scenario", "list", m.ID, "--db", db)
	if code != 0 || !strings.Contains(out, "price-cut") || !strings.Contains(out, "stale") {
		t.Fatalf("scenario list: exit %d, %q, %s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "scenario", "show", m.ID, "price-cut", "--db", db)
	if code != 0 || !strings.Contains(out, "stale: "+m.ID+" is at version 2") || !strings.Contains(out, "~ node homeowners") {
		t.Fatalf("scenario show: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "scenario", "diff", m.ID, "price-cut", "--json", "--db", db)
	var d compare.Result
	if code != 0 || json.Unmarshal([]byte(out), &d) != nil || len(d.Nodes) != 1 || d.Nodes[0].ID != "homeowners" || d.From.Version != 1 {
		t.Fatalf("scenario diff --json: exit %d\n%s%s", code, out, errOut)
	}

	code, _, errOut = runCLI(t, "scenario", "merge", m.ID, "price-cut", "--db", db)
	if code != 1 || !strings.Contains(errOut, "node homeowners: field revenue") || !strings.Contains(errOut, "--force") {
		t.Fatalf("merge with a conflict: exit %d, stderr %s", code, errOut)
	}
	code, out, errOut = runCLI(t, "scenario", "merge", m.ID, "price-cut", "--force", "-m", "board", "--db", db)
	if code != 0 || !strings.Contains(out, "forced: node homeowners") || !strings.Contains(out, "version 3") || !strings.Contains(out, "dropped scenario price-cut") {
		t.Fatalf("merge --force: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "history", m.ID, "--limit", "1", "--db", db)
	if code != 0 || !strings.Contains(out, "merge scenario price-cut (forked from "+m.ID+"@1): board") {
		t.Errorf("history after the merge:\n%s", out)
	}

	if code, _, errOut = runCLI(t, "scenario", "drop", m.ID, "price-cut", "--db", db); code != 1 || !strings.Contains(errOut, `no scenario "price-cut"`) {
		t.Errorf("drop of a merged scenario: exit %d, %s", code, errOut)
	}
	if code, _, errOut = runCLI(t, "scenario", "create", m.ID, "Bad Name", "--db", db); code != 1 || !strings.Contains(errOut, "not a slug") {
		t.Errorf("create with a bad name: exit %d, %s", code, errOut)
	}
	if code, _, _ = runCLI(t, "scenario", "--db", db); code != 2 {
		t.Errorf("scenario without a subcommand: exit %d, want 2", code)
	}
	if code, _, _ = runCLI(t, "scenario", "create", m.ID, "--db", db); code != 2 {
		t.Errorf("scenario create without a name: exit %d, want 2", code)
	}
}
