package workload

import (
	"runtime"
	"time"

	"github.com/tidego/tide/bench/contender"
)

// idleWarmTask is how long each task of the idle workload's warm-up sleeps:
// long enough that every task holds a worker of its own while the others
// are submitted.
const idleWarmTask = 10 * time.Millisecond

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

// Idle starts c at capacity, warms it with tasks tasks that each sleep
// 10 ms (so a pool starts up to capacity workers, which then park), waits
// for them and collects garbage, then measures the process's CPU time over
// window while nothing is submitted. A pool whose parked workers cost
// nothing shows only its reaper's wake-ups; raw goroutines, gone by then,
// show about zero.
func Idle(c contender.Contender, capacity, tasks int, window time.Duration) IdleResult {
	base := baseline()
	r := c.Start(capacity)
	defer r.Close()
	sleep := func() { time.Sleep(idleWarmTask) }
	for range tasks {
		r.Submit(sleep)
	}
	r.Wait()
	runtime.GC()
	res := IdleResult{Parked: Read().Minus(base).Goroutines}
	cpu := CPUTime()
	start := time.Now()
	time.Sleep(window)
	res.CPU = CPUTime() - cpu
	res.Window = time.Since(start)
	res.Left = Read().Minus(base).Goroutines
	return res
}
