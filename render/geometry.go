package render

import (
	"math"

	"github.com/chanmap/chanmap/render/scene"
)

// seg is one step of an outline: move, line, cubic curve or close. Every
// writer draws a box's shape from the same outline.
type seg struct {
	op  byte // 'M', 'L', 'C', 'Z'
	pts []scene.Point
}

// kappa places the control points of a cubic Bézier quarter ellipse.
const kappa = 0.5522847498

// outline is the path of a box's shape, inset by in points (for the second
// outline of a double border). Cylinders add their top rim as a second
// subpath; folders their tab's fold.
func outline(b *scene.Box, in float64) []seg {
	x, y, w, h := b.X+in, b.Y+in, b.W-2*in, b.H-2*in
	if w <= 0 || h <= 0 {
		return nil
	}
	P := func(px, py float64) scene.Point { return scene.Point{X: px, Y: py} }
	poly := func(pts ...scene.Point) []seg {
		out := []seg{{'M', pts[:1]}}
		for _, p := range pts[1:] {
			out = append(out, seg{'L', []scene.Point{p}})
		}
		return append(out, seg{op: 'Z'})
	}
	ellipse := func(cx, cy, rx, ry float64) []seg {
		kx, ky := rx*kappa, ry*kappa
		return []seg{
			{'M', []scene.Point{P(cx+rx, cy)}},
			{'C', []scene.Point{P(cx+rx, cy+ky), P(cx+kx, cy+ry), P(cx, cy+ry)}},
			{'C', []scene.Point{P(cx-kx, cy+ry), P(cx-rx, cy+ky), P(cx-rx, cy)}},
			{'C', []scene.Point{P(cx-rx, cy-ky), P(cx-kx, cy-ry), P(cx, cy-ry)}},
			{'C', []scene.Point{P(cx+kx, cy-ry), P(cx+rx, cy-ky), P(cx+rx, cy)}},
			{op: 'Z'},
		}
	}
	switch b.Shape {
	case scene.Ellipse:
		return ellipse(x+w/2, y+h/2, w/2, h/2)
	case scene.RoundRect:
		r := math.Min(math.Min(w, h)/2, 6)
		k := r * (1 - kappa)
		return []seg{
			{'M', []scene.Point{P(x+r, y)}},
			{'L', []scene.Point{P(x+w-r, y)}},
			{'C', []scene.Point{P(x+w-k, y), P(x+w, y+k), P(x+w, y+r)}},
			{'L', []scene.Point{P(x+w, y+h-r)}},
			{'C', []scene.Point{P(x+w, y+h-k), P(x+w-k, y+h), P(x+w-r, y+h)}},
			{'L', []scene.Point{P(x+r, y+h)}},
			{'C', []scene.Point{P(x+k, y+h), P(x, y+h-k), P(x, y+h-r)}},
			{'L', []scene.Point{P(x, y+r)}},
			{'C', []scene.Point{P(x, y+k), P(x+k, y), P(x+r, y)}},
			{op: 'Z'},
		}
	case scene.Hexagon:
		d := math.Min(h*0.3, w/4)
		return poly(P(x+d, y), P(x+w-d, y), P(x+w, y+h/2), P(x+w-d, y+h), P(x+d, y+h), P(x, y+h/2))
	case scene.Diamond:
		return poly(P(x+w/2, y), P(x+w, y+h/2), P(x+w/2, y+h), P(x, y+h/2))
	case scene.Parallelogram:
		d := math.Min(h*0.3, w/4)
		return poly(P(x+d, y), P(x+w, y), P(x+w-d, y+h), P(x, y+h))
	case scene.Cylinder:
		ry := math.Min(h/6, 5)
		kx, ky := w/2*kappa, ry*kappa
		body := []seg{
			{'M', []scene.Point{P(x, y+ry)}},
			{'C', []scene.Point{P(x, y+ry-ky), P(x+w/2-kx, y), P(x+w/2, y)}},
			{'C', []scene.Point{P(x+w/2+kx, y), P(x+w, y+ry-ky), P(x+w, y+ry)}},
			{'L', []scene.Point{P(x+w, y+h-ry)}},
			{'C', []scene.Point{P(x+w, y+h-ry+ky), P(x+w/2+kx, y+h), P(x+w/2, y+h)}},
			{'C', []scene.Point{P(x+w/2-kx, y+h), P(x, y+h-ry+ky), P(x, y+h-ry)}},
			{op: 'Z'},
		}
		rim := []seg{
			{'M', []scene.Point{P(x, y+ry)}},
			{'C', []scene.Point{P(x, y+ry+ky), P(x+w/2-kx, y+2*ry), P(x+w/2, y+2*ry)}},
			{'C', []scene.Point{P(x+w/2+kx, y+2*ry), P(x+w, y+ry+ky), P(x+w, y+ry)}},
		}
		return append(body, rim...)
	case scene.Folder:
		d := math.Min(math.Min(w, h)/3, 8)
		out := poly(P(x, y), P(x+w-d, y), P(x+w, y+d), P(x+w, y+h), P(x, y+h))
		return append(out, seg{'M', []scene.Point{P(x+w-d, y)}}, seg{'L', []scene.Point{P(x+w-d, y+d)}}, seg{'L', []scene.Point{P(x+w, y+d)}})
	}
	return poly(P(x, y), P(x+w, y), P(x+w, y+h), P(x, y+h))
}

// arrowHead is the triangle at the end of a line: tip at the last point,
// pointing along the line's last direction, sized by the stroke width.
func arrowHead(l *scene.Line) (tip, left, right scene.Point, ok bool) {
	n := len(l.Points)
	if n < 2 || l.End == scene.ArrowNone {
		return tip, left, right, false
	}
	tip = l.Points[n-1]
	var from scene.Point
	for i := n - 2; i >= 0; i-- {
		from = l.Points[i]
		if math.Hypot(tip.X-from.X, tip.Y-from.Y) > 0.1 {
			break
		}
	}
	dx, dy := tip.X-from.X, tip.Y-from.Y
	d := math.Hypot(dx, dy)
	if d < 1e-6 {
		return tip, left, right, false
	}
	dx, dy = dx/d, dy/d
	w := math.Max(1, l.Stroke.Width)
	length, half := 3+2.5*w, 1.5+1.2*w
	bx, by := tip.X-dx*length, tip.Y-dy*length
	return tip, scene.Point{X: bx - dy*half, Y: by + dx*half}, scene.Point{X: bx + dy*half, Y: by - dx*half}, true
}

// textLines positions the lines of a box: the baseline of each, stacked and
// centred vertically in the box.
func boxBaselines(b *scene.Box) []float64 {
	total := 0.0
	for _, s := range b.Lines {
		total += s.Size * scene.LineHeight
	}
	y := b.Y + (b.H-total)/2
	out := make([]float64, len(b.Lines))
	for i, s := range b.Lines {
		out[i] = y + baseline(s.Size)
		y += s.Size * scene.LineHeight
	}
	return out
}

// baseline is how far below a line's top its baseline sits.
func baseline(size float64) float64 {
	return size*(scene.LineHeight-scene.Ascent-scene.Descent)/2 + size*scene.Ascent
}

// textX is the anchor x of box text for its alignment.
func textX(b *scene.Box) float64 {
	switch b.Align {
	case scene.AlignCenter:
		return b.X + b.W/2
	case scene.AlignRight:
		return b.X + b.W - b.Padding
	}
	return b.X + b.Padding
}
