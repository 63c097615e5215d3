package sheet

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/chanmap/chanmap/graph"
)

// ReadXLSX reads a map from an XLSX workbook with the sheets "nodes" and
// "edges" (names matched without regard to case; "edges" may be missing for
// a map without edges) and, optionally, "map" with key/value rows for id,
// title, currency and classification.* as WriteXLSX writes them. name names
// the workbook in problems. Cells keep their spreadsheet types: a number cell
// is read as stored, a text cell in an attribute column stays text.
func ReadXLSX(r io.Reader, name string, opt Options) (*graph.Map, error) {
	data, err := readWorkbook(r, name)
	if err != nil {
		return nil, err
	}
	if err := checkWorkbook(data, name); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), unzipLimits)
	if err != nil {
		return nil, &graph.ValidationError{Problems: []graph.Problem{{File: name, Pointer: "", Message: "not a readable XLSX workbook: " + err.Error()}}}
	}
	defer f.Close()
	lazy := &typer{data: data}
	defer lazy.close()

	b := newBuilder(opt)
	sheets := f.GetSheetList()
	find := func(want string) string {
		for _, s := range sheets {
			if strings.EqualFold(strings.TrimSpace(s), want) {
				return s
			}
		}
		return ""
	}
	if s := find(SheetMap); s != "" {
		if err := readMapSheet(f, s, name, b); err != nil {
			return nil, err
		}
	}
	nodes := find(SheetNodes)
	if nodes == "" {
		b.add(nodesTable, graph.Problem{File: name, Pointer: "/nodes", Message: fmt.Sprintf("the workbook has no %q sheet (it has %s)", SheetNodes, strings.Join(quoteAll(sheets), ", "))})
	} else {
		b.readTable(nodesTable, newXLSXSource(f, nodes, lazy), sheetFile(name, nodes))
	}
	if edges := find(SheetEdges); edges != "" {
		b.readTable(edgesTable, newXLSXSource(f, edges, lazy), sheetFile(name, edges))
	}
	return b.finish(name)
}

// MaxUnzipSize is the most a workbook may unpack to (its XML parts
// together), graph.MaxSheetBytes. Workbooks are zip files: a small upload
// may unpack to gigabytes, so bigger ones are refused rather than read.
const MaxUnzipSize = graph.MaxSheetBytes

var unzipLimits = excelize.Options{UnzipSizeLimit: MaxUnzipSize}

// sheetFile names a sheet of a workbook in problems: "book.xlsx[nodes]".
func sheetFile(book, sheet string) string { return book + "[" + sheet + "]" }

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// typer answers cell types from a second copy of the workbook, opened only
// when a cell's type matters (an attribute cell, a number under the decimal
// comma option), so that a plain import streams.
type typer struct {
	data []byte
	f    *excelize.File
	err  error
}

func (t *typer) kind(sheet string, col, row int) cellKind {
	if t.f == nil && t.err == nil {
		t.f, t.err = excelize.OpenReader(bytes.NewReader(t.data), unzipLimits)
	}
	if t.err != nil {
		return kindUnknown
	}
	cell, err := excelize.CoordinatesToCellName(col+1, row)
	if err != nil {
		return kindUnknown
	}
	ct, err := t.f.GetCellType(sheet, cell)
	if err != nil {
		return kindUnknown
	}
	switch ct {
	case excelize.CellTypeBool:
		return kindBool
	case excelize.CellTypeNumber, excelize.CellTypeUnset:
		return kindNumber
	}
	return kindText
}

func (t *typer) close() {
	if t.f != nil {
		t.f.Close()
	}
}

// xlsxSource streams one sheet's rows with raw cell values (numbers as
// stored, not as formatted for display).
type xlsxSource struct {
	f     *excelize.File
	sheet string
	rows  *excelize.Rows
	err   error
	row   int
	typer *typer
}

