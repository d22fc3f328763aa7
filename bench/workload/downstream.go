package workload

import (
	"slices"
	"sync"
	"time"

	"github.com/tidego/tide/bench/contender"
	"github.com/tidego/tide/internal/downstream"
)

// The simulated downstream of the downstream workload, the one of issue 18:
// it serves DownstreamSlots calls at once for DownstreamService each and
// queues the rest, so it takes at most 5,000 calls a second.
const (
	DownstreamSlots   = 50
	DownstreamService = 10 * time.Millisecond
	// DownstreamClients is how many tasks the submitter keeps submitted and
	// not finished: more than any capacity measured, so that every pool
	// runs at its capacity and queues the rest.
	DownstreamClients = 400
	// DownstreamEvery is how often the capacity is sampled.
	DownstreamEvery = 250 * time.Millisecond
)

// DownstreamResult is what one run of the downstream workload saw.
type DownstreamResult struct {
	Rate     float64       // tasks finished per second
	P50, P99 time.Duration // task run time: the call to the downstream, its queue included
	// Caps is the pool's capacity every DownstreamEvery from the start; nil
	// for a contender that cannot report it.
	Caps []int
	// CPUPerTask is the process's CPU time over the run, in ns per task.
	CPUPerTask float64
}

// Downstream starts c at capacity and, for d, keeps DownstreamClients tasks
// submitted to it, each a call to a simulated downstream of
// DownstreamSlots slots of DownstreamService. A contender whose Runner has a
// Cap method (tide's) has its capacity sampled.
func Downstream(c contender.Contender, capacity int, d time.Duration) DownstreamResult {
	r := c.Start(capacity)
	defer r.Close()
	svc := downstream.New(DownstreamSlots, DownstreamService)
	var (
		mu    sync.Mutex
		times []time.Duration
	)
	clients := make(chan struct{}, DownstreamClients)
	task := func() {
		start := time.Now()
		svc.Call()
		took := time.Since(start)
		mu.Lock()
		times = append(times, took)
		mu.Unlock()
		<-clients
	}
	cpu := CPUTime()
	start := time.Now()
	end := start.Add(d)
	stop := make(chan struct{})
	caps := make(chan []int, 1)
	go sampleCaps(r, start, stop, caps)
	for time.Now().Before(end) {
		clients <- struct{}{}
		r.Submit(task)
	}
	close(stop)
	mu.Lock()
	finished, elapsed := len(times), time.Since(start)
	mu.Unlock()
	r.Wait()
	slices.Sort(times)
	return DownstreamResult{
		Rate:       float64(finished) / elapsed.Seconds(),
		P50:        Quantile(times, 0.50),
		P99:        Quantile(times, 0.99),
		Caps:       <-caps,
		CPUPerTask: perTask(CPUTime()-cpu, len(times)),
	}
}

// sampleCaps sends on out the capacity of r every DownstreamEvery from
// start until stop is closed, if r reports its capacity.
func sampleCaps(r contender.Runner, start time.Time, stop <-chan struct{}, out chan<- []int) {
	capped, ok := r.(interface{ Cap() int })
	if !ok {
		out <- nil
		return
	}
	var caps []int
	for tick := start; ; {
		tick = tick.Add(DownstreamEvery)
		select {
		case <-stop:
			out <- caps
			return
		case <-time.After(time.Until(tick)):
			caps = append(caps, capped.Cap())
		}
	}
}
