package workload

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidego/tide/bench/contender"
)

// Server starts c at capacity and offers it tasks tasks the way a service
// receives requests: submitters goroutines each submit at exponentially
// distributed intervals, so that together they offer rate tasks per second
// as a Poisson process, until tasks tasks have been submitted between them.
// Each task records its latency from submission and from its due time,
// then runs work.
//
// A submitter sleeps on a timer until each arrival's due time. Due times
// follow from the submitter's own draws, not from when it woke, so a sleep
// that overshoots (timers wake a little late, and later still on a busy
// machine) does not lower the rate: the next task is then submitted at once.
// Seed makes the draws repeatable.
func Server(c contender.Contender, capacity, tasks, submitters int, rate float64, seed uint64, work func()) LatencyResult {
	r := c.Start(capacity)
	defer r.Close()
	a := arrivals{r: r, lat: make([]time.Duration, tasks), fromDue: make([]time.Duration, tasks), work: work}
	// Each submitter offers rate/submitters tasks per second, so its mean
	// interval is submitters/rate seconds.
	mean := float64(max(1, submitters)) / rate * float64(time.Second)
	var wg sync.WaitGroup
	cpu := CPUTime()
	a.start = time.Now()
	for p := range max(1, submitters) {
		rng := rand.New(rand.NewPCG(seed, uint64(p)))
		wg.Go(func() { a.submit(mean, rng) })
	}
	wg.Wait()
	offered := a.last.Sub(a.start)
	r.Wait()
	res := summarize(a.lat, a.fromDue, float64(tasks)/offered.Seconds())
	res.CPUPerTask = perTask(CPUTime()-cpu, tasks)
	return res
}

// arrivals is what the submitters of Server share.
type arrivals struct {
	r       contender.Runner
	lat     []time.Duration // the i-th task submitted stores its submit-to-start latency in lat[i]
	fromDue []time.Duration // and its latency from its due time in fromDue[i]
	next    atomic.Int64    // the index of the next task to submit
	start   time.Time
	last    time.Time // when the last task was submitted; written by its submitter, read after all have returned
	work    func()
}

// submit is one submitter of Server: from start, it waits exponential
// intervals of the given mean (ns) and submits a task after each, until
// every task has been taken. The submitter that takes the last task
// records when it was submitted; the others return after one more wait.
func (a *arrivals) submit(mean float64, rng *rand.Rand) {
	due := a.start
	for {
		due = due.Add(time.Duration(rng.ExpFloat64() * mean))
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		i := int(a.next.Add(1)) - 1
		if i >= len(a.lat) {
			return
		}
		a.r.Submit(timed(&a.lat[i], &a.fromDue[i], due, a.work))
		if i == len(a.lat)-1 {
			a.last = time.Now()
		}
	}
}
