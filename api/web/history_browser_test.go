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

// TestBrowserHistory uses the history on a live server as a user would:
// the versions newest first with author and message, the compare view of
// two versions (the list of changes and the drawing, one side and then the
// other), restore to version 1 as a new version, and undelete from the
// deleted maps.
func TestBrowserHistory(t *testing.T) {
	ctx, base, id := copied(t, "history", 90*time.Second)
	_, nodes, _ := getMap(t, base, id)
	n := firstOfKind(nodes, "distributor", "wholesaler")
	res, body := apiDo(t, "PATCH", base+"api/v1/maps/"+id+"/nodes/"+n.ID, map[string]any{"name": "Renamed Wholesale"},
		map[string]string{"If-Match": `"1"`, "Chanmap-Message": "new name for the board"})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH: %d %s", res.StatusCode, body)
	}
	openMap(t, ctx, base, id)

	var first, rows string
	run(t, ctx, "open the history",
		chromedp.Click(`#history > summary`, chromedp.ByQuery),
		waitJS(`document.querySelectorAll('#history-list li.history-row').length === 2`),
		chromedp.Text(`#history-list li.history-row:first-child`, &first, chromedp.ByQuery),
		chromedp.Text(`#history-list`, &rows, chromedp.ByQuery))
	if !strings.Contains(first, "Version 2") || !strings.Contains(first, "new name for the board") || !strings.Contains(first, "current") {
		t.Errorf("the newest row is %q, want version 2, current, with its message", first)
	}
	if strings.Index(rows, "Version 2") > strings.Index(rows, "Version 1") {
		t.Errorf("versions are not newest first: %q", rows)
	}

	var list string
	var src1, src2 string
	run(t, ctx, "compare version 1 with 2",
		chromedp.Click(`#history-list li[data-version="2"] .compare-prev`, chromedp.ByQuery),
		chromedp.WaitVisible(`#compare-dialog`, chromedp.ByQuery),
		waitJS(`document.querySelector('#compare-image')?.complete && document.querySelector('#compare-image').naturalWidth > 0`),
		waitJS(`document.querySelector('#compare-list')?.textContent.includes('Renamed Wholesale')`),
		chromedp.Text(`#compare-list`, &list, chromedp.ByQuery),
		chromedp.AttributeValue(`#compare-image`, "src", &src1, nil, chromedp.ByQuery))
	for _, want := range []string{"0 added, 0 removed, 1 changed", "name: ", "→ Renamed Wholesale"} {
		if !strings.Contains(list, want) {
			t.Errorf("the compare list lacks %q: %s", want, list)
		}
	}
	screenshot(t, ctx, "compare")
	run(t, ctx, "draw the before side",
		chromedp.SetValue(`#compare-side`, "before", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#compare-side').dispatchEvent(new Event('change'))`, nil),
		waitJS(fmt.Sprintf(`document.querySelector('#compare-image')?.getAttribute('src') !== %q && document.querySelector('#compare-image').naturalWidth > 0`, src1)),
		chromedp.AttributeValue(`#compare-image`, "src", &src2, nil, chromedp.ByQuery),
		chromedp.Click(`#compare-close`, chromedp.ByQuery),
		chromedp.WaitNotVisible(`#compare-dialog`, chromedp.ByQuery))
	if src2 == src1 {
		t.Error("the before side was not drawn")
	}

	run(t, ctx, "restore version 1",
		chromedp.Click(`#history-list li[data-version="1"] .restore`, chromedp.ByQuery),
		chromedp.WaitVisible(`#confirm-dialog`, chromedp.ByQuery),
		chromedp.Click(`#confirm-yes`, chromedp.ByQuery),
		waitJS(`document.getElementById('map-version').textContent.startsWith('version 3')`),
		waitJS(`document.querySelectorAll('#history-list li.history-row').length === 3`))
	_, nodes, _ = getMap(t, base, id)
	for _, m := range nodes {
		if m.ID == n.ID && m.Name != n.Name {
			t.Errorf("after the restore %s is named %q, want %q", n.ID, m.Name, n.Name)
		}
	}

	if res, body := apiDo(t, "DELETE", base+"api/v1/maps/"+id, nil, map[string]string{"If-Match": `"3"`}); res.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", res.StatusCode, body)
	}
	run(t, ctx, "undelete from the deleted maps",
		chromedp.Click(`#deleted-link`, chromedp.ByQuery),
		chromedp.WaitVisible(fmt.Sprintf(`#deleted-list tr[data-map=%q] button.undelete`, id), chromedp.ByQuery),
		chromedp.Click(fmt.Sprintf(`#deleted-list tr[data-map=%q] button.undelete`, id), chromedp.ByQuery),
		waitJS(fmt.Sprintf(`location.hash === '#/maps/%s'`, id)),
		chromedp.WaitVisible(`#diagram svg g.node`, chromedp.ByQuery))
	if res, _ := apiDo(t, "GET", base+"api/v1/maps/"+id, nil, nil); res.StatusCode != http.StatusOK {
		t.Errorf("after undelete GET map: %d", res.StatusCode)
	}
}

