package graph

import (
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The limits of chanmap: every size, length, count and time that bounds what
// a file, a spreadsheet or a request may hold. Each is enforced where the
// input is read (before anything big is built) or by validation (so a map
// that passes one of them cannot be valid), and the error names the limit
// and the value. The README's limits table lists them; a test keeps the two
// in agreement.
const (
	// MaxFileSize is the largest map file a reader accepts. Bigger input is
	// refused with a clear error before any parsing.
	MaxFileSize = 64 << 20

	// MaxYAMLSize is the largest map file read as YAML, about 20,000 nodes:
	// the YAML parser is slow and memory-hungry, so bigger maps come as
	// JSON, read up to MaxFileSize.
	MaxYAMLSize = 8 << 20

	// MaxExpandedBytes bounds the text a YAML document holds once its
	// aliases are expanded (every scalar and key counted in bytes, each time
	// an alias repeats it). It is no bigger than the largest YAML input, so
	// aliases can never make a document bigger than one written out in full.
	MaxExpandedBytes = MaxYAMLSize

	// MaxIDLen is the longest id, in bytes: map ids, node ids and edge ids
	// given in the file. The API's path parameters take the same limit.
	MaxIDLen = 200

	// MaxEdgeKeyLen is the longest edge key: an edge without an id is
	// addressed as FROM--KIND--TO, two node ids and the longest kind.
	MaxEdgeKeyLen = 2*MaxIDLen + len("----partners_with")

	// MaxNameLen is the longest short text, in bytes: the map's title and
	// currency, node names, regions, markets, channels, delivery methods,
	// every item of a list (tags, services, prefers, products) and the names
	// of scores, quality criteria and free attributes.
	MaxNameLen = 500

	// MaxTextLen is the longest long text, in bytes: descriptions, needs,
	// why, purpose, what and string values of free attributes. It keeps
	// every value inside one spreadsheet cell (32,767 characters).
	MaxTextLen = 10000

	// MaxListItems is the most items of one list field (tags, services,
	// prefers, products); with MaxNameLen it keeps a list, joined with ";",
	// inside one spreadsheet cell.
	MaxListItems = 50

	// MaxFigure bounds the absolute value of every figure (customers,
	// revenue, cost to serve, replacement months and numeric free
	// attributes), so sums over any map stay finite and exact enough.
	MaxFigure = 1e15

	// MaxSheetBytes bounds the uncompressed size of a workbook's sheets and
	// shared strings together, counted while they are unzipped.
	MaxSheetBytes = 64 << 20

	// MaxSheetRows bounds the rows of one spreadsheet table (CSV file or
	// sheet), counted while reading.
	MaxSheetRows = 200000

	// MaxSheetCells bounds the cells of one spreadsheet table.
	MaxSheetCells = 4000000

	// MaxBodyTime is how long a request body may take to arrive, from the
	// end of its headers; a slower client is cut off (408).
	MaxBodyTime = 30 * time.Second

	// MaxRequestIDLen is the longest X-Request-Id taken from a client
	// (letters, digits, '-', '_', '.', ':'); any other is replaced.
	MaxRequestIDLen = 64
)

// limits checks the sizes of every id, text, list and figure of the map,
// walking the field table (a new row is bounded by its type). It runs
// first in validation; the slug, range and pairing rules then see values
// that are already bounded.
func (v *validator) limits() {
	m := v.m
	v.limitHead(m)
	nodeFields, edgeFields := Names(v.s.Node), Names(v.s.Edge)
	for i, n := range m.Nodes {
		v.limitNode(i, n, nodeFields)
	}
	for i, e := range m.Edges {
		v.limitEdge(i, e, edgeFields)
	}
}

func (v *validator) limitHead(m *Map) {
	limitRows(v, "", v.s.Map, m)
	if c := m.Classification; c != nil {
		limitRows(v, "/classification", v.s.Classification, c)
	}
}

func (v *validator) limitNode(i int, n *Node, fields []string) {
	p := "/nodes/" + strconv.Itoa(i)
	limitRows(v, p, v.s.Node, n)
	v.attrs(p, n.Attrs, fields)
}

func (v *validator) limitEdge(i int, e *Edge, fields []string) {
	p := "/edges/" + strconv.Itoa(i)
	limitRows(v, p, v.s.Edge, e)
	v.attrs(p, e.Attrs, fields)
}

// limitRows bounds the value of every row of fs on x by its type: ids by
// MaxIDLen, enum values and names by MaxNameLen, free text by MaxTextLen
// (a title or name by MaxNameLen), lists item by item, figures by
// MaxFigure, and the names of score and list maps.
// Rows within their limits (nearly all) are passed over before any JSON
// pointer is written: on a 10,000-node map the pointers were most of the
// check's cost.
func limitRows[T any](v *validator, p string, fs []Field[T], x *T) {
	for _, f := range fs {
		val := f.Get(x)
		if withinLimits(f.Type, textLimit(f.Type, f.Multiline, f.Name), val) {
			continue
		}
		ptr := p + "/" + EscapePointer(f.Name)
		switch val := val.(type) {
		case string:
			switch {
			case f.Type == TypeID || f.Type == TypeNodeRef:
				v.idLen(ptr, f.Name, val)
			default:
				v.textLen(ptr, f.Name, val, textLimit(f.Type, f.Multiline, f.Name))
			}
		case []string:
			v.list(p, f.Name, val)
		case *float64:
			v.figure(ptr, f.Name, val)
		case map[string]float64:
			for _, k := range slices.Sorted(maps.Keys(val)) {
				v.textLen(ptr, f.Name, k, MaxNameLen)
				v.figureValue(ptr+"/"+EscapePointer(k), f.Name, val[k])
			}
		case map[string][]string:
			for _, k := range slices.Sorted(maps.Keys(val)) {
				v.textLen(ptr, f.Name, k, MaxNameLen)
				v.list(ptr, k, val[k])
			}
		}
	}
}

// textLimit is the most bytes a text row holds: free text MaxTextLen, a
// title, name, currency or region (and enum values) MaxNameLen.
func textLimit(t FieldType, multiline bool, name string) int {
	if t == TypeText && (multiline || name != "name" && name != "title" && name != "currency" && name != "region") {
		return MaxTextLen
	}
	return MaxNameLen
}

// withinLimits reports a value limitRows has nothing to say about; false
// when it may have (then limitRows looks closely and says what).
func withinLimits(t FieldType, limit int, val any) bool {
	textOK := func(s string, limit int) bool { return len(s) <= limit && plainText(s) == "" }
	listOK := func(items []string) bool {
		if len(items) > MaxListItems {
			return false
		}
		for _, s := range items {
			if s == "" || strings.Contains(s, ";") || strings.TrimSpace(s) != s || !textOK(s, MaxNameLen) {
				return false
			}
		}
		return true
	}
	figOK := func(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) <= MaxFigure }
	switch val := val.(type) {
	case string:
		if t == TypeID || t == TypeNodeRef {
			return len(val) <= MaxIDLen
		}
		return textOK(val, limit)
	case []string:
		return listOK(val)
	case *float64:
		return val == nil || figOK(*val)
	case map[string]float64:
		for k, f := range val {
			if !textOK(k, MaxNameLen) || !figOK(f) {
				return false
			}
		}
		return true
	case map[string][]string:
		for k, items := range val {
			if !textOK(k, MaxNameLen) || !listOK(items) {
				return false
			}
		}
		return true
	}
	return true
}

