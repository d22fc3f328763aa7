package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// selfPeakRSS returns this process's peak resident set in bytes, the VmHWM
// line of /proc/self/status, or 0 if it cannot be read.
func selfPeakRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		value, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		kib, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "kB")), 10, 64)
		if err != nil {
			return 0
		}
		return kib * 1024
	}
	return 0
}

// peakRSS returns the getrusage maxrss of a finished child in bytes (Linux
// reports it in KiB). It is at least the parent's resident set when the
// child started, which exec carries over.
func peakRSS(ps *os.ProcessState) uint64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > 0 {
		return uint64(ru.Maxrss) * 1024
	}
	return 0
}
