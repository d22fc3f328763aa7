package workload

import (
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/tidego/tide/bench/contender"
)

// LatencyResult is the submit-to-start latency of one run: the time from
// just before Submit to the first line of the task, at quantiles.
type LatencyResult struct {
	P50, P99, P999, Max time.Duration
	// Rate is the rate the submitters actually achieved, in tasks per
	// second; below the offered rate when Submit blocked.
	Rate float64
	// CPUPerTask is the process's CPU time (user and system) from the first
	// submission to the end of Wait, in ns per task: the submitters' waiting
	// included.
	CPUPerTask float64
}

// Latency starts c at capacity and offers it tasks tasks at a steady rate
// (tasks per second), each submitted at its due time; each task records its
// start latency, then runs work. The submitter keeps one processor busy while
// it waits between tasks, yielding it to any goroutine that is ready.
func Latency(c contender.Contender, capacity, tasks int, rate float64, work func()) LatencyResult {
	r := c.Start(capacity)
	defer r.Close()
	lat := make([]time.Duration, tasks)
	interval := float64(time.Second) / rate
	cpu := CPUTime()
	start := time.Now()
	for i := range lat {
		waitUntil(start.Add(time.Duration(float64(i) * interval)))
		slot := &lat[i]
		submitted := time.Now()
		r.Submit(func() {
			*slot = time.Since(submitted)
			work()
		})
	}
	offered := time.Since(start)
	r.Wait()
	res := summarize(lat, float64(tasks)/offered.Seconds())
	res.CPUPerTask = perTask(CPUTime()-cpu, tasks)
	return res
}

// waitUntil returns at t, yielding the processor while it waits: a timer
// sleep rounds up to about a millisecond on many kernels, far coarser than
// the 10 µs between tasks at 100,000/s.
func waitUntil(t time.Time) {
	for time.Now().Before(t) {
		runtime.Gosched()
	}
}

// summarize sorts lat and reads its quantiles.
func summarize(lat []time.Duration, rate float64) LatencyResult {
	slices.Sort(lat)
	return LatencyResult{
		P50:  Quantile(lat, 0.50),
		P99:  Quantile(lat, 0.99),
		P999: Quantile(lat, 0.999),
		Max:  Quantile(lat, 1),
		Rate: rate,
	}
}

// Quantile returns the q-quantile (0 < q <= 1) of sorted by nearest rank,
// or zero when sorted is empty.
func Quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(float64(len(sorted)) * q))
	return sorted[min(len(sorted), max(1, rank))-1]
}
