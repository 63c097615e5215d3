package neo4j

import (
	"context"
	"fmt"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/chanmap/chanmap/graph"
)

// StreamMap reads map id in one read transaction and hands it to v piece
// by piece: the ChannelMap node, then the nodes and the relationships as
// the server sends them, in records of snapshotChunk rows (the nodes in the
// order of the (map, ord) index, the relationships sorted), so the client
// holds one record at a time whatever the map's size. One row per record
// cost the driver more than the rows themselves.
//
// The transaction is explicit, not managed: a managed one is retried on a
// transient error, which would hand v the same rows twice. Its first
// query is bounded by the store's Timeout; the rows that follow only by
// ctx, so a large map is not cut off half way.
//
// Read transactions are read-committed (see GetMap): a commit landing
// during the read could mix two versions. The version is read again at the
// end and the rows are counted against the counts the ChannelMap node
// stores; any difference is an error wrapping graph.ErrConflict, and the
// caller discards what it received. When this Store holds the snapshot of
// the version read first, v gets that snapshot instead.
func (s *Store) StreamMap(ctx context.Context, id string, v graph.MapVisitor) error {
	return s.explicitRead(ctx, id, func(tx driver.ExplicitTransaction, h *head) error {
		return s.stream(ctx, tx, h, v)
	})
}

// explicitRead runs read in an explicit read transaction (not retried:
// see StreamMap) with the ChannelMap node of map id read first, under the
// store's Timeout; what read does after that is bounded by ctx only.
func (s *Store) explicitRead(ctx context.Context, id string, read func(tx driver.ExplicitTransaction, h *head) error) error {
	sess := s.session(ctx, driver.AccessModeRead)
	defer sess.Close(context.Background())
	first, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	tx, err := sess.BeginTransaction(first)
	if err != nil {
		return s.describe(err)
	}
	defer tx.Close(context.Background())
	h, err := func() (*head, error) {
		res, err := tx.Run(first, qMapHead, map[string]any{"map": id})
		if err != nil {
			return nil, err
		}
		if !res.Next(first) {
			if err := res.Err(); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("map %q: %w", id, graph.ErrNotFound)
		}
		return decodeHead(id, res.Record().Values[0].(map[string]any))
	}()
	if err != nil {
		return s.describe(err)
	}
	if err := read(tx, h); err != nil {
		return s.describe(err)
	}
	return s.describe(tx.Commit(ctx))
}

func (s *Store) stream(ctx context.Context, tx driver.ExplicitTransaction, h *head, v graph.MapVisitor) error {
	id := h.m.ID
	if c := s.cached(id, h.m.Version, false); c != nil {
		return graph.WalkCopy(c.m, v)
	}
	if v.Head != nil {
		if err := v.Head(h.m); err != nil {
			return err
		}
	}
	// The relationships are sorted by the server (they have no index to
	// read them in order), so it holds them all before the first goes out
	// either way: they come in chunks, as the snapshot's do.
	return streamRows(ctx, tx, h, v, qNodeRows, qSnapshotEdges, func(row any) (map[string]any, error) {
		p, _ := row.(map[string]any)
		return p, nil
	}, nil)
}

// streamRows hands v the map's nodes, the rows of nodeQ, and its edges,
// the rows of edgeQ (each in records of snapshotChunk rows, see chunked),
// as far as v wants them, then checks the read was whole (checkWhole).
// nodeProps turns a node row into the node's properties; edgeRow, when
// not nil, rewrites an edge row [from, to, type, properties] in place
// before it is decoded.
func streamRows(ctx context.Context, tx driver.ExplicitTransaction, h *head, v graph.MapVisitor, nodeQ, edgeQ string,
	nodeProps func(row any) (map[string]any, error), edgeRow func(r []any) error) error {
	id := h.m.ID
	params := map[string]any{"map": id}
	var nodes, edges int64
	if v.Node != nil {
		err := chunked(ctx, tx, nodeQ, params, func(row any) error {
			p, err := nodeProps(row)
			if err != nil {
				return err
			}
			n, _, err := decodeNode(p)
			if err != nil {
				return fmt.Errorf("map %q: %w", id, err)
			}
			nodes++
			return v.Node(n)
		})
		if err != nil {
			return err
		}
	}
	if v.Edge != nil {
		err := chunked(ctx, tx, edgeQ, params, func(row any) error {
			r, _ := row.([]any)
			if edgeRow != nil {
				if err := edgeRow(r); err != nil {
					return err
				}
			}
			e, _, err := decodeEdgeRow(id, r)
			if err != nil {
				return err
			}
			edges++
			return v.Edge(e)
		})
		if err != nil {
			return err
		}
	}
	return checkWhole(ctx, tx, id, h, v.Node != nil, nodes, v.Edge != nil, edges)
}

// checkWhole reads the map's version again at the end of a streamed read
// that began at head h and compares the rows read (nodes when withNodes,
// edges when withEdges) with the counts h stores: a difference means a
// commit landed during the read, an error wrapping graph.ErrConflict.
func checkWhole(ctx context.Context, tx driver.ExplicitTransaction, id string, h *head, withNodes bool, nodes int64, withEdges bool, edges int64) error {
	res, err := tx.Run(ctx, qVersionOf, map[string]any{"map": id})
	if err != nil {
		return err
	}
	after := int64(-1) // the map was deleted meanwhile
	if res.Next(ctx) {
		after, _ = res.Record().Values[0].(int64)
	} else if err := res.Err(); err != nil {
		return err
	}
	torn := after != h.m.Version ||
		withNodes && h.nodes >= 0 && nodes != h.nodes ||
		withEdges && h.edges >= 0 && edges != h.edges
	if torn {
		return fmt.Errorf("map %q changed while it was read (version %d, then %d): %w", id, h.m.Version, after, graph.ErrConflict)
	}
	return nil
}
