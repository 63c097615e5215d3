// Package neo4j is the graph.Store on a Neo4j 5 server (single server,
// cluster or Aura), through github.com/neo4j/neo4j-go-driver/v5, with the
// public schema the README shows (Stores: embedded and Neo4j): one (:ChannelMap) node per map, its
// nodes as (:ChannelNode:<Kind>) and its edges as SUPPLIES, SUPPORTS, ...
// relationships, so the graph can be read and queried by hand.
//
// Every query is parameterised; labels and relationship types come only from
// graph's fixed kind lists. Writes are managed transactions (ExecuteWrite)
// that lock the ChannelMap node, check its version, validate the result in
// memory and write the difference in UNWIND batches, so a change set is
// applied whole or not at all. A new map is imported in stages (import.go):
// batches in transactions of their own, made visible by one small final
// transaction, so no transaction holds a big map.
//
// A Store keeps the snapshots it read or wrote by (map id, version). Every
// chanmap write bumps the ChannelMap's version in its transaction, so a
// cached snapshot at the stored version is current and a read on a big map
// skips reading it again; so does a change set, when the snapshot is one
// this Store's own write committed (a read can see another process's
// commit half applied, and is checked against the stored counts, but only
// a write's own result is trusted as the base of the next write). Edits made by hand in Neo4j
// Browser must bump the version too (SET m.version = m.version + 1) to be
// seen before the next chanmap write.
package neo4j

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/chanmap/chanmap/graph"
)

// Config says where the Neo4j server is and how long a call may take.
type Config struct {
	URI      string // bolt://, bolt+s://, neo4j://, neo4j+s:// (Aura)
	User     string
	Password string
	Database string        // empty: the server's default database
	Timeout  time.Duration // per call (default 30 s)
	// Retention is how long a deleted map is kept before the store purges
	// it on its own (default graph.DeletedRetention).
	Retention time.Duration
	// StaleImport is how long an import may write no batch before Open
	// takes it for the leftover of a crashed process and removes what it
	// staged (default DefaultStaleImport).
	StaleImport time.Duration
}

// Store is a graph.Store on Neo4j. It is safe for concurrent use.
type Store struct {
	drv     driver.DriverWithContext
	cfg     Config
	version string // the server's version, from dbms.components()

	// bookmarks is passed to every session and query, so each transaction
	// waits for the ones this Store committed before it: on a cluster a
	// read routed to another member still sees the write before it (causal
	// consistency). It is shared by every request the process serves.
	bookmarks driver.BookmarkManager

	mu    sync.Mutex
	cache map[string]*snap // decoded snapshots by map id, see cached
}

var _ graph.Store = (*Store)(nil)

// Open connects to Neo4j, checks the credentials and that the server is
// Neo4j 5 (or its calendar-versioned successors, 2025.x and later, which
// keep Cypher 5), and creates chanmap's constraints and indexes if they are
// missing. Unreachable servers give an error wrapping graph.ErrUnavailable.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, errors.New("neo4j: no URI given")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	auth := driver.NoAuth()
	if cfg.User != "" || cfg.Password != "" {
		auth = driver.BasicAuth(cfg.User, cfg.Password, "")
	}
	drv, err := driver.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.SocketConnectTimeout = min(cfg.Timeout, 10*time.Second)
		c.ConnectionAcquisitionTimeout = cfg.Timeout
		c.MaxTransactionRetryTime = cfg.Timeout
	})
	if err != nil {
		return nil, fmt.Errorf("neo4j: bad URI %q: %w", cfg.URI, err)
	}
	s := &Store{drv: drv, cfg: cfg, cache: map[string]*snap{}, bookmarks: driver.NewBookmarkManager(driver.BookmarkManagerConfig{})}
	if err := s.connect(ctx); err != nil {
		drv.Close(context.Background())
		return nil, err
	}
	return s, nil
}

