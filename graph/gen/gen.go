// Package gen generates realistic channel maps of any size for benchmarks and
// load tests: a company with suppliers, a layered supply tree of
// distributors, wholesalers and resellers down to customer segments and
// accounts, with margins, shares, figures, supports, touchpoints and
// products. The same size and seed always give the same map.
package gen

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/chanmap/chanmap/graph"
)

var (
	cities = []string{"Hamburg", "Bremen", "Kiel", "Hannover", "Berlin", "Leipzig", "Dresden", "Koeln",
		"Duesseldorf", "Essen", "Dortmund", "Frankfurt", "Mainz", "Stuttgart", "Muenchen", "Augsburg",
		"Nuernberg", "Freiburg", "Basel", "Zuerich", "Wien", "Graz", "Linz", "Salzburg", "Rotterdam",
		"Utrecht", "Antwerpen", "Gent", "Lille", "Lyon", "Strasbourg", "Milano", "Torino", "Verona",
		"Krakow", "Poznan", "Praha", "Brno", "Aarhus", "Malmo", "Goeteborg", "Oslo", "Tampere"}
	trades  = []string{"Pumpentechnik", "Industriebedarf", "Haustechnik", "Prozesstechnik", "Fluid Systems", "Technical Supply", "Handelshaus", "Armaturen"}
	suffix  = []string{"GmbH", "AG", "BV", "KG", "Ltd", "SA", "s.r.o.", "AB"}
	sectors = []string{"Water utilities", "Chemical plants", "Food and beverage plants", "Building contractors",
		"Breweries", "Dairies", "Hospitals", "Schools", "Farms", "Mines", "Paper mills", "Data centres",
		"Swimming pools", "Car washes", "Shipyards", "Fire brigades", "Hotels", "Greenhouses", "Steel works", "Laboratories"}
	sizes    = []string{"small", "mid-size", "large"}
	products = []string{"Centrifugal pumps", "Dosing pumps", "Borehole pumps", "Booster sets", "Seal kits",
		"Pump controllers", "Heat exchangers", "Valves", "Filter cartridges", "Flow meters"}
	services = []string{"installation", "repair", "maintenance", "training", "commissioning", "spare part advice"}
	whys     = []string{"on-site within 24 hours", "certified technicians", "local stock", "speaks the customer's language", "service contract", "closest to the sites"}
)

// Generate builds a valid map of about nodes nodes (at least 25) from seed.
func Generate(nodes int, seed int64) *graph.Map {
	if nodes < 25 {
		nodes = 25
	}
	g := &builder{
		r: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
		m: &graph.Map{
			ID:       fmt.Sprintf("generated-%d", nodes),
			Title:    fmt.Sprintf("Generated channel map, %d nodes (seed %d)", nodes, seed),
			Currency: "EUR",
			Classification: &graph.Classification{
				Tiers:      map[string]float64{"tier1": 0.2, "tier2": 0.05, "tier3": 0},
				Indicators: map[string]float64{"profit": 0.5, "growth": 0.3, "payment": 0.2},
				Scorecard:  map[string][]string{"financial": {"profit"}, "sales": {"revenue"}, "customer": {"growth"}, "service": {"payment"}},
			},
		},
	}
	g.build(nodes)
	return g.m
}

type builder struct {
	r    *rand.Rand
	m    *graph.Map
	seen map[string]bool
}

func (g *builder) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *builder) add(id string, kind graph.NodeKind, name string) *graph.Node {
	n := &graph.Node{ID: id, Kind: kind, Name: name}
	g.m.Nodes = append(g.m.Nodes, n)
	return n
}

func (g *builder) edge(e *graph.Edge) {
	if g.seen == nil {
		g.seen = map[string]bool{}
	}
	if g.seen[e.Key()] {
		return
	}
	g.seen[e.Key()] = true
	g.m.Edges = append(g.m.Edges, e)
}

