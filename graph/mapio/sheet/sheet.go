// Package sheet converts a channel Map to and from two tables, nodes and
// edges, as CSV files or as an XLSX workbook, the way strategists keep them in
// spreadsheets and CRM exports.
//
// Columns are the map-file field names. Reading is forgiving about form (a
// UTF-8 BOM, CRLF, quoted fields, header case and punctuation, thousands
// separators, a decimal comma on request, percentages for margin and share)
// and strict about meaning: every bad cell is reported at once as a
// *graph.ValidationError whose problems name the file, the spreadsheet row
// (the header is row 1), the column and the value, and no map is returned.
// Writing produces the same tables with a stable column order, so a map
// written and read back is equal to the original.
package sheet

import (
	"path/filepath"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// Options controls how tables are read into a map.
type Options struct {
	// ID, Title and Currency set the map's fields. Values given here
	// override a workbook's "map" sheet. Without an ID from either, the id
	// is FallbackID (the output file's name, say), else derived from the
	// nodes file name (see DefaultID); without a Title, the title is the id.
	ID         string
	Title      string
	Currency   string
	FallbackID string
	// DecimalComma reads numbers as "1.200.000,50": '.' groups thousands
	// and ',' is the decimal mark. Without it "1,200,000.50" is expected.
	DecimalComma bool
	// Thousands is the thousands separator when the user named it: "," (the
	// decimal mark is then '.') or "." (the same as DecimalComma). Empty
	// means not said: a number whose reading depends on it (1.200) is then
	// an error showing both readings.
	Thousands string
	// Progress, when set, is called as rows are read, with the rows done so
	// far over both tables and the expected total (0 when not known). It is
	// called at most every progressEvery rows and once at the end with
	// done == total.
	Progress func(done, total int)
}

// progressEvery is how many rows pass between two Progress calls.
const progressEvery = 1000

// The names of the sheets of a workbook.
const (
	SheetNodes = "nodes"
	SheetEdges = "edges"
	SheetMap   = "map"
)

// fields is the field table the columns follow.
var fields = graph.Fields()

// field says what a column of a table holds.
type field int

const (
	fAttr  field = iota // a free attribute; column.key is the attribute name
	fField              // a row of the field table; column.name is its name
	fEntry              // one entry of a score map; column.row is the map's row, column.key the entry
)

// known is one known column: its canonical header.
type known struct {
	name string
}

// columnsOf are the plain columns of a table, in export order: every row
// but the score and list maps, whose entries get a column each.
func columnsOf[T any](fs []graph.Field[T]) []known {
	var out []known
	for _, f := range fs {
		if f.Type != graph.TypeScoreMap && f.Type != graph.TypeListMap {
			out = append(out, known{f.Name})
		}
	}
	return out
}

// scoreMapRows are the score map rows of a table (their entries are NAME.KEY
// columns).
func scoreMapRows[T any](fs []graph.Field[T]) []string {
	var out []string
	for _, f := range fs {
		if f.Type == graph.TypeScoreMap {
			out = append(out, f.Name)
		}
	}
	return out
}

// table says which of the two tables a header or row belongs to.
type table int

const (
	nodesTable table = iota
	edgesTable
)

func (t table) String() string {
	if t == edgesTable {
		return "edges"
	}
	return "nodes"
}

func (t table) columns() []known {
	if t == edgesTable {
		return columnsOf(fields.Edge)
	}
	return columnsOf(fields.Node)
}

// maps are the score map rows of table t.
func (t table) maps() []string {
	if t == edgesTable {
		return scoreMapRows(fields.Edge)
	}
	return scoreMapRows(fields.Node)
}

// required are the columns a table must have.
func (t table) required() []string {
	var out []string
	add := func(name string, req bool) {
		if req {
			out = append(out, name)
		}
	}
	if t == edgesTable {
		for _, f := range fields.Edge {
			add(f.Name, f.Required)
		}
	} else {
		for _, f := range fields.Node {
			add(f.Name, f.Required)
		}
	}
	return out
}

// column is one resolved header cell.
type column struct {
	header string // as written in the file
	name   string // canonical: "cost_to_serve", "scores.growth", or the attribute name
	f      field
	row    string // the field table row: "cost_to_serve", "scores"
	key    string // map entry or attribute name
}

// normHeader is graph.NormHeader: "Cost to serve" matches cost_to_serve.
func normHeader(s string) string { return graph.NormHeader(s) }

// attrKey is the attribute name an unknown column's header gives
// (graph.HeaderKey: "Account manager" -> account_manager).
func attrKey(header string) string { return graph.HeaderKey(strings.TrimSpace(header)) }

// resolve turns one header cell of table t into a column.
func resolve(t table, header string) column {
	h := strings.TrimSpace(header)
	n := normHeader(h)
	for _, k := range t.columns() {
		if normHeader(k.name) == n {
			return column{header: h, name: k.name, f: fField, row: k.name}
		}
	}
	if pre, rest, ok := strings.Cut(h, "."); ok {
		if key := graph.Snake(rest); key != "" {
			for _, r := range t.maps() {
				// "scores.growth" and "score.growth" alike.
				if p := normHeader(pre); p == normHeader(r) || p+"s" == normHeader(r) {
					return column{header: h, name: r + "." + key, f: fEntry, row: r, key: key}
				}
			}
		}
	}
	key := attrKey(h)
	return column{header: h, name: key, f: fAttr, key: key}
}

// DefaultID derives a map id from a file name: the base name without its
// extension and without a "-nodes"/"_nodes" suffix, as a slug
// ("ACME Pumps-nodes.csv" -> "acme-pumps"). It returns "" when nothing is left.
func DefaultID(fileName string) string {
	base := baseTitle(fileName)
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(base) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return strings.Trim(b.String(), "_")
}

// DefaultTitle derives a map title from a file name: its base name without
// extension and without a "-nodes"/"_nodes" suffix.
func DefaultTitle(fileName string) string { return baseTitle(fileName) }

func baseTitle(fileName string) string {
	base := filepath.Base(fileName)
	if base == "." || base == string(filepath.Separator) {
		return ""
	}
	base = strings.TrimSuffix(base, filepath.Ext(base))
	for _, suf := range []string{"-nodes", "_nodes", " nodes", ".nodes"} {
		if len(base) > len(suf) && strings.EqualFold(base[len(base)-len(suf):], suf) {
			base = base[:len(base)-len(suf)]
			break
		}
	}
	return strings.TrimSpace(base)
}

// fill completes the map-level fields from the options and the file name.
func fill(m *graph.Map, opt Options, name string) {
	if opt.ID != "" {
		m.ID = opt.ID
	}
	if m.ID == "" {
		m.ID = opt.FallbackID
	}
	if m.ID == "" {
		m.ID = DefaultID(name)
	}
	if opt.Title != "" {
		m.Title = opt.Title
	}
	if m.Title == "" {
		m.Title = m.ID
	}
	if opt.Currency != "" {
		m.Currency = opt.Currency
	}
}
