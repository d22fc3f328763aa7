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

// Calibrate returns the number of Spin rounds for which a task made by
// CPUTask costs about d on this machine. It estimates the cost of one round
// from long spins, then corrects the count twice against TaskCost, so that
// the task's call overhead is counted too.
func Calibrate(d time.Duration) int {
	best := time.Duration(1<<63 - 1)
	for range 20 {
		start := time.Now()
		Spin(calibrationRounds)
		best = min(best, time.Since(start))
	}
	rounds := max(1, int(float64(d)*calibrationRounds/float64(best)+0.5))
	for range 2 {
		cost := TaskCost(CPUTask(rounds), 20_000)
		rounds = max(1, int(float64(rounds)*float64(d)/float64(cost)+0.5))
	}
	return rounds
}

// TaskCost returns what one run of task costs when run serially: the mean
// over the fastest of ten batches of n/10 runs, so that other work on the
// machine inflates it as little as possible.
func TaskCost(task func(), n int) time.Duration {
	batch := max(1, n/10)
	best := time.Duration(1<<63 - 1)
	for range 10 {
		start := time.Now()
		for range batch {
			task()
		}
		best = min(best, time.Since(start))
	}
	return best / time.Duration(batch)
}