func (v *validator) idLen(ptr, field, s string) {
	if len(s) > MaxIDLen {
		v.add(ptr, field, s, "%s is %d bytes long; ids are at most %d bytes (MaxIDLen)", field, len(s), MaxIDLen)
	}
}

func (v *validator) textLen(ptr, field, s string, limit int) {
	if len(s) > limit {
		v.add(ptr, field, s, "%s is %d bytes long; this field holds at most %d bytes", field, len(s), limit)
		return
	}
	if msg := plainText(s); msg != "" {
		v.add(ptr, field, s, "%s %s", field, msg)
	}
}

// plainText says what keeps s from being written to any format and read
// back the same (a spreadsheet reads a blank cell as no value and cannot
// hold most control characters), or "" when nothing does.
func plainText(s string) string {
	if s == "" {
		return ""
	}
	if strings.TrimSpace(s) == "" {
		return "holds only white space; leave it out or write something"
	}
	for _, r := range s {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return fmt.Sprintf("holds the character %U; text holds no control characters but tabs and line feeds", r)
		}
	}
	return ""
}

func (v *validator) list(p, field string, items []string) {
	ptr := p + "/" + EscapePointer(field)
	if len(items) > MaxListItems {
		v.add(ptr, field, strconv.Itoa(len(items)), "%s has %d items; a list holds at most %d (MaxListItems)", field, len(items), MaxListItems)
	}
	for j, s := range items {
		p := ptr + "/" + strconv.Itoa(j)
		switch {
		case s == "":
			v.add(p, field, s, "%s has an empty item", field)
		case strings.Contains(s, ";"):
			v.add(p, field, s, "%s item %q holds ';', which separates list items in a spreadsheet cell", field, s)
		case strings.TrimSpace(s) != s:
			v.add(p, field, s, "%s item %q starts or ends with white space", field, s)
		default:
			v.textLen(p, field, s, MaxNameLen)
		}
	}
}

func (v *validator) figure(ptr, field string, f *float64) {
	if f != nil {
		v.figureValue(ptr, field, *f)
	}
}

func (v *validator) figureValue(ptr, field string, f float64) {
	if !math.IsNaN(f) && !math.IsInf(f, 0) && math.Abs(f) > MaxFigure {
		v.add(ptr, field, fnum(f), "%s %s is outside the range of figures (at most %g in absolute value)", field, fnum(f), float64(MaxFigure))
	}
}

