package mapio_test

import (
	"fmt"
	"github.com/chanmap/chanmap/graph/mapio"
	"math"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

// aliasBomb is the attack of a YAML body whose one long string is repeated
// by aliases: small on the wire, huge once expanded.
func aliasBomb(value string, copies int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "id: bomb\nnodes:\n - {id: a, kind: company, name: a, description: &s \"%s\"}\n", value)
	for i := 0; i < copies; i++ {
		fmt.Fprintf(&b, " - {id: n%d, kind: company, name: n, description: *s}\n", i)
	}
	return []byte(b.String())
}

func TestAliasExpansionIsBoundedInBytes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		value string
		n     int
	}{
		// Every value within its field's limit; the aliases alone pass
		// MaxExpandedBytes.
		{"values within limits", strings.Repeat("x", graph.MaxTextLen), graph.MaxExpandedBytes/graph.MaxTextLen + 10},
		// The reported attack, one 256 KiB string aliased 2,000 times.
		{"256 KiB aliased 2000 times", strings.Repeat("x", 256<<10), 2000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mapio.Read(aliasBomb(tc.value, tc.n), "bomb.yaml")
			ps := problemsOf(t, err)
			if len(ps) != 1 || !strings.Contains(ps[0].Message, "MaxExpandedBytes") || ps[0].Line == 0 {
				t.Fatalf("want one located problem naming MaxExpandedBytes, got %v", err)
			}
		})
	}
	// The same document with few aliases stays readable.
	if _, err := mapio.Read(aliasBomb(strings.Repeat("x", graph.MaxTextLen), 3), "few.yaml"); err != nil {
		t.Fatalf("a document with a few aliases is refused: %v", err)
	}
}

func TestLimitsAreValidationRules(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	for _, tc := range []struct {
		name, line, ptr, want string
	}{
		{"node id", fmt.Sprintf("  - {id: %s, kind: company, name: X}", long(graph.MaxIDLen+1)), "/nodes/5/id", "MaxIDLen"},
		{"edge id", fmt.Sprintf("  - {id: %s, from: co, to: seg, kind: supports}", long(graph.MaxIDLen+1)), "/edges/2/id", "MaxIDLen"},
		{"name", fmt.Sprintf("  - {id: x, kind: company, name: %s}", long(graph.MaxNameLen+1)), "/nodes/5/name", "at most 500 bytes"},
		{"description", fmt.Sprintf("  - {id: x, kind: company, name: X, description: %s}", long(graph.MaxTextLen+1)), "/nodes/5/description", "at most 10000 bytes"},
		{"tag", fmt.Sprintf("  - {id: x, kind: company, name: X, tags: [%s]}", long(graph.MaxNameLen+1)), "/nodes/5/tags/0", "at most 500 bytes"},
		{"list items", fmt.Sprintf("  - {id: x, kind: company, name: X, tags: [%s]}", strings.Repeat("t,", graph.MaxListItems)+"t"), "/nodes/5/tags", "MaxListItems"},
		{"attribute value", fmt.Sprintf("  - {id: x, kind: company, name: X, note: %s}", long(graph.MaxTextLen+1)), "/nodes/5/note", "at most 10000 bytes"},
		{"why", fmt.Sprintf("  - {from: co, to: seg, kind: supports, why: %s}", long(graph.MaxTextLen+1)), "/edges/2/why", "at most 10000 bytes"},
		{"revenue", "  - {id: x, kind: segment, name: X, revenue: 1.7e308}", "/nodes/5/revenue", "range of figures"},
		{"cost", "  - {id: x, kind: segment, name: X, cost_to_serve: 2e15}", "/nodes/5/cost_to_serve", "range of figures"},
		{"tag with ;", "  - {id: x, kind: company, name: X, tags: [\"a;b\"]}", "/nodes/5/tags/0", "holds ';'"},
		{"tag with a space", "  - {id: x, kind: company, name: X, tags: [\" x\"]}", "/nodes/5/tags/0", "white space"},
		{"empty tag", "  - {id: x, kind: company, name: X, tags: [\"\"]}", "/nodes/5/tags/0", "empty item"},
		{"blank description", "  - {id: x, kind: company, name: X, description: \"  \"}", "/nodes/5/description", "only white space"},
		{"control character", "  - {id: x, kind: company, name: \"bell\\a\"}", "/nodes/5/name", "U+0007"},
		{"carriage return", "  - {id: x, kind: company, name: X, description: \"a\\r\\nb\"}", "/nodes/5/description", "U+000D"},
		{"attribute named like a column", "  - {id: x, kind: company, name: X, Region: north}", "/nodes/5/Region", "the field region"},
		{"attribute name with a space", "  - {id: x, kind: company, name: X, account manager: Kim}", "/nodes/5/account manager", "account_manager"},
		{"numeric attribute", "  - {id: x, kind: company, name: X, staff: -1.0e+300}", "/nodes/5/staff", "range of figures"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 8 // before "edges:"
			if strings.Contains(tc.line, "from:") {
				n = len(baseMap)
			}
			lines := append([]string(nil), baseMap[:n]...)
			lines = append(lines, tc.line)
			lines = append(lines, baseMap[n:]...)
			_, err := mapio.Read([]byte(strings.Join(lines, "\n")+"\n"), "limits.yaml")
			ps := problemsOf(t, err)
			found := false
			for _, p := range ps {
				if p.Pointer == tc.ptr && strings.Contains(p.Message, tc.want) && p.Line > 0 && len(p.Value) < 200 {
					found = true
				}
			}
			if !found {
				t.Fatalf("want a located problem at %s saying %q with a short value, got %v", tc.ptr, tc.want, err)
			}
		})
	}
}

func TestLimitsAllowTheirEdge(t *testing.T) {
	rev := float64(graph.MaxFigure)
	m := &graph.Map{ID: strings.Repeat("m", graph.MaxIDLen), Title: strings.Repeat("t", graph.MaxNameLen), Nodes: []*graph.Node{
		{ID: strings.Repeat("s", graph.MaxIDLen), Kind: graph.KindSegment, Name: strings.Repeat("n", graph.MaxNameLen),
			Description: strings.Repeat("d", graph.MaxTextLen), Revenue: &rev, Tags: make([]string, graph.MaxListItems)},
	}}
	for i := range m.Nodes[0].Tags {
		m.Nodes[0].Tags[i] = fmt.Sprintf("t%d", i)
	}
	if err := graph.Validate(m); err != nil {
		t.Fatalf("a map exactly at the limits is refused: %v", err)
	}
	if math.IsInf(rev*20000, 0) {
		t.Fatal("MaxFigure times 20,000 segments must stay finite")
	}
}
