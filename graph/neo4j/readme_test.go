package neo4j

import (
	"context"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/storetest"
)

// readmeQueries returns the Cypher examples README.md gives strategists for
// Neo4j Browser (with `:param map => ...` and `:param segment => ...`), in
// their order there: who supports the segment, how it gets the products,
// partners on every supply path. The test below runs them on the sample maps
// and checks them against graph.SupportOf, so the README's Cypher keeps
// working with the schema.
func readmeQueries(t *testing.T) (whoSupports, howSupplied, onEveryPath string) {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	for _, part := range strings.Split(string(data), "```cypher\n")[1:] {
		end := strings.Index(part, "```")
		if end < 0 {
			t.Fatal("README.md: a ```cypher block is not closed")
		}
		blocks = append(blocks, part[:end])
	}
	if len(blocks) != 3 {
		t.Fatalf("README.md has %d ```cypher blocks, want the 3 example queries", len(blocks))
	}
	return blocks[0], blocks[1], blocks[2]
}

func TestREADMEQueries(t *testing.T) {
	readmeWhoSupports, readmeHowSupplied, readmeOnEveryPath := readmeQueries(t)
	s := open(t)
	defer s.Close()
	ctx := context.Background()
	withSupporters, withEvery := 0, 0
	for _, name := range []string{"industrial.yaml", "hybrid.yaml"} {
		m := storetest.TestdataMaps(t)[name].Clone()
		m.ID = storetest.FreshID("readme")
		if _, err := s.CreateMap(ctx, m); err != nil {
			t.Fatal(err)
		}
		defer storetest.Remove(ctx, s, m.ID)
		for _, seg := range m.NodesOfKind(graph.KindSegment) {
			want, err := graph.SupportOf(m, seg)
			if err != nil {
				t.Fatal(err)
			}
			params := map[string]any{"map": m.ID, "segment": seg}
			query := func(q string) [][]any {
				t.Helper()
				res, err := s.query(ctx, q, params)
				if err != nil {
					t.Fatalf("%s/%s: %v\n%s", name, seg, err, q)
				}
				return res
			}

			var supporters, wantSupporters []string
			for _, r := range query(readmeWhoSupports) {
				supporters = append(supporters, r[0].(string))
			}
			for _, sp := range want.Supporters {
				wantSupporters = append(wantSupporters, sp.ID)
			}
			if !slices.Equal(supporters, wantSupporters) {
				t.Errorf("%s/%s: who supports = %v, want %v", name, seg, supporters, wantSupporters)
			}

			var routes, wantRoutes []string
			for _, r := range query(readmeHowSupplied) {
				var ids []string
				for _, x := range r[0].([]any) {
					ids = append(ids, x.(string))
				}
				routes = append(routes, strings.Join(ids, ">"))
			}
			for _, p := range want.Paths {
				wantRoutes = append(wantRoutes, strings.Join(p.Nodes, ">"))
			}
			sort.Strings(routes)
			sort.Strings(wantRoutes)
			if !slices.Equal(routes, wantRoutes) {
				t.Errorf("%s/%s: routes = %v, want %v", name, seg, routes, wantRoutes)
			}

			var every, wantEvery []string
			for _, r := range query(readmeOnEveryPath) {
				every = append(every, r[0].(string))
			}
			if len(want.Paths) > 0 {
				for _, id := range want.Paths[0].Nodes {
					k := m.Node(id).Kind
					if k == graph.KindCompany || k.IsCustomer() {
						continue
					}
					all := true
					for _, p := range want.Paths {
						all = all && slices.Contains(p.Nodes, id)
					}
					if all {
						wantEvery = append(wantEvery, id)
					}
				}
			}
			sort.Strings(wantEvery)
			if !slices.Equal(every, wantEvery) {
				t.Errorf("%s/%s: on every path = %v, want %v", name, seg, every, wantEvery)
			}
			if len(wantSupporters) > 0 {
				withSupporters++
			}
			if len(wantEvery) > 0 {
				withEvery++
			}
		}
	}
	if withSupporters == 0 || withEvery == 0 {
		t.Errorf("%d segments with supporters, %d with a partner on every path: the sample maps no longer exercise the queries", withSupporters, withEvery)
	}
}