func f(v float64) *float64 { return &v }

// round keeps two decimals so the file reads well.
func round(v float64) float64 { return math.Round(v*100) / 100 }

func (g *builder) orgName(i int) string {
	return fmt.Sprintf("%s %s %s", cities[i%len(cities)], trades[(i/len(cities)+i)%len(trades)], suffix[i%len(suffix)])
}

func (g *builder) build(n int) {
	share := func(frac float64, min int) int {
		c := int(math.Round(float64(n) * frac))
		if c < min {
			c = min
		}
		return c
	}
	nSup, nProd := share(0.02, 1), share(0.01, 2)
	if nProd > len(products) {
		nProd = len(products)
	}
	nDist, nWhole := share(0.04, 1), share(0.02, 1)
	nRes, nRet, nAgent, nMkt, nInt := share(0.12, 2), share(0.05, 1), share(0.02, 1), share(0.005, 1), share(0.03, 1)
	nSvc, nTp := share(0.04, 1), share(0.06, 2)
	nSeg := share(0.2, 3)
	used := 1 + nSup + nProd + nDist + nWhole + nRes + nRet + nAgent + nMkt + nInt + nSvc + nTp + nSeg
	nCust := n - used
	if nCust < 0 {
		nCust = 0
	}
	org := 0
	company := g.add("company", graph.KindCompany, "Brandt Fluid Technology GmbH")
	company.Description = "Maker of pumps and fluid handling equipment"

	var prodIDs []string
	for i := 0; i < nProd; i++ {
		p := g.add(fmt.Sprintf("product-%02d", i+1), graph.KindProduct, products[i%len(products)])
		p.ReplacementMonths = f(float64([]int{12, 24, 48, 60, 96, 120}[g.r.IntN(6)]))
		prodIDs = append(prodIDs, p.ID)
	}
	for i := 0; i < nSup; i++ {
		s := g.add(fmt.Sprintf("supplier-%03d", i+1), graph.KindSupplier, g.orgName(org))
		org++
		g.edge(&graph.Edge{From: s.ID, To: company.ID, Kind: graph.EdgeSupplies, Delivery: "freight"})
	}
	var upper []*graph.Node // distributors and wholesalers
	layer := func(count int, kind graph.NodeKind, prefix string) []*graph.Node {
		var out []*graph.Node
		for i := 0; i < count; i++ {
			x := g.add(fmt.Sprintf("%s-%03d", prefix, i+1), kind, g.orgName(org))
			org++
			x.Region = cities[g.r.IntN(len(cities))]
			out = append(out, x)
		}
		return out
	}
	upper = append(upper, layer(nDist, graph.KindDistributor, "distributor")...)
	upper = append(upper, layer(nWhole, graph.KindWholesaler, "wholesaler")...)
	for _, u := range upper {
		g.edge(&graph.Edge{From: company.ID, To: u.ID, Kind: graph.EdgeSupplies, Delivery: "freight", Margin: f(round(0.10 + 0.1*g.r.Float64()))})
	}
	var lower []*graph.Node // nearer the customer
	lower = append(lower, layer(nRes, graph.KindReseller, "reseller")...)
	lower = append(lower, layer(nRet, graph.KindRetailer, "retailer")...)
	lower = append(lower, layer(nAgent, graph.KindAgent, "agent")...)
	lower = append(lower, layer(nInt, graph.KindIntegrator, "integrator")...)
	mkts := layer(nMkt, graph.KindMarketplace, "marketplace")
	for _, mk := range mkts {
		mk.Region = ""
		g.edge(&graph.Edge{From: company.ID, To: mk.ID, Kind: graph.EdgeSupplies, Delivery: "freight", Margin: f(0.15)})
	}
	for _, l := range lower {
		ups := g.distinct(upper, 1+g.r.IntN(2))
		shares := g.shares(len(ups))
		for i, u := range ups {
			e := &graph.Edge{From: u.ID, To: l.ID, Kind: graph.EdgeSupplies, Delivery: g.pick([]string{"freight", "courier", "freight"}), Margin: f(round(0.18 + 0.17*g.r.Float64()))}
			if len(ups) > 1 {
				e.Share = f(shares[i])
			}
			g.edge(e)
		}
	}
	lower = append(lower, mkts...)
	svcs := layer(nSvc, graph.KindServiceProvider, "service")
	for _, s := range svcs {
		s.Region = ""
		s.Services = g.subset(services, 1+g.r.IntN(3))
	}
	var tps []*graph.Node
	channels := []string{"web", "phone", "field_sales", "trade_fair", "email", "portal", "support_desk", "store", "social"}
	for i := 0; i < nTp; i++ {
		ch := channels[i%len(channels)]
		t := g.add(fmt.Sprintf("touchpoint-%03d", i+1), graph.KindTouchpoint, fmt.Sprintf("%s %s", cities[i%len(cities)], map[string]string{
			"web": "web shop", "phone": "sales hotline", "field_sales": "field sales team", "trade_fair": "trade fair stand",
			"email": "order desk", "portal": "partner portal", "support_desk": "service desk", "store": "showroom", "social": "community page"}[ch]))
		t.Channel = ch
		t.Purpose = map[string]string{"web": "sales", "phone": "advice", "field_sales": "projects", "trade_fair": "launches",
			"email": "orders", "portal": "spare parts", "support_desk": "repairs", "store": "demos", "social": "news"}[ch]
		tps = append(tps, t)
		op := company
		if g.r.IntN(3) == 0 {
			op = lower[g.r.IntN(len(lower))]
		}
		g.edge(&graph.Edge{From: op.ID, To: t.ID, Kind: graph.EdgeOperates})
	}
	var segs []*graph.Node
	for i := 0; i < nSeg; i++ {
		size := sizes[g.r.IntN(len(sizes))]
		s := g.add(fmt.Sprintf("segment-%03d", i+1), graph.KindSegment,
			fmt.Sprintf("%s %s in %s", capitalise(size), lowerFirst(sectors[i%len(sectors)]), cities[(i*7)%len(cities)]))
		s.Market = graph.Markets[g.r.IntN(len(graph.Markets))]
		g.figures(s, 20+g.r.IntN(3000))
		s.Prefers = g.subset(graph.Methods[:8], 1+g.r.IntN(2))
		s.Needs = g.pick([]string{"fast spare parts", "installation on site", "low total cost", "certified equipment", "financing"})
		segs = append(segs, s)
		if i%37 == 36 {
			continue // a few segments nobody reaches
		}
		var ups []*graph.Node
		if g.r.IntN(10) == 0 {
			ups = []*graph.Node{company}
		}
		ups = append(ups, g.distinct(lower, 1+g.r.IntN(3))...)
		shares := g.shares(len(ups))
		for j, u := range ups {
			e := &graph.Edge{From: u.ID, To: s.ID, Kind: graph.EdgeSupplies, Delivery: g.pick(graph.Methods[:9])}
			if len(ups) > 1 {
				e.Share = f(shares[j])
			}
			if g.r.IntN(2) == 0 {
				e.Products = g.subset(prodIDs, 1+g.r.IntN(len(prodIDs)))
			}
			g.edge(e)
		}
		for _, t := range g.distinct(tps, 1+g.r.IntN(3)) {
			g.edge(&graph.Edge{From: s.ID, To: t.ID, Kind: graph.EdgeUses})
		}
	}
	for _, sv := range svcs {
		for _, s := range g.distinct(segs, 2+g.r.IntN(5)) {
			g.edge(&graph.Edge{From: sv.ID, To: s.ID, Kind: graph.EdgeSupports, Services: g.subset(sv.Services, 1+g.r.IntN(len(sv.Services))),
				Products: g.subset(prodIDs, g.r.IntN(3)), Why: g.pick(whys)})
		}
		if len(upper) > 0 && g.r.IntN(2) == 0 {
			g.edge(&graph.Edge{From: sv.ID, To: upper[g.r.IntN(len(upper))].ID, Kind: graph.EdgePartnersWith, What: "installation referrals"})
		}
	}
	for i, s := range segs {
		if i%5 == 0 {
			g.edge(&graph.Edge{From: company.ID, To: s.ID, Kind: graph.EdgeSupports, Services: []string{"application engineering"}, Why: "direct line to the factory"})
		}
	}
	for i := 0; i < nCust; i++ {
		seg := segs[g.r.IntN(len(segs))]
		c := g.add(fmt.Sprintf("customer-%04d", i+1), graph.KindCustomer, fmt.Sprintf("%s %s %s", cities[(i*3)%len(cities)], g.pick([]string{"Stadtwerke", "Klinikum", "Brauerei", "Molkerei", "Bau", "Chemie", "Papierfabrik"}), suffix[i%len(suffix)]))
		c.Market = seg.Market
		g.figures(c, 1)
		g.edge(&graph.Edge{From: c.ID, To: seg.ID, Kind: graph.EdgeBelongsTo})
		if g.r.IntN(5) == 0 {
			g.edge(&graph.Edge{From: company.ID, To: c.ID, Kind: graph.EdgeSupplies, Delivery: g.pick([]string{"direct", "drop_ship", "field_install"})})
		}
	}
}

