package render

import (
	"context"
	"math"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/compare"
	"github.com/chanmap/chanmap/render/scene"
)

// DiffSide is which side of a change a diff drawing shows. Every side is
// drawn from the one layout of the union of both maps, so a box keeps its
// place from one side to the other.
type DiffSide string

// The sides of a diff drawing.
const (
	// SideBoth marks every addition, removal and change on the union.
	SideBoth DiffSide = "both"
	// SideBefore is the first map: what the second one added is ghosted.
	SideBefore DiffSide = "before"
	// SideAfter is the second map: what it removed is ghosted.
	SideAfter DiffSide = "after"
)

// DiffSides lists the sides in the order a deck shows them.
var DiffSides = []DiffSide{SideBefore, SideAfter, SideBoth}

// DiffOverlay draws a change (Options.Diff): the map drawn is the union of
// both maps (compare.UnionOf), each box and line marked by its status in
// colour and line style with a written mark, as the legend says.
type DiffOverlay struct {
	Union  *compare.Union
	Result *compare.Result // the fields that changed and the figures that moved
	Side   DiffSide        // "" is SideBoth
}

// Diff statuses by colour (Okabe-Ito, apart under every common colour
// blindness) and, since colour alone is never the message, by line style
// and a written mark: added thick and solid, removed dashed and greyed,
// changed dotted.
var (
	addedColor   = scene.RGB(0x00, 0x48, 0x34) // a deep bluish green: apart from the grey of removals under every common colour blindness
	changedColor = okVermil
	removedColor = midGrey
)

// Diff draws the change from a (before) to b (after): it returns the union
// of both maps and opt with the overlay that marks it, to pass to Draw or
// Render (after WithAnalysis when the options need figures). r is
// compare.Diff(a, b); nil computes it.
func Diff(a, b *graph.Map, r *compare.Result, side DiffSide, opt Options) (*graph.Map, Options, error) {
	if a == nil || b == nil {
		return nil, opt, errorf("a diff needs both maps")
	}
	if side == "" {
		side = SideBoth
	}
	if err := checkSide(side); err != nil {
		return nil, opt, err
	}
	if r == nil {
		var err error
		if r, err = compare.Diff(a, b); err != nil {
			return nil, opt, err
		}
	}
	u := compare.UnionOf(a, b)
	opt.Diff = &DiffOverlay{Union: u, Result: r, Side: side}
	return u.Map, opt, nil
}

// DrawDiff draws the sides asked for (before, after, both) of the change
// from a to b, each on its own page and all from one layout: the union is
// laid out once and the other sides reuse it.
func DrawDiff(ctx context.Context, e Engine, a, b *graph.Map, r *compare.Result, opt Options, sides ...DiffSide) ([]*Drawing, error) {
	var out []*Drawing
	var m *graph.Map
	var err error
	for i, side := range sides {
		if i == 0 {
			if m, opt, err = Diff(a, b, r, side, opt); err != nil {
				return nil, err
			}
			if opt, err = WithAnalysis(m, opt); err != nil {
				return nil, err
			}
		} else {
			if err := checkSide(side); err != nil {
				return nil, err
			}
			ov := *opt.Diff
			ov.Side = side
			opt.Diff = &ov
		}
		dr, err := Draw(ctx, e, m, opt)
		if err != nil {
			return nil, err
		}
		out = append(out, dr)
	}
	return out, nil
}

func checkSide(s DiffSide) error {
	switch s {
	case SideBoth, SideBefore, SideAfter:
		return nil
	}
	return errorf("unknown diff side %q (want before, after or both)", s)
}

// checkDiff is Normalise's check of the overlay.
func checkDiff(opt Options) error {
	if opt.Diff == nil {
		return nil
	}
	if opt.Diff.Union == nil {
		return errorf("a diff drawing needs the union of both maps")
	}
	if opt.Diff.Side == "" {
		return nil
	}
	return checkSide(opt.Diff.Side)
}

