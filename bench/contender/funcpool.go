//go:build tidefuncpool

// TODO(bench): tide's typed FuncPool[T] is not in the API yet. This file is
// written against the signature we expect,
//
//	func NewFuncPool[T any](fn func(T), opts ...Option) (*FuncPool[T], error)
//	func (p *FuncPool[T]) Invoke(arg T) error
//	func (p *FuncPool[T]) Wait()
//	func (p *FuncPool[T]) ReleaseTimeout(d time.Duration) error
//
// and pits it against ants' PoolWithFuncGeneric. Once NewFuncPool lands,
// fix the calls below if the shape differs, then drop the build tag here and
// delete funcpool_none.go.

package contender

import (
	"sync"

	"github.com/panjf2000/ants/v2"
	"github.com/tidego/tide"
)

// funcPools returns the typed func-pool contenders.
func funcPools() []Contender {
	return []Contender{
		{Name: "tide-func", Idiom: "tide FuncPool[func()].Invoke + Wait", Start: startTideFunc},
		{Name: "ants-generic", Idiom: "ants/v2 PoolWithFuncGeneric[func()].Invoke + WaitGroup", Start: startAntsGeneric},
	}
}

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

// Wait is the FuncPool's own Wait.
func (t *tideFunc) Wait() { t.p.Wait() }

// Close releases the pool and waits for its workers to exit.
func (t *tideFunc) Close() { must(t.p.ReleaseTimeout(closeTimeout)) }

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
