package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// ReadCSV reads a map from a nodes table and an edges table in CSV (UTF-8
// with or without BOM, CRLF or LF, RFC 4180 quoting; fields separated by ','
// or, when the header line says so, by ';' or tabs; Excel's "sep=;" first
// line is honoured).
// nodesName and edgesName name the files in problems. edges may be nil for a
// map without edges. On any problem it returns a nil map and a
// *graph.ValidationError listing every bad cell.
func ReadCSV(nodes, edges io.Reader, nodesName, edgesName string, opt Options) (*graph.Map, error) {
	if nodes == nil {
		return nil, errors.New("read CSV: no nodes table")
	}
	b := newBuilder(opt)
	if opt.Progress != nil {
		b.total = csvRowsHint(nodes) + csvRowsHint(edges)
	}
	b.readTable(nodesTable, newCSVSource(newLimitedReader(nodes)), nodesName)
	if edges != nil {
		b.readTable(edgesTable, newCSVSource(newLimitedReader(edges)), edgesName)
	}
	return b.finish(nodesName)
}

// csvRowsHint estimates the data rows of a seekable CSV by counting its
// line ends, then seeks back; 0 when r cannot seek.
func csvRowsHint(r io.Reader) int {
	s, ok := r.(io.ReadSeeker)
	if !ok || s == nil {
		return 0
	}
	start, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0
	}
	buf := make([]byte, 64<<10)
	lines, last := 0, byte('\n')
	for {
		n, err := s.Read(buf)
		if n > 0 {
			lines += bytes.Count(buf[:n], []byte{'\n'})
			last = buf[n-1]
		}
		if err != nil {
			break
		}
	}
	if last != '\n' {
		lines++
	}
	if _, err := s.Seek(start, io.SeekStart); err != nil {
		return 0
	}
	if lines > 0 {
		lines-- // the header
	}
	return lines
}

// sniffComma picks the field separator from the first line: ',' unless the
// line has more ';' (as spreadsheets in decimal-comma locales write) or more
// tabs.
func sniffComma(br *bufio.Reader) rune {
	p, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(p, '\n'); i >= 0 {
		p = p[:i]
	}
	comma, best := ',', bytes.Count(p, []byte{','})
	if n := bytes.Count(p, []byte{';'}); n > best {
		comma, best = ';', n
	}
	if n := bytes.Count(p, []byte{'\t'}); n > best {
		comma = '\t'
	}
	return comma
}

// sepLine reads Excel's "sep=;" first line, which names the separator and
// is not a row of the table (Excel does not show it).
func sepLine(br *bufio.Reader) (rune, bool) {
	p, _ := br.Peek(7)
	if len(p) < 5 || !bytes.EqualFold(p[:4], []byte("sep=")) {
		return 0, false
	}
	comma := rune(p[4])
	rest := p[5:]
	n := 5
	switch {
	case bytes.HasPrefix(rest, []byte("\r\n")):
		n += 2
	case bytes.HasPrefix(rest, []byte("\n")):
		n++
	default:
		return 0, false
	}
	if comma == '"' || comma == '\r' || comma == '\n' || comma >= 0x80 {
		return 0, false
	}
	br.Discard(n)
	return comma, true
}

// csvSource reads records with encoding/csv and counts spreadsheet rows:
// a record is one row however many lines its quoted fields span, and a blank
// line is a row too (a spreadsheet shows it as an empty row).
type csvSource struct {
	err     error // the table cannot be read at all
	r       *csv.Reader
	row     int
	prevEnd int    // the line the previous record ended on
	text    []bool // cells of the current record written as text ('12)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func newCSVSource(r io.Reader) *csvSource {
	br := bufio.NewReaderSize(r, 64<<10)
	if p, err := br.Peek(3); err == nil && bytes.Equal(p, utf8BOM) {
		br.Discard(3)
	}
	if p, err := br.Peek(2); err == nil && (bytes.Equal(p, []byte{0xFF, 0xFE}) || bytes.Equal(p, []byte{0xFE, 0xFF})) {
		return &csvSource{err: &rowError{row: 1, err: errors.New("the table is UTF-16 text; save it as \"CSV UTF-8\"")}}
	}
	cr := csv.NewReader(br)
	if comma, ok := sepLine(br); ok {
		cr.Comma = comma
	} else {
		cr.Comma = sniffComma(br)
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &csvSource{r: cr}
}

func (s *csvSource) next() ([]string, int, error) {
	if s.err != nil {
		return nil, 0, s.err
	}
	rec, err := s.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			row := s.row + 1 + max(0, pe.StartLine-s.prevEnd-1)
			return nil, 0, &rowError{row: row, err: fmt.Errorf("broken CSV at line %d, column %d: %v; nothing after it was read", pe.Line, pe.Column, pe.Err)}
		}
		return nil, 0, err
	}
	line, _ := s.r.FieldPos(0)
	s.row += 1 + max(0, line-s.prevEnd-1)
	last := len(rec) - 1
	endLine, _ := s.r.FieldPos(last)
	s.prevEnd = endLine + strings.Count(rec[last], "\n")
	s.text = s.text[:0]
	for i, c := range rec {
		rec[i] = unescapeCell(c)
		s.text = append(s.text, len(rec[i]) != len(c))
	}
	return rec, s.row, nil
}

// kind is text for a cell written with a leading apostrophe, else unknown
// (the reader guesses from the text).
func (s *csvSource) kind(j int) cellKind {
	if j < len(s.text) && s.text[j] {
		return kindText
	}
	return kindUnknown
}

// A text cell that starts like a formula (= + - @, a tab or CR) is written
// with a leading apostrophe, so that a spreadsheet opening the CSV shows text
// and never runs it; reading drops that apostrophe again.
//
// Text that would read back as a number or a boolean ("12", "true") gets
// the same apostrophe, so a text attribute stays text.
func escapeCell(s string) string {
	if needsApostrophe(s) {
		return "'" + s
	}
	return s
}

func unescapeCell(s string) string {
	if len(s) >= 2 && s[0] == '\'' && needsApostrophe(s[1:]) {
		return s[1:]
	}
	return s
}

func needsApostrophe(s string) bool {
	if s == "" {
		return false
	}
	if strings.IndexByte("=+-@\t\r'", s[0]) >= 0 {
		return true
	}
	_, isText := parseAttr(s, false).(string)
	return !isText
}

// WriteCSV writes m as a nodes table and an edges table in CSV (UTF-8
// without BOM, LF line ends). Numbers are written exactly, without grouping,
// lists joined by ';'. Nothing is written when a table cannot hold
// something in m (a list item containing ';', an attribute named like a
// column); the error is a *graph.ValidationError naming each.
func WriteCSV(nodes, edges io.Writer, m *graph.Map) error {
	nt, et, err := tables(m)
	if err != nil {
		return err
	}
	if err := writeCSVGrid(nodes, nt); err != nil {
		return fmt.Errorf("write nodes CSV: %w", err)
	}
	if err := writeCSVGrid(edges, et); err != nil {
		return fmt.Errorf("write edges CSV: %w", err)
	}
	return nil
}

func writeCSVGrid(w io.Writer, g grid) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(g.header); err != nil {
		return err
	}
	rec := make([]string, len(g.header))
	for _, row := range g.rows {
		for j, v := range row {
			rec[j] = ""
			if v == nil {
				continue
			}
			s, err := text(v)
			if err != nil {
				return err
			}
			switch v.(type) {
			case string, []string:
				s = escapeCell(s)
			}
			rec[j] = s
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