func (s *Store) connect(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if err := s.drv.VerifyConnectivity(ctx); err != nil {
		if d := s.describe(err); d != err {
			return d
		}
		return fmt.Errorf("neo4j %s: cannot talk Bolt to it: %w", s.cfg.URI, err)
	}
	res, err := driver.ExecuteQuery(ctx, s.drv,
		"CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition",
		nil, driver.EagerResultTransformer, s.queryOpts(true)...)
	if err != nil {
		return s.describe(err)
	}
	if len(res.Records) == 0 {
		return fmt.Errorf("neo4j: %s did not report its version (dbms.components() is empty)", s.cfg.URI)
	}
	rec := res.Records[0].AsMap()
	name, _ := rec["name"].(string)
	s.version, _ = rec["version"].(string)
	edition, _ := rec["edition"].(string)
	if !supported(s.version) {
		return fmt.Errorf("neo4j: %s runs %s %s (%s); chanmap needs Neo4j 5.9 or later (5.x from 5.9, or 2025.x and later)", s.cfg.URI, name, s.version, edition)
	}
	return s.ensureSchema(ctx)
}

// supported reports whether a server version is Neo4j 5.9 or later, or a
// later calendar version (2025.01 is the release after 5.26): the support
// walk uses quantified path patterns, which came with 5.9.
func supported(v string) bool {
	major, rest, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	if err != nil {
		return false
	}
	if n == 5 {
		minor, _, _ := strings.Cut(rest, ".")
		m, err := strconv.Atoi(minor)
		return err == nil && m >= minNeo4jMinor
	}
	return n >= 2025
}

// minNeo4jMinor is the oldest Neo4j 5 release chanmap runs on (5.9).
const minNeo4jMinor = 9

// ServerVersion is the Neo4j version the store talks to.
func (s *Store) ServerVersion() string { return s.version }

// schema is chanmap's constraints and indexes, each created if missing.
func schema() []string {
	// No relationship property indexes: chanmap finds a relationship from
	// its start node (unique (map, id)), and maintaining (map, id) indexes
	// on every relationship type roughly doubled the commit time of a
	// 10k-node import.
	return []string{
		"CREATE CONSTRAINT chanmap_map_id IF NOT EXISTS FOR (m:ChannelMap) REQUIRE m.id IS UNIQUE",
		"CREATE CONSTRAINT chanmap_node_key IF NOT EXISTS FOR (n:ChannelNode) REQUIRE (n.map, n.id) IS UNIQUE",
		"CREATE INDEX chanmap_node_map IF NOT EXISTS FOR (n:ChannelNode) ON (n.map)",
		// A page of a map's nodes is a range of this index (see matchNodesInOrder).
		"CREATE INDEX chanmap_node_order IF NOT EXISTS FOR (n:ChannelNode) ON (n.map, n.ord)",
		// The support answer counts a map's companies (see qPathsOneCompany).
		"CREATE INDEX chanmap_company_map IF NOT EXISTS FOR (n:Company) ON (n.map)",
		"CREATE CONSTRAINT chanmap_deleted_id IF NOT EXISTS FOR (d:DeletedChannelMap) REQUIRE d.id IS UNIQUE",
		"CREATE CONSTRAINT chanmap_version_key IF NOT EXISTS FOR (r:ChannelMapVersion) REQUIRE (r.gen, r.version) IS UNIQUE",
		"CREATE CONSTRAINT chanmap_snapshot_key IF NOT EXISTS FOR (s:ChannelMapSnapshot) REQUIRE (s.gen, s.version) IS UNIQUE",
		"CREATE CONSTRAINT chanmap_snapshot_part_key IF NOT EXISTS FOR (p:ChannelMapSnapshotPart) REQUIRE (p.gen, p.version, p.seq) IS UNIQUE",
		"CREATE CONSTRAINT chanmap_import_id IF NOT EXISTS FOR (i:ChannelMapImport) REQUIRE i.id IS UNIQUE",
		// The overview's counts of a map (see overview.go).
		"CREATE CONSTRAINT chanmap_overview_map IF NOT EXISTS FOR (o:ChannelMapOverview) REQUIRE o.map IS UNIQUE",
		// Its rows: a change adds to one by its key (MERGE); a read, a
		// recount and a purge take all of a map's.
		"CREATE CONSTRAINT chanmap_group_count_key IF NOT EXISTS FOR (g:ChannelMapGroupCount) REQUIRE (g.map, g.kind, g.region) IS UNIQUE",
		"CREATE CONSTRAINT chanmap_link_count_key IF NOT EXISTS FOR (l:ChannelMapLinkCount) " +
			"REQUIRE (l.map, l.from_kind, l.from_region, l.kind, l.to_kind, l.to_region) IS UNIQUE",
		"CREATE INDEX chanmap_group_count_map IF NOT EXISTS FOR (g:ChannelMapGroupCount) ON (g.map)",
		"CREATE INDEX chanmap_link_count_map IF NOT EXISTS FOR (l:ChannelMapLinkCount) ON (l.map)",
		// A history is listed and purged by its gen alone, which the
		// composite keys above cannot seek.
		"CREATE INDEX chanmap_version_gen IF NOT EXISTS FOR (r:ChannelMapVersion) ON (r.gen)",
		"CREATE INDEX chanmap_snapshot_gen IF NOT EXISTS FOR (s:ChannelMapSnapshot) ON (s.gen)",
		"CREATE INDEX chanmap_part_gen IF NOT EXISTS FOR (p:ChannelMapSnapshotPart) ON (p.gen)",
	}
}

