package storeconfig

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
)

func TestFromFlags(t *testing.T) {
	tests := []struct {
		name                 string
		env                  map[string]string
		kind, db, uri        string
		wantKind, wantTarget string // target: DB path or Neo4j URI
		wantErr              string
	}{
		{name: "nothing: chanmap.db", wantKind: Embedded, wantTarget: "chanmap.db"},
		{name: "CHANMAP_DB", env: map[string]string{"CHANMAP_DB": "/x/maps.db"}, wantKind: Embedded, wantTarget: "/x/maps.db"},
		{name: "--db beats CHANMAP_DB", env: map[string]string{"CHANMAP_DB": "/x/maps.db"}, db: "mine.db", wantKind: Embedded, wantTarget: "mine.db"},
		{name: "CHANMAP_NEO4J_URI beats CHANMAP_DB", env: map[string]string{"CHANMAP_DB": "a.db", "CHANMAP_NEO4J_URI": "neo4j://h:7687"}, wantKind: Neo4j, wantTarget: "neo4j://h:7687"},
		{name: "--db beats CHANMAP_NEO4J_URI", env: map[string]string{"CHANMAP_NEO4J_URI": "neo4j://h:7687"}, db: "a.db", wantKind: Embedded, wantTarget: "a.db"},
		{name: "--neo4j-uri", uri: "bolt://127.0.0.1:1", wantKind: Neo4j, wantTarget: "bolt://127.0.0.1:1"},
		{name: "--into embedded with Neo4j in env", env: map[string]string{"CHANMAP_NEO4J_URI": "neo4j://h"}, kind: Embedded, wantKind: Embedded, wantTarget: "chanmap.db"},
		{name: "--into neo4j from env", env: map[string]string{"CHANMAP_NEO4J_URI": "neo4j://h"}, kind: Neo4j, wantKind: Neo4j, wantTarget: "neo4j://h"},
		{name: "--into neo4j without a server", kind: Neo4j, wantErr: "CHANMAP_NEO4J_URI"},
		{name: "both flags", db: "a.db", uri: "neo4j://h", wantErr: "not both"},
		{name: "--into neo4j with --db", kind: Neo4j, db: "a.db", wantErr: "--db names an embedded"},
		{name: "--into embedded with --neo4j-uri", kind: Embedded, uri: "neo4j://h", wantErr: "--neo4j-uri names a Neo4j"},
		{name: "unknown kind", kind: "mysql", wantErr: `unknown store "mysql"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"CHANMAP_DB", "CHANMAP_NEO4J_URI", "CHANMAP_NEO4J_USER", "CHANMAP_NEO4J_PASSWORD", "CHANMAP_NEO4J_DATABASE"} {
				t.Setenv(k, tc.env[k])
			}
			c, err := FromFlags(tc.kind, tc.db, tc.uri)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			target := c.DB
			if c.Kind == Neo4j {
				target = c.Neo4j.URI
			}
			if c.Kind != tc.wantKind || target != tc.wantTarget {
				t.Fatalf("got %s %s, want %s %s", c.Kind, target, tc.wantKind, tc.wantTarget)
			}
		})
	}
}

func TestNeo4jCredentialsFromEnv(t *testing.T) {
	t.Setenv("CHANMAP_NEO4J_URI", "neo4j+s://x.databases.neo4j.io")
	t.Setenv("CHANMAP_NEO4J_USER", "neo4j")
	t.Setenv("CHANMAP_NEO4J_PASSWORD", "s3cret")
	t.Setenv("CHANMAP_NEO4J_DATABASE", "maps")
	c := ConfigFromEnv()
	if c.Neo4j.User != "neo4j" || c.Neo4j.Password != "s3cret" || c.Neo4j.Database != "maps" {
		t.Fatalf("config %+v", c.Neo4j)
	}
	if s := c.String(); strings.Contains(s, "s3cret") || !strings.Contains(s, "database maps") {
		t.Fatalf("String() = %q: must name the server and database, never the password", s)
	}
}

func TestOpenEmbedded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	s, err := Open(context.Background(), Config{Kind: Embedded, DB: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The file is held: a second open says so.
	_, err = Open(context.Background(), Config{Kind: Embedded, DB: path})
	if !errors.Is(err, graph.ErrUnavailable) {
		t.Fatalf("second Open: %v", err)
	}
}

// The store says what is wrong; the command line adds where to change it.
func TestOpenAddsTheFlagToAStoreError(t *testing.T) {
	db := filepath.Join(t.TempDir(), "busy.db")
	first, err := Open(context.Background(), Config{Kind: Embedded, DB: db})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	_, err = Open(context.Background(), Config{Kind: Embedded, DB: db})
	if !errors.Is(err, graph.ErrUnavailable) || !strings.Contains(err.Error(), "in use by another process") || !strings.Contains(err.Error(), "another --db") {
		t.Errorf("second open: %v", err)
	}
}

func TestNeo4jTimeout(t *testing.T) {
	t.Setenv("CHANMAP_NEO4J_URI", "neo4j://h:7687")
	t.Setenv("CHANMAP_DB", "")
	for _, tc := range []struct {
		env     string
		flag    time.Duration
		want    time.Duration
		wantErr string
	}{
		{want: DefaultNeo4jTimeout},
		{env: "5m", want: 5 * time.Minute},
		{env: "90s", flag: 10 * time.Minute, want: 10 * time.Minute},
		{env: "5", wantErr: `CHANMAP_NEO4J_TIMEOUT: "5" is not a duration`},
		{env: "0s", wantErr: "CHANMAP_NEO4J_TIMEOUT: 0s is out of range"},
		{env: "-1m", wantErr: "out of range"},
		{env: "48h", wantErr: "out of range"},
		{flag: -time.Second, wantErr: "--neo4j-timeout -1s is out of range"},
	} {
		t.Run(tc.env+"/"+tc.flag.String(), func(t *testing.T) {
			t.Setenv("CHANMAP_NEO4J_TIMEOUT", tc.env)
			c, err := FromFlags("", "", "")
			if err == nil {
				c, err = WithNeo4jTimeout(c, tc.flag)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Neo4j.Timeout != tc.want {
				t.Fatalf("timeout %v, want %v", c.Neo4j.Timeout, tc.want)
			}
		})
	}
	// The embedded store has no such timeout: the flag there is a mistake.
	c, err := FromFlags(Embedded, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WithNeo4jTimeout(c, time.Minute); err == nil || !strings.Contains(err.Error(), "is for Neo4j") {
		t.Fatalf("--neo4j-timeout with the embedded store: %v", err)
	}
}
