package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
)

const samplesDir = "../../testdata/maps/"

func badMapFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bad.yaml")
	src := `id: acme
colour: red
nodes:
  - {id: acme, kind: company, name: ACME}
  - {id: nordic, kind: distributor, name: Nordic}
edges:
  - {from: acme, to: nordic, kind: supplies, margin: 1.18}
`
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestValidateCommand(t *testing.T) {
	code, out, _ := runCLI(t, "validate", samplesDir+"hybrid.yaml")
	if code != 0 || out != "ok: 28 nodes, 47 edges\n" {
		t.Fatalf("valid map: exit %d, %q", code, out)
	}
	bad := badMapFile(t)
	code, out, errOut := runCLI(t, "validate", bad)
	want := bad + ":2:1: unknown top-level key \"colour\" (known: id, title, currency, source, as_of, fork_of, nodes, edges, classification) (value \"colour\")\n" +
		bad + ":7:54: edge acme--supplies--nordic: margin must be at least 0 and below 1 (the fraction of its selling price the buyer keeps) (value \"1.18\")\n"
	if code != 1 || out != want {
		t.Fatalf("bad map: exit %d\n%s\nwant\n%s", code, out, want)
	}
	if !strings.Contains(errOut, "2 problem(s)") {
		t.Errorf("stderr %q", errOut)
	}
}

func TestValidateCommandJSON(t *testing.T) {
	bad := badMapFile(t)
	code, out, _ := runCLI(t, "validate", "--json", bad)
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	var res struct {
		File     string          `json:"file"`
		Valid    bool            `json:"valid"`
		Problems []graph.Problem `json:"problems"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.Valid || len(res.Problems) != 2 || res.Problems[1].Pointer != "/edges/0/margin" || res.Problems[1].Line != 7 || res.Problems[1].Value != "1.18" {
		t.Fatalf("%+v", res)
	}
	code, out, _ = runCLI(t, "validate", "--json", samplesDir+"industrial.yaml")
	if code != 0 || !strings.Contains(out, `"valid": true`) || !strings.Contains(out, `"problems": []`) || !strings.Contains(out, `"nodes": 25`) {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestValidateCommandErrors(t *testing.T) {
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"validate"}, 2, "accepts 1 arg"},
		{[]string{"validate", "a", "b"}, 2, "accepts 1 arg"},
		{[]string{"validate", "--nope", "x"}, 2, "unknown flag"},
		{[]string{"validate", "/no/such/map.yaml"}, 1, "no such file"},
		{[]string{"support", samplesDir + "hybrid.yaml"}, 2, "missing SEGMENT: give the id of a segment or customer"},
		{[]string{"support"}, 2, "missing MAP.yaml and SEGMENT"},
		{[]string{"support", samplesDir + "hybrid.yaml", "nobody"}, 1, `segment "nobody": not found; segments and customers on`},
		{[]string{"support", samplesDir + "hybrid.yaml", "homeowner"}, 1, `segment "homeowner": not found; did you mean homeowners?`},
		// An unknown segment is a user error everywhere: exit 1, as in support.
		{[]string{"render", samplesDir + "hybrid.yaml", "--focus", "homeowner", "-o", os.DevNull}, 1, "did you mean homeowners?"},
		{[]string{"support", samplesDir + "hybrid.yaml", "hvac-nord"}, 1, "is a distributor: not a segment or customer"},
		{[]string{"support", "/no/such/map.yaml", "x"}, 1, "no such file"},
	}
	for _, c := range cases {
		code, _, errOut := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errOut, c.code, c.msg)
		}
	}
	// support on an invalid map shows the located problems.
	code, _, errOut := runCLI(t, "support", badMapFile(t), "x")
	if code != 1 || !strings.Contains(errOut, "bad.yaml:7:54:") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestSupportCommand(t *testing.T) {
	code, out, _ := runCLI(t, "support", samplesDir+"industrial.yaml", "chem-plants")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"Chemical plants (chem-plants, segment) on map brandt-pumps",
		"  3 supply paths:",
		"  1. brandt -> plantbuild -> chem-plants",
		"       Brandt Pumps GmbH -> PlantBuild Engineering: direct, margin 10%, only Centrifugal process pumps, Dosing pumps",
		"       Isar Pumpentechnik -> Chemical plants: freight, share 50%",
		"  Key players: Isar Pumpentechnik (isar-pt), Neckar Prozesstechnik (neckar-pt), PlantBuild Engineering (plantbuild), SuedTech Industriebedarf (suedtech)",
		"  Prefers direct: NOT met (offered: field_install, freight).",
		"  HydroService Field Team (hydroservice, service_provider)\n    does: repair, maintenance\n    for:  Dosing pumps, Centrifugal process pumps\n    why:  ATEX-trained technicians on call",
		"    for:  all products",
		"  Brandt technical hotline (hotline, phone): media compatibility questions; run by Brandt Pumps GmbH",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "support", samplesDir+"hybrid.yaml", "stadt-freiburg")
	if code != 0 || !strings.Contains(out, "It is supplied through the segment it belongs to: Municipalities and public housing (public-buyers).") {
		t.Fatalf("stadt-freiburg: %s", out)
	}
	code, out, _ = runCLI(t, "support", samplesDir+"hybrid.yaml", "landlords")
	if code != 0 || !strings.Contains(out, "No supply path reaches it") || !strings.Contains(out, "Nobody supports it.") ||
		!strings.Contains(out, "Prefers online: NOT met (offered: nothing).") {
		t.Fatalf("landlords: %s", out)
	}
}

func TestSupportCommandJSON(t *testing.T) {
	code, out, _ := runCLI(t, "support", "--json", samplesDir+"hybrid.yaml", "homeowners")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var s graph.Support
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	m, err := mapio.ReadFile(samplesDir + "hybrid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := graph.SupportOf(m, "homeowners")
	wb, _ := json.Marshal(want)
	gb, _ := json.Marshal(&s)
	if string(wb) != string(gb) {
		t.Fatalf("--json is not the Support answer:\n%s\n%s", gb, wb)
	}
}

func TestGraphCommandsHelp(t *testing.T) {
	for _, c := range []string{"validate", "support"} {
		code, out, _ := runCLI(t, c, "--help")
		if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "chanmap "+c+" testdata/maps/") {
			t.Errorf("%s --help: exit %d\n%s", c, code, out)
		}
	}
}

func TestValidateStdin(t *testing.T) {
	f, err := os.Open(badMapFile(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old }()
	code, out, _ := runCLI(t, "validate", "-")
	if code != 1 || !strings.HasPrefix(out, "stdin:2:1: unknown top-level key") {
		t.Fatalf("exit %d: %s", code, out)
	}
}
