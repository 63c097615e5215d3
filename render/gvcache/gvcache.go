// Package gvcache points the Graphviz WebAssembly engine's compile cache at
// a private per-user directory before the engine starts: import it (for its
// side effect) from every package that imports go-graphviz.
//
// go-graphviz v0.2.10 compiles its wasm module in a package initialiser and
// keeps the machine code in $TMPDIR/go-graphviz, a directory shared by every
// user of the machine: a second user's process fails on its permissions, and
// a user who plants files there first could have code run as another user.
// This package's initialiser runs first (Go initialises packages in import
// path order once their imports are ready, and this one imports only os,
// which go-graphviz needs too), sets TMPDIR to a 0700 directory under the
// user's cache directory for the engine's initialiser, and Restore puts the
// caller's TMPDIR back once the engine has started. When there is no cache
// directory, TMPDIR points at a path that cannot be created, and the engine
// runs without a compile cache. Private makes and checks such a directory
// for chanmap's other per-user caches (the layouts kept on disk).
package gvcache

import "os"

var (
	saved, hadTMPDIR = os.LookupEnv("TMPDIR")
	// Dir is the private cache directory, or "" when there is none.
	Dir = setup()
)

func setup() string {
	base, err := os.UserCacheDir()
	if err == nil {
		dir := base + string(os.PathSeparator) + "chanmap" + string(os.PathSeparator) + "graphviz"
		if Private(dir) {
			_ = os.Setenv("TMPDIR", dir)
			return dir
		}
	}
	// No private place: a TMPDIR the engine cannot create its cache in.
	_ = os.Setenv("TMPDIR", string(os.PathSeparator)+"nonexistent-chanmap-no-cache")
	return ""
}

// Restore puts back the TMPDIR the process started with. Call it after
// go-graphviz is initialised (any init of a package that imports it).
func Restore() {
	if hadTMPDIR {
		_ = os.Setenv("TMPDIR", saved)
	} else {
		_ = os.Unsetenv("TMPDIR")
	}
}

// Private makes dir (and its parents) and reports whether it is a directory
// of mode 0700 owned by this process's user: the only kind of directory
// chanmap keeps per-user caches in.
func Private(dir string) bool {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false
	}
	// MkdirAll leaves an existing directory's mode as it was.
	fi, err := os.Lstat(dir)
	return err == nil && fi.IsDir() && fi.Mode().Perm() == 0o700 && ownedByMe(fi)
}
