package neo4j

import (
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/fieldtest"
)

// Properties follow the field table: a row added to a copy is stored and
// read back like the others, with no code of its own (no server needed).
func TestNewFieldReachesProperties(t *testing.T) {
	x := fieldtest.New()
	seven := 7.0
	n := &graph.Node{ID: "seg", Kind: graph.KindSegment, Name: "Seg", Scores: map[string]float64{"growth": 70}}
	x.Node[len(x.Node)-1].Set(n, &seven)
	e := &graph.Edge{From: "co", To: "seg", Kind: graph.EdgeSupplies}
	x.Edge[len(x.Edge)-1].Set(e, "yearly")

	np := schemaNodeProps(x.Schema, "m", n, 3)
	if np[fieldtest.NodeField] != 7.0 || np["scores_growth"] != 70.0 || np["name"] != "Seg" {
		t.Fatalf("node properties %v", np)
	}
	ep := schemaEdgeProps(x.Schema, "m", e, 0)
	if ep[fieldtest.EdgeField] != "yearly" || ep["id"] != "co--supplies--seg" {
		t.Fatalf("edge properties %v", ep)
	}
	if _, ok := ep["from"]; ok {
		t.Errorf("edge ends are stored as properties: %v", ep)
	}

	n2, ord, err := schemaDecodeNode(x.Schema, np)
	if err != nil || ord != 3 {
		t.Fatal(err, ord)
	}
	if l := x.Loyalty(n2); l == nil || *l != 7 || n2.Scores["growth"] != 70 {
		t.Errorf("node read back without its fields: %+v", n2)
	}
	e2, _, err := schemaDecodeEdge(x.Schema, "SUPPLIES", "co", "seg", ep)
	if err != nil || x.Contract(e2) != "yearly" || e2.ID != "" {
		t.Errorf("edge read back as %+v (%v)", e2, err)
	}

	// The default table stores no such property.
	if _, ok := nodeProps("m", n, 3)[fieldtest.NodeField]; ok {
		t.Error("the default table stored the test row")
	}
}

// A whole number is stored as an integer, so Cypher compares it as one.
func TestTierIsAnInteger(t *testing.T) {
	tier := 2
	p := nodeProps("m", &graph.Node{ID: "s", Kind: graph.KindSegment, Name: "S", Tier: &tier}, 0)
	if p["tier"] != int64(2) {
		t.Errorf("tier stored as %T %v", p["tier"], p["tier"])
	}
	n, _, err := decodeNode(p)
	if err != nil || n.Tier == nil || *n.Tier != 2 {
		t.Errorf("tier read back as %v (%v)", n.Tier, err)
	}
}

func TestLabelsAndRelationshipTypes(t *testing.T) {
	for k, want := range map[graph.NodeKind]string{graph.KindServiceProvider: "ServiceProvider", graph.KindCompany: "Company", graph.KindSegment: "Segment"} {
		if got := label(k); got != want {
			t.Errorf("label(%s) = %s, want %s", k, got, want)
		}
	}
	for k, want := range map[graph.EdgeKind]string{graph.EdgeBelongsTo: "BELONGS_TO", graph.EdgePartnersWith: "PARTNERS_WITH", graph.EdgeSupplies: "SUPPLIES"} {
		if got := relType(k); got != want {
			t.Errorf("relType(%s) = %s, want %s", k, got, want)
		}
	}
}
