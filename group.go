package tide

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Group is a set of tasks run on a pool's workers whose first error is
// reported by Wait, in the manner of golang.org/x/sync/errgroup, with
// errgroup's SetLimit and TryGo. Its tasks share the pool's capacity with
// every other task of the pool and count in the pool's Stats as tasks like
// any other. A task's panic comes back from Wait as a [*PanicError] instead
// of going to the pool's panic handler; it counts in the pool's
// Stats.Panicked (once) and Stats.Completed.
//
// Make a Group with [Pool.Group] or [Pool.GroupContext]. The zero Group runs
// its tasks as [Go] does: on the default pool, or, inside a
// [testing/synctest] bubble, on new goroutines of the bubble, so that
// "go, wait, return" works in a bubble as it does with errgroup. A Group must
// not be copied after first use. A task's return happens before the Wait
// that it lets return. The methods of a nil *Group panic with an error saying
// how to make one.
type Group struct {
	p      *Pool                   // nil: as Go does (the default pool, or a bubble's goroutines)
	cancel context.CancelCauseFunc // nil unless made by GroupContext
	wg     sync.WaitGroup
	sem    chan struct{} // nil: no limit; else holds one token per task in flight
	active atomic.Int64  // tasks given to Go or TryGo that have not ended
	once   sync.Once     // records err
	err    error         // the first error; written once, read after wg.Wait

	mu   sync.Mutex   // guards todo
	todo []*groupTask // accepted tasks, oldest first, that may not have started: those a waiter may run
}

// groupTask is one task of a group, claimed by whoever starts it: the
// worker that reaches its item, or a waiter of the group that helps.
type groupTask struct {
	g       *Group
	p       *Pool
	fn      func() error
	started atomic.Bool
}

// Group returns a new, empty group of tasks that run on p. On a nil or zero
// p it panics with an error matching [ErrNilPool] (use the zero Group for
// the default pool).
func (p *Pool) Group() *Group {
	if p.unmade() {
		panic(opErr("Group", ErrNilPool))
	}
	return &Group{p: p}
}

// GroupContext returns a new group of tasks that run on p, and a context
// derived from ctx. The context is cancelled, with the error as its
// [context.Cause], when the group records its first error (a task's error or
// panic, or a task refused because the pool was released), and in any case
// when Wait returns. As [context.WithCancel] does for a nil parent,
// GroupContext panics on a nil ctx, with an error matching [ErrNilContext];
// on a nil or zero p it panics with an error matching [ErrNilPool].
func (p *Pool) GroupContext(ctx context.Context) (*Group, context.Context) {
	if p.unmade() {
		panic(opErr("GroupContext", ErrNilPool))
	}
	if ctx == nil {
		panic(opErr("GroupContext", ErrNilContext))
	}
	ctx, cancel := context.WithCancelCause(ctx)
	return &Group{p: p, cancel: cancel}, ctx
}

// SetLimit limits the group to at most n tasks in flight (given to Go or
// TryGo and not yet ended); a negative n removes the limit, which is the
// default. Once the limit is reached, Go waits for one of the group's tasks
// to end before submitting, and TryGo returns false. The limit is the
// group's own: the pool's capacity bounds the group's tasks too.
//
// As with errgroup, a limit of 0 admits no task. Where errgroup's Go would
// then block for ever, Go does not run the task and the group records an
// error matching [ErrInvalidCapacity].
//
// The limit must not change while any of the group's tasks is in flight:
// SetLimit then panics, as errgroup's does. (errgroup only notices when a
// limit was already set; SetLimit notices whatever the limit was.)
func (g *Group) SetLimit(n int) {
	g.check("SetLimit")
	if active := g.active.Load(); active != 0 {
		panic(fmt.Errorf("tide: Group.SetLimit: modify limit while %d tasks in the group are still active", active))
	}
	if n < 0 {
		g.sem = nil
		return
	}
	g.sem = make(chan struct{}, n)
}

