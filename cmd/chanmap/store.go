package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/chanmap/chanmap/cmd/chanmap/internal/storeconfig"
	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/graph/usecase"
)

func init() { subcommands = append(subcommands, newImportCmd, newExportCmd) }

// storeFlags are the flags that point a command at a store.
type storeFlags struct {
	db           string
	neo4jURI     string
	neo4jTimeout time.Duration
}

func (f *storeFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.db, "db", "", "embedded store file (default $CHANMAP_DB, else chanmap.db)")
	cmd.Flags().StringVar(&f.neo4jURI, "neo4j-uri", "", "Neo4j URI, e.g. neo4j+s://xxxx.databases.neo4j.io (default $CHANMAP_NEO4J_URI;\nuser and password from CHANMAP_NEO4J_USER and CHANMAP_NEO4J_PASSWORD,\ndatabase from CHANMAP_NEO4J_DATABASE)")
	cmd.Flags().DurationVar(&f.neo4jTimeout, "neo4j-timeout", 0, "longest time one call to Neo4j may take (one transaction; one batch of an\nimport), e.g. 5m (default $CHANMAP_NEO4J_TIMEOUT, else 1m)")
}

// config resolves the store from the flags and the environment; kind
// forces embedded or neo4j.
func (f *storeFlags) config(kind string) (storeconfig.Config, error) {
	cfg, err := storeconfig.FromFlags(kind, f.db, f.neo4jURI)
	if err != nil {
		return cfg, usageError{err}
	}
	cfg, err = storeconfig.WithNeo4jTimeout(cfg, f.neo4jTimeout)
	if err != nil {
		return cfg, usageError{err}
	}
	return cfg, nil
}

// open resolves and opens the store; kind forces embedded or neo4j.
func (f *storeFlags) open(ctx context.Context, kind string) (graph.Store, storeconfig.Config, error) {
	cfg, err := f.config(kind)
	if err != nil {
		return nil, cfg, err
	}
	s, err := storeconfig.Open(ctx, cfg)
	if err != nil {
		return nil, cfg, err
	}
	return s, cfg, nil
}

const storeEnvHelp = `
The store: --db FILE or --neo4j-uri URI; where neither is given,
CHANMAP_NEO4J_URI (with CHANMAP_NEO4J_USER, CHANMAP_NEO4J_PASSWORD and the
optional CHANMAP_NEO4J_DATABASE) selects Neo4j, else CHANMAP_DB names the
embedded file, else chanmap.db in the working directory. One call to Neo4j
(a transaction, or one batch of an import) may take a minute, or what
--neo4j-timeout or CHANMAP_NEO4J_TIMEOUT says.`

type importFlags struct {
	storeFlags
	into    string
	output  string
	replace bool
	opt     importOptions
}

func newImportCmd() *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "import FILE... (--into embedded|neo4j | -o MAP.yaml)",
		Short: "Import a map into a store (or convert it to a map file)",
		Long: `import reads a map file (YAML, or JSON of the same shape), validates it, and
stores it as a new map in the embedded store or in Neo4j (--into). With
--replace an existing map of the same id is replaced in one atomic change
set, so readers see the old map or the new one, never a mix. Nothing is
written when the input has a problem: every problem is listed with its line.

With -o the map is written to a file instead (.yaml, .yml or .json by the
name), which converts between the formats.
` + sheetImportHelp + storeEnvHelp,
		Example: `  chanmap import testdata/maps/hybrid.yaml --into embedded
  chanmap import map.yaml --into embedded --db /srv/chanmap/maps.db --id acme-2026 --title "ACME 2026"
  CHANMAP_NEO4J_URI=neo4j+s://xxxx.databases.neo4j.io CHANMAP_NEO4J_USER=neo4j \
    CHANMAP_NEO4J_PASSWORD=... chanmap import map.yaml --into neo4j --replace
  chanmap import map.json -o map.yaml
  chanmap import customers-nodes.csv customers-edges.csv -o customers.yaml --currency EUR
  chanmap import book.xlsx --into embedded --id acme-2026 --decimal-comma`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("give the file(s) to import")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if (f.into == "") == (f.output == "") {
				return usagef("give --into embedded|neo4j (a store) or -o FILE (a map file), one of them")
			}
			if f.output != "" && (f.replace || f.db != "" || f.neo4jURI != "") {
				return usagef("-o writes a file; --replace, --db and --neo4j-uri are for --into")
			}
			if f.into != "" && f.into != storeconfig.Embedded && f.into != storeconfig.Neo4j {
				return usagef("--into must be embedded or neo4j, not %q", f.into)
			}
			if f.opt.ID != "" && !graph.ValidSlug(f.opt.ID) {
				return usagef("--id %q is not a slug: lower-case letters, digits, '-' and '_', starting with a letter or digit", f.opt.ID)
			}
			f.opt.Output = f.output
			m, err := readInputs(args, f.opt)
			if err != nil {
				return err
			}
			if f.output != "" {
				if err := writeMapFile(f.output, m); err != nil {
					return err
				}
				if f.output != stdoutName {
					fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: map %s, %d nodes, %d edges\n", f.output, m.ID, len(m.Nodes), len(m.Edges))
				}
				return nil
			}
			return importIntoStore(cmd.Context(), cmd.OutOrStdout(), &f, m)
		},
	}
	f.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.into, "into", "", "store to import into: embedded or neo4j")
	fl.StringVarP(&f.output, "output", "o", "", "write a map file (.yaml, .yml or .json) instead of storing")
	fl.BoolVar(&f.replace, "replace", false, "replace the map if its id exists (one atomic change set)")
	fl.StringVar(&f.opt.ID, "id", "", "map id to store under (default: the file's id)")
	fl.StringVar(&f.opt.Title, "title", "", "map title (default: the file's title)")
	addSheetImportFlags(fl, &f.opt)
	return cmd
}

