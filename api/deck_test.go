package api

import (
	"archive/zip"
	"bytes"
	"net/http"
	"strings"
	"testing"
)

func TestDeck(t *testing.T) {
	e := newEnv(t)
	e.seed()
	r := e.do("GET", "/api/v1/maps/acme-pumps/deck.pdf", nil, nil)
	wantStatus(t, r, 200)
	if !bytes.HasPrefix(r.Body, []byte("%PDF-")) || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("not a PDF: %.20q %v", r.Body, r.Header)
	}
	if got := r.Header.Get("Content-Disposition"); got != `attachment; filename="acme-pumps-deck.pdf"` {
		t.Errorf("Content-Disposition %q", got)
	}
	tag := r.Header.Get("ETag")
	if tag == "" {
		t.Fatal("no ETag on the deck")
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/deck.pdf", nil, hdr{"If-None-Match": tag}), 304)
	r = e.do("GET", "/api/v1/maps/acme-pumps/deck.pdf?segments=1", nil, hdr{"If-None-Match": tag})
	wantStatus(t, r, 200) // other settings, another deck
	if r.Header.Get("ETag") == tag {
		t.Error("segments=1 has the same ETag as the whole deck")
	}

	// PowerPoint: a presentation whose overview slide names the map's nodes,
	// with a what-if slide for the partner taken away.
	r = e.do("GET", "/api/v1/maps/acme-pumps/deck.pptx?without=nordic&theme=print&page=4:3&footer=Source:+test", nil, nil)
	wantStatus(t, r, 200)
	if ct := r.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.presentationml.presentation" {
		t.Errorf("Content-Type %q", ct)
	}
	z, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var slides strings.Builder
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, "ppt/slides/slide") && strings.HasSuffix(f.Name, ".xml") {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			_, _ = b.ReadFrom(rc)
			rc.Close()
			slides.Write(b.Bytes())
		}
	}
	for _, want := range []string{"Nordic Industrial Supply", "Without Nordic Industrial Supply", "Source: test"} {
		if !strings.Contains(slides.String(), want) {
			t.Errorf("the PowerPoint deck does not say %q", want)
		}
	}

	// An edit changes the deck.
	wantStatus(t, e.do("PATCH", "/api/v1/maps/acme-pumps/nodes/nordic", map[string]any{"name": "Nordic Supply AB"}, hdr{"If-Match": `"1"`}), 200)
	wantStatus(t, e.do("GET", "/api/v1/maps/acme-pumps/deck.pdf", nil, hdr{"If-None-Match": tag}), 200)

	for _, q := range []string{"without=ghost", "page=none", "page=poster", "theme=neon", "segments=-1", "segments=many", "min_font=2", "fixed_costs=maybe"} {
		r = e.do("GET", "/api/v1/maps/acme-pumps/deck.pdf?"+q, nil, nil)
		wantStatus(t, r, 400)
		p := r.problem(t)
		if q == "without=ghost" && (len(p.Errors) != 1 || p.Errors[0].Field != "without") {
			t.Errorf("without=ghost: %+v, want the without field named", p)
		}
	}
	wantStatus(t, e.do("GET", "/api/v1/maps/ghost/deck.pptx", nil, nil), 404)
}

// A minimum font too large for the deck's tables is the request's fault:
// 400 naming min_font (schemathesis found it answered 500).
func TestDeckFontTooLargeIs400(t *testing.T) {
	e := newEnv(t)
	e.seed()
	r := e.do("GET", "/api/v1/maps/acme-pumps/deck.pptx?min_font=58.5", nil, nil)
	wantStatus(t, r, http.StatusBadRequest)
	if p := r.problem(t); len(p.Errors) == 0 || p.Errors[0].Field != "min_font" {
		t.Errorf("the problem does not name min_font: %+v", p)
	}
}
