package mapio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio/sheet"
)

// Format is a way to write a map down.
type Format string

// The formats. YAML and JSON are the map file; CSV is two tables, nodes
// and edges; XLSX is one workbook with the sheets nodes, edges and map.
const (
	YAML Format = "yaml"
	JSON Format = "json"
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// Formats lists every format.
var Formats = []Format{YAML, JSON, CSV, XLSX}

// ParseFormat reads a format name, in any case; "yml" is YAML.
func ParseFormat(name string) (Format, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "yml" {
		n = "yaml"
	}
	for _, f := range Formats {
		if string(f) == n {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (known: yaml, json, csv, xlsx)", name)
}

// FormatOf is the format a file name's extension asks for, "" for none.
func FormatOf(name string) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return YAML
	case ".json":
		return JSON
	case ".csv", ".tsv":
		return CSV
	case ".xlsx":
		return XLSX
	}
	return ""
}

// Encoded is a map written in one format: Map holds the file of YAML, JSON
// and XLSX; Nodes and Edges hold the two tables of CSV.
type Encoded struct {
	Format            Format
	Map, Nodes, Edges []byte
}

// Encode writes m in format f, whole or not at all: a map a format cannot
// hold (a list item with ';' in a table cell) is an error and no bytes.
func Encode(m *graph.Map, f Format) (Encoded, error) {
	out := Encoded{Format: f}
	var b, nb, eb bytes.Buffer
	var err error
	switch f {
	case YAML:
		err = WriteYAML(&b, m)
	case JSON:
		err = WriteJSON(&b, m)
	case XLSX:
		err = sheet.WriteXLSX(&b, m)
	case CSV:
		err = sheet.WriteCSV(&nb, &eb, m)
	default:
		_, err = ParseFormat(string(f))
	}
	if err != nil {
		return Encoded{}, fmt.Errorf("encode map %s as %s: %w", m.ID, f, err)
	}
	out.Map, out.Nodes, out.Edges = b.Bytes(), nb.Bytes(), eb.Bytes()
	return out, nil
}

// Input is what Decode reads. Map is the file of YAML, JSON and XLSX;
// Nodes and Edges are the tables of CSV (Edges may be nil: a map without
// edges). The names are used in messages. Options fill what tables do not
// carry (id, title, currency) and say how to read numbers; a map file
// ignores them.
type Input struct {
	Format                        Format
	Map, Nodes, Edges             io.Reader
	MapName, NodesName, EdgesName string
	Options                       sheet.Options
}

// Decode reads and validates a map in the input's format. Every problem is
// reported at once in a *graph.ValidationError located by file and line
// (map files) or by file, row and column (tables); nothing is returned then.
func Decode(in Input) (*graph.Map, error) {
	switch in.Format {
	case YAML, JSON:
		if in.Map == nil {
			return nil, errors.New("decode: no map file given")
		}
		data, err := io.ReadAll(io.LimitReader(in.Map, MaxFileSize+1))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", in.MapName, err)
		}
		return Read(data, in.MapName)
	case XLSX:
		if in.Map == nil {
			return nil, errors.New("decode: no workbook given")
		}
		return sheet.ReadXLSX(in.Map, in.MapName, in.Options)
	case CSV:
		if in.Nodes == nil {
			return nil, errors.New("decode: no nodes table given")
		}
		return sheet.ReadCSV(in.Nodes, in.Edges, in.NodesName, in.EdgesName, in.Options)
	}
	_, err := ParseFormat(string(in.Format))
	return nil, err
}