func (g *builder) figures(n *graph.Node, customers int) {
	n.Customers = f(float64(customers))
	rev := math.Round(float64(customers)*(800+g.r.Float64()*9000)/1000) * 1000
	if rev < 20000 {
		rev = 20000 + math.Round(g.r.Float64()*200)*1000
	}
	n.Revenue = f(rev)
	n.CostToServe = f(math.Round(rev*(0.05+0.6*g.r.Float64())/1000) * 1000)
	n.Scores = map[string]float64{"growth": float64(g.r.IntN(101)), "payment": float64(g.r.IntN(101))}
	if g.r.IntN(3) == 0 {
		n.Quality = map[string]float64{}
		for _, q := range graph.QualityCriteria {
			n.Quality[q] = float64(1 + g.r.IntN(5))
		}
	}
	if g.r.IntN(40) == 0 {
		t := 1 + g.r.IntN(4)
		n.Tier = &t
	}
}

// shares splits 1 (or a little less) over k edges in steps of 0.05.
func (g *builder) shares(k int) []float64 {
	out := make([]float64, k)
	left := 20 // twentieths
	for i := 0; i < k; i++ {
		if i == k-1 {
			out[i] = float64(left) / 20
			break
		}
		maxTake := left - (k - 1 - i)
		take := 1 + g.r.IntN(maxTake)
		out[i] = float64(take) / 20
		left -= take
	}
	return out
}

// distinct picks up to k different items, in a deterministic order.
func (g *builder) distinct(from []*graph.Node, k int) []*graph.Node {
	idx := g.indices(len(from), k)
	out := make([]*graph.Node, len(idx))
	for i, j := range idx {
		out[i] = from[j]
	}
	return out
}

func (g *builder) subset(from []string, k int) []string {
	idx := g.indices(len(from), k)
	if len(idx) == 0 {
		return nil
	}
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = from[j]
	}
	return out
}

// indices picks min(k, n) different indices below n. k is small, so
// drawing again on a repeat is cheaper than a permutation of n.
func (g *builder) indices(n, k int) []int {
	if k > n {
		k = n
	}
	if k <= 0 {
		return nil
	}
	if k*2 > n {
		return g.r.Perm(n)[:k]
	}
	out := make([]int, 0, k)
	for len(out) < k {
		j := g.r.IntN(n)
		dup := false
		for _, x := range out {
			if x == j {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, j)
		}
	}
	return out
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}
