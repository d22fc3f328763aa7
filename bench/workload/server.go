package workload

import (
	"math/rand/v2"
	"sync"
	"time"

	"github.com/tidego/tide/bench/contender"
)

// Server starts c at capacity and offers it tasks tasks the way a service
// receives requests: submitters goroutines, each submitting its share of the
// tasks at exponentially distributed intervals, so that together they offer
// rate tasks per second as a Poisson process. Each task records its
// submit-to-start latency, then runs work.
//
// A submitter sleeps on a timer until each task's due time. Due times are
// fixed in advance from the submitter's own clock, so a sleep that
// overshoots (timers wake a little late, and later still on a busy machine)
// does not lower the rate: the next task is then submitted at once. Seed
// makes the arrival times repeatable.
func Server(c contender.Contender, capacity, tasks, submitters int, rate float64, seed uint64, work func()) LatencyResult {
	submitters = max(1, min(submitters, tasks))
	r := c.Start(capacity)
	defer r.Close()
	lat := make([]time.Duration, tasks)
	// Each submitter offers rate/submitters tasks per second, so its mean
	// interval is submitters/rate seconds.
	mean := float64(submitters) / rate * float64(time.Second)
	var wg sync.WaitGroup
	cpu := CPUTime()
	start := time.Now()
	for p := range submitters {
		share := lat[p*tasks/submitters : (p+1)*tasks/submitters]
		rng := rand.New(rand.NewPCG(seed, uint64(p)))
		wg.Go(func() { submitEvery(r, share, start, mean, rng, work) })
	}
	wg.Wait()
	offered := time.Since(start)
	r.Wait()
	res := summarize(lat, float64(tasks)/offered.Seconds())
	res.CPUPerTask = perTask(CPUTime()-cpu, tasks)
	return res
}

// submitEvery is one submitter of Server: it submits len(lat) tasks, the
// i-th at start plus the sum of i+1 exponential intervals of the given mean
// (ns); the i-th task stores its start latency in lat[i].
func submitEvery(r contender.Runner, lat []time.Duration, start time.Time, mean float64, rng *rand.Rand, work func()) {
	due := start
	for i := range lat {
		due = due.Add(time.Duration(rng.ExpFloat64() * mean))
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		slot := &lat[i]
		submitted := time.Now()
		r.Submit(func() {
			*slot = time.Since(submitted)
			work()
		})
	}
}
