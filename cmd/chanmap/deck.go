package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/chanmap/chanmap/graph/mapio"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chanmap/chanmap/render"
	"github.com/chanmap/chanmap/render/deck"
	"github.com/chanmap/chanmap/render/pptx"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newDeckCmd) }

func newDeckCmd() *cobra.Command {
	var (
		out, format, theme, template string
		s                            deck.Settings
		layoutCache                  bool
	)
	cmd := &cobra.Command{
		Use:   "deck MAP.yaml -o deck.pdf|deck.pptx",
		Short: "Write the board presentation of a channel map as PDF or PowerPoint",
		Long: `deck writes the whole presentation of the map: a title slide with the top
finding, the map overview fitted to the page, the money (revenue flow, margin
waterfall, tiers, whale curve, value pyramid), the weak spots with the top
findings numbered on the map, one focus slide per segment (the most net
revenue first; --segments N keeps the first N), one what-if slide per
--without PARTNER, and the analysis tables paged to fit. No text is smaller
than --min-font at the page's real size.

The format comes from --format or from the -o extension (.pdf, .pptx); when
both are given they must agree. The PowerPoint deck is editable: every box,
line and label is a native shape, the figures are in the speaker notes.
--template corp.pptx takes the slide master, layouts and theme fonts of a
company presentation (its slide size must be the --page size). The file is
written only when the whole deck succeeded.

The diagrams' layouts are kept in the user's cache directory, shared with
chanmap render: a deck of the same map written again (another format,
theme, footer or template) skips laying them out; --layout-cache=false or
` + render.LayoutCacheEnv + `=off turns that off.`,
		Example: `  chanmap deck testdata/maps/hybrid.yaml -o hybrid-deck.pdf
  chanmap deck testdata/maps/hybrid.yaml -o hybrid-deck.pptx --without hvac-nord --segments 3
  chanmap deck testdata/maps/hybrid.yaml -o board.pptx --template corp.pptx --footer "Source: sales ledger 2025"`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := deckFormat(format, out)
			if err != nil {
				return err
			}
			if template != "" {
				if format != "pptx" {
					return usagef("--template is a PowerPoint template; it needs a .pptx deck, not %s", format)
				}
				if s.Template, err = readTemplate(template); err != nil {
					return err
				}
			}
			m, err := mapio.ReadFile(args[0])
			if err != nil {
				return err
			}
			s.Theme = render.Theme(theme)
			dir := ""
			if layoutCache {
				dir = render.DefaultLayoutCacheDir()
			}
			// A cache that cannot be made only costs time.
			_ = render.UseLayoutCache(dir, 0)
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			data, err := deck.Write(ctx, render.NewInProcess(), m, format, s)
			if errors.Is(err, render.ErrOptions) {
				return usageError{err}
			}
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return writeOutput(cmd.OutOrStdout(), out, data)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "", "file to write: deck.pdf or deck.pptx (required; - writes to standard output)")
	f.StringVar(&format, "format", "", "pdf or pptx (default: from the -o extension)")
	f.StringVar(&s.Page, "page", "16:9", "16:9, 4:3, a4, a4-landscape or letter")
	f.StringVar(&theme, "theme", string(render.ThemeDefault), "default, print or dark (the diagrams)")
	f.Float64Var(&s.MinFont, "min-font", render.DefaultMinFont, "smallest text in points at the page's real size")
	f.StringVar(&s.Footer, "footer", "", "source and date at the foot of every slide (default: the map's source and as_of)")
	f.IntVar(&s.Segments, "segments", 0, "focus slides for the N segments with the most net revenue (0: every segment)")
	f.StringArrayVar(&s.Without, "without", nil, "a what-if slide for losing this partner (repeatable)")
	f.BoolVar(&s.FixedCosts, "fixed-costs", false, "with --without: keep each segment's cost to serve whole (by default it scales with the net revenue kept)")
	f.StringVar(&template, "template", "", "PowerPoint template (.pptx or .potx) whose master, layouts and fonts the slides take")
	f.BoolVar(&layoutCache, "layout-cache", true, "keep the diagrams' layouts in the user's cache directory (chanmap/layouts, at most 32 MiB, shared with render) so a deck written again is not laid out again; also off with "+render.LayoutCacheEnv+"=off")
	return cmd
}

// deckFormat picks pdf or pptx from --format or the -o extension; when both
// are given they must agree, and -o is required (a deck is binary).
func deckFormat(format, out string) (string, error) {
	if out == "" {
		return "", usagef("a deck is binary: give -o deck.pdf or -o deck.pptx (or -o - with --format to write it to standard output)")
	}
	fromExt := ""
	switch ext := strings.ToLower(filepath.Ext(out)); ext {
	case ".pdf":
		fromExt = "pdf"
	case ".pptx":
		fromExt = "pptx"
	}
	switch format {
	case "":
		if fromExt == "" {
			return "", usagef("cannot tell the deck's format from %q: name it .pdf or .pptx, or give --format pdf|pptx", out)
		}
		return fromExt, nil
	case "pdf", "pptx":
		if fromExt != "" && fromExt != format {
			return "", usagef("--format %s disagrees with the -o extension %s (it would write %s into a %s file)", format, filepath.Ext(out), format, fromExt)
		}
		return format, nil
	}
	return "", usagef("unknown --format %q (want pdf or pptx)", format)
}

// readTemplate reads a PowerPoint template, refusing a file larger than
// any template the writer takes.
func readTemplate(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError{fmt.Errorf("--template: %w", err)}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, pptx.MaxTemplateBytes+1))
	if err != nil {
		return nil, fmt.Errorf("--template %s: %w", path, err)
	}
	if len(b) > pptx.MaxTemplateBytes {
		return nil, usagef("--template %s: larger than %d MiB", path, pptx.MaxTemplateBytes>>20)
	}
	return b, nil
}
