package web_test

import (
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
	ctx := tab(t, 90*time.Second)
	base := server(t)
	id := uniq("history")
	copyMap(t, base, id)
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
