package neo4j

import (
	"context"
	"fmt"
	"slices"
	"sort"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
)

// Support answers "who supports this segment and how does it get the
// products" with Cypher, reading only the segment's neighbourhood and the
// supply paths into it, never the whole map. The answer equals
// graph.SupportOf on a snapshot (the contract suite checks it).
func (s *Store) Support(ctx context.Context, mapID, segmentID string) (*graph.Support, error) {
	var out *graph.Support
	err := s.read(ctx, func(tx driver.ManagedTransaction) error {
		var err error
		out, err = support(ctx, tx, mapID, segmentID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// The Cypher of the support answer. Nodes are looked up by their key with
// an index hint (see nodeSeek). Paths are variable-length SUPPLIES from
// any Company node; supplies cycles are rejected by validation, so every
// path visits each node at most once, as graph.SupplyPaths requires.
//
// Paths are walked backwards from the target. A map with one Company node
// (the usual case) cannot have a path through a second one, so the walk
// stops at the company (qPathsOneCompany) instead of going on into every
// supplier of the company, which on the generated 100k map were 6,000 of
// the walk's 6,008 rows. Only a map with several Company nodes, where one
// company may supply another, walks on past them (qPaths).
//
// The company is not matched by its map: a relationship only ever joins
// two nodes of one map (every write matches both ends by $map), and with
// c.map in the pattern the planner seeks the map's companies by index and
// walks forward from them into the whole map (323,629 db hits on the 100k
// map instead of 64).
const (
	qSegment = `MATCH (m:ChannelMap {id: $map})
		OPTIONAL MATCH (s:ChannelNode {map: $map, id: $seg}) USING INDEX s:ChannelNode(map, id)
		RETURN s IS NOT NULL AS found, s.name AS name, s.kind AS kind, s.prefers AS prefers, s.needs AS needs,
		       EXISTS { (s)<-[:SUPPLIES]-(:ChannelNode) } AS supplied,
		       COLLECT { MATCH (s)-[b:BELONGS_TO]->(g:ChannelNode) RETURN g.id ORDER BY b.ord } AS segments,
		       COUNT { MATCH (c:Company {map: $map}) USING INDEX c:Company(map) } AS companies`
	qPaths = `UNWIND $targets AS tid
		MATCH (t:ChannelNode {map: $map, id: tid}) USING INDEX t:ChannelNode(map, id)
		MATCH p = (c:Company)-[:SUPPLIES*1..]->(t)
		` + returnPath
	qPathsOneCompany = `UNWIND $targets AS tid
		MATCH (t:ChannelNode {map: $map, id: tid}) USING INDEX t:ChannelNode(map, id)
		MATCH p = (c:Company)(()-[:SUPPLIES]->(x) WHERE NOT x:Company)+(t)
		` + returnPath
	returnPath = `RETURN [n IN nodes(p) | n.id] AS ids, [n IN nodes(p) | n.kind] AS kinds,
		       [r IN relationships(p) | [startNode(r).id, endNode(r).id, properties(r)]] AS hops
		LIMIT $limit`
	qOffered = `UNWIND $targets AS tid
		MATCH (t:ChannelNode {map: $map, id: tid})<-[r:SUPPLIES]-(:ChannelNode) USING INDEX t:ChannelNode(map, id)
		WHERE r.delivery IS NOT NULL
		RETURN DISTINCT r.delivery ORDER BY r.delivery`
	qSupporters = `MATCH (s:ChannelNode {map: $map, id: $seg})<-[r:SUPPORTS]-(o:ChannelNode) USING INDEX s:ChannelNode(map, id)
		RETURN o.id, o.name, o.kind, r.id, r.services, r.products, r.why ORDER BY o.id, r.id`
	qTouchpoints = `MATCH (s:ChannelNode {map: $map, id: $seg})-[u:USES]->(t:ChannelNode) USING INDEX s:ChannelNode(map, id)
		RETURN t.id, t.name, t.channel, coalesce(u.purpose, t.purpose, ''),
		       COLLECT { MATCH (o:ChannelNode)-[:OPERATES]->(t) RETURN DISTINCT o.id ORDER BY o.id } AS ops
		ORDER BY t.id, u.ord`
)

func support(ctx context.Context, tx driver.ManagedTransaction, mapID, seg string) (*graph.Support, error) {
	params := map[string]any{"map": mapID, "seg": seg}
	recs, err := run(ctx, tx, qSegment, params)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("map %q: %w", mapID, graph.ErrNotFound)
	}
	r := recs[0].AsMap()
	if found, _ := r["found"].(bool); !found {
		return nil, fmt.Errorf("segment %q: %w", seg, graph.ErrNotFound)
	}
	kind, _ := r["kind"].(string)
	if !graph.NodeKind(kind).IsCustomer() {
		return nil, fmt.Errorf("%q is %s: %w", seg, graph.KindPhrase(graph.NodeKind(kind)), graph.ErrNotCustomer)
	}
	var d decoder
	out := &graph.Support{
		Map: mapID, Segment: seg, Kind: kind,
		Paths: []graph.SupplyPath{}, KeyPlayers: []string{}, Supporters: []graph.Supporter{},
		Touchpoints: []graph.TouchpointUse{}, Prefers: []string{}, Offered: []string{},
	}
	out.Name, _ = r["name"].(string)
	out.Needs, _ = r["needs"].(string)
	if p := r["prefers"]; p != nil {
		out.Prefers = append(out.Prefers, d.list("prefers", p)...)
	}

	supplied, _ := r["supplied"].(bool)
	var segments []string
	if r["segments"] != nil {
		segments = d.list("segments", r["segments"])
	}
	params["targets"] = graph.SupplyTargetsOf(seg, graph.NodeKind(kind), supplied, segments)
	params["limit"] = int64(graph.MaxPaths)

	qp := qPaths
	if companies, _ := r["companies"].(int64); companies <= 1 {
		qp = qPathsOneCompany
	}
	recs, err = run(ctx, tx, qp, params)
	if err != nil {
		return nil, err
	}
	players := map[string]bool{}
	for _, rec := range recs {
		var p graph.SupplyPath
		p.Nodes = d.list("ids", rec.Values[0])
		for i, k := range d.list("kinds", rec.Values[1]) {
			if nk := graph.NodeKind(k); nk != graph.KindCompany && !nk.IsCustomer() {
				players[p.Nodes[i]] = true
			}
		}
		hops, _ := rec.Values[2].([]any)
		for _, h := range hops {
			x := h.([]any)
			e, _, err := decodeEdge(relType(graph.EdgeSupplies), x[0].(string), x[1].(string), x[2].(map[string]any))
			if err != nil {
				return nil, err
			}
			p.Hops = append(p.Hops, graph.Hop{Edge: e.Key(), From: e.From, To: e.To, Delivery: e.Delivery, Margin: e.Margin, Share: e.Share, Products: e.Products})
		}
		out.Paths = append(out.Paths, p)
	}
	sort.SliceStable(out.Paths, func(i, j int) bool { return graph.LessPath(out.Paths[i], out.Paths[j]) })
	for id := range players {
		out.KeyPlayers = append(out.KeyPlayers, id)
	}
	sort.Strings(out.KeyPlayers)

	recs, err = run(ctx, tx, qOffered, params)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		out.Offered = append(out.Offered, d.str("delivery", rec.Values[0]))
	}
	sort.Strings(out.Offered)
	out.PreferenceMet = len(out.Prefers) == 0
	for _, p := range out.Prefers {
		if slices.Contains(out.Offered, p) {
			out.PreferenceMet = true
		}
	}

	recs, err = run(ctx, tx, qSupporters, params)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		v := rec.Values
		sp := graph.Supporter{ID: d.str("id", v[0]), Name: d.str("name", v[1]), Kind: d.str("kind", v[2]), Edge: d.str("edge", v[3]),
			Services: []string{}, Products: []string{}}
		if v[4] != nil {
			sp.Services = d.list("services", v[4])
		}
		if v[5] != nil {
			sp.Products = d.list("products", v[5])
		}
		if v[6] != nil {
			sp.Why = d.str("why", v[6])
		}
		out.Supporters = append(out.Supporters, sp)
	}

	recs, err = run(ctx, tx, qTouchpoints, params)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		v := rec.Values
		u := graph.TouchpointUse{ID: d.str("id", v[0]), Name: d.str("name", v[1]), Purpose: d.str("purpose", v[3]), Operators: []string{}}
		if v[2] != nil {
			u.Channel = d.str("channel", v[2])
		}
		u.Operators = append(u.Operators, d.list("operators", v[4])...)
		out.Touchpoints = append(out.Touchpoints, u)
	}
	if d.err != nil {
		return nil, fmt.Errorf("support of %q in map %q: %w", seg, mapID, d.err)
	}
	return out, nil
}
