package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain keeps the layout cache of `chanmap render` out of the user's
// cache directory: the tests get a cache directory of their own. With
// runAsCLI set the test binary is the command itself (for tests that need a
// fresh process).
func TestMain(m *testing.M) {
	if os.Getenv(runAsCLI) == "1" {
		os.Exit(run(os.Args[1:]))
	}
	dir, err := os.MkdirTemp("", "chanmap-cmd-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runAsCLI makes the test binary run as chanmap with its arguments.
const runAsCLI = "CHANMAP_TEST_RUN_AS_CLI"
