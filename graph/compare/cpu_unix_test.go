//go:build unix

package compare

import (
	"syscall"
	"time"
)

// selfCPU is the CPU time this process has used so far (user and system,
// every thread), so a benchmark can report CPU per operation on a machine
// shared with other work.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