func (v *validator) attrs(p string, attrs map[string]any, fields []string) {
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		ptr := p + "/" + EscapePointer(k)
		if len(k) > MaxNameLen {
			v.add(p, k, k, "a free attribute's name is %d bytes long; names hold at most %d bytes", len(k), MaxNameLen)
			continue
		}
		if msg := attrNameProblem(k, fields); msg != "" {
			v.add(ptr, k, k, "free attribute %q %s", k, msg)
			continue
		}
		switch x := attrs[k].(type) {
		case string:
			v.textLen(ptr, k, x, MaxTextLen)
		case float64:
			v.figureValue(ptr, k, x)
		}
	}
}

// clip shortens a value quoted in a problem, so that a huge value is never
// echoed back whole.
func clip(s string) string {
	const max = 120
	if len(s) <= max {
		return s
	}
	cut := max - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..." + fmt.Sprintf(" (%d bytes)", len(s))
}

// OpenInput opens a file to read a map or a table from. A regular file or a
// pipe is opened (reading stays within the size limits); a device, a
// directory or a socket is refused at once with a clear error, since reading
// one (/dev/urandom, /dev/zero) would never end or never make sense.
func OpenInput(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	mode := fi.Mode()
	if mode.IsRegular() || mode&os.ModeNamedPipe != 0 {
		return f, nil
	}
	f.Close()
	what := "not a regular file"
	switch {
	case mode.IsDir():
		what = "a directory"
	case mode&os.ModeDevice != 0:
		what = "a device"
	case mode&os.ModeSocket != 0:
		what = "a socket"
	}
	return nil, fmt.Errorf("%s is %s; give a file (or a pipe) to read", path, what)
}

// CheckLimits reports the ids, texts, lists and figures of m that pass the
// limits above, as Validate would, without the other rules. Code that takes
// a map from somewhere other than a fresh validation (a map stored before
// a limit existed) calls it before computing with its figures.
func CheckLimits(m *Map) error {
	if m == nil {
		return nil
	}
	v := &validator{s: std, m: m}
	v.limits()
	return v.limitsErr()
}

func (v *validator) limitsErr() error {
	if len(v.probs) == 0 {
		return nil
	}
	SortProblems(v.probs)
	return &ValidationError{Problems: v.probs}
}

// LimitCheck is CheckLimits for a map given piece by piece, in
// MapVisitor order, so that a reader that analyses a map as it streams
// need not hold the map to bound it: Head, Node and Edge check each
// piece as it comes, Err is CheckLimits's answer on the whole map.
type LimitCheck struct {
	v                      validator
	nodeFields, edgeFields []string
}

// NewLimitCheck starts the check of one map.
func NewLimitCheck() *LimitCheck {
	return &LimitCheck{v: validator{s: std}, nodeFields: Names(std.Node), edgeFields: Names(std.Edge)}
}

// Head checks the map's own fields and its classification block.
func (c *LimitCheck) Head(m *Map) { c.v.limitHead(m) }

// Node checks node i of the map.
func (c *LimitCheck) Node(i int, n *Node) { c.v.limitNode(i, n, c.nodeFields) }

// Edge checks edge i of the map.
func (c *LimitCheck) Edge(i int, e *Edge) { c.v.limitEdge(i, e, c.edgeFields) }

// Err is nil when every piece checked is within the limits, else a
// *ValidationError listing every problem in document order.
func (c *LimitCheck) Err() error { return c.v.limitsErr() }

// attrNameProblem says why a free attribute's name would not come back as
// itself from a spreadsheet header, or "". A header is matched to a field
// without regard to case, spaces and punctuation, and any other header
// becomes an attribute named as written when it is letters, digits, '_'
// and '-', else its snake_case form (graph/mapio/sheet reads them so).
func attrNameProblem(name string, fields []string) string {
	if slices.Contains(fields, name) || name == "attrs" {
		return "" // validation says so already
	}
	if name != HeaderKey(name) {
		return fmt.Sprintf("would come back from a spreadsheet as %q; name attributes with letters, digits, '_' and '-'", HeaderKey(name))
	}
	n := NormHeader(name)
	for _, f := range fields {
		if NormHeader(f) == n {
			return fmt.Sprintf("would come back from a spreadsheet as the field %s; rename it", f)
		}
	}
	return ""
}

// NormHeader reduces a spreadsheet header to lower-case letters and digits,
// so that "Cost to serve", "cost_to_serve" and "COST-TO-SERVE" match one
// field.
func NormHeader(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// HeaderKey is the free attribute name a spreadsheet column header gives:
// the header itself when it is letters, digits, '_' and '-', else its
// snake_case form ("Account manager" -> account_manager). A map's attribute
// names must be their own HeaderKey, so they come back from a spreadsheet.
func HeaderKey(h string) string {
	plain := h != ""
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			plain = false
			break
		}
	}
	if plain {
		return h
	}
	return Snake(h)
}

// Snake turns text into a snake_case key: lower case, every run of other
// characters than letters and digits one '_', none at the ends.
func Snake(s string) string {
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
