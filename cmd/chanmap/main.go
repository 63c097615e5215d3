// Command chanmap maps how a business's products reach its customers: it
// validates, analyses and draws channel maps, keeps them in a store and serves
// them over HTTP.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/chanmap/chanmap/render"
	"github.com/spf13/cobra"
)

// usageError marks a mistake in how the command was called (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// newRoot builds the command tree. Each command lives in its own file and
// registers itself in subcommands through init.
func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "chanmap",
		Short:         "Map how a business's products reach its customers",
		Long:          "chanmap keeps a channel map (suppliers, the company, distributors, resellers,\ncustomer segments, touchpoints) as a property graph, answers who supports each\nsegment and where the profit is, and draws the map as a diagram.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	for _, mk := range subcommands {
		root.AddCommand(mk())
	}
	return root
}

// subcommands are the constructors of chanmap's commands.
var subcommands []func() *cobra.Command

// exactArgs is cobra.ExactArgs with a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(c, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

func main() {
	render.RunWorkerIfRequested() // a render worker subprocess of `serve` exits here
	os.Exit(run(os.Args[1:]))
}

// run executes chanmap with args and returns the process exit code: 0 on
// success, 1 on a user error (bad map, missing file), 2 on a usage error.
func run(args []string) int {
	root := newRoot()
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintln(os.Stderr, "chanmap:", err)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		return 2
	}
	return 1
}

// isCobraUsage recognises cobra's own errors for unknown commands and flags.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
