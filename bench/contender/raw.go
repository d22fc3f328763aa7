package contender

import "sync"

// raw is the baseline: one new goroutine per task, no cap.
type raw struct {
	wg sync.WaitGroup
}

func startRaw(int) Runner { return &raw{} }

// Submit starts task on a goroutine of its own.
func (r *raw) Submit(task func()) { r.wg.Go(task) }

// Wait returns once every task has returned.
func (r *raw) Wait() { r.wg.Wait() }

// Close does nothing: finished goroutines are already gone.
func (r *raw) Close() {}
