package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/render/scene"
)

func errorf(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrOptions}, a...)...)
}

// Formats are the output formats Render writes.
var Formats = []string{"svg", "pdf", "png", "dot"}

// Drawing is one map drawn on one page.
type Drawing struct {
	Page     *scene.Page
	Diagram  *Diagram
	Smallest float64 // smallest text on the page, in points
	Folded   bool    // the map was folded into the overview to fit the page
}

// Draw lays out and composes m on one page: the function the deck and every
// writer build on. The layout goes through e (in-process or the worker pool,
// under ctx's deadline). A map that does not fit the page at the minimum
// font size is folded into the overview unless opt.Detail or a focus view
// asks for every node; whatever is drawn below the minimum is said on the
// page.
func Draw(ctx context.Context, e Engine, m *graph.Map, opt Options) (*Drawing, error) {
	if m == nil {
		return nil, errorf("no map")
	}
	opt, err := Normalise(m, opt)
	if err != nil {
		return nil, err
	}
	fs := sizesFor(opt.MinFont)
	pw, ph, _ := PageSize(opt.Page)
	aspect := 16.0 / 9
	if pw > 0 {
		aspect = pw / ph
	}
	d, err := Build(m, opt)
	if err != nil {
		return nil, err
	}
	// A focus view is small by nature, and the touchpoints grid draws no
	// connectors to save by grouping.
	foldable := !opt.Detail && opt.View != ViewFocus && opt.View != ViewTouchpoints
	if pw == 0 && foldable && len(d.Nodes) > opt.NodeBudget {
		if d, err = BuildOverview(m, opt); err != nil {
			return nil, err
		}
	}
	// A map far over what a page can hold folds before any layout.
	if pw > 0 && foldable && !d.Overview {
		for _, level := range []int{foldPartners, foldRegions, foldAll} {
			if len(d.Nodes) <= maxBoxesOnPage(pw, ph, fs) {
				break
			}
			if d, err = build(m, opt, level); err != nil {
				return nil, err
			}
		}
	}
	// lay lays d out; a drawing that does not fit its page is tried again,
	// when it is small enough to lay out several times: with its texts
	// wrapped narrower and taller (twice: a little and much; a focus
	// view, lanes that are few but wide), and with its long lanes wrapped
	// into more sub-columns (too tall). The best of them is kept, and if
	// it is still too tall, Graphviz packs its columns tighter.
	lay := func(d *Diagram, foldsNext bool) (*composed, *layoutPlan, *placed, sizes, error) {
		c, p, pl, err := layOut(ctx, e, d, opt, fs, aspect)
		if err != nil || pw == 0 || p == nil || c.scale >= 1-1e-9 || len(d.Nodes) > narrowMaxBoxes {
			return c, p, pl, fs, err
		}
		if foldsNext && c.scale < farFromFit {
			return c, p, pl, fs, nil // folding does better than any of the tries
		}
		used := fs
		// A layout too tall for the page is also tried with Graphviz
		// packing its columns tighter, as far as the page needs (balance
		// and symmetry give way a little to the minimum font).
		squeeze := func(c *composed, p *layoutPlan, pl *placed, fs sizes) (*composed, *layoutPlan, *placed, error) {
			if c.scale >= 1-1e-9 || c.h*pw <= c.w*ph || len(p.columns) == 0 {
				return c, p, pl, nil
			}
			nc, np, npl, err := layOutCompressed(ctx, e, d, opt, fs, p, pl.h-(c.h-ph))
			if err != nil || nc.scale <= c.scale+1e-9 {
				return c, p, pl, err
			}
			return nc, np, npl, nil
		}
		if c, p, pl, err = squeeze(c, p, pl, fs); err != nil {
			return nil, nil, nil, fs, err
		}
		for _, v := range []struct {
			fs     sizes
			aspect float64
		}{{fs.narrowed(0.85), aspect}, {fs.narrowed(0.7), aspect}, {fs, aspect * 1.6}} {
			nc, np, npl, err := layOut(ctx, e, d, opt, v.fs, v.aspect)
			if err == nil {
				nc, np, npl, err = squeeze(nc, np, npl, v.fs)
			}
			if err != nil {
				return nil, nil, nil, fs, err
			}
			if nc.scale > c.scale+1e-9 {
				c, p, pl, used = nc, np, npl, v.fs
			}
		}
		return c, p, pl, used, nil
	}
	c, p, pl, used, err := lay(d, foldable)
	if err != nil {
		return nil, fmt.Errorf("render: laying out map %q: %w", m.ID, err)
	}
	// Fold step by step while the drawing does not fit at the minimum font:
	// partners first (segments stay visible), then everything, then each
	// account into its segment's box.
	for _, level := range []int{foldPartners, foldRegions, foldAll, foldAccountsIn} {
		if pw == 0 || !foldable || c.scale >= 1-1e-9 {
			break
		}
		od, err := build(m, opt, level)
		if err != nil {
			return nil, err
		}
		if len(od.Nodes) >= len(d.Nodes) {
			continue // grouping this way changes nothing
		}
		oc, op, opl, ofs, err := lay(od, level != foldAccountsIn)
		if err != nil {
			return nil, fmt.Errorf("render: laying out map %q: %w", m.ID, err)
		}
		if oc.scale > c.scale {
			d, c, p, pl, used = od, oc, op, opl, ofs
		}
	}
	// A focus view that does not fit names the partners that only run
	// touchpoints in those touchpoints' boxes, then names fewer of its
	// segment's accounts (half of them, then half again, down to none)
	// and counts the rest.
	if pw > 0 && !opt.Detail && !opt.Fade && opt.Diff == nil && opt.View == ViewFocus && c.scale < 1-1e-9 {
		_, n, err := buildFocus(m, opt, focusFold{keep: -1})
		tries := []focusFold{{operators: true, keep: -1}}
		for keep := n / 2; n > 0; keep /= 2 {
			tries = append(tries, focusFold{operators: true, keep: keep})
			if keep == 0 {
				break
			}
		}
		for _, f := range tries {
			if err != nil || c.scale >= 1-1e-9 {
				break
			}
			var fd *Diagram
			if fd, _, err = buildFocus(m, opt, f); err != nil || len(fd.Nodes) >= len(d.Nodes) {
				continue
			}
			fc, fp, fpl, ffs, lerr := lay(fd, false)
			if err = lerr; err == nil && fc.scale > c.scale+1e-9 {
				d, c, p, pl, used = fd, fc, fp, fpl, ffs
			}
		}
		if err != nil {
			return nil, fmt.Errorf("render: laying out map %q: %w", m.ID, err)
		}
	}
	fs = used
	if min := c.smallest(); min < opt.MinFont-0.05 {
		for i := 0; i < 2; i++ {
			d.Fit = fmt.Sprintf("Smallest text %s: too much for one page.", formatPt(c.smallest()))
			d.Desc = describe(d)
			if p == nil {
				c = composeGrid(d, opt, fs)
			} else {
				c = compose(d, p, pl, opt, fs)
			}
		}
	}
	return &Drawing{Page: c.page, Diagram: d, Smallest: c.smallest(), Folded: d.Overview}, nil
}

