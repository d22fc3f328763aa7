package workload

import (
	"runtime"
	"time"
)

// Cost is what one task costs a contender on average: wall time, and bytes
// and allocations on the heap (the submitter's and the pool's together).
type Cost struct {
	NsPerTask     float64
	BytesPerTask  float64
	AllocsPerTask float64
}

// measure runs op, which handles tasks tasks, after a collection, and
// divides its time and heap allocations among the tasks, as the testing
// package does for B/op and allocs/op.
func measure(tasks int, op func()) Cost {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	op()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	n := float64(tasks)
	return Cost{
		NsPerTask:     float64(elapsed.Nanoseconds()) / n,
		BytesPerTask:  float64(after.TotalAlloc-before.TotalAlloc) / n,
		AllocsPerTask: float64(after.Mallocs-before.Mallocs) / n,
	}
}
