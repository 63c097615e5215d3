package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// This file is the one way every command writes its -o output, so that
// every command treats what already is at the path the same way:
//
//   - "-" is standard output;
//   - a symlink is written through: its target is written, the link stays;
//   - a device, a FIFO or a socket (/dev/null, /dev/stdout) is opened and
//     written directly, never replaced by a regular file;
//   - a regular file (or a new one) is replaced atomically: the data goes to
//     a temporary file beside it, is synced to disk, gets the old file's
//     mode (0644 for a new file) and is renamed over it, so a failure never
//     leaves half a file and a crash never leaves an empty one;
//   - a directory, or a parent directory that does not exist, is the same
//     clear error for every command.

// stdoutName is the -o value that means standard output.
const stdoutName = "-"

// writeOutput writes data to path as described above; stdout is standard
// output for "-".
func writeOutput(stdout io.Writer, path string, data []byte) error {
	if path == stdoutName {
		_, err := stdout.Write(data)
		return err
	}
	return writeOutputs(map[string][]byte{path: data})
}

// writeOutputs writes several files (the two tables of a CSV export) the
// same way; regular files are renamed into place only when all were
// written.
func writeOutputs(files map[string][]byte) error {
	type pending struct{ tmp, dest string }
	var renames []pending
	defer func() {
		for _, p := range renames {
			os.Remove(p.tmp)
		}
	}()
	for path, data := range files {
		if path == stdoutName {
			return fmt.Errorf("write %s: this output is several files and cannot go to standard output; give a file name", path)
		}
		dest, direct, mode, err := outputTarget(path)
		if err != nil {
			return err
		}
		if direct {
			if err := writeDirect(path, data); err != nil {
				return err
			}
			continue
		}
		tmp, err := writeTemp(dest, data, mode)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		renames = append(renames, pending{tmp, dest})
	}
	for len(renames) > 0 {
		p := renames[0]
		if err := os.Rename(p.tmp, p.dest); err != nil {
			return fmt.Errorf("write %s: %w", p.dest, err)
		}
		renames = renames[1:]
		syncDir(filepath.Dir(p.dest))
	}
	return nil
}

// outputTarget decides how path is written: direct (a device, FIFO or
// socket, possibly behind a symlink), or replaced atomically at dest (the
// symlink's final target, or path itself) keeping mode.
func outputTarget(path string) (dest string, direct bool, mode os.FileMode, err error) {
	dest, err = followLinks(path)
	if err != nil {
		return "", false, 0, fmt.Errorf("write %s: %w", path, err)
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return "", false, 0, fmt.Errorf("write %s: it is a directory; give a file name", path)
	case err == nil && !fi.Mode().IsRegular():
		return path, true, 0, nil
	case err == nil:
		return dest, false, fi.Mode().Perm(), nil
	case !errors.Is(err, os.ErrNotExist):
		return "", false, 0, fmt.Errorf("write %s: %w", path, err)
	}
	dir := filepath.Dir(dest)
	if st, derr := os.Stat(dir); derr != nil || !st.IsDir() {
		return "", false, 0, fmt.Errorf("write %s: the directory %s does not exist", path, dir)
	}
	return dest, false, 0o644, nil
}

// followLinks returns the path a chain of symlinks ends at, even when that
// final file does not exist yet.
func followLinks(path string) (string, error) {
	for i := 0; i < 40; i++ {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
		target, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return "", errors.New("too many levels of symbolic links")
}

// writeDirect writes to a device, FIFO or socket as it is.
func writeDirect(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("write %s: %w", path, werr)
	}
	return nil
}

// writeTemp writes data to a new temporary file beside dest with the given
// mode and syncs it; the caller renames it into place.
func writeTemp(dest string, data []byte, mode os.FileMode) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*")
	if err != nil {
		return "", err
	}
	err = tmp.Chmod(mode)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}

// syncDir makes a rename in dir durable; filesystems that cannot sync a
// directory are left as they are.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