// Go runs task on one of the pool's workers. It first waits, if the group is
// at its limit (see SetLimit), for one of the group's tasks to end. Like
// [Pool.Go] it then waits for room when the pool is at capacity with a full
// queue, even on a pool made [WithNonblocking].
//
// Go never panics (but on a nil *Group): on a released pool (also when
// Release comes while Go waits for room) the task is not run and the group
// records an error matching [ErrPoolClosed]; a nil task is not run and the
// group records an error matching [ErrNilTask]; called inside a synctest
// bubble on a pool made outside it (or the other way round), the task is not
// run and the group records an error matching [ErrSynctestBubble]. A task
// that panics or calls [runtime.Goexit] ends with a [*PanicError] or
// [ErrGoexit] as its error, and its worker lives on (or, for Goexit, is
// replaced).
//
// While Go waits for the group's limit, it runs the group's tasks that no
// worker has started yet, as Wait does.
//
// Go costs two allocations on top of the pool's Submit (the task's record
// and its closure), and the group's lock once. A task that calls Go on its
// own group may wait for room that only its own return can make, as with
// errgroup's SetLimit.
func (g *Group) Go(task func() error) {
	g.check("Go")
	g.start()
	if task == nil {
		g.end(opErr("Group.Go", ErrNilTask), false)
		return
	}
	if g.sem != nil {
		if cap(g.sem) == 0 {
			g.end(opErr("Group.Go", fmt.Errorf("%w (the group's limit is 0, so no task can start)", ErrInvalidCapacity)), false)
			return
		}
		g.acquire()
	}
	if err := g.submit(task, waitAlways); err != nil {
		g.end(opErr("Group.Go", err), true)
	}
}

// TryGo runs task as Go does, but only if it can start it without waiting:
// it returns false, without running task, when the group is at its limit
// (see SetLimit) or when the pool has no room at once (every worker busy at
// capacity and the queue full; errgroup has no pool, so this is tide's
// addition). A false from those is not an error: Wait does not report it.
// TryGo also returns false for a nil task or on a released pool, and then
// the group records an error matching [ErrNilTask] or [ErrPoolClosed], as Go
// does. It returns true once task is accepted: it will run exactly once.
func (g *Group) TryGo(task func() error) bool {
	g.check("TryGo")
	if task == nil {
		g.start()
		g.end(opErr("Group.TryGo", ErrNilTask), false)
		return false
	}
	if g.sem != nil {
		select {
		case g.sem <- struct{}{}:
		default:
			return false
		}
	}
	g.start()
	err := g.submit(task, waitNever)
	switch {
	case err == nil:
		return true
	case errors.Is(err, ErrPoolOverload):
		g.end(nil, true)
	default:
		g.end(opErr("Group.TryGo", err), true)
	}
	return false
}

// Wait blocks until every task given to Go or TryGo so far has returned
// (panicked or called Goexit), then returns the first error the group
// recorded, or nil. It cancels the context made by GroupContext. The pool
// may count the last tasks as completed a moment after Wait returns;
// [Pool.Wait] waits for that.
//
// Wait helps: while it waits, it runs the group's tasks that no worker has
// started yet, newest first, one at a time, each on a goroutine of its own
// that Wait waits for (so a task's runtime.Goexit ends that goroutine, not
// the caller); a worker that later reaches such a task skips it. Each task
// still runs exactly once, and its error, panic or Goexit is reported as if
// a worker had run it. A task Wait runs counts in the pool's Stats as
// running while it runs, then as completed, before Wait returns. Wait runs
// only its own group's tasks, never another group's: so a tree of groups, a
// task of each waiting for its own children, completes on a pool of any
// capacity, as long as the children can be queued (see the README's
// guarantees for what still deadlocks). The group's tasks in flight may
// then exceed the pool's capacity by the number of its waiters.
func (g *Group) Wait() error {
	g.check("Wait")
	for g.helpOne() {
	}
	g.wg.Wait()
	if g.cancel != nil {
		g.cancel(g.err)
	}
	return g.err
}

