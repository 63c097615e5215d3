package render

import "github.com/chanmap/chanmap/graph"

func f(v float64) *float64 { return &v }
func tier(t int) *int      { return &t }

// smallMap is a hand-built hybrid channel map: direct web shop, a
// distributor chain, a marketplace, a service provider, touchpoints, a
// segment nobody reaches and one nobody supports.
func smallMap() *graph.Map {
	return &graph.Map{
		ID: "acme", Title: "ACME Pumps - channel map", Currency: "EUR",
		Nodes: []*graph.Node{
			{ID: "steelco", Kind: graph.KindSupplier, Name: "SteelCo Castings"},
			{ID: "acme", Kind: graph.KindCompany, Name: "ACME Pumps"},
			{ID: "nordic", Kind: graph.KindDistributor, Name: "Nordic Industrial Supply", Region: "North"},
			{ID: "south", Kind: graph.KindDistributor, Name: "Southern Pump Wholesale", Region: "South"},
			{ID: "city", Kind: graph.KindReseller, Name: "City Plumbing", Region: "North"},
			{ID: "bazaar", Kind: graph.KindMarketplace, Name: "BuildBazaar"},
			{ID: "fixit", Kind: graph.KindServiceProvider, Name: "FixIt Field Service", Services: []string{"repair", "install"}},
			{ID: "contractors", Kind: graph.KindSegment, Name: "Small contractors", Market: "producer", Customers: f(1200), Revenue: f(2400000), CostToServe: f(310000), Tier: tier(1)},
			{ID: "farms", Kind: graph.KindSegment, Name: "Farms", Market: "producer", Customers: f(300), Revenue: f(400000), CostToServe: f(390000), Tier: tier(3)},
			{ID: "households", Kind: graph.KindSegment, Name: "Households", Market: "consumer", Customers: f(15000), Revenue: f(900000), CostToServe: f(950000)},
			{ID: "export", Kind: graph.KindSegment, Name: "Export buyers", Market: "international"},
			{ID: "bigfarm", Kind: graph.KindCustomer, Name: "Big Farm Ltd"},
			{ID: "web", Kind: graph.KindTouchpoint, Name: "Web shop", Channel: "web", Purpose: "sales"},
			{ID: "hotline", Kind: graph.KindTouchpoint, Name: "Service hotline", Channel: "support_desk"},
			{ID: "pumps", Kind: graph.KindProduct, Name: "Borehole pumps", ReplacementMonths: f(60)},
			{ID: "seals", Kind: graph.KindProduct, Name: "Seal kits", ReplacementMonths: f(12)},
		},
		Edges: []*graph.Edge{
			{From: "steelco", To: "acme", Kind: graph.EdgeSupplies, Delivery: "freight"},
			{From: "acme", To: "nordic", Kind: graph.EdgeSupplies, Delivery: "freight", Margin: f(0.18)},
			{From: "acme", To: "south", Kind: graph.EdgeSupplies, Delivery: "freight", Margin: f(0.2)},
			{From: "acme", To: "bazaar", Kind: graph.EdgeSupplies, Delivery: "drop_ship", Margin: f(0.125)},
			{From: "nordic", To: "city", Kind: graph.EdgeSupplies, Delivery: "courier", Margin: f(0.3)},
			{From: "city", To: "contractors", Kind: graph.EdgeSupplies, Delivery: "pickup", Products: []string{"pumps", "seals"}},
			{From: "south", To: "farms", Kind: graph.EdgeSupplies, Delivery: "field_install", Products: []string{"pumps"}},
			{From: "acme", To: "households", Kind: graph.EdgeSupplies, Delivery: "online", Share: f(0.4)},
			{From: "bazaar", To: "households", Kind: graph.EdgeSupplies, Delivery: "courier"},
			{From: "fixit", To: "contractors", Kind: graph.EdgeSupports, Services: []string{"repair"}, Products: []string{"pumps"}, Why: "on-site in 24h"},
			{From: "fixit", To: "farms", Kind: graph.EdgeSupports, Services: []string{"install"}},
			{From: "acme", To: "web", Kind: graph.EdgeOperates},
			{From: "fixit", To: "hotline", Kind: graph.EdgeOperates},
			{From: "households", To: "web", Kind: graph.EdgeUses, Purpose: "ordering"},
			{From: "contractors", To: "hotline", Kind: graph.EdgeUses, Purpose: "repairs"},
			{From: "bigfarm", To: "farms", Kind: graph.EdgeBelongsTo},
			{From: "nordic", To: "fixit", Kind: graph.EdgePartnersWith, What: "referrals"},
		},
	}
}
