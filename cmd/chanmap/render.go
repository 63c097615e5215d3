package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/analysis"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/render"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newRenderCmd) }

func newRenderCmd() *cobra.Command {
	var (
		out, format        string
		opt                render.Options
		weakSpots, figures bool
	)
	cmd := &cobra.Command{
		Use:   "render MAP.yaml",
		Short: "Draw a channel map as an SVG, PNG or DOT diagram",
		Long: `render draws the map as one workflow diagram, left to right in swimlanes:
suppliers | company | distributors and wholesalers | resellers, retailers,
agents, marketplaces, integrators, service providers | segments and customers |
touchpoints. Supplies arrows are solid and labelled with the delivery method,
margin and products; supports arrows are dashed and labelled with the
services; operates and uses arrows are dotted. A legend lists what is drawn.

Views: full (default), supply, support, touchpoints, and focus on one segment
or customer (--focus ID; only what reaches it, supports it or talks to it).
Colours: kind (default), tier (segments by tier 1-4 from the analysis, with
weak spots marked: unreachable and unsupported segments outlined, single
points of failure double-bordered), profit (a red-to-green heat of each
segment's profit, with the same marks). --weak-spots marks weak spots with
the kind colours too; --figures adds net revenue and margin to segment boxes.

A map with more than 150 drawn nodes is drawn as an overview that groups nodes
of the same kind (and region) into one counted box; --detail draws every node.

The format comes from --format, else from the -o extension (.svg, .png,
.dot/.gv), else svg. Without -o (or with -o -) SVG and DOT go to standard
output; PNG needs -o. The file is written only when the drawing succeeded.`,
		Example: `  chanmap render testdata/maps/hybrid.yaml -o hybrid.svg
  chanmap render testdata/maps/hybrid.yaml -o hybrid.png --color tier --figures
  chanmap render testdata/maps/hybrid.yaml --weak-spots -o weak.svg
  chanmap render testdata/maps/hybrid.yaml --focus homeowners --color profit -o homeowners.svg
  chanmap render testdata/maps/hybrid.yaml --view supply --format dot | dot -Tpdf > supply.pdf
  chanmap render testdata/maps/generated-1000.yaml --detail -o all.svg`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := renderFormat(format, out)
			if err != nil {
				return err
			}
			if format == "png" && out == "" {
				return usagef("PNG is binary: give -o FILE.png (or -o - to write it to standard output anyway)")
			}
			m, err := mapio.ReadFile(args[0])
			if err != nil {
				return err
			}
			coloured := opt.Color == render.ColorTier || opt.Color == render.ColorProfit
			if coloured || weakSpots || figures {
				rep, err := analysis.Analyze(m)
				if err != nil {
					return fmt.Errorf("%s: analysing the map for the diagram: %w", args[0], err)
				}
				ov := render.OverlayOf(rep)
				if !figures {
					ov.Figures = nil
				}
				if !coloured && !weakSpots {
					ov.Unreachable, ov.Unsupported, ov.SPOF = nil, nil, nil
				}
				opt.Overlay = ov
			}
			data, err := draw(cmd.Context(), m, opt, format)
			if errors.Is(err, render.ErrOptions) {
				return usageError{err}
			}
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if out == "" || out == "-" {
				_, err := cmd.OutOrStdout().Write(data)
				return err
			}
			return writeFileAtomic(out, data)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "", "file to write (- or none: standard output)")
	f.StringVar(&format, "format", "", "svg, png or dot (default: from the -o extension, else svg)")
	f.StringVar(&opt.View, "view", render.ViewFull, "full, supply, support, touchpoints or focus")
	f.StringVar(&opt.Focus, "focus", "", "segment or customer id to focus on (implies --view focus)")
	f.StringVar(&opt.Color, "color", render.ColorKind, "kind, tier or profit")
	f.BoolVar(&opt.Detail, "detail", false, "draw every node even past the 150-node overview budget")
	f.BoolVar(&weakSpots, "weak-spots", false, "mark weak spots from the analysis (always on with --color tier|profit)")
	f.BoolVar(&figures, "figures", false, "add a line with net revenue and margin from the analysis to segment boxes")
	return cmd
}

// renderFormat picks the output format from --format or the -o extension.
func renderFormat(format, out string) (string, error) {
	if format == "" {
		switch strings.ToLower(filepath.Ext(out)) {
		case ".png":
			format = "png"
		case ".dot", ".gv":
			format = "dot"
		default:
			format = "svg"
		}
	}
	switch format {
	case "svg", "png", "dot":
		return format, nil
	}
	return "", usagef("unknown --format %q (want svg, png or dot)", format)
}

// draw renders m in format with the in-process engine.
func draw(ctx context.Context, m *graph.Map, opt render.Options, format string) ([]byte, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if opt.Focus != "" && opt.View == render.ViewFull {
		opt.View = render.ViewFocus // --focus alone means the focus view
	}
	switch format {
	case "dot":
		return render.DOT(m, opt)
	case "png":
		return render.PNG(ctx, render.NewInProcess(), m, opt)
	default:
		return render.SVG(ctx, render.NewInProcess(), m, opt)
	}
}

// writeFileAtomic writes data to a temporary file next to path and renames
// it into place, so a failure never leaves a half-written diagram.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, werr)
	}
	return nil
}
