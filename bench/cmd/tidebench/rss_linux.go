package main

import (
	"os"
	"syscall"
)

// peakRSS returns the peak resident set of a finished child in bytes, from
// getrusage (Linux reports Maxrss in KiB).
func peakRSS(ps *os.ProcessState) uint64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > 0 {
		return uint64(ru.Maxrss) * 1024
	}
	return 0
}
