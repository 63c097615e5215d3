package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/graph/mapio/sheet"
)

// This file is the spreadsheet side of `chanmap import` and `chanmap
// export`: nodes/edges tables as two CSV files or one XLSX workbook
// (package graph/mapio/sheet does the work).

// sheetImportHelp is added to import's help.
const sheetImportHelp = `
Spreadsheets: import NODES.csv EDGES.csv (in that order; EDGES.csv may be
left out for a map without edges) or BOOK.xlsx (sheets "nodes" and "edges").
Columns are the map-file field names in any case or spacing ("Cost to
serve"), scores.NAME and quality.NAME fill nested scores, lists are split on
';', other columns become free attributes. The map id is --id, else the
workbook's map sheet, else the -o file's name (-o acme.yaml -> acme), else
the nodes file's name ("acme-nodes.csv" -> acme); the title is --title, else
the map sheet's, else the id. Share is the fraction of the buyer's
purchases that come through a supplies edge; margin, share and gross_margin
may be written as percentages ("18 %"). Numbers may group thousands
("1,200,000"); --decimal-comma reads "1.200.000,50". A number that reads
two ways (1.200 is 1.2 or 1200) is an error showing both readings unless
--decimal-comma or --thousands says which; customers must be whole. Every bad cell is
listed as FILE:ROW:COLUMN with its value, and nothing is written. Imports of
more than a few thousand rows show a progress bar on a terminal (--quiet
turns it off).
`

// addSheetImportFlags adds the spreadsheet flags to `chanmap import`.
func addSheetImportFlags(fl *pflag.FlagSet, opt *importOptions) {
	fl.BoolVar(&opt.DecimalComma, "decimal-comma", false, "spreadsheets: numbers are written 1.200.000,50 ('.' groups, ',' decimals)")
	fl.StringVar(&opt.Thousands, "thousands", "", "spreadsheets: the thousands separator, ',' (1,200.50) or '.' (same as --decimal-comma); without it or --decimal-comma a number like 1.200 is an error showing both readings")
	fl.StringVar(&opt.Currency, "currency", "", "spreadsheets: the map's currency, e.g. EUR")
	fl.BoolVarP(&opt.Quiet, "quiet", "q", false, "no progress bar")
}

// readSheets reads CSV tables or an XLSX workbook for readInputs.
func readSheets(paths []string, ext string, opt importOptions) (*graph.Map, error) {
	switch opt.Thousands {
	case "", ",":
	case ".":
		opt.DecimalComma = true
	default:
		return nil, usagef("--thousands must be ',' or '.', not %q", opt.Thousands)
	}
	sopt := sheet.Options{ID: opt.ID, Title: opt.Title, Currency: opt.Currency, DecimalComma: opt.DecimalComma, Thousands: opt.Thousands}
	if opt.Output != "" {
		sopt.FallbackID = sheet.DefaultID(opt.Output)
	}
	bar := newProgress(opt.Quiet, os.Stderr, isTerminal)
	sopt.Progress = bar.update
	defer bar.close()
	switch ext {
	case ".xlsx":
		if len(paths) != 1 {
			return nil, usagef("a workbook (%s) is imported alone; got %d files", paths[0], len(paths))
		}
		f, err := graph.OpenInput(paths[0])
		if err != nil {
			return nil, fmt.Errorf("read workbook: %w", err)
		}
		defer f.Close()
		return mapio.Decode(mapio.Input{Format: mapio.XLSX, Map: f, MapName: paths[0], Options: sopt})
	case ".csv", ".tsv":
		if len(paths) > 2 {
			return nil, usagef("give NODES.csv and EDGES.csv; got %d files", len(paths))
		}
		nf, err := graph.OpenInput(paths[0])
		if err != nil {
			return nil, fmt.Errorf("read nodes table: %w", err)
		}
		defer nf.Close()
		var edges io.Reader
		edgesName := ""
		if len(paths) == 2 {
			ef, err := graph.OpenInput(paths[1])
			if err != nil {
				return nil, fmt.Errorf("read edges table: %w", err)
			}
			defer ef.Close()
			edges, edgesName = ef, paths[1]
		}
		return mapio.Decode(mapio.Input{Format: mapio.CSV, Nodes: nf, Edges: edges, NodesName: paths[0], EdgesName: edgesName, Options: sopt})
	}
	return nil, usagef("%s: unsupported input", paths[0])
}

// isSheetExt reports whether a file name is a table readSheets reads.
func isSheetExt(ext string) bool {
	switch ext {
	case ".csv", ".tsv", ".xlsx":
		return true
	}
	return false
}

// progress draws a bar on a terminal for imports of more than
// progressMinRows rows; it stays quiet with --quiet, when stdout or stderr
// is not a terminal, and for small imports.
type progress struct {
	w   io.Writer
	on  bool
	bar *progressbar.ProgressBar
}

const progressMinRows = 5000

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

func newProgress(quiet bool, w *os.File, isTerm func(*os.File) bool) *progress {
	return &progress{w: w, on: !quiet && isTerm(os.Stdout) && isTerm(w)}
}

func (p *progress) update(done, total int) {
	if !p.on {
		return
	}
	if p.bar == nil {
		if total < progressMinRows && done < progressMinRows {
			return
		}
		max := int64(total)
		if total <= 0 {
			max = -1 // unknown: a spinner with the count
		}
		p.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription("reading rows"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(0),
			progressbar.OptionClearOnFinish(),
		)
	}
	if total > 0 && int64(total) != p.bar.GetMax64() {
		p.bar.ChangeMax64(int64(total))
	}
	p.bar.Set(done)
}

func (p *progress) close() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}

// isMapFileName reports whether arg names a map file rather than a map id:
// ids are slugs and never end in .yaml, .yml or .json.
func isMapFileName(arg string) bool {
	switch strings.ToLower(filepath.Ext(arg)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// csvExportPaths names the two CSV files of an export: -o DIR (an existing
// directory or a name ending in a separator) gives DIR/ID-nodes.csv and
// DIR/ID-edges.csv; -o NAME or NAME.csv gives NAME-nodes.csv and
// NAME-edges.csv; no -o gives ID-nodes.csv and ID-edges.csv here.
func csvExportPaths(output, id string) (nodes, edges string) {
	base := id
	switch {
	case output == "":
	case isDir(output) || strings.HasSuffix(output, string(filepath.Separator)):
		base = filepath.Join(output, id)
	default:
		base = output
		if strings.EqualFold(filepath.Ext(base), ".csv") {
			base = base[:len(base)-len(filepath.Ext(base))]
		}
	}
	return base + "-nodes.csv", base + "-edges.csv"
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
