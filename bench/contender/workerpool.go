package contender

import "github.com/gammazero/workerpool"

// workerPool runs tasks with gammazero/workerpool, whose Submit never blocks
// (tasks beyond the workers wait in its unbounded queue).
type workerPool struct {
	counted
	p *workerpool.WorkerPool
}

func startWorkerpool(capacity int) Runner { return &workerPool{p: workerpool.New(capacity)} }

// Submit wraps task for the WaitGroup and submits it.
func (w *workerPool) Submit(task func()) { w.p.Submit(w.wrap(task)) }

// Close stops the pool once its queue is drained.
func (w *workerPool) Close() { w.p.StopWait() }
