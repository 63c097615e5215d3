package web_test

import (
	"bytes"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestScratchBig(t *testing.T) {
	ctx := tab(t, 60*time.Second)
	base := server(t)
	seededMap(t, base)
	b, _ := os.ReadFile("../../testdata/maps/generated-1000.yaml")
	req, _ := http.NewRequest("POST", base+"api/v1/maps", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/yaml")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 201 {
		t.Fatal(err, res.StatusCode)
	}
	run(t, ctx, "open big", chromedp.Navigate(base+"#/maps/generated-1000"), chromedp.WaitVisible(`#diagram svg g.node`, chromedp.ByQuery), chromedp.Sleep(time.Second))
	screenshot(t, ctx, "big")
	run(t, ctx, "open voltair segment", chromedp.Navigate(base+"#/maps/voltair"), chromedp.WaitVisible(`#diagram svg g.node`, chromedp.ByQuery),
		chromedp.Click(`#diagram g.pick[data-ref="homeowners"]`, chromedp.ByQuery), chromedp.WaitVisible(`#support-answer`, chromedp.ByQuery),
		chromedp.ScrollIntoView(`#support-answer`, chromedp.ByQuery), chromedp.Sleep(300*time.Millisecond))
	screenshot(t, ctx, "support-answer")
	run(t, ctx, "add edge form", chromedp.Click(`#add-edge`, chromedp.ByQuery), chromedp.WaitVisible(`#editor select[name="from"]`, chromedp.ByQuery),
		chromedp.Click(`#diagram g.pick[data-ref="voltair"]`, chromedp.ByQuery), chromedp.Click(`#diagram g.pick[data-ref="homeowners"]`, chromedp.ByQuery), chromedp.Sleep(200*time.Millisecond))
	screenshot(t, ctx, "add-edge")
	run(t, ctx, "list", chromedp.Navigate(base), chromedp.WaitVisible(`#map-list table`, chromedp.ByQuery),
		chromedp.Click(`tr[data-map="voltair"] button`, chromedp.ByQuery), chromedp.WaitVisible(`#confirm-dialog`, chromedp.ByQuery))
	screenshot(t, ctx, "confirm")
}