func importIntoStore(ctx context.Context, out io.Writer, f *importFlags, m *graph.Map) error {
	ctx = graph.WithWriteInfo(ctx, graph.WriteInfo{Author: cliAuthor()})
	s, cfg, err := f.open(ctx, f.into)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := usecase.Import(ctx, s, m, f.replace)
	switch {
	case errors.Is(err, graph.ErrExists):
		return fmt.Errorf("map %s already exists in %s (use --replace to replace it, or --id to store it under another id)", m.ID, cfg)
	case errors.Is(err, graph.ErrConflict):
		return fmt.Errorf("replace %s in %s: someone changed the map while it was being replaced; nothing was written, run the import again: %w", m.ID, cfg, err)
	case err != nil:
		return fmt.Errorf("%w (in %s)", err, cfg)
	case r.Created:
		fmt.Fprintf(out, "imported map %s into %s: %d nodes, %d edges, version %d\n", m.ID, cfg, len(m.Nodes), len(m.Edges), r.Version)
	case r.Changes == 0:
		fmt.Fprintf(out, "map %s in %s is unchanged at version %d\n", m.ID, cfg, r.Version)
	default:
		fmt.Fprintf(out, "replaced map %s in %s: %d changes, %d nodes, %d edges, version %d\n", m.ID, cfg, r.Changes, len(m.Nodes), len(m.Edges), r.Version)
	}
	return nil
}

// openExisting opens the store for a command that only works on stored
// maps: a missing embedded file is an error, not a new empty store.
func (f *storeFlags) openExisting(ctx context.Context) (graph.Store, storeconfig.Config, error) {
	cfg, err := f.config("")
	if err != nil {
		return nil, cfg, err
	}
	if cfg.Kind == storeconfig.Embedded {
		if _, err := os.Stat(cfg.DB); errors.Is(err, os.ErrNotExist) {
			return nil, cfg, fmt.Errorf("no embedded store file %s (import a map first, or point --db or CHANMAP_DB at the store)", cfg.DB)
		}
	}
	s, err := storeconfig.Open(ctx, cfg)
	return s, cfg, err
}

// withExisting opens the store as openExisting does, runs fn on it and
// closes it again: the frame of every command that changes one stored map.
func (f *storeFlags) withExisting(ctx context.Context, fn func(graph.Store, storeconfig.Config) error) error {
	s, cfg, err := f.openExisting(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s, cfg)
}

type exportFlags struct {
	storeFlags
	format string
	output string
}

func newExportCmd() *cobra.Command {
	var f exportFlags
	cmd := &cobra.Command{
		Use:   "export MAP_ID|MAP.yaml [--format yaml|json|csv|xlsx] [-o FILE]",
		Short: "Write a stored map as a map file or as spreadsheet tables",
		Long: `export reads the map MAP_ID from the store and writes it as a map file: YAML
(the default) or JSON, to standard output or to -o FILE (the format then
follows the file name unless --format is given). The file is written whole
or not at all, and importing it gives back the same map.

--format csv writes two files, NAME-nodes.csv and NAME-edges.csv: NAME is
-o without its .csv (-o out/acme.csv -> out/acme-nodes.csv), or, when -o is
a directory or absent, DIR/MAP_ID. --format xlsx writes one workbook with the
sheets nodes, edges and map (-o FILE.xlsx, default MAP_ID.xlsx). The format
follows an -o name ending in .csv or .xlsx. A map file (MAP.yaml) may be
given instead of a stored map's id. Importing the tables gives back the same
map (CSV tables do not carry the map's title, currency and classification:
give --title and --currency on import).
` + storeEnvHelp,
		Example: `  chanmap export acme-pumps > acme-pumps.yaml
  chanmap export acme-pumps --format json -o acme-pumps.json --db /srv/chanmap/maps.db
  CHANMAP_NEO4J_URI=bolt://127.0.0.1:7687 chanmap export acme-pumps -o acme.yaml
  chanmap export acme-pumps --format csv -o tables/     # tables/acme-pumps-nodes.csv, -edges.csv
  chanmap export map.yaml -o map.xlsx`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runExport(cmd, &f, args[0]) },
	}
	f.add(cmd)
	cmd.Flags().StringVar(&f.format, "format", "", "yaml, json, csv or xlsx (default: from the -o file name, else yaml)")
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "file to write (default: standard output)")
	return cmd
}

// writeMapFile writes m to path as a map file, YAML or JSON by the name,
// whole or not at all.
func writeMapFile(path string, m *graph.Map) error {
	f := mapio.FormatOf(path)
	if f != mapio.JSON {
		f = mapio.YAML
	}
	enc, err := mapio.Encode(m, f)
	if err != nil {
		return err
	}
	return writeOutput(os.Stdout, path, enc.Map)
}
