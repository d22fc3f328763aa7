package workload

import (
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/tidego/tide/bench/contender"
)

// idleHold bounds how long the idle workload's warm-up tasks wait for one
// another, so that a pool that runs fewer tasks at once than it was given
// cannot stall the warm-up.
const idleHold = time.Second

// IdleResult is what a contender costs while it sits idle: the CPU time the
// process used over a window in which no task ran.
type IdleResult struct {
	Window time.Duration
	CPU    time.Duration // user and system, every thread's, over Window
	Parked int           // goroutines beyond the baseline when the window began
	Left   int           // goroutines beyond the baseline when it ended
}

// CPUPerSecond is the idle CPU time in milliseconds per second of the window.
func (r IdleResult) CPUPerSecond() float64 {
	if r.Window <= 0 {
		return 0
	}
	return float64(r.CPU.Microseconds()) / 1e3 / r.Window.Seconds()
}

// Idle starts c at capacity and warms it with tasks tasks that each hold
// their worker until all of them have started (or idleHold has passed), so
// that a pool starts up to capacity workers, which then park. It waits for
// them, collects garbage and returns freed memory to the OS, then measures
// the process's CPU time over window while nothing is submitted. A pool
// whose parked workers cost nothing shows only its reaper's wake-ups above
// the Go runtime's own background work; raw goroutines, gone by then, show
// that floor alone.
func Idle(c contender.Contender, capacity, tasks int, window time.Duration) IdleResult {
	base := baseline()
	r := c.Start(capacity)
	defer r.Close()
	warm(r, tasks)
	debug.FreeOSMemory() // a collection, and the memory returned now rather than by the scavenger in the window
	res := IdleResult{Parked: Read().Minus(base).Goroutines}
	cpu := CPUTime()
	start := time.Now()
	time.Sleep(window)
	res.CPU = CPUTime() - cpu
	res.Window = time.Since(start)
	res.Left = Read().Minus(base).Goroutines
	return res
}

// warm submits tasks tasks to r that each wait until all have started, or
// until idleHold has passed, and waits for them.
func warm(r contender.Runner, tasks int) {
	var started atomic.Int64
	all, release := make(chan struct{}), make(chan struct{})
	hold := func() {
		if started.Add(1) == int64(tasks) {
			close(all)
		}
		select {
		case <-release:
		case <-time.After(idleHold):
		}
	}
	for range tasks {
		r.Submit(hold)
	}
	select {
	case <-all:
	case <-time.After(idleHold):
	}
	close(release)
	r.Wait()
}