func newXLSXSource(f *excelize.File, sheet string, t *typer) *xlsxSource {
	rows, err := f.Rows(sheet)
	return &xlsxSource{f: f, sheet: sheet, rows: rows, err: err, typer: t}
}

func (s *xlsxSource) next() ([]string, int, error) {
	if s.err != nil {
		return nil, 0, &rowError{row: s.row + 1, err: s.err}
	}
	if !s.rows.Next() {
		err := s.rows.Error()
		s.rows.Close()
		if err != nil {
			return nil, 0, &rowError{row: s.row + 1, err: err}
		}
		return nil, 0, io.EOF
	}
	s.row++
	rec, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, 0, &rowError{row: s.row, err: err}
	}
	return rec, s.row, nil
}

func (s *xlsxSource) kind(col int) cellKind { return s.typer.kind(s.sheet, col, s.row) }

// readMapSheet reads the key/value rows of the "map" sheet into b.m.
func readMapSheet(f *excelize.File, sheet, book string, b *builder) error {
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return fmt.Errorf("read %s: %w", sheetFile(book, sheet), err)
	}
	file := sheetFile(book, sheet)
	m := b.m
	for i, rec := range rows {
		if i == 0 || blank(rec) {
			continue // the header: key, value
		}
		key := strings.TrimSpace(rec[0])
		val := ""
		if len(rec) > 1 {
			val = rec[1]
		}
		bad := func(msg string) {
			b.add(nodesTable, graph.Problem{File: file, Line: i + 1, Col: 2, Pointer: "/" + strings.ReplaceAll(key, ".", "/"), Field: key, Value: val, Message: key + ": " + msg})
		}
		numberOf := func() (float64, bool) {
			v, err := parseNumber(val, false, true)
			if err != nil {
				bad(err.Error())
				return 0, false
			}
			return v, true
		}
		if key == "title" {
			b.titleGiven = true
		}
		if strings.TrimSpace(val) == "" {
			continue
		}
		if cut, ok := strings.CutPrefix(key, "classification."); ok {
			if !setKeyValue(fields.Classification, cls(m), cut, val, numberOf) {
				bad("unknown key (expected " + strings.Join(mapSheetKeys(), ", ") + ")")
			}
		} else if !setKeyValue(fields.Map, m, key, val, numberOf) {
			bad("unknown key (expected " + strings.Join(mapSheetKeys(), ", ") + ")")
		}
	}
	return nil
}

// mapSheetKeys says which keys the "map" sheet knows, for messages.
func mapSheetKeys() []string {
	keys := graph.Names(fields.Map)
	for _, f := range fields.Classification {
		k := "classification." + f.Name
		if f.Type == graph.TypeScoreMap || f.Type == graph.TypeListMap {
			k += ".NAME"
		}
		keys = append(keys, k)
	}
	return keys
}

// setKeyValue sets the field of x that key names (NAME, or NAME.KEY for an
// entry of a map) from a "map" sheet cell; false when no row has the name.
func setKeyValue[T any](fs []graph.Field[T], x *T, key, val string, numberOf func() (float64, bool)) bool {
	name, entry, isEntry := strings.Cut(key, ".")
	f, ok := graph.Lookup(fs, name)
	if !ok || isEntry != (f.Type == graph.TypeScoreMap || f.Type == graph.TypeListMap) {
		return false
	}
	switch f.Type {
	case graph.TypeScoreMap:
		if v, ok := numberOf(); ok {
			m, _ := f.Get(x).(map[string]float64)
			f.Set(x, setF(m, entry, v))
		}
	case graph.TypeListMap:
		m, _ := f.Get(x).(map[string][]string)
		if m == nil {
			m = map[string][]string{}
		}
		m[entry] = splitList(val)
		f.Set(x, m)
	case graph.TypeNumber, graph.TypeWhole:
		if v, ok := numberOf(); ok {
			f.Set(x, &v)
		}
	case graph.TypeTextList, graph.TypeEnumList, graph.TypeNodeRefList:
		f.Set(x, splitList(val))
	case graph.TypeText:
		f.Set(x, val)
	default:
		f.Set(x, strings.TrimSpace(val))
	}
	return true
}

