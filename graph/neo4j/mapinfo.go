package neo4j

import (
	"context"
	"fmt"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
)

// The map list's lines are the ChannelMap nodes' own properties: ListMaps
// reads every one, MapInfo one by its id (the unique constraint on
// ChannelMap.id is its index). Both read through a read session with the
// store's bookmark manager, so either sees the writes the store made
// before it; neither answers from the snapshot cache, which cannot know
// the current version without asking the server.

var _ graph.MapInfoReader = (*Store)(nil)

const (
	// returnInfo is the columns decodeInfo reads, of the ChannelMap m.
	returnInfo = "m.id AS id, m.title AS title, m.currency AS currency, m.version AS version, " +
		"m.node_count AS nodes, m.edge_count AS edges, m.updated AS updated"
	qListMaps = "MATCH (m:" + labelMap + ") RETURN " + returnInfo + " ORDER BY m.id"
	qMapInfo  = "MATCH (m:" + labelMap + " {id: $map}) RETURN " + returnInfo
)

// decodeInfo is the map list's line of a row of returnInfo.
func decodeInfo(r *driver.Record) graph.MapInfo {
	p := r.AsMap()
	info := graph.MapInfo{}
	info.ID, _ = p["id"].(string)
	info.Title, _ = p["title"].(string)
	info.Currency, _ = p["currency"].(string)
	info.Version, _ = p["version"].(int64)
	n, _ := p["nodes"].(int64)
	e, _ := p["edges"].(int64)
	info.Nodes, info.Edges = int(n), int(e)
	info.Updated, _ = p["updated"].(time.Time)
	return info
}

// MapInfo reads map id's line of the map list by its id.
func (s *Store) MapInfo(ctx context.Context, id string) (graph.MapInfo, error) {
	var out graph.MapInfo
	err := s.read(ctx, func(tx driver.ManagedTransaction) error {
		recs, err := run(ctx, tx, qMapInfo, map[string]any{"map": id})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return fmt.Errorf("map %q: %w", id, graph.ErrNotFound)
		}
		out = decodeInfo(recs[0])
		return nil
	})
	if err != nil {
		return graph.MapInfo{}, fmt.Errorf("map info: %w", err)
	}
	return out, nil
}