// check panics if g is nil, naming the method op.
func (g *Group) check(op string) {
	if g == nil {
		panic(fmt.Errorf("tide: Group.%s called on a nil *Group: make one with Pool.Group or Pool.GroupContext, or declare a tide.Group", op))
	}
}

// start counts a task in.
func (g *Group) start() {
	g.wg.Add(1)
	g.active.Add(1)
}

// end records how a task ended, if with an error, and counts it out; held
// says whether it holds a token of the limit.
func (g *Group) end(err error, held bool) {
	if err != nil {
		g.fail(err)
	}
	if held && g.sem != nil {
		<-g.sem
	}
	g.active.Add(-1)
	g.wg.Done()
}

// submit hands task to the group's pool (or, for the zero Group in a
// bubble, to a new goroutine) in mode m, and reports the pool's refusal.
func (g *Group) submit(task func() error, m waitMode) error {
	p := g.p
	if p != nil && p.crossesBubble() {
		return ErrSynctestBubble
	}
	if p == nil {
		if inBubble() {
			go g.run(nil, task)
			return nil
		}
		p = defaultPool()
	}
	t := &groupTask{g: g, p: p, fn: task}
	if err := p.s.submitFunc(context.Background(), t.work, m); err != nil {
		return err
	}
	g.mu.Lock()
	g.pushLocked(t)
	g.mu.Unlock()
	return nil
}

// pushLocked adds t to the tasks a waiter may run. When the list is full it
// first drops the tasks already started, so that it holds about as many
// tasks as are unstarted, not every task the group ever ran. Caller holds
// g.mu.
func (g *Group) pushLocked(t *groupTask) {
	if len(g.todo) == cap(g.todo) {
		kept := g.todo[:0]
		for _, u := range g.todo {
			if !u.started.Load() {
				kept = append(kept, u)
			}
		}
		clear(g.todo[len(kept):])
		g.todo = kept
	}
	g.todo = append(g.todo, t)
}

// helpOne runs, on the caller, the newest of the group's tasks that nobody
// has started, and reports whether there was one.
func (g *Group) helpOne() bool {
	g.mu.Lock()
	var t *groupTask
	for n := len(g.todo); n > 0 && t == nil; n = len(g.todo) {
		u := g.todo[n-1]
		g.todo[n-1] = nil
		g.todo = g.todo[:n-1]
		if u.started.CompareAndSwap(false, true) {
			t = u
		}
	}
	g.mu.Unlock()
	if t == nil {
		return false
	}
	s := t.p.s
	fn := t.fn
	t.fn = nil
	s.helpStart()
	lend(func() {
		guard(fn, func(err error, panicked bool) {
			s.helpEnd(panicked)
			g.end(err, true)
		})
	}, s.goroutineDone)
	return true
}

// acquire takes a token of the group's limit, running the group's unstarted
// tasks while it has to wait for one.
func (g *Group) acquire() {
	for {
		select {
		case g.sem <- struct{}{}:
			return
		default:
		}
		if !g.helpOne() {
			g.sem <- struct{}{}
			return
		}
	}
}

// work is t's item on a worker: it runs the task unless a waiter started it.
func (t *groupTask) work() {
	if !t.started.CompareAndSwap(false, true) {
		t.p.s.leftoverReached()
		return
	}
	fn := t.fn
	t.fn = nil // the group's list may hold t a while longer: not the task
	t.g.run(t.p, fn)
}

// run runs task as one of the group's, on p (nil for a bubble's goroutine):
// it counts a panic in p's Stats, then ends the task.
func (g *Group) run(p *Pool, task func() error) {
	guard(task, func(err error, panicked bool) {
		if panicked && p != nil {
			p.s.notePanic()
		}
		g.end(err, true)
	})
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
