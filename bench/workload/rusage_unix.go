//go:build unix

package workload

import (
	"syscall"
	"time"
)

// CPUTime returns the CPU time this process has used so far, user and
// system together, from getrusage(RUSAGE_SELF): every thread's, the
// runtime's own (GC, scheduler) included. It returns 0 if it cannot be read.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
