package graph_test

import (
	"fmt"
	"os"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
)

func ExampleRead() {
	_, err := mapio.Read([]byte(`id: acme
nodes:
  - {id: acme, kind: company, name: ACME}
  - {id: farms, kind: segment, name: Farms}
edges:
  - {from: farms, to: acme, kind: supplies, margin: 1.5}
`), "acme.yaml")
	fmt.Println(err)
	// Output:
	// 2 problem(s):
	// acme.yaml:6:6: edge farms--supplies--acme: a segment cannot supply a company (supplies go from an organisation other than a service provider to an organisation, segment or customer) (value "supplies")
	// acme.yaml:6:53: edge farms--supplies--acme: margin must be at least 0 and below 1 (the fraction of its selling price the buyer keeps) (value "1.5")
}

func ExampleSupportOf() {
	m, err := mapio.Read([]byte(`id: acme
nodes:
  - {id: acme, kind: company, name: ACME}
  - {id: nordic, kind: distributor, name: Nordic Supply}
  - {id: fixit, kind: service_provider, name: FixIt}
  - {id: farms, kind: segment, name: Farms, prefers: [pickup]}
edges:
  - {from: acme, to: nordic, kind: supplies, delivery: freight, margin: 0.18}
  - {from: nordic, to: farms, kind: supplies, delivery: in_store}
  - {from: fixit, to: farms, kind: supports, services: [repair], why: on site in 24h}
`), "acme.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := graph.SupportOf(m, "farms")
	for _, p := range s.Paths {
		fmt.Println(p)
	}
	fmt.Println(s.Supporters[0].ID, s.Supporters[0].Services, s.Supporters[0].Why)
	fmt.Println(s.Offered, s.PreferenceMet)
	// Output:
	// acme -> nordic -> farms
	// fixit [repair] on site in 24h
	// [in_store] false
}

func ExampleWriteYAML() {
	m := &graph.Map{ID: "acme", Title: "ACME: channels", Nodes: []*graph.Node{
		{ID: "acme", Kind: graph.KindCompany, Name: "ACME"},
		{ID: "web", Kind: graph.KindTouchpoint, Name: "Web shop", Channel: "web", Attrs: map[string]any{"url": "https://acme.example"}},
	}, Edges: []*graph.Edge{{From: "acme", To: "web", Kind: graph.EdgeOperates}}}
	mapio.WriteYAML(os.Stdout, m)
	// Output:
	// id: acme
	// title: "ACME: channels"
	// nodes:
	//   - id: acme
	//     kind: company
	//     name: ACME
	//   - id: web
	//     kind: touchpoint
	//     name: Web shop
	//     channel: web
	//     url: "https://acme.example"
	// edges:
	//   - {from: acme, to: web, kind: operates}
}
