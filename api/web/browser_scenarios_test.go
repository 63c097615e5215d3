package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserScenarios: fork a map from its scenarios panel, see the
// scenario go stale when the map changes, get the conflict listed on
// merge, merge anyway (the scenario wins), and drop another scenario from
// the map's list.
func TestBrowserScenarios(t *testing.T) {
	ctx, base, id := copied(t, "scen", 90*time.Second)
	_, nodes, _ := getMap(t, base, id)
	n := firstOfKind(nodes, "distributor", "reseller", "retailer")
	scen := id + "--scenario--what-if"
	openMap(t, ctx, base, id)

	run(t, ctx, "fork the map from the panel",
		chromedp.WaitVisible(`#scenario-create`, chromedp.ByQuery),
		chromedp.SetValue(`#scenario-name`, "what-if", chromedp.ByQuery),
		chromedp.Click(`#scenario-create button[type="submit"]`, chromedp.ByQuery),
		waitJS(fmt.Sprintf(`location.hash === %q`, "#/maps/"+scen)),
		chromedp.WaitVisible(`#scenario-own`, chromedp.ByQuery))

	// The scenario and the map rename the same node differently.
	for _, w := range []struct{ mapID, name string }{{scen, "Renamed in the scenario"}, {id, "Renamed in the map"}} {
		m, _, _ := getMap(t, base, w.mapID)
		res, body := apiDo(t, "PATCH", base+"api/v1/maps/"+w.mapID+"/nodes/"+n.ID, map[string]any{"name": w.name},
			map[string]string{"If-Match": fmt.Sprintf(`"%d"`, m.Version)})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("PATCH %s: %d %s", w.mapID, res.StatusCode, body)
		}
	}
	var stale, conflicts string
	run(t, ctx, "the scenario is stale; merging lists the conflict",
		chromedp.Navigate(base+"#/maps/"+scen),
		chromedp.Reload(),
		chromedp.WaitVisible(`#scenario-stale`, chromedp.ByQuery),
		chromedp.Text(`#scenario-stale`, &stale, chromedp.ByQuery),
		chromedp.Click(`#scenarios button.merge`, chromedp.ByQuery),
		chromedp.WaitVisible(`#confirm-yes`, chromedp.ByQuery),
		chromedp.Click(`#confirm-yes`, chromedp.ByQuery),
		chromedp.WaitVisible(`#scenario-conflicts`, chromedp.ByQuery),
		chromedp.Text(`#scenario-conflicts`, &conflicts, chromedp.ByQuery))
	screenshot(t, ctx, "conflict")
	if !strings.Contains(stale, "Stale") || !strings.Contains(stale, "changed node Renamed in the map") {
		t.Errorf("stale notice = %q, want the map's change to %s", stale, n.ID)
	}
	if !strings.Contains(conflicts, "node "+n.ID+": field name") {
		t.Errorf("conflicts = %q, want the name of %s", conflicts, n.ID)
	}
	run(t, ctx, "merge anyway",
		chromedp.Click(`#scenario-conflicts button.danger`, chromedp.ByQuery),
		waitJS(fmt.Sprintf(`location.hash === %q`, "#/maps/"+id)),
		chromedp.WaitVisible(`#scenario-create`, chromedp.ByQuery))
	_, nodes, _ = getMap(t, base, id)
	for _, x := range nodes {
		if x.ID == n.ID && x.Name != "Renamed in the scenario" {
			t.Errorf("after the forced merge %s is named %q, want the scenario's name", n.ID, x.Name)
		}
	}
	if res, _ := apiDo(t, "GET", base+"api/v1/maps/"+scen, nil, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("the merged scenario is still there: %d", res.StatusCode)
	}

	// Drop from the map's list.
	if res, body := apiDo(t, "POST", base+"api/v1/maps/"+id+"/scenarios", map[string]any{"name": "tmp"}, nil); res.StatusCode != http.StatusCreated {
		t.Fatalf("POST scenario: %d %s", res.StatusCode, body)
	}
	run(t, ctx, "drop it from the list",
		chromedp.Reload(),
		chromedp.WaitVisible(`#scenarios tr[data-name="tmp"] button.drop`, chromedp.ByQuery),
		chromedp.Click(`#scenarios tr[data-name="tmp"] button.drop`, chromedp.ByQuery),
		chromedp.WaitVisible(`#confirm-yes`, chromedp.ByQuery),
		chromedp.Click(`#confirm-yes`, chromedp.ByQuery),
		waitJS(`!document.querySelector('#scenarios tr[data-name="tmp"]') && !!document.querySelector('#scenario-create')`))
	res, body := apiDo(t, "GET", base+"api/v1/maps/"+id+"/scenarios", nil, nil)
	var list struct {
		Scenarios []json.RawMessage `json:"scenarios"`
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal(body, &list) != nil || len(list.Scenarios) != 0 {
		t.Errorf("scenarios after the drop: %d %s", res.StatusCode, body)
	}
}
