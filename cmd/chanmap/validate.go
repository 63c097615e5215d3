package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newValidateCmd) }

// validateResult is the JSON of `chanmap validate --json`.
type validateResult struct {
	File     string          `json:"file"`
	Valid    bool            `json:"valid"`
	Nodes    int             `json:"nodes"`
	Edges    int             `json:"edges"`
	Problems []graph.Problem `json:"problems"`
	Warnings []graph.Warning `json:"warnings"`
}

func newValidateCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "validate MAP.yaml",
		Short: "Check a map file and list every problem with its line",
		Long: `validate reads a map file (YAML, or JSON of the same shape) and checks every
rule of the format: known keys and kinds, unique slug ids, edges whose ends
exist and whose kinds allow the pairing, known delivery methods, markets and
channels, margins in [0,1), shares in [0,1] adding up to at most 1 per node,
no supplies cycles, scores 0-100, quality 1-5, tiers 1-4, no negative figures.

All problems are listed at once as FILE:LINE:COL: message (value "..."), and
the exit code is 1. A valid map prints "ok: N nodes, M edges", after any
warnings (FILE:LINE: warning: ...) about what probably does not say what was
meant: an unknown key close to a field name (revnue: kept as a free
attribute; did you mean revenue?) and a node whose inbound shares all given
add up to less than 1 (share is the fraction of the buyer's purchases that
come through an edge, so the rest of its sales would come from nowhere).
Warnings never fail the check. "-" reads the map from standard input.`,
		Example: `  chanmap validate testdata/maps/hybrid.yaml
  chanmap validate map.yaml --json | jq '.problems[].message'
  curl -s localhost:8080/api/v1/maps/acme/export.yaml | chanmap validate -`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			var m *graph.Map
			var err error
			var data []byte
			name := args[0]
			if args[0] == "-" {
				data, err = io.ReadAll(io.LimitReader(cmd.InOrStdin(), mapio.MaxFileSize+1))
				if err != nil {
					return fmt.Errorf("read standard input: %w", err)
				}
				name = "stdin"
			} else if data, err = readMapBytes(args[0]); err != nil {
				return err
			}
			m, err = mapio.Read(data, name)
			var verr *graph.ValidationError
			if err != nil && !errors.As(err, &verr) {
				return err // the file could not be read at all
			}
			if asJSON {
				res := validateResult{File: args[0], Valid: err == nil, Problems: []graph.Problem{}, Warnings: []graph.Warning{}}
				if m != nil {
					res.Nodes, res.Edges = len(m.Nodes), len(m.Edges)
				}
				if verr != nil {
					res.Problems = verr.Problems
				} else if ws := mapio.FileWarnings(data, name, m); ws != nil {
					res.Warnings = ws
				}
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				if err := enc.Encode(res); err != nil {
					return err
				}
			} else if verr != nil {
				for _, p := range verr.Problems {
					fmt.Fprintln(out, p.String())
				}
			} else {
				for _, w := range mapio.FileWarnings(data, name, m) {
					fmt.Fprintf(out, "%s:%s\n", name, w)
				}
				fmt.Fprintf(out, "ok: %d nodes, %d edges\n", len(m.Nodes), len(m.Edges))
			}
			if verr != nil {
				return fmt.Errorf("%s: %d problem(s)", args[0], len(verr.Problems))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result and the problems as JSON")
	return cmd
}

// readMapBytes reads the bytes of a map file, up to one byte over the limit
// mapio.Read refuses (the file's bytes are kept: warnings name their lines).
func readMapBytes(path string) ([]byte, error) {
	f, err := graph.OpenInput(path)
	if err != nil {
		return nil, fmt.Errorf("read map: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, graph.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read map %s: %w", path, err)
	}
	return data, nil
}
