package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
)

// importOptions are what `chanmap import` lets the user set on the map it
// reads, whatever the input format.
type importOptions struct {
	ID    string // overrides the map id of the input
	Title string // overrides the map title of the input

	// Spreadsheets only (see sheets.go).
	Output       string // the map file written (-o): its name is the default id
	Currency     string // the map's currency
	DecimalComma bool   // numbers written 1.200.000,50
	Thousands    string // the thousands separator the user named: "," or "."
	Quiet        bool   // no progress bar
}

// readInputs reads the files given to `chanmap import` into one validated
// map: a map file (.yaml, .yml or .json), or nodes and edges tables (two
// .csv files or one .xlsx workbook, see sheets.go). It is the single entry point for
// every input format, so new formats are added here.
func readInputs(paths []string, opt importOptions) (*graph.Map, error) {
	if len(paths) == 0 {
		return nil, usagef("no input file given")
	}
	ext := strings.ToLower(filepath.Ext(paths[0]))
	switch ext {
	case ".yaml", ".yml", ".json":
		if len(paths) != 1 {
			return nil, usagef("a map file (%s) is imported alone; got %d files", paths[0], len(paths))
		}
		return readMapFile(paths[0], opt)
	}
	if isSheetExt(ext) {
		return readSheets(paths, ext, opt)
	}
	return nil, usagef("%s: unsupported input (want a map file: .yaml, .yml or .json; tables: NODES.csv EDGES.csv or BOOK.xlsx)", paths[0])
}

// readMapFile reads a map file. Without overrides it is mapio.ReadFile (every
// problem located by line); with --id or --title the file may lack them, so
// it is parsed, overridden and then validated.
func readMapFile(path string, opt importOptions) (*graph.Map, error) {
	if opt.ID == "" && opt.Title == "" {
		return mapio.ReadFile(path)
	}
	f, err := graph.OpenInput(path)
	if err != nil {
		return nil, fmt.Errorf("read map: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, mapio.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read map %s: %w", path, err)
	}
	m, err := mapio.Parse(data, path)
	if err != nil {
		return nil, err
	}
	if opt.ID != "" {
		m.ID = opt.ID
	}
	if opt.Title != "" {
		m.Title = opt.Title
	}
	if err := graph.Validate(m); err != nil {
		var verr *graph.ValidationError
		if errors.As(err, &verr) {
			for i := range verr.Problems {
				verr.Problems[i].File = path
			}
		}
		return nil, err
	}
	return m, nil
}
