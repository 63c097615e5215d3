package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/chanmap/chanmap/cmd/chanmap/internal/storeconfig"
	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/usecase"
)

func init() {
	subcommands = append(subcommands, newScenarioCmd)
}

// newScenarioCmd is `chanmap scenario`: create, list, show, diff, merge and
// drop the scenarios of a stored map.
func newScenarioCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenario create|list|show|diff|merge|drop",
		Short: "Fork a stored map as a named scenario, compare it, merge it back or drop it",
		Long: `A scenario is a named fork of a stored map at one of its versions: a what-if
to explore without touching the map. It is stored as an ordinary map with the
id MAP--scenario--NAME and the field fork_of: MAP@VERSION, so every command
that edits, draws or analyses a map works on it under that id.

A scenario whose base has changed since the fork is stale: "show" lists the
base's changes. "merge" applies the scenario's changes to the base as it is
now, as one version: changes to different elements or fields merge, the same
field changed differently on both sides (or an element removed on one side
and changed on the other) is a conflict that refuses the merge unless
--force, where the scenario's side wins. The scenario is dropped after the
merge unless --keep.
` + storeEnvHelp,
		Example: `  chanmap scenario create acme-pumps price-cut -m "distributor margin -3 points"
  chanmap scenario list acme-pumps
  chanmap scenario diff acme-pumps price-cut
  chanmap scenario merge acme-pumps price-cut -m "approved by the board"`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("name a subcommand: create, list, show, diff, merge or drop")
			}
			return usagef("unknown subcommand %q: create, list, show, diff, merge or drop", args[0])
		},
		RunE: func(*cobra.Command, []string) error { return nil },
	}
	cmd.AddCommand(newScenarioCreateCmd(), newScenarioListCmd(), newScenarioShowCmd(),
		newScenarioDiffCmd(), newScenarioMergeCmd(), newScenarioDropCmd())
	return cmd
}

// scenarioRun opens the store and runs fn on it, naming the store in errors.
func scenarioRun(ctx context.Context, f *storeFlags, fn func(s graph.Store) error) error {
	return f.withExisting(ctx, func(s graph.Store, cfg storeconfig.Config) error {
		err := fn(s)
		var mc *usecase.MergeConflictError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &mc):
			// The list of conflicts reads best alone.
			return fmt.Errorf("%w\nnothing was written; merge with --force to let the scenario win", err)
		}
		return fmt.Errorf("%w (in %s)", err, cfg)
	})
}

func newScenarioCreateCmd() *cobra.Command {
	var f storeFlags
	var version int64
	var message string
	cmd := &cobra.Command{
		Use:   "create MAP_ID NAME",
		Short: "Fork a stored map (at its current version, or --version) as scenario NAME",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if version < 0 {
				return usagef("--version must be a whole number from 1")
			}
			ctx, err := writeCtx(cmd.Context(), message)
			if err != nil {
				return err
			}
			return scenarioRun(ctx, &f, func(s graph.Store) error {
				sc, err := usecase.CreateScenario(ctx, s, args[0], args[1], version)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "created scenario %s of %s@%d: edit it as map %s\n", sc.Name, sc.Base, sc.BaseVersion, sc.ID)
				return nil
			})
		},
	}
	f.add(cmd)
	cmd.Flags().Int64Var(&version, "version", 0, "the base's version to fork (default: the current one)")
	cmd.Flags().StringVarP(&message, "message", "m", "", "why (kept with the scenario's first version)")
	return cmd
}

func newScenarioListCmd() *cobra.Command {
	var f storeFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list MAP_ID",
		Short: "List the scenarios of a stored map, stale ones marked",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return scenarioRun(ctx, &f, func(s graph.Store) error {
				list, err := usecase.ListScenarios(ctx, s, args[0])
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if asJSON {
					return writeIndented(out, list)
				}
				tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "SCENARIO\tVERSION\tFORKED FROM\tBASE NOW\tSTATUS\tMAP ID")
				for _, sc := range list {
					fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\n", sc.Name, sc.Version, sc.BaseVersion, sc.BaseCurrent, staleWord(sc.Stale), sc.ID)
				}
				return tw.Flush()
			})
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON")
	return cmd
}

func staleWord(stale bool) string {
	if stale {
		return "stale"
	}
	return "current"
}

func newScenarioShowCmd() *cobra.Command {
	var f storeFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show MAP_ID NAME",
		Short: "Show a scenario: stale or not, its own changes, and the base's changes since the fork",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return scenarioRun(ctx, &f, func(s graph.Store) error {
				st, err := usecase.GetScenario(ctx, s, args[0], args[1])
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if asJSON {
					return writeIndented(out, st)
				}
				return writeScenarioText(out, st)
			})
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON")
	return cmd
}

