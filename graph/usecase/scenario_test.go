package usecase_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/usecase"
)

func f64(x float64) *float64 { return &x }

// tiny is a valid map: the company supplies a distributor that supplies a
// segment.
func tiny() *graph.Map {
	return &graph.Map{ID: "tiny", Title: "Tiny", Currency: "EUR",
		Nodes: []*graph.Node{
			{ID: "co", Kind: graph.KindCompany, Name: "Co"},
			{ID: "dist", Kind: graph.KindDistributor, Name: "Dist", Region: "North"},
			{ID: "seg", Kind: graph.KindSegment, Name: "Seg", Revenue: f64(1000), Attrs: map[string]any{"owner": "ann"}},
		},
		Edges: []*graph.Edge{
			{From: "co", To: "dist", Kind: graph.EdgeSupplies, Margin: f64(0.2)},
			{From: "dist", To: "seg", Kind: graph.EdgeSupplies},
		},
	}
}

// TestMerge3 checks the three-way merge field by field: one-sided changes
// of the map, a node, an edge and a free attribute all arrive; the same
// change on both sides is no conflict; different changes to one field, to
// one attribute or to the classification are, and the scenario's value is
// the one kept; the result keeps the base's order with the scenario's
// additions after it, so the change set onto the base is minimal.
func TestMerge3(t *testing.T) {
	fork := tiny()
	ours, theirs := fork.Clone(), fork.Clone()

	ours.Title = "Tiny - what if"
	theirs.Currency = "USD"
	ours.Node("dist").Name = "Dist (renamed)"
	theirs.Node("dist").Region = "South"
	ours.Node("seg").Attrs = map[string]any{"owner": "ann", "note": "x"}
	theirs.Node("seg").Attrs = map[string]any{"owner": "bob"}
	ours.Edges[0].Margin = f64(0.15)
	ours.Nodes = append(ours.Nodes, &graph.Node{ID: "web", Kind: graph.KindTouchpoint, Name: "Web", Channel: "web"})
	ours.Edges = append(ours.Edges, &graph.Edge{From: "co", To: "web", Kind: graph.EdgeOperates})
	theirs.Nodes = append(theirs.Nodes, &graph.Node{ID: "shop", Kind: graph.KindRetailer, Name: "Shop"})
	// The same change on both sides.
	ours.Node("co").Description, theirs.Node("co").Description = "the maker", "the maker"

	merged, conflicts := usecase.Merge3(fork, ours, theirs)
	if len(conflicts) != 0 {
		t.Fatalf("conflicts = %+v, want none", conflicts)
	}
	if merged.Title != "Tiny - what if" || merged.Currency != "USD" {
		t.Errorf("map fields: title %q, currency %q; want both sides' edits", merged.Title, merged.Currency)
	}
	if d := merged.Node("dist"); d.Name != "Dist (renamed)" || d.Region != "South" {
		t.Errorf("dist = %+v, want the scenario's name and the base's region", d)
	}
	if a := merged.Node("seg").Attrs; a["owner"] != "bob" || a["note"] != "x" {
		t.Errorf("seg attrs = %v, want owner bob (base) and note x (scenario)", a)
	}
	if m := merged.Edges[0].Margin; m == nil || *m != 0.15 {
		t.Errorf("margin = %v, want the scenario's 0.15", m)
	}
	var ids []string
	for _, n := range merged.Nodes {
		ids = append(ids, n.ID)
	}
	if got := strings.Join(ids, ","); got != "co,dist,seg,shop,web" {
		t.Errorf("node order %s, want the base's (with shop) then the scenario's web", got)
	}
	if err := graph.Validate(merged); err != nil {
		t.Fatalf("merged map: %v", err)
	}
	// Onto the base: the title, dist, seg's attrs, the margin, web and its edge.
	if cs := graph.Diff(theirs, merged); len(cs.Changes) != 6 {
		t.Errorf("change set onto the base has %d changes, want 6: %+v", len(cs.Changes), cs.Changes)
	}

	// Now the same fields differently.
	ours, theirs = fork.Clone(), fork.Clone()
	ours.Node("seg").Attrs = map[string]any{"owner": "cy"}
	theirs.Node("seg").Attrs = map[string]any{"owner": "bob"}
	ours.Classification = &graph.Classification{Tiers: map[string]float64{"tier1": 0.3}}
	theirs.Classification = &graph.Classification{Tiers: map[string]float64{"tier1": 0.25}}
	ours.Edges[0].Margin = f64(0.1)
	theirs.Edges[0].Margin = nil
	merged, conflicts = usecase.Merge3(fork, ours, theirs)
	want := []string{"map/classification.tiers", "node/seg/attrs.owner", "edge/co--supplies--dist/margin"}
	if len(conflicts) != len(want) {
		t.Fatalf("conflicts = %+v, want %v", conflicts, want)
	}
	for i, c := range conflicts {
		got := c.Element + "/" + c.Field
		if c.ID != "" {
			got = c.Element + "/" + c.ID + "/" + c.Field
		}
		if got != want[i] || c.Message == "" {
			t.Errorf("conflict %d = %+v, want %s", i, c, want[i])
		}
	}
	if conflicts[2].Fork != 0.2 || conflicts[2].Scenario != 0.1 || conflicts[2].Base != nil {
		t.Errorf("margin conflict values = %v/%v/%v, want 0.2, 0.1, unset", conflicts[2].Fork, conflicts[2].Scenario, conflicts[2].Base)
	}
	if merged.Node("seg").Attrs["owner"] != "cy" || merged.Classification.Tiers["tier1"] != 0.3 || *merged.Edges[0].Margin != 0.1 {
		t.Errorf("a conflict keeps the scenario's value: %v, %v, %v", merged.Node("seg").Attrs, merged.Classification.Tiers, *merged.Edges[0].Margin)
	}
}

// TestMergeInvalidResult: the base removed a node the scenario's new edge
// points at. No field conflicts, but the merged map is not valid: the
// merge says so, names the edge, and writes nothing.
func TestMergeInvalidResult(t *testing.T) {
	st := store(t)
	ctx := context.Background()
	if _, err := st.CreateMap(ctx, tiny()); err != nil {
		t.Fatal(err)
	}
	if _, err := usecase.CreateScenario(ctx, st, "tiny", "web", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, "tiny--scenario--web", 1, graph.ChangeSet{Changes: []graph.Change{
		{Op: graph.OpAddEdge, Edge: &graph.Edge{From: "dist", To: "seg", Kind: graph.EdgeSupports, ID: "dist-helps"}},
	}}); err != nil {
		t.Fatal(err)
	}
	base, _ := st.GetMap(ctx, "tiny")
	if _, err := st.Apply(ctx, "tiny", 1, graph.DeleteNodeCascade(base, "dist")); err != nil {
		t.Fatal(err)
	}
	_, err := usecase.MergeScenario(ctx, st, "tiny", "web", usecase.MergeOptions{})
	var ve *graph.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "not valid") || !strings.Contains(err.Error(), "dist") {
		t.Fatalf("merge onto a base without the node: err = %v, want a validation error naming dist", err)
	}
	if m, _ := st.GetMap(ctx, "tiny"); m.Version != 2 {
		t.Errorf("a refused merge wrote the base: version %d", m.Version)
	}
	if _, err := st.GetMap(ctx, "tiny--scenario--web"); err != nil {
		t.Errorf("a refused merge dropped the scenario: %v", err)
	}
}