// A viewer sees the history but is told, on the page, that restoring needs
// the editor role (the API answers 403), and the map stays as it is.
func TestBrowserHistoryViewer(t *testing.T) {
	ctx := tab(t, 60*time.Second)
	bin := build(t)
	var log lockedBuffer
	cmd, base, err := startServe(bin, t.TempDir(), &log, "CHANMAP_TOKENS=editor-token-1=editor:eve,viewer-token-1=viewer:val")
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	t.Cleanup(func() { stop(cmd) })
	id, _ := seededMapAuth(t, base, "editor-token-1")
	editor := map[string]string{"Authorization": "Bearer editor-token-1", "If-Match": `"1"`, "Chanmap-Message": "edited by eve"}
	res, body := apiDo(t, "GET", base+"api/v1/maps/"+id+"/nodes", nil, editor)
	var nodes []struct {
		ID string `json:"id"`
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal(body, &nodes) != nil || len(nodes) == 0 {
		t.Fatalf("GET nodes: %d %s", res.StatusCode, body)
	}
	if res, body := apiDo(t, "PATCH", base+"api/v1/maps/"+id+"/nodes/"+nodes[0].ID, map[string]any{"name": "Edited by Eve"}, editor); res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH node: %d %s", res.StatusCode, body)
	}

	var first, said, version string
	run(t, ctx, "open the history as a viewer and try to restore",
		chromedp.Navigate(base+"#/maps/"+id),
		chromedp.WaitVisible(`#token-dialog`, chromedp.ByQuery),
		chromedp.SetValue(`#token-input`, "viewer-token-1", chromedp.ByQuery),
		chromedp.Click(`#token-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#diagram svg g.node`, chromedp.ByQuery),
		chromedp.Click(`#history > summary`, chromedp.ByQuery),
		waitJS(`document.querySelectorAll('#history-list li.history-row').length === 2`),
		chromedp.Text(`#history-list li.history-row:first-child`, &first, chromedp.ByQuery),
		chromedp.Click(`#history-list li[data-version="1"] .restore`, chromedp.ByQuery),
		chromedp.WaitVisible(`#confirm-dialog`, chromedp.ByQuery),
		chromedp.Click(`#confirm-yes`, chromedp.ByQuery),
		waitJS(`document.getElementById('status').textContent.includes('does not allow')`),
		chromedp.Text(`#status`, &said, chromedp.ByQuery),
		chromedp.Text(`#map-version`, &version, chromedp.ByQuery))
	if !strings.Contains(first, "eve") || !strings.Contains(first, "edited by eve") {
		t.Errorf("the newest version %q does not name its author and message", first)
	}
	if !strings.Contains(said, "editor role") || !strings.HasPrefix(version, "version 2") {
		t.Errorf("after a viewer's restore the page says %q and shows %q; want the editor role named and version 2 kept", said, version)
	}
}
