package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/chanmap/chanmap/graph"
)

// This file enforces graph's spreadsheet limits (MaxSheetBytes,
// MaxSheetRows, MaxSheetCells, MaxFileSize) while the input streams, so a
// workbook that unzips to gigabytes or a table without end is refused after
// reading no more than the limit.

// The limits as variables, so that tests can scale them down.
var (
	maxSheetBytes int64 = graph.MaxSheetBytes
	maxSheetRows        = graph.MaxSheetRows
	maxSheetCells       = graph.MaxSheetCells
)

// limitProblem is the one problem of a refused table or workbook.
func limitProblem(file, msg string) error {
	return &graph.ValidationError{Problems: []graph.Problem{{File: file, Pointer: "", Message: msg}}}
}

// readWorkbook reads the bytes of a workbook, at most graph.MaxFileSize.
func readWorkbook(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, graph.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > graph.MaxFileSize {
		return nil, limitProblem(name, fmt.Sprintf("the workbook is larger than %d MiB (MaxFileSize)", graph.MaxFileSize>>20))
	}
	return data, nil
}

// checkWorkbook unzips the sheets and shared strings of a workbook once,
// counting their bytes together against MaxSheetBytes and each sheet's rows
// and cells against MaxSheetRows and MaxSheetCells. It reads no further
// than the first limit passed, whatever sizes the zip headers claim. A file
// that is not a zip is left to the workbook reader, which says so.
func checkWorkbook(data []byte, name string) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	var total int64
	for _, zf := range zr.File {
		isSheet := strings.HasPrefix(zf.Name, "xl/worksheets/") && strings.HasSuffix(zf.Name, ".xml")
		if !isSheet && zf.Name != "xl/sharedStrings.xml" {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return limitProblem(name, fmt.Sprintf("not a readable XLSX workbook: %s: %v", zf.Name, err))
		}
		c := &xmlCounter{}
		n, err := io.Copy(c, io.LimitReader(rc, maxSheetBytes-total+1))
		rc.Close()
		total += n
		if total > maxSheetBytes {
			return limitProblem(name, fmt.Sprintf("the workbook's sheets unzip to more than %d MiB (MaxSheetBytes); split it or remove what it does not need", maxSheetBytes>>20))
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return limitProblem(name, fmt.Sprintf("not a readable XLSX workbook: %s: %v", zf.Name, err))
		}
		if !isSheet {
			continue
		}
		if c.rows > maxSheetRows {
			return limitProblem(name, fmt.Sprintf("%s has %d rows; a table holds at most %d (MaxSheetRows)", zf.Name, c.rows, maxSheetRows))
		}
		if c.cells > maxSheetCells {
			return limitProblem(name, fmt.Sprintf("%s has %d cells; a table holds at most %d (MaxSheetCells)", zf.Name, c.cells, maxSheetCells))
		}
	}
	return nil
}

// xmlCounter counts the <row> and <c> elements of a sheet's XML as it is
// written to it, a tag split between two writes included.
type xmlCounter struct {
	rows, cells int
	open        bool    // a '<' was seen and its name is not decided yet
	name        [4]byte // the bytes after it
	n           int
}

func (c *xmlCounter) Write(p []byte) (int, error) {
	for _, b := range p {
		if b == '<' {
			c.open, c.n = true, 0
			continue
		}
		if !c.open {
			continue
		}
		c.name[c.n] = b
		c.n++
		switch {
		case c.n == 2 && c.name[0] == 'c' && isTagEnd(c.name[1]):
			c.cells++
			c.open = false
		case c.n >= 2 && c.name[0] != 'r':
			c.open = false
		case c.n == 4:
			if string(c.name[:3]) == "row" && isTagEnd(c.name[3]) {
				c.rows++
			}
			c.open = false
		}
	}
	return len(p), nil
}

func isTagEnd(b byte) bool {
	return b == ' ' || b == '>' || b == '/' || b == '\t' || b == '\n' || b == '\r'
}

// tableLimits counts the rows and cells of one table as they are read.
type tableLimits struct {
	rows, cells int
}

// add counts one record; it returns the problem's message when the table
// passes a limit.
func (l *tableLimits) add(rec []string) string {
	l.rows++
	l.cells += len(rec)
	if l.rows > maxSheetRows {
		return fmt.Sprintf("the table has more than %d rows (MaxSheetRows); nothing after row %d was read", maxSheetRows, maxSheetRows)
	}
	if l.cells > maxSheetCells {
		return fmt.Sprintf("the table has more than %d cells (MaxSheetCells); nothing after row %d was read", maxSheetCells, l.rows)
	}
	return ""
}

// limitedReader reads at most maxSheetBytes of a CSV table and then
// fails with a clear error instead of reading on.
type limitedReader struct {
	r io.Reader
	n int64
}

func newLimitedReader(r io.Reader) io.Reader {
	if r == nil {
		return nil
	}
	return &limitedReader{r: r, n: maxSheetBytes}
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, fmt.Errorf("the table is larger than %d MiB (MaxSheetBytes); nothing after that was read", maxSheetBytes>>20)
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}