// farFromFit is the scale below which a drawing that can still fold is not
// tried narrower or packed tighter: those tries win a few percent, folding
// wins more, and each try is a layout.
const farFromFit = 0.8

// narrowMaxBoxes bounds the drawings laid out a second time with narrower
// text: beyond it a second layout costs more than it can win.
const narrowMaxBoxes = 80

// maxBoxesOnPage is a generous bound on the boxes a page holds at the
// minimum font: beyond it no layout can fit, so the map folds at once.
func maxBoxesOnPage(pw, ph float64, fs sizes) int {
	box := (8 * fs.name) * (2.2 * fs.name) // a short one-line box with its gaps
	return int(pw * ph / box)
}

func layOut(ctx context.Context, e Engine, d *Diagram, opt Options, fs sizes, aspect float64) (*composed, *layoutPlan, *placed, error) {
	if opt.View == ViewTouchpoints && hasKind(d, graph.KindTouchpoint) {
		return composeGrid(d, opt, fs), nil, nil, nil
	}
	furniture := 1.2*(fs.title+fs.subtitle) + 1.7*fs.header + 2*1.8*fs.legend + 3*fs.name
	if len(d.Findings) > 0 {
		aspect *= 0.85 // the column of findings takes a fifth of the width
	}
	p := plan(d, fs, aspect, furniture)
	var pl *placed
	if len(d.Nodes) == 0 {
		pl = &placed{}
	} else {
		out, err := layouts.layout(ctx, e, layoutDOT(d, p))
		if err != nil {
			return nil, nil, nil, err
		}
		if pl, err = readPlain(d, p, out); err != nil {
			return nil, nil, nil, err
		}
	}
	return compose(d, p, pl, opt, fs), p, pl, nil
}

