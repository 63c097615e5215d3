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
	"regexp"
	"strings"
	"unicode"

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

// field names a column of a table: a known field of a node or an edge, one
// entry of a nested map (scores, quality), or a free attribute.
type field int

const (
	fAttr field = iota // free attribute; column.key is the attribute name
	fID
	fKind
	fName
	fDescription
	fTags
	fRegion
	fServices
	fMarket
	fCustomers
	fRevenue
	fCostToServe
	fGrossMargin
	fPrefers
	fNeeds
	fTier
	fChannel
	fPurpose
	fReplacementMonths
	fScore   // column.key is the score name
	fQuality // column.key is the criterion
	fFrom
	fTo
	fDelivery
	fProducts
	fMargin
	fShare
	fWhy
	fWhat
)

// known is one known column: its canonical header and field.
type known struct {
	name string
	f    field
}

// nodeColumns are the known node columns in export order; scores.*,
// quality.* and attributes follow them.
var nodeColumns = []known{
	{"id", fID}, {"kind", fKind}, {"name", fName}, {"description", fDescription}, {"tags", fTags},
	{"region", fRegion}, {"services", fServices},
	{"market", fMarket}, {"customers", fCustomers}, {"revenue", fRevenue}, {"cost_to_serve", fCostToServe},
	{"gross_margin", fGrossMargin}, {"prefers", fPrefers}, {"needs", fNeeds}, {"tier", fTier},
	{"channel", fChannel}, {"purpose", fPurpose}, {"replacement_months", fReplacementMonths},
}

// edgeColumns are the known edge columns in export order; attributes follow.
var edgeColumns = []known{
	{"id", fID}, {"from", fFrom}, {"to", fTo}, {"kind", fKind},
	{"delivery", fDelivery}, {"products", fProducts}, {"margin", fMargin}, {"share", fShare},
	{"services", fServices}, {"why", fWhy}, {"purpose", fPurpose}, {"what", fWhat},
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
		return edgeColumns
	}
	return nodeColumns
}

// required are the columns a table must have.
func (t table) required() []string {
	if t == edgesTable {
		return []string{"from", "to", "kind"}
	}
	return []string{"id", "kind", "name"}
}

// column is one resolved header cell.
type column struct {
	header string // as written in the file
	name   string // canonical: "cost_to_serve", "scores.growth", or the attribute name
	f      field
	key    string // score, criterion or attribute name
}

// normHeader reduces a header to lower-case letters and digits, so that
// "Cost to serve", "cost_to_serve" and "COST-TO-SERVE" are the same.
func normHeader(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// snake turns text into a snake_case key: lower case, every run of other
// characters than letters and digits one '_', none at the ends.
func snake(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		sep = true
	}
	return b.String()
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// attrKey is the attribute name an unknown column's header gives: the header
// itself when it is a plain key (letters, digits, '_' and '-'), else its
// snake_case form ("Account manager" -> account_manager).
func attrKey(header string) string {
	h := strings.TrimSpace(header)
	if plainKey.MatchString(h) {
		return h
	}
	return snake(h)
}

// resolve turns one header cell of table t into a column.
func resolve(t table, header string) column {
	h := strings.TrimSpace(header)
	n := normHeader(h)
	for _, k := range t.columns() {
		if normHeader(k.name) == n {
			return column{header: h, name: k.name, f: k.f}
		}
	}
	if t == nodesTable {
		if pre, rest, ok := strings.Cut(h, "."); ok {
			if key := snake(rest); key != "" {
				switch normHeader(pre) {
				case "scores", "score":
					return column{header: h, name: "scores." + key, f: fScore, key: key}
				case "quality":
					return column{header: h, name: "quality." + key, f: fQuality, key: key}
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
