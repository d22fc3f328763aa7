package contender

import (
	"sync"

	"github.com/panjf2000/ants/v2"

	"github.com/tidego/tide"
)

// The typed func pools: tide's FuncPool against ants' PoolWithFuncGeneric,
// both with the task itself as the argument, so that what is measured is
// Invoke's own cost.

// runTask is the fixed function of both typed pools: the task is the argument.
func runTask(task func()) { task() }

// tideFunc runs tasks through tide's typed FuncPool.
type tideFunc struct {
	p *tide.FuncPool[func()]
}

func startTideFunc(capacity int) Runner {
	p, err := tide.NewFuncPool(runTask, tide.WithCapacity(capacity))
	must(err)
	return &tideFunc{p: p}
}

// Submit invokes the pool with task.
func (t *tideFunc) Submit(task func()) { must(t.p.Invoke(task)) }

// Wait is the Wait of the FuncPool's Pool.
func (t *tideFunc) Wait() { t.p.Pool().Wait() }

// Close releases the pool and waits for its workers to exit.
func (t *tideFunc) Close() { must(t.p.Pool().ReleaseTimeout(closeTimeout)) }

// antsGeneric runs tasks through ants' PoolWithFuncGeneric.
type antsGeneric struct {
	wg sync.WaitGroup
	p  *ants.PoolWithFuncGeneric[func()]
}

func startAntsGeneric(capacity int) Runner {
	a := &antsGeneric{}
	p, err := ants.NewPoolWithFuncGeneric(capacity, a.run)
	must(err)
	a.p = p
	return a
}

// run is the pool's function: it runs the task passed as argument.
func (a *antsGeneric) run(task func()) {
	task()
	a.wg.Done()
}

// Submit counts task in and invokes the pool with it.
func (a *antsGeneric) Submit(task func()) {
	a.wg.Add(1)
	must(a.p.Invoke(task))
}

// Wait returns once every invoked task has finished.
func (a *antsGeneric) Wait() { a.wg.Wait() }

// Close releases the pool and waits for its workers to exit.
func (a *antsGeneric) Close() { must(a.p.ReleaseTimeout(closeTimeout)) }
