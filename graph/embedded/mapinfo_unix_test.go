//go:build unix

package embedded

import (
	"syscall"
	"testing"
	"time"

	"github.com/chanmap/chanmap/graph/storetest"
)

// BenchmarkMapInfo reads one map's line of the map list in a store of 200
// maps, from the whole list and alone (see storetest.BenchMapInfo), with
// the process's CPU per read.
//
//	go test ./graph/embedded -run '^$' -bench MapInfo
func BenchmarkMapInfo(b *testing.B) {
	s, err := Open(b.TempDir()+"/chanmap.db", WithoutSync())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() }) // after the maps' clean-up
	storetest.BenchMapInfo(b, s, 200, func() map[string]time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			return nil
		}
		return map[string]time.Duration{"cpu": time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
	})
}