// layOutCompressed lays out d again with the columns of plan p (same
// sizes) packed towards graph height h in points.
func layOutCompressed(ctx context.Context, e Engine, d *Diagram, opt Options, fs sizes, p *layoutPlan, h float64) (*composed, *layoutPlan, *placed, error) {
	q := *p
	q.compressH = math.Max(h, 1)
	out, err := layouts.layout(ctx, e, layoutDOT(d, &q))
	if err != nil {
		return nil, nil, nil, err
	}
	pl, err := readPlain(d, &q, out)
	if err != nil {
		return nil, nil, nil, err
	}
	return compose(d, &q, pl, opt, fs), &q, pl, nil
}

// DOT returns the DOT text of m drawn with opt, for Graphviz's own rendering.
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

// Render draws m in format "svg", "pdf", "png" or "dot": the one dispatch
// the CLI and the API call.
func Render(ctx context.Context, e Engine, m *graph.Map, opt Options, format string) ([]byte, error) {
	if format == "dot" {
		return DOT(m, opt)
	}
	if !isFormat(format) {
		return nil, errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	dr, err := Draw(ctx, e, m, opt)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("render: drawing map %q: %w", m.ID, err)
	}
	var buf bytes.Buffer
	if err := writePage(&buf, dr.Page, format, opt); err != nil {
		return nil, fmt.Errorf("render: writing %s of map %q: %w", format, m.ID, err)
	}
	return buf.Bytes(), nil
}

// writePage writes one drawn page as svg, pdf or png.
func writePage(w io.Writer, p *scene.Page, format string, opt Options) error {
	switch format {
	case "svg":
		return WriteSVG(w, p, opt.TextAsPaths)
	case "pdf":
		return WritePDF(w, []*scene.Page{p})
	case "png":
		return WritePNG(w, p)
	}
	return fmt.Errorf("render: no page writer for %q", format)
}

func isFormat(f string) bool {
	for _, x := range Formats {
		if x == f {
			return true
		}
	}
	return false
}

func hasKind(d *Diagram, k graph.NodeKind) bool {
	for _, n := range d.Nodes {
		if n.Kind == k {
			return true
		}
	}
	return false
}

// layouts remembers recent layouts by their layout DOT, which holds only
// the structure and the box sizes: a drawing that changes only colours,
// theme, page, footer or line styles is drawn again without laying out.
// Behind it, when a process asks for it (UseLayoutCache), the layouts on
// disk.
var layouts = layoutCache{c: NewCache(64)}

type layoutCache struct{ c *Cache }

// The cache is per engine: an engine that is a pointer (a Pool, a test's
// engine) has layouts of its own; value engines (InProcess) share theirs.
func (lc layoutCache) layout(ctx context.Context, e Engine, dot []byte) ([]byte, error) {
	sum := sha256.Sum256(dot)
	key := fmt.Sprintf("%T", e)
	if v := reflect.ValueOf(e); v.Kind() == reflect.Pointer {
		key += fmt.Sprintf("@%x", v.Pointer())
	}
	key += ":" + hex.EncodeToString(sum[:])
	if out, ok := lc.c.Get(key); ok {
		return out, nil
	}
	dc := disk.Load()
	switch e.(type) {
	case InProcess, *Pool: // Graphviz's own layouts only
	default:
		dc = nil
	}
	if dc != nil {
		if out, ok := dc.get(dot); ok {
			lc.c.Put(key, out)
			return out, nil
		}
	}
	out, err := e.Layout(ctx, dot)
	if err != nil {
		return nil, err
	}
	lc.c.Put(key, out)
	if dc != nil {
		dc.put(dot, out)
	}
	return out, nil
}
