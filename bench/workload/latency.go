package workload

import (
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/tidego/tide/bench/contender"
)

// LatencyResult is the latency of one run's tasks at quantiles, measured
// two ways: from just before Submit to the first line of the task
// (submit-to-start), and from the task's due time to its first line.
type LatencyResult struct {
	P50, P99, P999, Max time.Duration
	// DueP50 to DueMax are the latency from each task's due time (when the
	// arrival schedule says it should have been offered) to its first line:
	// what the task's user waits. It is never below the task's
	// submit-to-start latency, and it includes any time its submitter was
	// late, so a Submit that blocks (and so makes the next submissions
	// late) cannot hide a delay by moving it before Submit.
	DueP50, DueP99, DueP999, DueMax time.Duration
	// Rate is the rate the submitters actually achieved, in tasks per
	// second; below the offered rate when Submit blocked.
	Rate float64
	// CPUPerTask is the process's CPU time (user and system) from the first
	// submission to the end of Wait, in ns per task: the submitters' waiting
	// included.
	CPUPerTask float64
}

// Latency starts c at capacity and offers it tasks tasks at a steady rate
// (tasks per second), each submitted at its due time, or at once when the
// submitter is already late; each task records its latencies, then runs
// work. The submitter keeps one processor busy while it waits between
// tasks, yielding it to any goroutine that is ready.
func Latency(c contender.Contender, capacity, tasks int, rate float64, work func()) LatencyResult {
	r := c.Start(capacity)
	defer r.Close()
	lat, fromDue := make([]time.Duration, tasks), make([]time.Duration, tasks)
	interval := float64(time.Second) / rate
	cpu := CPUTime()
	start := time.Now()
	for i := range lat {
		due := start.Add(time.Duration(float64(i) * interval))
		waitUntil(due)
		r.Submit(timed(&lat[i], &fromDue[i], due, work))
	}
	offered := time.Since(start)
	r.Wait()
	res := summarize(lat, fromDue, float64(tasks)/offered.Seconds())
	res.CPUPerTask = perTask(CPUTime()-cpu, tasks)
	return res
}

// timed returns a task that, on its first line, stores the time since now
// in *lat and the time since due in *fromDue, then runs work. Call it just
// before Submit.
func timed(lat, fromDue *time.Duration, due time.Time, work func()) func() {
	submitted := time.Now()
	return func() {
		started := time.Now()
		*lat, *fromDue = started.Sub(submitted), started.Sub(due)
		work()
	}
}

// waitUntil returns at t, yielding the processor while it waits: a timer
// sleep rounds up to about a millisecond on many kernels, far coarser than
// the 10 µs between tasks at 100,000/s.
func waitUntil(t time.Time) {
	for time.Now().Before(t) {
		runtime.Gosched()
	}
}

// summarize sorts the submit-to-start latencies lat and those from the due
// time, fromDue, and reads their quantiles.
func summarize(lat, fromDue []time.Duration, rate float64) LatencyResult {
	slices.Sort(lat)
	slices.Sort(fromDue)
	return LatencyResult{
		P50:     Quantile(lat, 0.50),
		P99:     Quantile(lat, 0.99),
		P999:    Quantile(lat, 0.999),
		Max:     Quantile(lat, 1),
		DueP50:  Quantile(fromDue, 0.50),
		DueP99:  Quantile(fromDue, 0.99),
		DueP999: Quantile(fromDue, 0.999),
		DueMax:  Quantile(fromDue, 1),
		Rate:    rate,
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
