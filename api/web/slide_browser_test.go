package web_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// setInput types a value into the input and commits it, as leaving the
// field does.
func setInput(sel, value string) chromedp.Action {
	return chromedp.Evaluate(`(() => { const i = document.querySelector(`+strconv.Quote(sel)+`);
		i.value = `+strconv.Quote(value)+`; i.dispatchEvent(new Event('change')); })()`, nil)
}

// TestBrowserSlideTextOptions sets the footer, the smallest text size and
// text as outlines on the page, as the CLI's --footer, --min-font and
// --text-as-paths: the diagram is drawn again with the footer and no text
// under the size, a size out of bounds is refused next to the field,
// outlines go to the exported SVG only, and the address keeps all three.
func TestBrowserSlideTextOptions(t *testing.T) {
	ctx, base, id := copied(t, "slide", 60*time.Second)
	openMap(t, ctx, base, id)

	const footer = `Source: ledger & "plan" 2026`
	run(t, ctx, "footer",
		setInput(`#footer-input`, footer),
		waitJS(`document.querySelector('#diagram svg')?.textContent.includes(`+strconv.Quote(footer)+`)`))

	smallest := `Math.min(...[...document.querySelectorAll('#diagram svg text')].map((t) => parseFloat(t.getAttribute('font-size'))))`
	run(t, ctx, "smallest text 18 pt",
		setInput(`#min-font-input`, "18"),
		waitJS(smallest+` >= 17.95`))

	var invalid string
	var hash string
	run(t, ctx, "a size out of bounds",
		setInput(`#min-font-input`, "2"),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.AttributeValue(`#min-font-input`, "aria-invalid", &invalid, nil, chromedp.ByQuery),
		chromedp.Evaluate(`location.hash`, &hash))
	if invalid != "true" || !strings.Contains(hash, "min_font=18") {
		t.Errorf("2 pt: aria-invalid %q, address %q; want the field marked and 18 pt kept", invalid, hash)
	}

	var svgHref, pngHref string
	var screenText bool
	run(t, ctx, "text as outlines",
		chromedp.Click(`#paths-toggle`, chromedp.ByQuery),
		waitJS(`location.hash.includes('text_as_paths=true') && document.querySelector('#export-svg').href.includes('text_as_paths=true')`),
		chromedp.Evaluate(`document.querySelector('#export-svg').href`, &svgHref),
		chromedp.Evaluate(`document.querySelector('#export-png').href`, &pngHref),
		chromedp.Evaluate(`document.querySelectorAll('#diagram svg text').length > 0`, &screenText))
	if strings.Contains(pngHref, "text_as_paths") || !screenText {
		t.Errorf("outlines reached the PNG export (%s) or the screen (text kept: %v)", pngHref, screenText)
	}
	u, err := url.Parse(svgHref)
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("footer") != footer || q.Get("min_font") != "18" {
		t.Errorf("the SVG export %s does not carry the footer and the size", svgHref)
	}
	res, body := apiDo(t, "GET", strings.TrimSuffix(base, "/")+u.RequestURI(), nil, nil)
	if res.StatusCode != 200 || strings.Contains(string(body), "<text") || !strings.Contains(string(body), "<path") {
		t.Errorf("exported SVG with outlines: %d, %.200s", res.StatusCode, body)
	}

	// The address brings the options back.
	var got struct {
		Footer, Size string
		Paths        bool
	}
	run(t, ctx, "reload",
		chromedp.Reload(),
		chromedp.WaitVisible(`#diagram svg g.node`, chromedp.ByQuery),
		chromedp.Value(`#footer-input`, &got.Footer, chromedp.ByQuery),
		chromedp.Value(`#min-font-input`, &got.Size, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#paths-toggle').checked`, &got.Paths))
	if got.Footer != footer || got.Size != "18" || !got.Paths {
		t.Errorf("after reload: %+v", got)
	}
	screenshot(t, ctx, "slide-options")
}