func (b *builder) diffSide() DiffSide {
	if s := b.opt.Diff.Side; s != "" {
		return s
	}
	return SideBoth
}

// diffTitle names the side on the page's title.
func (b *builder) diffTitle(title string) string {
	if b.opt.Diff == nil {
		return title
	}
	switch b.diffSide() {
	case SideBefore:
		return title + " · before"
	case SideAfter:
		return title + " · after"
	}
	return title + " · what changed"
}

// diffSubtitle says from what to what, and how much changed.
func (b *builder) diffSubtitle() string {
	ov := b.opt.Diff
	if ov == nil || ov.Result == nil {
		return ""
	}
	r := ov.Result
	c := r.Counts
	count := func(n int, what string) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n) + " " + what
	}
	var parts []string
	for _, s := range []string{
		count(c.NodesAdded+c.EdgesAdded, "added"),
		count(c.NodesRemoved+c.EdgesRemoved, "removed"),
		count(c.NodesChanged+c.EdgesChanged, "changed"),
	} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	what := "no changes"
	if len(parts) > 0 {
		what = strings.Join(parts, ", ")
	}
	return "From " + sideName(r.From, r.To, "the first map") + " to " + sideName(r.To, r.From, "the second") + ": " + what
}

// sideName names one compared map for people: its label, "version 3", its
// id, or fallback when nothing tells it from the other.
func sideName(s compare.Side, other compare.Side, fallback string) string {
	switch {
	case s.Label == "" && s.Version == other.Version && s.Map == other.Map:
		return fallback // two files of one map: no name tells them apart
	case s.Label != "":
		return cleanText(s.Label, true)
	case s.Version > 0:
		return "version " + strconv.FormatInt(s.Version, 10)
	}
	return cleanText(s.Map, true)
}

// diffMarks marks every box and line of the diagram by its status. The
// marks are the same on every side, so every side has the same boxes and
// one layout; a side ghosts (fades) what its map lacks.
func (b *builder) diffMarks(d *Diagram) {
	ov := b.opt.Diff
	if ov == nil || ov.Union == nil {
		return
	}
	side := b.diffSide()
	nodeFields := map[string][]compare.FieldChange{}
	edgeFields := map[string][]compare.FieldChange{}
	figures := map[string]compare.FigureChange{}
	if r := ov.Result; r != nil {
		for _, n := range r.Nodes {
			nodeFields[n.ID] = n.Fields
		}
		for _, e := range r.Edges {
			edgeFields[e.Key] = e.Fields
		}
		for _, f := range r.Figures {
			figures[f.ID] = f
		}
	}
	absent := func(st compare.Status) bool {
		return side == SideBefore && st == compare.Added || side == SideAfter && st == compare.Removed
	}
	for i := range d.Nodes {
		dn := &d.Nodes[i]
		if len(dn.Members) > 0 {
			b.diffGroup(dn, ov.Union)
			continue
		}
		st := ov.Union.Nodes[dn.ID]
		switch st {
		case compare.Added:
			dn.Stroke, dn.PenWidth, dn.Dash, dn.Double = addedColor, 4, Solid, false
			dn.Lines = append(dn.Lines, Line{Text: "+\u00a0new", Small: true, Bold: true})
		case compare.Removed:
			dn.Fill, dn.Stroke, dn.Text, dn.PenWidth, dn.Dash, dn.Double = paleGrey, removedColor, ink, 2, Dashed, false
			dn.Lines = append(dn.Lines, Line{Text: "−\u00a0removed", Small: true, Bold: true})
		case compare.Changed:
			dn.Stroke, dn.PenWidth, dn.Dash, dn.Double = changedColor, 3, Dotted, false
			dn.Lines = append(dn.Lines, Line{Text: "~\u00a0changed: " + fieldNames(nodeFields[dn.ID]), Small: true, Bold: true})
			dn.Tooltip += "\nchanged: " + fieldPhrases(nodeFields[dn.ID], 0)
		}
		if f, ok := figures[dn.ID]; ok {
			if l := figureLine(b.m.Currency, f); l != "" {
				dn.Lines = append(dn.Lines, Line{Text: l, Small: true})
			}
		}
		if st != "" && st != compare.Same {
			b.drawn["diff:"+string(st)] = true
		}
		dn.Faded = dn.Faded || absent(st)
	}
	for i := range d.Edges {
		de := &d.Edges[i]
		st := ov.Union.Edges[de.Key]
		switch st {
		case compare.Added:
			de.Color, de.Width, de.Style = addedColor, math.Max(de.Width, 1.6)*2, Solid
			de.Label = joinLabel("+\u00a0new", de.Label)
		case compare.Removed:
			de.Color, de.Width, de.Style = removedColor, math.Max(de.Width, 1.6), Dashed
			de.Label = "−\u00a0removed"
		case compare.Changed:
			de.Color, de.Width = changedColor, math.Max(de.Width, 1.6)+1
			de.Label = "~\u00a0" + fieldPhrases(edgeFields[de.Key], 2)
			de.Tooltip += "\nchanged: " + fieldPhrases(edgeFields[de.Key], 0)
		}
		if st != "" && st != compare.Same {
			b.drawn["diffedge:"+string(st)] = true
		}
		if de.Count == 0 {
			de.Faded = de.Faded || absent(st)
		}
	}
}

