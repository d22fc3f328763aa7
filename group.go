package tide

import (
	"context"
	"fmt"
	"sync"
)

// Group is a set of tasks run on a pool's workers whose first error is
// reported by Wait, in the manner of golang.org/x/sync/errgroup. Its tasks
// share the pool's capacity with every other task of the pool, count in the
// pool's Stats as tasks like any other, and report a panic as a
// [*PanicError] instead of handing it to the pool's panic handler (so it
// counts in the pool's Stats as completed, not as panicked).
//
// Make a Group with [Pool.Group] or [Pool.GroupContext]. The zero Group runs
// its tasks on the default pool behind [Go]. A Group must not be copied after
// first use. A task's return happens before the Wait that it lets return.
type Group struct {
	p      *Pool                   // nil: the default pool
	cancel context.CancelCauseFunc // nil unless made by GroupContext
	wg     sync.WaitGroup
	once   sync.Once // records err
	err    error     // the first error; written once, read after wg.Wait
}

// Group returns a new, empty group of tasks that run on p.
func (p *Pool) Group() *Group { return &Group{p: p} }

// GroupContext returns a new group of tasks that run on p, and a context
// derived from ctx. The context is cancelled, with the error as its
// [context.Cause], when the group records its first error (a task's error or
// panic, or a task refused because the pool was released), and in any case
// when Wait returns. ctx must not be nil.
func (p *Pool) GroupContext(ctx context.Context) (*Group, context.Context) {
	ctx, cancel := context.WithCancelCause(ctx)
	return &Group{p: p, cancel: cancel}, ctx
}

// Go runs task on one of the pool's workers. Like [Pool.Go] it waits for room
// when the pool is at capacity with a full queue, even on a pool made
// [WithNonblocking]. Go never panics: on a released pool (also when Release
// comes while Go waits for room) the task is not run and the group records an
// error matching [ErrPoolClosed]; a nil task is not run and the group records
// an error matching [ErrNilTask]. A task that panics or calls
// [runtime.Goexit] ends with a [*PanicError] or [ErrGoexit] as its error,
// and its worker lives on (or, for Goexit, is replaced).
//
// Go costs one closure allocation on top of the pool's Submit. A task that
// calls Go on its own group may wait for room that only its own return can
// make, as with errgroup's SetLimit.
func (g *Group) Go(task func() error) {
	g.wg.Add(1)
	if task == nil {
		g.finish(fmt.Errorf("tide: Group.Go: %w", ErrNilTask))
		return
	}
	err := g.pool().s.submitFunc(context.Background(), func() { guard(task, g.finish) }, waitAlways)
	if err != nil {
		g.finish(fmt.Errorf("tide: Group.Go: %w", err))
	}
}

// Wait blocks until every task given to Go so far has returned (panicked or
// called Goexit), then returns the first error the group recorded, or nil.
// It cancels the context made by GroupContext. The pool may count the last
// tasks as completed a moment after Wait returns; [Pool.Wait] waits for that.
func (g *Group) Wait() error {
	g.wg.Wait()
	if g.cancel != nil {
		g.cancel(g.err)
	}
	return g.err
}

// finish records how a task ended and counts it out.
func (g *Group) finish(err error) {
	if err != nil {
		g.fail(err)
	}
	g.wg.Done()
}

// fail records err if it is the group's first error, cancelling the group's
// context.
func (g *Group) fail(err error) {
	g.once.Do(func() {
		g.err = err
		if g.cancel != nil {
			g.cancel(err)
		}
	})
}

func (g *Group) pool() *Pool {
	if g.p == nil {
		return defaultPool()
	}
	return g.p
}
