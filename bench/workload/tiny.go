package workload

import "github.com/tidego/tide/bench/contender"

// Tiny is one op of the tiny workload: it submits task tasks times to r and
// waits for all of them.
func Tiny(r contender.Runner, tasks int, task func()) {
	for range tasks {
		r.Submit(task)
	}
	r.Wait()
}

// MeasureTiny starts c at capacity, warms it up with one op of Tiny, then
// measures a second op: the steady state of a pool that is reused, as the
// benchmark's loop sees it.
func MeasureTiny(c contender.Contender, capacity, tasks int, task func()) Cost {
	r := c.Start(capacity)
	defer r.Close()
	Tiny(r, tasks, task)
	return measure(tasks, func() { Tiny(r, tasks, task) })
}
