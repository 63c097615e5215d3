package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

// bombBook returns a real workbook of the industrial sample whose sheets
// get pad inserted at the start of their sheetData: whitespace for a bomb
// that unzips big, empty rows or cells for one that counts high.
func bombBook(t *testing.T, pad func(w io.Writer)) []byte {
	t.Helper()
	// The industrial sample, from its exported tables (this package cannot
	// read map files: the map file codec imports it).
	nodes, err := os.Open("../../../testdata/golden/sheets/industrial-nodes.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer nodes.Close()
	edges, err := os.Open("../../../testdata/golden/sheets/industrial-edges.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer edges.Close()
	m, err := ReadCSV(nodes, edges, "industrial-nodes.csv", "industrial-edges.csv", Options{ID: "industrial"})
	if err != nil {
		t.Fatal(err)
	}
	var book bytes.Buffer
	if err := WriteXLSX(&book, m); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(book.Bytes()), int64(book.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.Index(data, []byte("<sheetData>")); strings.HasPrefix(zf.Name, "xl/worksheets/") && i >= 0 {
			i += len("<sheetData>")
			w.Write(data[:i])
			pad(w)
			w.Write(data[i:])
		} else {
			w.Write(data)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// scaleLimits lowers the spreadsheet limits for one test, so that inputs
// past them stay small and quick.
func scaleLimits(t *testing.T) {
	b, r, c := maxSheetBytes, maxSheetRows, maxSheetCells
	maxSheetBytes, maxSheetRows, maxSheetCells = 1<<20, 2000, 20000
	t.Cleanup(func() { maxSheetBytes, maxSheetRows, maxSheetCells = b, r, c })
}

func TestWorkbookBombsAreRefused(t *testing.T) {
	scaleLimits(t)
	for _, tc := range []struct {
		name string
		pad  func(w io.Writer)
		want string
	}{
		{"uncompressed size", func(w io.Writer) {
			space := bytes.Repeat([]byte(" "), 1<<20)
			for i := 0; i <= int(maxSheetBytes>>20); i++ {
				w.Write(space)
			}
		}, "MaxSheetBytes"},
		{"rows", func(w io.Writer) {
			for i := 0; i <= maxSheetRows; i++ {
				io.WriteString(w, "<row/>")
			}
		}, "MaxSheetRows"},
		{"cells", func(w io.Writer) {
			io.WriteString(w, `<row r="1000000">`)
			for i := 0; i <= maxSheetCells; i++ {
				io.WriteString(w, "<c/>")
			}
			io.WriteString(w, "</row>")
		}, "MaxSheetCells"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			book := bombBook(t, tc.pad)
			_, err := ReadXLSX(bytes.NewReader(book), "bomb.xlsx", Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("a %d-byte workbook past %s: got %v", len(book), tc.want, err)
			}
		})
	}
	// The same workbook without padding reads.
	if _, err := ReadXLSX(bytes.NewReader(bombBook(t, func(io.Writer) {})), "ok.xlsx", Options{}); err != nil {
		t.Fatalf("the unpadded workbook is refused: %v", err)
	}
}

func TestCSVLimits(t *testing.T) {
	scaleLimits(t)
	header := "id,kind,name\n"
	rows := func(n int) io.Reader {
		var b strings.Builder
		b.WriteString(header)
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "n%d,company,N\n", i)
		}
		return strings.NewReader(b.String())
	}
	_, err := ReadCSV(rows(maxSheetRows+1), nil, "nodes.csv", "", Options{ID: "x"})
	if err == nil || !strings.Contains(err.Error(), "MaxSheetRows") {
		t.Fatalf("a table past MaxSheetRows: got %v", err)
	}
	// A stream without end (like /dev/zero behind a pipe) stops at MaxSheetBytes.
	endless := io.MultiReader(strings.NewReader(header), zeros{})
	_, err = ReadCSV(endless, nil, "nodes.csv", "", Options{ID: "x"})
	if err == nil || !strings.Contains(err.Error(), "MaxSheetBytes") {
		t.Fatalf("an endless table: got %v", err)
	}
}

// zeros is an endless stream of "0," cells, one huge row.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "0,"[i%2]
	}
	return len(p), nil
}
