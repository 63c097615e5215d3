package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/graph/usecase"
)

// runExport is `chanmap export`: one path for every format, from a stored
// map or a map file. No file is written, and no store file is created,
// unless the map was read and encoded whole. A stored map's YAML or JSON
// is written as it is read (see streamExport).
func runExport(cmd *cobra.Command, f *exportFlags, arg string) error {
	format, err := exportFormat(f.format, f.output)
	if err != nil {
		return usageError{err}
	}
	var m *graph.Map
	var enc mapio.Encoded
	if isMapFileName(arg) {
		if f.db != "" || f.neo4jURI != "" {
			return usagef("%s is a map file; --db and --neo4j-uri are for a stored map's id", arg)
		}
		if m, err = mapio.ReadFile(arg); err != nil {
			return err
		}
		if enc, err = mapio.Encode(m, format); err != nil {
			return err
		}
	} else {
		ctx := cmd.Context()
		s, cfg, err := f.openExisting(ctx) // reading must not leave an empty store file behind
		if err != nil {
			return err
		}
		defer s.Close()
		if format == mapio.YAML || format == mapio.JSON {
			return streamExport(cmd, f.output, func(w io.Writer) (usecase.Streamed, error) {
				r, err := usecase.ExportStream(ctx, s, arg, format, w)
				if errors.Is(err, graph.ErrNotFound) {
					return r, fmt.Errorf("no map %q in %s", arg, cfg)
				}
				if err != nil {
					return r, fmt.Errorf("%w (from %s)", err, cfg)
				}
				return r, nil
			})
		}
		m, enc, err = usecase.Export(ctx, s, arg, format)
		if errors.Is(err, graph.ErrNotFound) {
			return fmt.Errorf("no map %q in %s", arg, cfg)
		}
		if err != nil {
			return fmt.Errorf("%w (from %s)", err, cfg)
		}
	}
	return writeExport(cmd, f.output, m, enc)
}

// exportFormat is --format, else the format the -o name asks for, else YAML.
func exportFormat(flag, output string) (mapio.Format, error) {
	if flag != "" {
		f, err := mapio.ParseFormat(flag)
		if err != nil {
			return "", fmt.Errorf("--format: %w", err)
		}
		return f, nil
	}
	if f := mapio.FormatOf(output); f != "" {
		return f, nil
	}
	return mapio.YAML, nil
}

// writeExport writes an encoded map: a map file to -o or standard output,
// CSV tables as NAME-nodes.csv and NAME-edges.csv, a workbook to -o or
// MAP_ID.xlsx.
func writeExport(cmd *cobra.Command, output string, m *graph.Map, enc mapio.Encoded) error {
	switch enc.Format {
	case mapio.CSV:
		if output == stdoutName {
			return usagef("a CSV export is two files (nodes and edges); give -o NAME or -o DIR/, or use --format xlsx for one file")
		}
		nodes, edges := csvExportPaths(output, m.ID)
		if strings.HasSuffix(output, string(filepath.Separator)) && !isDir(output) {
			if err := os.MkdirAll(output, 0o755); err != nil {
				return fmt.Errorf("write %s: %w", output, err)
			}
		}
		if err := writeOutputs(map[string][]byte{nodes: enc.Nodes, edges: enc.Edges}); err != nil {
			return err
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s and %s: map %s, %d nodes, %d edges\n", nodes, edges, m.ID, len(m.Nodes), len(m.Edges))
		return nil
	case mapio.XLSX:
		out := output
		if out == "" {
			out = m.ID + ".xlsx"
		} else if isDir(out) {
			out = filepath.Join(out, m.ID+".xlsx")
		}
		if err := writeOutput(cmd.OutOrStdout(), out, enc.Map); err != nil {
			return err
		}
		if out != stdoutName {
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: map %s, %d nodes, %d edges\n", out, m.ID, len(m.Nodes), len(m.Edges))
		}
		return nil
	}
	if output == "" || output == stdoutName {
		_, err := cmd.OutOrStdout().Write(enc.Map)
		return err
	}
	if err := writeOutput(cmd.OutOrStdout(), output, enc.Map); err != nil {
		return err
	}
	version := ""
	if m.Version > 0 {
		version = fmt.Sprintf(" version %d", m.Version)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: map %s%s, %d nodes, %d edges\n", output, m.ID, version, len(m.Nodes), len(m.Edges))
	return nil
}

// streamExport writes a map file as fill reads it from the store, holding
// one node or edge at a time. To a regular file it goes through a
// temporary file beside it, renamed into place only when the map was read
// whole (a read torn by a commit landing during it, graph.ErrConflict, is
// read again, up to three times), so a failure leaves no half file. To
// standard output, a device or a FIFO it is written as it is read: a
// failure part way is reported and exits non-zero after part of the file
// went out.
func streamExport(cmd *cobra.Command, output string, fill func(w io.Writer) (usecase.Streamed, error)) error {
	if output == "" || output == stdoutName {
		bw := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
		if _, err := fill(bw); err != nil {
			bw.Flush()
			return err
		}
		return bw.Flush()
	}
	dest, direct, mode, err := outputTarget(output)
	if err != nil {
		return err
	}
	if direct {
		out, err := os.OpenFile(output, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("write %s: %w", output, err)
		}
		_, ferr := fill(out)
		if cerr := out.Close(); ferr == nil && cerr != nil {
			ferr = fmt.Errorf("write %s: %w", output, cerr)
		}
		return ferr
	}
	var r usecase.Streamed
	for attempt := 1; ; attempt++ {
		tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*")
		if err != nil {
			return fmt.Errorf("write %s: %w", output, err)
		}
		defer os.Remove(tmp.Name())
		err = tmp.Chmod(mode)
		if err == nil {
			bw := bufio.NewWriterSize(tmp, 64<<10)
			if r, err = fill(bw); err == nil {
				err = bw.Flush()
			}
		}
		if err == nil {
			if err = tmp.Sync(); err != nil {
				err = fmt.Errorf("write %s: %w", output, err)
			}
		}
		if cerr := tmp.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write %s: %w", output, cerr)
		}
		if errors.Is(err, graph.ErrConflict) && attempt < 3 {
			continue
		}
		if err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), dest); err != nil {
			return fmt.Errorf("write %s: %w", output, err)
		}
		syncDir(filepath.Dir(dest))
		break
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: map %s version %d, %d nodes, %d edges\n", output, r.Head.ID, r.Head.Version, r.Nodes, r.Edges)
	return nil
}
