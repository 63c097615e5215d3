package render

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansbolditalic"
	"github.com/go-fonts/liberation/liberationsansitalic"
	"github.com/go-fonts/liberation/liberationsansregular"
	resvg "github.com/kanrichan/resvg-go"
)

// PNG rasterising parameters.
const (
	pngScale   = 1.5  // pixels per SVG point (pt): sharp enough for a slide
	pngMaxSide = 8000 // largest width or height in pixels
	pngMaxArea = 32e6 // largest number of pixels (128 MB of RGBA)
)

// fallbackFonts are system fonts loaded, when present, for characters that
// Liberation Sans lacks (Debian: fonts-dejavu-core, fonts-noto-core,
// fonts-noto-color-emoji).
var fallbackFonts = []string{
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
	"/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
	"/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",
	"/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
}

// rasteriser is one resvg wasm instance with the Liberation Sans fonts
// loaded. Compiling the wasm takes about a second, so it is made once per
// process and used under a lock.
var rasteriser struct {
	sync.Mutex
	ctx *resvg.Context
	r   *resvg.Renderer
	err error
}

func rasteriserReady() error {
	if rasteriser.r != nil || rasteriser.err != nil {
		return rasteriser.err
	}
	ctx, err := resvg.NewContext(context.Background())
	if err != nil {
		rasteriser.err = fmt.Errorf("render: starting the SVG rasteriser: %w", err)
		return rasteriser.err
	}
	r, err := ctx.NewRenderer()
	if err == nil {
		for _, ttf := range [][]byte{liberationsansregular.TTF, liberationsansbold.TTF, liberationsansitalic.TTF, liberationsansbolditalic.TTF} {
			if err = r.LoadFontData(ttf); err != nil {
				break
			}
		}
	}
	if err == nil {
		// Liberation Sans has no Arabic, CJK or emoji; resvg falls back to
		// any loaded font that has the glyph, so load common system fonts
		// when the machine has them (resvg cannot read files itself).
		for _, path := range fallbackFonts {
			if data, rerr := os.ReadFile(path); rerr == nil {
				_ = r.LoadFontData(data) // a font it cannot read is skipped
			}
		}
		err = r.SetFontFamily(FontName)
	}
	if err != nil {
		ctx.Close()
		rasteriser.err = fmt.Errorf("render: loading fonts into the SVG rasteriser: %w", err)
		return rasteriser.err
	}
	rasteriser.ctx, rasteriser.r = ctx, r
	return nil
}

// Rasterise turns an SVG made by an Engine into PNG bytes at 1.5 pixels per
// point, scaled down so that no side exceeds 8000 pixels and the picture
// stays under 32 million pixels.
func Rasterise(svg []byte) (png []byte, err error) {
	w, h, err := svgSize(svg)
	if err != nil {
		return nil, err
	}
	pw, ph := pngSize(w, h)
	rasteriser.Lock()
	defer rasteriser.Unlock()
	if err := rasteriserReady(); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			png, err = nil, fmt.Errorf("render: rasterising SVG: %v", r)
		}
	}()
	out, err := rasteriser.r.RenderWithSize(svg, pw, ph)
	if err != nil {
		return nil, fmt.Errorf("render: rasterising SVG: %w", err)
	}
	if len(out) == 0 {
		return nil, errors.New("render: rasterising SVG: empty output")
	}
	return out, nil
}

// pngSize is the pixel size of the PNG of an SVG of w x h points.
func pngSize(w, h float64) (uint32, uint32) {
	scale := pngScale
	if s := pngMaxSide / math.Max(w, h); s < scale {
		scale = s
	}
	if s := math.Sqrt(pngMaxArea / (w * h)); s < scale {
		scale = s
	}
	return uint32(math.Max(1, math.Floor(w*scale))), uint32(math.Max(1, math.Floor(h*scale)))
}

// svgSize reads the width and height of the root svg element in points.
func svgSize(svg []byte) (w, h float64, err error) {
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return 0, 0, errors.New("render: no <svg> element in the layout output")
		}
		if err != nil {
			return 0, 0, fmt.Errorf("render: reading SVG size: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "svg" {
			continue
		}
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "width":
				w, err = parseLength(a.Value)
			case "height":
				h, err = parseLength(a.Value)
			}
			if err != nil {
				return 0, 0, err
			}
		}
		if w <= 0 || h <= 0 {
			return 0, 0, fmt.Errorf("render: SVG has no usable size (width %v, height %v)", w, h)
		}
		return w, h, nil
	}
}

// parseLength reads "123pt" or "123px" or "123" as points.
func parseLength(s string) (float64, error) {
	s = strings.TrimSpace(s)
	mul := 1.0
	switch {
	case strings.HasSuffix(s, "pt"):
		s = s[:len(s)-2]
	case strings.HasSuffix(s, "px"):
		s, mul = s[:len(s)-2], 0.75
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("render: bad SVG length %q", s)
	}
	return v * mul, nil
}
