package workload

import (
	"sync/atomic"
	"time"
)

// TinyWork is how long the tiny workload's task should keep a CPU busy.
const TinyWork = 150 * time.Nanosecond

// seed starts every Spin; a variable, so the compiler cannot fold the loop.
var seed uint64 = 0x9e3779b97f4a7c15

// zeros counts Spin results that were zero, which xorshift never yields from
// a non-zero seed; the branch keeps the loop's result alive without making
// every task write to a shared cache line.
var zeros atomic.Uint64

// Spin keeps the CPU busy for rounds steps of a xorshift generator.
func Spin(rounds int) {
	x := seed
	for range rounds {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	if x == 0 {
		zeros.Add(1)
	}
}

// CPUTask returns a task that spins for rounds steps; submitting the same
// func value again and again costs the submitter no allocation.
func CPUTask(rounds int) func() {
	return func() { Spin(rounds) }
}

// calibrationRounds is the length of one timed Spin during calibration.
const calibrationRounds = 1 << 16

// Calibrate returns the number of Spin rounds that take about d on this
// machine: the fastest of several timed spins, so that a busy machine slows
// the estimate as little as possible.
func Calibrate(d time.Duration) int {
	best := time.Duration(1<<63 - 1)
	for range 20 {
		start := time.Now()
		Spin(calibrationRounds)
		best = min(best, time.Since(start))
	}
	perRound := float64(best) / calibrationRounds
	return max(1, int(float64(d)/perRound+0.5))
}

// TaskCost times task run serially n times and returns the mean cost of one
// run, to state what the calibrated task really costs.
func TaskCost(task func(), n int) time.Duration {
	start := time.Now()
	for range n {
		task()
	}
	return time.Since(start) / time.Duration(n)
}