// diffGroup marks a group box of an overview with how many of its members
// were added, removed or changed.
func (b *builder) diffGroup(dn *Node, u *compare.Union) {
	n := map[compare.Status]int{}
	for _, id := range dn.Members {
		n[u.Nodes[id]]++
	}
	var parts []string
	if n[compare.Added] > 0 {
		parts = append(parts, "+"+strconv.Itoa(n[compare.Added])+"\u00a0new")
	}
	if n[compare.Removed] > 0 {
		parts = append(parts, "−"+strconv.Itoa(n[compare.Removed])+"\u00a0removed")
	}
	if n[compare.Changed] > 0 {
		parts = append(parts, "~"+strconv.Itoa(n[compare.Changed])+"\u00a0changed")
	}
	if len(parts) == 0 {
		return
	}
	// A group is drawn as changed; its mark counts what happened inside.
	b.drawn["diff:changed"] = true
	dn.Stroke, dn.PenWidth, dn.Dash = changedColor, 3, Dotted
	dn.Lines = append(dn.Lines, Line{Text: strings.Join(parts, " · "), Small: true, Bold: true})
}

func joinLabel(mark, label string) string {
	if label == "" {
		return mark
	}
	return mark + " · " + label
}

// fieldName says a changed field in words: "growth score", "cost to serve".
func fieldName(f string) string {
	f = strings.TrimPrefix(f, "attrs.")
	if rest, ok := strings.CutPrefix(f, "scores."); ok {
		f = rest + " score"
	} else if rest, ok := strings.CutPrefix(f, "quality."); ok {
		f = rest + " quality"
	}
	return cleanText(strings.NewReplacer("_", " ", ".", " ").Replace(f), true)
}

// fieldNames lists the changed fields, at most two and how many more.
func fieldNames(fs []compare.FieldChange) string {
	names := make([]string, 0, len(fs))
	for _, f := range fs {
		names = append(names, fieldName(f.Field))
	}
	if len(names) == 0 {
		return "details"
	}
	return listOf(names, 2)
}

// fieldPhrases says each change with its values ("margin 18 % → 25 %"),
// at most max of them (0: all) and how many more.
func fieldPhrases(fs []compare.FieldChange, max int) string {
	var out []string
	for i, f := range fs {
		if max > 0 && i == max {
			out = append(out, "+"+strconv.Itoa(len(fs)-max)+" more")
			break
		}
		out = append(out, fieldName(f.Field)+" "+fieldValue(f.Field, f.Before)+" → "+fieldValue(f.Field, f.After))
	}
	if len(out) == 0 {
		return "details"
	}
	return strings.Join(out, ", ")
}