func cls(m *graph.Map) *graph.Classification {
	if m.Classification == nil {
		m.Classification = &graph.Classification{}
	}
	return m.Classification
}

func setF(m map[string]float64, k string, v float64) map[string]float64 {
	if m == nil {
		m = map[string]float64{}
	}
	m[k] = v
	return m
}

// mapRows are the key/value rows of the "map" sheet for m.
func mapRows(m *graph.Map) [][]any {
	rows := [][]any{{"key", "value"}}
	rows = keyValueRows(rows, fields.Map, m, "")
	if c := m.Classification; c != nil {
		rows = keyValueRows(rows, fields.Classification, c, "classification.")
	}
	return rows
}

// keyValueRows appends a key/value row for every field of x that has a
// value (one per entry of a map, entries sorted).
func keyValueRows[T any](rows [][]any, fs []graph.Field[T], x *T, prefix string) [][]any {
	for _, f := range fs {
		switch v := f.Get(x).(type) {
		case string:
			// The title row is written even when empty: reading a book
			// without one names the map after its id.
			if v != "" || prefix == "" && f.Name == "title" {
				rows = append(rows, []any{prefix + f.Name, v})
			}
		case []string:
			if len(v) > 0 {
				rows = append(rows, []any{prefix + f.Name, strings.Join(v, ";")})
			}
		case *float64:
			if v != nil {
				rows = append(rows, []any{prefix + f.Name, *v})
			}
		case map[string]float64:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				rows = append(rows, []any{prefix + f.Name + "." + k, v[k]})
			}
		case map[string][]string:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				rows = append(rows, []any{prefix + f.Name + "." + k, strings.Join(v[k], ";")})
			}
		}
	}
	return rows
}

// WriteXLSX writes m as a workbook with the sheets "nodes", "edges" and
// "map" (id, title, currency, classification), numbers as number cells, so
// that ReadXLSX gives the same map back. Nothing is written when a table
// cannot hold something in m (see WriteCSV).
func WriteXLSX(w io.Writer, m *graph.Map) error {
	nt, et, err := tables(m)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), SheetNodes); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	for _, s := range []string{SheetEdges, SheetMap} {
		if _, err := f.NewSheet(s); err != nil {
			return fmt.Errorf("write XLSX: %w", err)
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	if err := writeSheet(f, SheetNodes, nt, bold); err != nil {
		return err
	}
	if err := writeSheet(f, SheetEdges, et, bold); err != nil {
		return err
	}
	mr := mapRows(m)
	if err := writeSheet(f, SheetMap, grid{header: []string{"key", "value"}, rows: mr[1:]}, bold); err != nil {
		return err
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	return nil
}

func writeSheet(f *excelize.File, sheet string, g grid, headerStyle int) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("write XLSX sheet %s: %w", sheet, err)
	}
	if len(g.header) > 0 {
		if err := sw.SetColWidth(1, len(g.header), 16); err != nil {
			return fmt.Errorf("write XLSX sheet %s: %w", sheet, err)
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return fmt.Errorf("write XLSX sheet %s: %w", sheet, err)
		}
	}
	head := make([]any, len(g.header))
	for j, h := range g.header {
		head[j] = excelize.Cell{StyleID: headerStyle, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("write XLSX sheet %s: %w", sheet, err)
	}
	vals := make([]any, len(g.header))
	for i, row := range g.rows {
		for j, v := range row {
			if l, ok := v.([]string); ok {
				v = strings.Join(l, ";")
			}
			vals[j] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return fmt.Errorf("write XLSX sheet %s: %w", sheet, err)
		}
		if err := sw.SetRow(cell, vals); err != nil {
			return fmt.Errorf("write XLSX sheet %s row %d: %w", sheet, i+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write XLSX sheet %s: %w", sheet, err)
	}
	return nil
}