func (s *Store) ensureSchema(ctx context.Context) error {
	for _, q := range schema() {
		if _, err := driver.ExecuteQuery(ctx, s.drv, q, nil, driver.EagerResultTransformer, s.queryOpts(false)...); err != nil {
			var ne *driver.Neo4jError
			if errors.As(err, &ne) && strings.Contains(ne.Code, "EquivalentSchemaRuleAlreadyExists") {
				continue
			}
			return fmt.Errorf("neo4j: create schema (%s): %w", q, s.describe(err))
		}
	}
	// Wait for the indexes to come online so the first queries use them.
	if _, err := driver.ExecuteQuery(ctx, s.drv, "CALL db.awaitIndexes(60)", nil, driver.EagerResultTransformer, s.queryOpts(false)...); err != nil {
		return fmt.Errorf("neo4j: wait for indexes: %w", s.describe(err))
	}
	return s.sweepStale(ctx)
}

func (s *Store) queryOpts(read bool) []driver.ExecuteQueryConfigurationOption {
	opts := []driver.ExecuteQueryConfigurationOption{driver.ExecuteQueryWithBookmarkManager(s.bookmarks)}
	if s.cfg.Database != "" {
		opts = append(opts, driver.ExecuteQueryWithDatabase(s.cfg.Database))
	}
	if read {
		opts = append(opts, driver.ExecuteQueryWithReadersRouting())
	}
	return opts
}

// describe turns driver errors a user can act on into plain words.
func (s *Store) describe(err error) error {
	if err == nil {
		return nil
	}
	var ne *driver.Neo4jError
	var ce *driver.ConnectivityError
	var limit *driver.TransactionExecutionLimit
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("neo4j %s: no answer in time (%v): %w: %w", s.cfg.URI, s.cfg.Timeout, graph.ErrUnavailable, err)
	case errors.As(err, &ne) && strings.HasPrefix(ne.Code, "Neo.ClientError.Security.Unauthorized"),
		errors.As(err, &ne) && strings.HasPrefix(ne.Code, "Neo.ClientError.Security.AuthenticationRateLimit"):
		return fmt.Errorf("neo4j %s refused user %q: wrong user name or password (%s)", s.cfg.URI, s.cfg.User, ne.Msg)
	case errors.As(err, &ne) && ne.Code == "Neo.ClientError.Database.DatabaseNotFound":
		return fmt.Errorf("neo4j %s has no database %q: %s", s.cfg.URI, s.cfg.Database, ne.Msg)
	case errors.As(err, &ce) && strings.Contains(ce.Error(), context.DeadlineExceeded.Error()):
		// The driver reports a deadline that ran out, while connecting or
		// during a long read, as a connectivity error that does not wrap
		// it: say it was the time, so a caller can tell (the API answers
		// store-timeout).
		return fmt.Errorf("cannot reach Neo4j at %s: %w: %w: %v", s.cfg.URI, graph.ErrUnavailable, context.DeadlineExceeded, err)
	case errors.As(err, &ce), errors.As(err, &limit):
		return fmt.Errorf("cannot reach Neo4j at %s: %w: %v", s.cfg.URI, graph.ErrUnavailable, err)
	case errors.As(err, &ne) && (strings.HasPrefix(ne.Code, "Neo.TransientError") || ne.Code == "Neo.ClientError.Cluster.NotALeader"):
		return fmt.Errorf("neo4j %s: %w: %v", s.cfg.URI, graph.ErrUnavailable, err)
	}
	return err
}

// Ping checks that the server answers.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	return s.describe(s.drv.VerifyConnectivity(ctx))
}

// Close closes the driver's connections.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.drv.Close(ctx)
}
