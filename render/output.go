package render

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"

	"github.com/chanmap/chanmap/graph"
)

// DOT returns the DOT text of m drawn with opt.
func DOT(m *graph.Map, opt Options) ([]byte, error) {
	d, err := Build(m, opt)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := WriteDOT(&buf, d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SVG draws m with opt and lays it out through e. The SVG carries the map
// title as its accessible <title>.
func SVG(ctx context.Context, e Engine, m *graph.Map, opt Options) ([]byte, error) {
	d, err := Build(m, opt)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := WriteDOT(&buf, d); err != nil {
		return nil, err
	}
	svg, err := e.Layout(ctx, buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("render: laying out map %q: %w", m.ID, err)
	}
	return titled(svg, d.Title)
}

// PNG draws m with opt, lays it out through e and rasterises the SVG.
func PNG(ctx context.Context, e Engine, m *graph.Map, opt Options) ([]byte, error) {
	svg, err := SVG(ctx, e, m, opt)
	if err != nil {
		return nil, err
	}
	return Rasterise(svg)
}

// titled gives the SVG an accessible name: a <title> as the first child of
// the root <svg> element, and the same text as the graph group's title
// (Graphviz writes the DOT graph name there).
func titled(svg []byte, title string) ([]byte, error) {
	var esc bytes.Buffer
	if err := xml.EscapeText(&esc, []byte(cleanText(title, true))); err != nil {
		return nil, err
	}
	start := bytes.Index(svg, []byte("<svg"))
	if start < 0 {
		return nil, errors.New("render: layout output has no <svg> element")
	}
	end := bytes.IndexByte(svg[start:], '>')
	if end < 0 {
		return nil, errors.New("render: layout output has an unterminated <svg> element")
	}
	end += start + 1
	var out bytes.Buffer
	out.Grow(len(svg) + 2*esc.Len() + 64)
	out.Write(svg[:end-1])
	out.WriteString(` role="img" aria-labelledby="chanmap-title">` + "\n")
	out.WriteString(`<title id="chanmap-title">`)
	out.Write(esc.Bytes())
	out.WriteString("</title>")
	rest := svg[end:]
	graphTitle := []byte("<title>chanmap</title>")
	if i := bytes.Index(rest, graphTitle); i >= 0 {
		out.Write(rest[:i])
		out.WriteString("<title>")
		out.Write(esc.Bytes())
		out.WriteString("</title>")
		rest = rest[i+len(graphTitle):]
	}
	out.Write(rest)
	return out.Bytes(), nil
}
