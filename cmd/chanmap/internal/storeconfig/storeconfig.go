// Package storeconfig opens the graph.Store a command was pointed at, from
// its --db / --neo4j-uri flags and the CHANMAP_* environment, with the same
// rules for every command (import, export, serve).
//
// Flags come first; where none is given, CHANMAP_NEO4J_URI selects Neo4j
// (with CHANMAP_NEO4J_USER, CHANMAP_NEO4J_PASSWORD and the optional
// CHANMAP_NEO4J_DATABASE), else CHANMAP_DB names the embedded file, else the
// embedded file chanmap.db in the working directory. Each call to Neo4j (one
// transaction; an import's batch) may take DefaultNeo4jTimeout, or
// CHANMAP_NEO4J_TIMEOUT (a Go duration such as 5m), or --neo4j-timeout.
package storeconfig

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/embedded"
	"github.com/chanmap/chanmap/graph/neo4j"
)

// The store kinds.
const (
	Embedded = "embedded"
	Neo4j    = "neo4j"
)

// DefaultDB is the embedded store file used when nothing else is given.
const DefaultDB = "chanmap.db"

// DefaultNeo4jTimeout is how long one call to Neo4j may take when neither
// --neo4j-timeout nor CHANMAP_NEO4J_TIMEOUT says otherwise.
const DefaultNeo4jTimeout = time.Minute

// MaxNeo4jTimeout is the longest timeout accepted: beyond it a typing
// slip (5000h for 5000s) would leave a command hanging for days.
const MaxNeo4jTimeout = 24 * time.Hour

// Config says which store to open.
type Config struct {
	Kind  string       // Embedded or Neo4j
	DB    string       // the embedded file
	Neo4j neo4j.Config // the Neo4j server
}

// String names the store for messages: "embedded store chanmap.db",
// "Neo4j bolt://host:7687" (never the password).
func (c Config) String() string {
	if c.Kind == Neo4j {
		s := "Neo4j " + c.Neo4j.URI
		if c.Neo4j.Database != "" {
			s += " database " + c.Neo4j.Database
		}
		return s
	}
	return "embedded store " + c.DB
}

// ConfigFromEnv is the store the environment points at (no flags given).
func ConfigFromEnv() Config {
	c, _ := FromFlags("", "", "")
	return c
}

// FromFlags resolves the store from the flag values (empty when not given)
// and the environment. kind forces a kind ("embedded" or "neo4j", as with
// `import --into`); empty picks one: --neo4j-uri, else --db, else
// CHANMAP_NEO4J_URI, else CHANMAP_DB, else chanmap.db. Giving both --db and
// --neo4j-uri, or a --db with kind neo4j (and the reverse), is an error.
// Neo4j's timeout is CHANMAP_NEO4J_TIMEOUT or DefaultNeo4jTimeout (see
// WithNeo4jTimeout for the flag).
func FromFlags(kind, db, neo4jURI string) (Config, error) {
	switch kind {
	case "", Embedded, Neo4j:
	default:
		return Config{}, fmt.Errorf("unknown store %q (want embedded or neo4j)", kind)
	}
	if db != "" && neo4jURI != "" {
		return Config{}, errors.New("give --db or --neo4j-uri, not both")
	}
	if kind == Neo4j && db != "" {
		return Config{}, errors.New("--db names an embedded store file; with neo4j give --neo4j-uri or CHANMAP_NEO4J_URI")
	}
	if kind == Embedded && neo4jURI != "" {
		return Config{}, errors.New("--neo4j-uri names a Neo4j server; with embedded give --db or CHANMAP_DB")
	}
	if kind == "" {
		switch {
		case neo4jURI != "":
			kind = Neo4j
		case db != "":
			kind = Embedded
		case os.Getenv("CHANMAP_NEO4J_URI") != "":
			kind = Neo4j
		default:
			kind = Embedded
		}
	}
	c := Config{Kind: kind}
	if kind == Neo4j {
		if neo4jURI == "" {
			neo4jURI = os.Getenv("CHANMAP_NEO4J_URI")
		}
		if neo4jURI == "" {
			return Config{}, errors.New("no Neo4j server given: set --neo4j-uri or CHANMAP_NEO4J_URI (with CHANMAP_NEO4J_USER and CHANMAP_NEO4J_PASSWORD)")
		}
		timeout := DefaultNeo4jTimeout
		if v := os.Getenv("CHANMAP_NEO4J_TIMEOUT"); v != "" {
			d, err := ParseNeo4jTimeout(v)
			if err != nil {
				return Config{}, fmt.Errorf("CHANMAP_NEO4J_TIMEOUT: %w", err)
			}
			timeout = d
		}
		c.Neo4j = neo4j.Config{
			URI: neo4jURI, User: os.Getenv("CHANMAP_NEO4J_USER"), Password: os.Getenv("CHANMAP_NEO4J_PASSWORD"),
			Database: os.Getenv("CHANMAP_NEO4J_DATABASE"), Timeout: timeout,
		}
		return c, nil
	}
	c.DB = db
	if c.DB == "" {
		c.DB = os.Getenv("CHANMAP_DB")
	}
	if c.DB == "" {
		c.DB = DefaultDB
	}
	return c, nil
}

