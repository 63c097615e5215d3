package web_test

import (
	"context"
	"encoding/base64"
	"github.com/chanmap/chanmap/graph/mapio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chanmap/chanmap/render"
	"github.com/chromedp/chromedp"
)

// fontsWithoutLiberation is a fontconfig setup that knows only DejaVu: a
// machine without Liberation Sans or Arial, where the SVG's font list
// falls back to a generic sans-serif with other (wider) metrics.
const fontsWithoutLiberation = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/truetype/dejavu</dir>
  <cachedir>CACHE</cachedir>
</fontconfig>
`

// In Chromium with Liberation Sans hidden, every text of the hybrid SVG
// stays inside its box.
func TestSVGTextFitsWithoutLiberationSans(t *testing.T) {
	exe := needBrowser(t)
	if _, err := os.Stat("/usr/share/fonts/truetype/dejavu"); err != nil {
		t.Skip("no DejaVu fonts to fall back to")
	}
	m, err := mapio.ReadFile(filepath.Join("..", "..", "testdata", "maps", "hybrid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	svg, err := render.Render(context.Background(), render.NewInProcess(), m, render.Options{Detail: true, Page: "none"}, "svg")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "fonts.conf")
	if err := os.WriteFile(conf, []byte(strings.Replace(fontsWithoutLiberation, "CACHE", filepath.Join(dir, "cache"), 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	// The profile lives outside t.TempDir: chromium may still be writing
	// to it while the test's cleanup runs; it is removed once chromium exits.
	profile, err := os.MkdirTemp("", "chanmap-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		append(browserOptions(exe, profile), chromedp.Env("FONTCONFIG_FILE="+conf))...)
	defer func() {
		cancelAlloc() // waits for chromium to exit
		_ = os.RemoveAll(profile)
	}()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	var res struct {
		Family  string   `json:"family"`
		Texts   int      `json:"texts"`
		Outside []string `json:"outside"`
		Probe   float64  `json:"probe"`
	}
	check := `(() => {
	  const out = [];
	  let texts = 0;
	  for (const g of document.querySelectorAll('g.node')) {
	    const box = g.querySelector('path').getBBox();
	    for (const t of g.querySelectorAll('text')) {
	      texts++;
	      const b = t.getBBox();
	      if (b.x < box.x - 1 || b.x + b.width > box.x + box.width + 1 || b.y < box.y - 1 || b.y + b.height > box.y + box.height + 1) {
	        out.push(t.textContent + ' ' + JSON.stringify([b.x, b.y, b.width, b.height]) + ' in ' + JSON.stringify([box.x, box.y, box.width, box.height]));
	      }
	    }
	  }
	  const probe = document.createElementNS('http://www.w3.org/2000/svg', 'text');
	  probe.setAttribute('font-size', '100');
	  probe.textContent = 'MMMMMMMMMM';
	  document.querySelector('svg').appendChild(probe);
	  return {family: getComputedStyle(document.querySelector('text')).fontFamily, texts, outside: out, probe: probe.getComputedTextLength()};
	})()`
	url := "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg)
	if err := chromedp.Run(ctx, chromedp.Navigate(url), chromedp.Evaluate(check, &res)); err != nil {
		t.Fatal(err)
	}
	// Ten M at 100 pt: 833 in Liberation Sans (Arial's metrics), 863 in DejaVu Sans.
	if res.Probe < 850 {
		t.Fatalf("the fallback font has Liberation Sans' metrics (10 M = %.0f): Liberation is not hidden", res.Probe)
	}
	if res.Texts < 20 {
		t.Fatalf("only %d texts found in the node boxes", res.Texts)
	}
	for _, o := range res.Outside {
		t.Errorf("text outside its box: %s", o)
	}
}