// fieldValue writes one value of a changed field short: fractions as
// percentages, text shortened, lists counted.
func fieldValue(field string, v any) string {
	switch x := v.(type) {
	case nil:
		return "none"
	case float64:
		if field == "margin" || field == "share" || field == "gross_margin" {
			return percent(x)
		}
		return formatCount(x)
	case string:
		s := cleanText(x, true)
		if r := []rune(s); len(r) > 24 {
			s = string(r[:23]) + "…"
		}
		return s
	case []any:
		if len(x) == 1 {
			return "1 item"
		}
		return strconv.Itoa(len(x)) + " items"
	}
	return "set"
}

// figureLine says how a segment's figures moved: "net EUR 800 k → 500 k ·
// tier 1 → 2".
func figureLine(currency string, f compare.FigureChange) string {
	var parts []string
	money := func(p *float64) string {
		if p == nil {
			return "none"
		}
		return compactMoney("", *p)
	}
	cur := ""
	if currency != "" {
		cur = currency + " "
	}
	switch nb, na := f.Before.NetRevenue, f.After.NetRevenue; {
	case na == nil:
	case nb == nil:
		parts = append(parts, "net "+cur+money(na))
	case moved(*nb, *na):
		parts = append(parts, "net "+cur+money(nb)+" → "+money(na))
	}
	if f.Before.Tier != f.After.Tier && f.Before.Tier != "" && f.After.Tier != "" {
		parts = append(parts, "tier "+f.Before.Tier+" → "+f.After.Tier)
	}
	return strings.Join(parts, " · ")
}

// moved reports a figure that moved enough to write on a box: by 5 % or
// more (the diff lists every move).
func moved(a, b float64) bool {
	return math.Abs(b-a) >= 0.05*math.Max(math.Abs(a), math.Abs(b)) && compactMoney("", a) != compactMoney("", b)
}

// diffLegend explains the status marks drawn.
func (b *builder) diffLegend() []LegendEntry {
	if b.opt.Diff == nil {
		return nil
	}
	var out []LegendEntry
	box := func(key, label string, n Node) {
		if b.drawn[key] {
			out = append(out, LegendEntry{Kind: LegendBox, Label: label, Node: n})
		}
	}
	box("diff:added", "+ New (thick outline)", Node{Shape: scene.RoundRect, Fill: neutralFill, Stroke: addedColor, PenWidth: 4, Text: ink})
	box("diff:removed", "− Removed (dashed, greyed)", Node{Shape: scene.RoundRect, Fill: paleGrey, Stroke: removedColor, PenWidth: 2, Dash: Dashed, Text: ink})
	box("diff:changed", "~ Changed (dotted; what changed is written)", Node{Shape: scene.RoundRect, Fill: neutralFill, Stroke: changedColor, PenWidth: 3, Dash: Dotted, Text: ink})
	line := func(key, label string, e Edge) {
		if b.drawn[key] {
			out = append(out, LegendEntry{Kind: LegendLine, Label: label, Edge: e})
		}
	}
	line("diffedge:added", "new connection", Edge{Style: Solid, Color: addedColor, Width: 3.2, Arrow: scene.ArrowNormal})
	line("diffedge:removed", "removed connection", Edge{Style: Dashed, Color: removedColor, Width: 1.6, Arrow: scene.ArrowNormal})
	line("diffedge:changed", "changed connection", Edge{Style: Solid, Color: changedColor, Width: 2.6, Arrow: scene.ArrowNormal})
	return out
}

// changedInDiff reports whether node id was added, removed or changed in the
// diff being drawn: an overview keeps such a node as its own box, since the
// change is what the drawing is for.
func (b *builder) changedInDiff(id string) bool {
	if b.opt.Diff == nil || b.opt.Diff.Union == nil {
		return false
	}
	st, ok := b.opt.Diff.Union.Nodes[id]
	return ok && st != compare.Same
}
