package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph"
)

// slowStore answers GetMap only when its caller's deadline has passed, as a
// map too big to read in the request's time does.
type slowStore struct{ graph.Store }

func (s slowStore) GetMap(ctx context.Context, id string) (*graph.Map, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestStoreTimeout checks that a store too slow for the request's time
// limit answers 503 saying so, with Retry-After, not that the store
// cannot be reached.
func TestStoreTimeout(t *testing.T) {
	base := newEnv(t)
	base.seed()
	e := newEnvOn(t, slowStore{base.store}, func(c *Config) { c.StoreTimeout = 50 * time.Millisecond })
	r := e.do("GET", "/api/v1/maps/acme-pumps/analysis", nil, nil)
	wantStatus(t, r, 503)
	p := r.problem(t)
	if !strings.HasSuffix(p.Type, ":store-timeout") || !strings.Contains(p.Detail, "--store-timeout") {
		t.Errorf("problem %+v; want type store-timeout naming --store-timeout", p)
	}
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}
