package workload

import (
	"time"

	"github.com/tidego/tide/bench/contender"
)

// peakInterval is how often the sleepy workload samples goroutines and stacks.
const peakInterval = 5 * time.Millisecond

// SleepyResult is what one run of the sleepy workload measured. Peaks are
// what the run added to the process (its baseline subtracted).
type SleepyResult struct {
	Wall       time.Duration
	Peak       Sample
	CPUPerTask float64 // ns of the process's CPU time per task, start to Wait
}

// Sleepy starts c at capacity and submits tasks tasks that each sleep for d,
// waits for them, and closes c: ants' own benchmark shape. Peak RSS is not
// measured here; it needs a fresh process (see the tidebench command).
func Sleepy(c contender.Contender, capacity, tasks int, d time.Duration) SleepyResult {
	base := baseline()
	peaks := WatchPeaks(peakInterval)
	cpu := CPUTime()
	start := time.Now()
	r := c.Start(capacity)
	sleep := func() { time.Sleep(d) }
	for range tasks {
		r.Submit(sleep)
	}
	r.Wait()
	wall := time.Since(start)
	cpuPerTask := perTask(CPUTime()-cpu, tasks)
	peak := peaks.Stop()
	r.Close()
	return SleepyResult{Wall: wall, Peak: peak.Minus(base), CPUPerTask: cpuPerTask}
}
