package api

import (
	"net/http"
	"slices"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/fieldtest"
	"github.com/getkin/kin-openapi/openapi3"
)

// schemaRow is one row as the endpoint serves it.
type schemaRow struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Kinds  []string `json:"kinds"`
	Values []string `json:"values"`
	Help   string   `json:"help"`
}

type schemaAnswer struct {
	Map       []schemaRow `json:"map"`
	Node      []schemaRow `json:"node"`
	Edge      []schemaRow `json:"edge"`
	NodeKinds []string    `json:"node_kinds"`
	EdgeKinds []struct {
		Name string   `json:"name"`
		From []string `json:"from"`
		To   []string `json:"to"`
	} `json:"edge_kinds"`
}

func TestSchemaServesTheFieldTable(t *testing.T) {
	e := newEnv(t)
	r := e.do(http.MethodGet, "/api/v1/schema", nil, nil)
	wantStatus(t, r, http.StatusOK)
	var got schemaAnswer
	r.json(t, &got)
	if names := rowNames(got.Node); !slices.Equal(names, graph.Names(graph.Fields().Node)) {
		t.Errorf("node rows %v, want the table's %v", names, graph.Names(graph.Fields().Node))
	}
	if names := rowNames(got.Edge); !slices.Equal(names, graph.Names(graph.Fields().Edge)) {
		t.Errorf("edge rows %v, want the table's %v", names, graph.Names(graph.Fields().Edge))
	}
	for _, row := range got.Node {
		if row.Name == "market" && (row.Type != "enum" || !slices.Equal(row.Values, graph.Markets) || !slices.Contains(row.Kinds, "segment")) {
			t.Errorf("market row %+v: want an enum of the markets on segments", row)
		}
		if row.Help == "" {
			t.Errorf("node row %s has no help text", row.Name)
		}
	}
	for _, k := range got.EdgeKinds {
		if k.Name == "belongs_to" && (!slices.Equal(k.From, []string{"customer"}) || !slices.Equal(k.To, []string{"segment"})) {
			t.Errorf("belongs_to joins %v -> %v, want customer -> segment", k.From, k.To)
		}
	}
	if len(got.NodeKinds) != len(graph.NodeKinds) {
		t.Errorf("node kinds %v", got.NodeKinds)
	}
}

func TestSchemaServesANewRow(t *testing.T) {
	x := fieldtest.New()
	e := newEnv(t, func(c *Config) { c.Fields = x.Schema })
	r := e.do(http.MethodGet, "/api/v1/schema", nil, nil)
	wantStatus(t, r, http.StatusOK)
	var got schemaAnswer
	r.json(t, &got)
	if !slices.Contains(rowNames(got.Node), fieldtest.NodeField) || !slices.Contains(rowNames(got.Edge), fieldtest.EdgeField) ||
		!slices.Contains(rowNames(got.Map), fieldtest.MapField) {
		t.Errorf("the new rows are not served: %s", r.Body)
	}
}

func rowNames(rs []schemaRow) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}

// TestOpenAPIAgreesWithTheFieldTable fails when the OpenAPI document's map,
// node and edge schemas and the field table drift apart: a row missing from
// the document, a property the table does not have, or a different type.
func TestOpenAPIAgreesWithTheFieldTable(t *testing.T) {
	doc, _, err := OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	fs := graph.Fields()
	// warnings: what an answer to a write adds (graph.Warnings), not a field.
	checkRows(t, doc, "Node", fs.Node, "attrs", "warnings")
	checkRows(t, doc, "Edge", fs.Edge, "attrs", "warnings")
	checkRows(t, doc, "Map", fs.Map, "version", "nodes", "edges", "classification", "warnings")
	checkRows(t, doc, "Classification", fs.Classification)
}

func checkRows[T any](t *testing.T, doc *openapi3.T, name string, rows []graph.Field[T], extra ...string) {
	t.Helper()
	ref := doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		t.Fatalf("the document has no %s schema", name)
	}
	props := ref.Value.Properties
	for _, f := range rows {
		p := props[f.Name]
		if p == nil || p.Value == nil {
			t.Errorf("%s: the table's field %q is not in the document", name, f.Name)
			continue
		}
		if got, want := openapiType(p.Value), wantType(f.Type); got != want {
			t.Errorf("%s.%s: the document says %s, the table %s (%s)", name, f.Name, got, want, f.Type)
		}
		if f.Required != slices.Contains(ref.Value.Required, f.Name) {
			t.Errorf("%s.%s: required in the table %v, in the document %v", name, f.Name, f.Required, !f.Required)
		}
		if f.Type == graph.TypeEnum && f.Required {
			var enum []string
			for _, v := range p.Value.Enum {
				s, _ := v.(string)
				enum = append(enum, s)
			}
			if !slices.Equal(enum, f.Values) {
				t.Errorf("%s.%s: the document allows %v, the table %v", name, f.Name, enum, f.Values)
			}
		}
	}
	for prop := range props {
		if _, ok := graph.Lookup(rows, prop); !ok && !slices.Contains(extra, prop) {
			t.Errorf("%s: the document has %q, the field table has no such row", name, prop)
		}
	}
}

// openapiType names a property's JSON shape: string, number, integer,
// string list, number map or list map.
func openapiType(s *openapi3.Schema) string {
	switch {
	case s.Type.Is("array") && s.Items != nil && s.Items.Value != nil && s.Items.Value.Type.Is("string"):
		return "string list"
	case s.Type.Is("object") && s.AdditionalProperties.Schema != nil && s.AdditionalProperties.Schema.Value != nil:
		ap := s.AdditionalProperties.Schema.Value
		if ap.Type.Is("number") {
			return "number map"
		}
		if ap.Type.Is("array") {
			return "list map"
		}
	case s.Type.Is("string"), s.Type.Is("number"), s.Type.Is("integer"):
		return s.Type.Slice()[0]
	}
	return "something else"
}

func wantType(t graph.FieldType) string {
	switch {
	case t.IsList():
		return "string list"
	case t == graph.TypeWhole:
		return "integer"
	case t == graph.TypeNumber:
		return "number"
	case t == graph.TypeScoreMap:
		return "number map"
	case t == graph.TypeListMap:
		return "list map"
	}
	return "string"
}
