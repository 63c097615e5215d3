package graph_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite the field tables in README.md from the field table")

const readmePath = "../README.md"

// TestREADMEFieldTables keeps the README's field tables equal to the field
// table: a row added, renamed or re-ranged shows in the README (go test
// ./graph -run README -update-readme rewrites them).
func TestREADMEFieldTables(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- fields: generated from graph.Fields -->\n", "<!-- /fields -->"
	s := string(data)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q ... %q block", begin, end)
	}
	want := fieldTables(graph.Fields())
	if got := s[i+len(begin) : j]; got != want {
		if *updateREADME {
			if err := os.WriteFile(readmePath, []byte(s[:i+len(begin)]+want+s[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("README.md's field tables differ from graph.Fields (go test ./graph -run README -update-readme):\n%s", want)
	}
}

func fieldTables(s *graph.Schema) string {
	var b strings.Builder
	b.WriteString("Map:\n\n")
	writeRows(&b, s.Map)
	b.WriteString("\nClassification (optional; `classification:` in the file):\n\n")
	writeRows(&b, s.Classification)
	b.WriteString("\nNodes:\n\n")
	writeRows(&b, s.Node)
	b.WriteString("\nEdges:\n\n")
	writeRows(&b, s.Edge)
	return b.String()
}

func writeRows[T any](b *strings.Builder, rows []graph.Field[T]) {
	b.WriteString("| field | type | on | allowed | meaning |\n|---|---|---|---|---|\n")
	for _, f := range rows {
		name := "`" + f.Name + "`"
		if f.Required {
			name += " (required)"
		}
		on := "all"
		if len(f.Kinds) > 0 {
			on = strings.Join(f.Kinds, ", ")
		}
		var allowed []string
		if len(f.Values) > 0 {
			allowed = append(allowed, strings.Join(f.Values, ", "))
		}
		if len(f.Keys) > 0 {
			allowed = append(allowed, "names: "+strings.Join(f.Keys, ", "))
		}
		if f.RefKind != "" {
			allowed = append(allowed, f.RefKind+" ids")
		}
		if r := f.RangeText(); r != "" {
			r = strings.Replace(r, "must not be negative", "0 or more", 1)
			allowed = append(allowed, strings.TrimPrefix(r, "must be "))
		}
		if f.Unit != "" {
			allowed = append(allowed, "unit: "+f.Unit)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", name, strings.ReplaceAll(string(f.Type), "_", " "), on, strings.Join(allowed, "; "), f.Help)
	}
}
