package workload

import (
	"sync"

	"github.com/tidego/tide/bench/contender"
)

// empty is the task of the parallel-submitters workload: pure overhead.
func empty() {}

// Parallel is one op of the parallel-submitters workload: procs goroutines
// submit tasks empty tasks between them to r, then it waits for all of them.
func Parallel(r contender.Runner, tasks, procs int) {
	var submitters sync.WaitGroup
	for p := range procs {
		share := tasks / procs
		if p < tasks%procs {
			share++
		}
		submitters.Go(func() {
			for range share {
				r.Submit(empty)
			}
		})
	}
	submitters.Wait()
	r.Wait()
}

// MeasureParallel starts c at capacity, warms it up with one op of Parallel
// and measures a second one.
func MeasureParallel(c contender.Contender, capacity, tasks, procs int) Cost {
	r := c.Start(capacity)
	defer r.Close()
	Parallel(r, tasks, procs)
	return measure(tasks, func() { Parallel(r, tasks, procs) })
}
