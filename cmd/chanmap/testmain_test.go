package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain keeps the layout cache of `chanmap render` out of the user's
// cache directory: the tests get a cache directory of their own.
func TestMain(m *testing.M) {
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
