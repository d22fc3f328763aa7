package workload

import (
	"sync/atomic"

	"github.com/tidego/tide/bench/contender"
)

// Tiny is one op of the tiny workload: it submits task tasks times to r and
// waits for all of them.
func Tiny(r contender.Runner, tasks int, task func()) {
	submitAll(r, tasks, task)
	r.Wait()
}

// submitAll submits task tasks times to r.
func submitAll(r contender.Runner, tasks int, task func()) {
	for range tasks {
		r.Submit(task)
	}
}

// MeasureTiny starts c at capacity, warms it up with one op of Tiny, then
// measures a second op: the steady state of a pool that is reused, as the
// benchmark's loop sees it.
//
// It also reports whether the measured op ran serially: no task started
// before the last submission returned, so the submitter ran alone and then
// the workers ran alone. Such ops are much cheaper per task than those in
// which the submitter and the workers share the processors, and a pool's
// figure depends on how often each happens.
func MeasureTiny(c contender.Contender, capacity, tasks int, task func()) Cost {
	r := c.Start(capacity)
	defer r.Close()
	Tiny(r, tasks, task)
	var submitting, overlapped atomic.Bool
	watched := func() {
		// Loads only, but for one store per op: the flags' cache line stays
		// shared, and the task costs the same to every contender.
		if submitting.Load() && !overlapped.Load() {
			overlapped.Store(true)
		}
		task()
	}
	cost := measure(tasks, func() {
		submitting.Store(true)
		submitAll(r, tasks, watched)
		submitting.Store(false)
		r.Wait()
	})
	cost.Serial = !overlapped.Load()
	return cost
}
