package contender

import (
	"sync"

	"github.com/panjf2000/ants/v2"
)

// antsPool runs tasks with ants' Pool.Submit (blocking when full, ants'
// default).
type antsPool struct {
	counted
	p *ants.Pool
}

func startAnts(capacity int) Runner {
	p, err := ants.NewPool(capacity)
	must(err)
	return &antsPool{p: p}
}

// Submit wraps task for the WaitGroup and submits it.
func (a *antsPool) Submit(task func()) { must(a.p.Submit(a.wrap(task))) }

// Close releases the pool and waits for its workers to exit.
func (a *antsPool) Close() { must(a.p.ReleaseTimeout(closeTimeout)) }

// antsFunc runs tasks with ants' PoolWithFunc: one function fixed at
// construction, and Invoke(arg) per task. The task itself travels as the
// argument (a func value fits in an interface without allocating), so what
// is measured is Invoke's own cost.
type antsFunc struct {
	wg sync.WaitGroup
	p  *ants.PoolWithFunc
}

func startAntsFunc(capacity int) Runner {
	a := &antsFunc{}
	p, err := ants.NewPoolWithFunc(capacity, a.run)
	must(err)
	a.p = p
	return a
}

// run is the pool's function: it runs the task passed as argument.
func (a *antsFunc) run(arg any) {
	arg.(func())()
	a.wg.Done()
}

// Submit counts task in and invokes the pool with it.
func (a *antsFunc) Submit(task func()) {
	a.wg.Add(1)
	must(a.p.Invoke(task))
}

// Wait returns once every invoked task has finished.
func (a *antsFunc) Wait() { a.wg.Wait() }

// Close releases the pool and waits for its workers to exit.
func (a *antsFunc) Close() { must(a.p.ReleaseTimeout(closeTimeout)) }
