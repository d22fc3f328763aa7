package workload

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidego/tide/bench/contender"
)

// HammerResult is one run of Hammering.
type HammerResult struct {
	Window    time.Duration // how long the submitters ran
	Completed uint64        // tasks that finished within the window
	PerSecond float64       // Completed per second of the window
	// Accepted and Refused count the looping submitters' TrySubmit calls
	// by outcome.
	Accepted, Refused uint64
	// Blocking counts the blocking submitter's Submit calls, its last one
	// included, which may return after the window.
	Blocking uint64
	// BlockingWorst is the longest the blocking submitter waited for a
	// Submit to return.
	BlockingWorst time.Duration
	// Ran counts the tasks run in all by the end of Wait: every accepted
	// one, Accepted + Blocking.
	Ran uint64
}

// Hammering starts nb at capacity and, for d, has submitters goroutines
// loop on TrySubmit, which the pool refuses while full, beside one blocking
// submitter looping on Submit, which waits for room; every task is empty.
// It reports how many tasks completed within d, and how long the blocking
// submitter had to wait at worst: a pool that makes progress runs up to
// capacity tasks at a time however hard it is hammered, and does not
// starve the submitter that waits its turn.
func Hammering(nb contender.Nonblocking, capacity, submitters int, d time.Duration) HammerResult {
	r := nb.Start(capacity)
	defer r.Close()
	var ran atomic.Uint64
	var stop atomic.Bool
	task := func() { ran.Add(1) }
	counts := make([]struct{ accepted, refused uint64 }, submitters)
	var res HammerResult
	var wg sync.WaitGroup
	start := time.Now()
	for i := range counts {
		wg.Go(func() {
			c := &counts[i]
			for {
				if r.TrySubmit(task) {
					c.accepted++
				} else {
					c.refused++
				}
				if stop.Load() {
					return
				}
			}
		})
	}
	wg.Go(func() {
		for {
			began := time.Now()
			r.Submit(task)
			res.BlockingWorst = max(res.BlockingWorst, time.Since(began))
			res.Blocking++
			if stop.Load() {
				return
			}
		}
	})
	time.Sleep(d)
	stop.Store(true)
	res.Window, res.Completed = time.Since(start), ran.Load()
	wg.Wait()
	r.Wait()
	res.Ran = ran.Load()
	for _, c := range counts {
		res.Accepted += c.accepted
		res.Refused += c.refused
	}
	res.PerSecond = float64(res.Completed) / res.Window.Seconds()
	return res
}
