package workload

import (
	"runtime"
	"time"
)

// Cost is what one task costs a contender on average: wall time, CPU time,
// and bytes and allocations on the heap (the submitter's and the pool's
// together).
type Cost struct {
	NsPerTask     float64
	CPUPerTask    float64 // ns of CPU time, user and system, every thread's
	BytesPerTask  float64
	AllocsPerTask float64
	Serial        bool `json:",omitempty"` // tiny only: no task started before the last submission returned
}

// measure runs op, which handles tasks tasks, after a collection, and
// divides its time and heap allocations among the tasks, as the testing
// package does for B/op and allocs/op.
func measure(tasks int, op func()) Cost {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cpu := CPUTime()
	start := time.Now()
	op()
	elapsed := time.Since(start)
	cpuPerTask := perTask(CPUTime()-cpu, tasks)
	runtime.ReadMemStats(&after)
	n := float64(tasks)
	return Cost{
		NsPerTask:     float64(elapsed.Nanoseconds()) / n,
		CPUPerTask:    cpuPerTask,
		BytesPerTask:  float64(after.TotalAlloc-before.TotalAlloc) / n,
		AllocsPerTask: float64(after.Mallocs-before.Mallocs) / n,
	}
}

// perTask divides d, a CPU time spent on tasks tasks, among them in ns.
func perTask(d time.Duration, tasks int) float64 {
	return float64(d.Nanoseconds()) / float64(max(1, tasks))
}