// ParseNeo4jTimeout reads a timeout for Neo4j calls: a Go duration
// ("90s", "5m", "1h30m") greater than zero and at most MaxNeo4jTimeout.
func ParseNeo4jTimeout(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (write it like 90s, 5m or 1h30m)", v)
	}
	if d <= 0 || d > MaxNeo4jTimeout {
		return 0, fmt.Errorf("%s is out of range (more than 0, at most %v)", v, MaxNeo4jTimeout)
	}
	return d, nil
}

// WithNeo4jTimeout applies a --neo4j-timeout flag (0: not given) to c: it
// beats CHANMAP_NEO4J_TIMEOUT, and is an error with the embedded store,
// which has no such timeout.
func WithNeo4jTimeout(c Config, d time.Duration) (Config, error) {
	if d == 0 {
		return c, nil
	}
	if c.Kind != Neo4j {
		return c, errors.New("--neo4j-timeout is for Neo4j; the store is embedded")
	}
	if d < 0 || d > MaxNeo4jTimeout {
		return c, fmt.Errorf("--neo4j-timeout %v is out of range (more than 0, at most %v)", d, MaxNeo4jTimeout)
	}
	c.Neo4j.Timeout = d
	return c, nil
}

// Open opens the configured store.
func Open(ctx context.Context, c Config) (graph.Store, error) {
	switch c.Kind {
	case Neo4j:
		s, err := neo4j.Open(ctx, c.Neo4j)
		if errors.Is(err, graph.ErrUnavailable) {
			// A slow server may only need more time.
			return nil, fmt.Errorf("%w (the server is --neo4j-uri or CHANMAP_NEO4J_URI, with CHANMAP_NEO4J_USER, CHANMAP_NEO4J_PASSWORD and CHANMAP_NEO4J_DATABASE; one call may take %v, set by --neo4j-timeout or CHANMAP_NEO4J_TIMEOUT)", err, c.Neo4j.Timeout)
		}
		if err != nil {
			// The store says what went wrong; where to change it is ours to say.
			return nil, fmt.Errorf("%w (the server is --neo4j-uri or CHANMAP_NEO4J_URI, with CHANMAP_NEO4J_USER, CHANMAP_NEO4J_PASSWORD and CHANMAP_NEO4J_DATABASE)", err)
		}
		return s, nil
	case Embedded, "":
		path := c.DB
		if path == "" {
			path = DefaultDB
		}
		s, err := embedded.Open(path)
		if errors.Is(err, graph.ErrUnavailable) {
			return nil, fmt.Errorf("%w; stop the other chanmap, or give another --db", err)
		}
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	return nil, fmt.Errorf("unknown store %q (want embedded or neo4j)", c.Kind)
}