func writeScenarioText(w io.Writer, st *usecase.ScenarioStatus) error {
	c := st.Changes
	fmt.Fprintf(w, "scenario %s (map %s, version %d), forked from %s@%d\n", st.Name, st.ID, st.Version, st.Base, st.BaseVersion)
	fmt.Fprintf(w, "its changes: nodes %d added, %d removed, %d changed; edges %d added, %d removed, %d changed\n",
		c.NodesAdded, c.NodesRemoved, c.NodesChanged, c.EdgesAdded, c.EdgesRemoved, c.EdgesChanged)
	if !st.Stale {
		fmt.Fprintf(w, "current: %s has not changed since the fork\n", st.Base)
		return nil
	}
	fmt.Fprintf(w, "stale: %s is at version %d; its changes since the fork:\n", st.Base, st.BaseCurrent)
	st.BaseChanges.From.Label = st.Base + "@" + strconv.FormatInt(st.BaseVersion, 10)
	st.BaseChanges.To.Label = st.Base + "@" + strconv.FormatInt(st.BaseCurrent, 10)
	return writeDiffText(w, st.BaseChanges)
}

func newScenarioDiffCmd() *cobra.Command {
	var f storeFlags
	var asJSON, current bool
	cmd := &cobra.Command{
		Use:   "diff MAP_ID NAME",
		Short: "Compare a scenario with its base at the fork (its own changes), or --current",
		Long: `diff compares the base (before) with the scenario (after), like "chanmap diff":
the nodes and edges added, removed and changed, and the figures that moved.
By default the base is taken as it was at the fork, so the diff is the
scenario's own changes; --current compares with the base as it is now.
` + storeEnvHelp,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return scenarioRun(ctx, &f, func(s graph.Store) error {
				r, err := usecase.CompareScenario(ctx, s, args[0], args[1], current)
				if err != nil {
					return err
				}
				r.From.Label = r.From.Map + "@" + strconv.FormatInt(r.From.Version, 10)
				r.To.Label = "scenario " + args[1]
				if asJSON {
					return writeIndented(cmd.OutOrStdout(), r)
				}
				return writeDiffText(cmd.OutOrStdout(), r)
			})
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON")
	cmd.Flags().BoolVar(&current, "current", false, "compare with the base as it is now, not as it was at the fork")
	return cmd
}

func newScenarioMergeCmd() *cobra.Command {
	var f storeFlags
	var force, keep bool
	var message string
	cmd := &cobra.Command{
		Use:   "merge MAP_ID NAME",
		Short: "Apply a scenario's changes to its base as one version, then drop it",
		Long: `merge applies the scenario's changes since the fork to the base as it is now,
as one version whose message names the scenario. When the base has changed
since the fork, changes to different elements or fields merge; the same
field changed differently on both sides, or an element removed on one side
and changed on the other, is a conflict: each is listed and nothing is
written (exit 1), unless --force, where the scenario's side wins. The
scenario is dropped after the merge unless --keep, which forks it again from
the merged version.
` + storeEnvHelp,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, err := writeCtx(cmd.Context(), "")
			if err != nil {
				return err
			}
			if err := graph.CheckWriteInfo(graph.WriteInfo{Message: message}); err != nil {
				return usagef("--message: %v", err)
			}
			return scenarioRun(ctx, &f, func(s graph.Store) error {
				res, err := usecase.MergeScenario(ctx, s, args[0], args[1], usecase.MergeOptions{Force: force, Keep: keep, Message: message})
				if err != nil && res.Base == "" {
					return err
				}
				out := cmd.OutOrStdout()
				for _, c := range res.Conflicts {
					fmt.Fprintf(out, "forced: %s\n", c.Message)
				}
				switch {
				case res.Changes == 0:
					fmt.Fprintf(out, "scenario %s changes nothing in %s; %s stays at version %d\n", res.Scenario, res.Base, res.Base, res.Version)
				default:
					fmt.Fprintf(out, "merged scenario %s into %s: %d changes, version %d\n", res.Scenario, res.Base, res.Changes, res.Version)
				}
				if err != nil {
					return err
				}
				if res.Kept {
					fmt.Fprintf(out, "kept scenario %s, forked again from %s@%d\n", res.Scenario, res.Base, res.Version)
				} else {
					fmt.Fprintf(out, "dropped scenario %s\n", res.Scenario)
				}
				return nil
			})
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVar(&force, "force", false, "merge despite conflicts: the scenario's side wins")
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the scenario, forked again from the merged version")
	cmd.Flags().StringVarP(&message, "message", "m", "", "why (added to the merge's history message)")
	return cmd
}

func newScenarioDropCmd() *cobra.Command {
	var f storeFlags
	cmd := &cobra.Command{
		Use:   "drop MAP_ID NAME",
		Short: "Drop a scenario (kept as a deleted map until purged)",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, err := writeCtx(cmd.Context(), "")
			if err != nil {
				return err
			}
			return scenarioRun(ctx, &f, func(s graph.Store) error {
				if err := usecase.DropScenario(ctx, s, args[0], args[1]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "dropped scenario %s of %s (undelete %s to bring it back)\n", args[1], args[0], usecase.ScenarioID(args[0], args[1]))
				return nil
			})
		},
	}
	f.add(cmd)
	return cmd
}
