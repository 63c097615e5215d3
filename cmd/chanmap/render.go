package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/render"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newRenderCmd) }

func newRenderCmd() *cobra.Command {
	var (
		out, format, view, color, theme string
		opt                             render.Options
		layoutCache                     bool
	)
	cmd := &cobra.Command{
		Use:   "render MAP.yaml",
		Short: "Draw a channel map for a slide as SVG, PDF, PNG or DOT",
		Long: `render draws the map as one workflow diagram, left to right in swimlanes:
suppliers | company | distributors and wholesalers | resellers, retailers,
agents, marketplaces, integrators, service providers | segments and customers |
touchpoints. Supplies arrows are solid and say the delivery method and margin;
supports arrows are dashed and say the services; operates and uses arrows are
dotted. Kinds differ by colour and shape; a legend lists what is drawn.

The drawing is fitted to a page (--page 16:9 by default, 13.33 x 7.5 in) with
no text below --min-font (12 pt) at the page's real size: long lanes wrap
into sub-columns, and a map that still does not fit is drawn as an overview
that groups nodes of the same kind (and region) into one counted box, said on
the page. --detail draws every node and says the smallest text it used.

Views: full (default), supply, support, touchpoints, and focus on one segment
or customer (--focus ID implies the focus view). Colours: kind (default),
tier (a sequential scale with the tier written, weak spots marked), profit
(blue for profit, orange for loss, with a colour bar). Weak spots are marked
by outline and a written mark: unreachable (dashed), unsupported (dotted),
single point of failure (double). --weak-spots marks them with kind colours
too; --figures adds net revenue and margin to segment boxes. --without PARTNER
draws the what-if of losing that partner: its box and lines greyed, the
segments it strands marked, each segment's net revenue after the loss.
--insights numbers the top findings of the analysis on the drawing (a marker
on every node concerned) and lists them beside it with their amount at
stake; the top finding becomes the headline. --flow draws every supply line as wide as the company net revenue that flows
through it, with a width legend in the map's currency.

Layouts are kept in the user's cache directory (chanmap/layouts, at most
32 MiB, least recently used out first), so drawing a map again with another
theme, format or footer, or unchanged, skips the layout; --layout-cache=false
or ` + render.LayoutCacheEnv + `=off turns that off.

The format comes from --format or from the -o extension (.svg, .pdf, .png,
.dot/.gv); when both are given they must agree. Without -o (or with -o -)
the drawing goes to standard output; PDF and PNG need -o. The file is
written only when the drawing succeeded.`,
		Example: `  chanmap render testdata/maps/hybrid.yaml -o hybrid.svg
  chanmap render testdata/maps/hybrid.yaml -o hybrid.pdf --color tier --figures --footer "Source: sales ledger 2025"
  chanmap render testdata/maps/hybrid.yaml -o hybrid.png --theme print --page 4:3
  chanmap render testdata/maps/hybrid.yaml --focus homeowners --color profit -o homeowners.svg
  chanmap render testdata/maps/hybrid.yaml --without hvac-nord -o without-hvac-nord.pdf
  chanmap render testdata/maps/hybrid.yaml --view supply --format dot | dot -Tpdf > supply.pdf
  chanmap render testdata/maps/generated-1000.yaml --detail --page none -o all.svg`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := renderFormat(format, out)
			if err != nil {
				return err
			}
			if (format == "png" || format == "pdf") && out == "" {
				return usagef("%s is binary: give -o FILE.%s (or -o - to write it to standard output anyway)", strings.ToUpper(format), format)
			}
			m, err := mapio.ReadFile(args[0])
			if err != nil {
				return err
			}
			opt.View, opt.Color, opt.Theme = render.View(view), render.Color(color), render.Theme(theme)
			opt, err = render.WithAnalysis(m, opt)
			if errors.Is(err, render.ErrOptions) && (opt.Focus == "" || m.Node(opt.Focus) != nil) {
				return usageError{err} // an unknown focus id is a user error (exit 1), as in support
			}
			if err != nil {
				return fmt.Errorf("%s: analysing the map for the diagram: %w", args[0], err)
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			if layoutCache && format != "dot" {
				// A cache that cannot be made only costs time.
				_ = render.UseLayoutCache(render.DefaultLayoutCacheDir(), 0)
			}
			data, err := render.Render(ctx, render.NewInProcess(), m, opt, format)
			if errors.Is(err, render.ErrOptions) && (opt.Focus == "" || m.Node(opt.Focus) != nil) {
				return usageError{err} // an unknown focus id is a user error (exit 1), as in support
			}
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if out == "" || out == "-" {
				_, err := cmd.OutOrStdout().Write(data)
				return err
			}
			return writeOutput(os.Stdout, out, data)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "", "file to write (- or none: standard output)")
	f.StringVar(&format, "format", "", "svg, pdf, png or dot (default: from the -o extension, else svg)")
	f.StringVar(&view, "view", string(render.ViewFull), "full, supply, support, touchpoints or focus")
	f.StringVar(&opt.Focus, "focus", "", "segment or customer id to focus on (implies --view focus)")
	f.StringVar(&color, "color", string(render.ColorKind), "kind, tier or profit")
	f.BoolVar(&opt.Fade, "fade", false, "with --focus: keep the rest of the map, faded, instead of leaving it out")
	f.BoolVar(&opt.Detail, "detail", false, "draw every node: never fold into the overview (text may get smaller than --min-font)")
	f.BoolVar(&opt.WeakSpots, "weak-spots", false, "mark weak spots from the analysis (always on with --color tier|profit)")
	f.BoolVar(&opt.Figures, "figures", false, "add a line with net revenue and margin from the analysis to segment boxes")
	f.IntVar(&opt.Insights, "insights", 0, "number the top findings on the drawing and list them beside it, the top one as the headline (--insights: 5; --insights=N)")
	f.Lookup("insights").NoOptDefVal = strconv.Itoa(render.DefaultInsights)
	f.BoolVar(&opt.Flow, "flow", false, "draw each supply line as wide as the net revenue that flows through it, with a width legend")
	f.StringVar(&opt.Page, "page", "16:9", "16:9, 4:3, a4, a4-landscape, letter or none (natural size)")
	f.Float64Var(&opt.MinFont, "min-font", render.DefaultMinFont, "smallest text in points at the page's real size")
	f.StringVar(&theme, "theme", string(render.ThemeDefault), "default, print or dark")
	f.StringVar(&opt.Footer, "footer", "", "source and date shown at the foot of the page")
	f.StringArrayVar(&opt.Without, "without", nil, "draw the what-if of losing this partner (repeatable): its lines greyed, stranded segments marked, figures after")
	f.BoolVar(&opt.FixedCosts, "fixed-costs", false, "with --without: keep each segment's cost to serve whole (by default it scales with the net revenue kept)")
	f.BoolVar(&opt.TextAsPaths, "text-as-paths", false, "SVG: draw text as outlines (exact look everywhere, not selectable)")
	f.BoolVar(&layoutCache, "layout-cache", true, "keep layouts in the user's cache directory (chanmap/layouts, at most 32 MiB) so a map drawn again is not laid out again; also off with "+render.LayoutCacheEnv+"=off")
	return cmd
}

// renderFormat picks the output format from --format or the -o extension;
// when both are given they must agree.
func renderFormat(format, out string) (string, error) {
	fromExt := ""
	switch strings.ToLower(filepath.Ext(out)) {
	case ".svg":
		fromExt = "svg"
	case ".pdf":
		fromExt = "pdf"
	case ".png":
		fromExt = "png"
	case ".dot", ".gv":
		fromExt = "dot"
	}
	switch format {
	case "":
		if fromExt == "" {
			return "svg", nil
		}
		return fromExt, nil
	case "svg", "pdf", "png", "dot":
		if fromExt != "" && fromExt != format {
			return "", usagef("--format %s disagrees with the -o extension %s (it would write %s into a %s file)", format, filepath.Ext(out), format, fromExt)
		}
		return format, nil
	}
	return "", usagef("unknown --format %q (want svg, pdf, png or dot)", format)
}
