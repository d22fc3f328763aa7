package tide

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"time"
)

// Pool runs tasks on a set of reusable worker goroutines. It starts workers
// as load needs them, up to its capacity; beyond that, tasks wait in a queue
// and, once the queue is full, submitters wait for room. Workers idle longer
// than the expiry are retired, so a pool left idle holds no goroutine beyond
// its minimum.
//
// A Pool must be made with New (or NewFuncPool) and is safe for concurrent
// use. Every task for which Submit returns nil runs exactly once, even
// through Tune, panics and Release. Submitting a task happens before the task
// runs; a task finishing happens before the Wait that it lets return.
//
// A nil *Pool (say, from New's unchecked error), or a zero Pool, is never
// silently ignored: its methods that return an error return one matching
// [ErrNilPool], and the others panic with an error matching it.
//
// A pool's workers belong to the [testing/synctest] bubble, if any, where
// the pool was made, so a pool must be used only in that bubble (or, if made
// outside every bubble, only outside them). Wait, a Group's Go and TryGo and
// SubmitFuture check this and report [ErrSynctestBubble] rather than let the
// runtime crash the test binary later; Submit and Go do not check (it would
// cost every task a clock read in tests and benchmarks), and a task they run
// on the wrong side of a bubble's boundary panics in the pool if it touches
// the bubble's channels.
// The default pool behind [Go] needs no such care.
type Pool struct {
	s       scheduler
	bubbled bool // made inside a synctest bubble
}

// scheduler is what a Pool needs of its engine, whatever the engine's
// argument type. It earns its place: Pool is not generic, while the engine
// is generic over a FuncPool's argument type so that Invoke queues the
// argument itself, unboxed; *engine[T] is its only implementation.
type scheduler interface {
	submitFunc(ctx context.Context, task func(), mode waitMode) error
	wait()
	tune(n int) error
	release()
	releaseTimeout(d time.Duration) error
	shutdown(ctx context.Context) error
	notePanic()
	helpStart()
	helpEnd(panicked bool)
	goroutineDone()
	leftoverReached()
	selfFinish(panicked bool)
	isClosed() bool
	stats() Stats
}

// Stats is a snapshot of a pool's gauges and counters. At a quiescent point
// (no submitter and no task in flight changing them) Submitted equals
// Completed + Running + Waiting, and Workers equals Spawned - Retired. A
// worker counts as spawned when it is handed its first task; if a busy
// worker takes that task over before the new worker's goroutine has
// started (see doc/scheduler.md), the new worker counts as retired at once.
//
// A group's or a future's task that its waiter runs (see [Group.Wait] and
// [Future.Wait]) leaves Waiting and counts in Running while the waiter runs
// it, then in Completed (and Panicked, once, if it panicked); the item it
// leaves in the queue counts nowhere, but takes its queue slot until a
// worker reaches it and skips it. So Running may exceed Workers - Idle by
// the number of tasks their waiters run.
//
// WaitCount counts a submission as it begins to wait for room;
// WaitDuration adds its wait, read on the pool's clock ([WithClock]), when
// the wait ends: accepted, refused by Release, or abandoned by its context.
// Only a submission that waits reads the clock. Overloaded counts every
// refusal with ErrPoolOverload, a TryGo's included.
type Stats struct {
	Capacity  int    // -1 when unlimited
	Workers   int    // live worker goroutines (running + idle)
	Idle      int    // workers parked, waiting for a task
	Running   int    // tasks executing now, on workers or on their waiters
	Waiting   int    // tasks queued, not yet started
	Blocked   int    // submitters waiting for room
	Submitted uint64 // tasks accepted
	Completed uint64 // tasks finished, panicked ones included
	Panicked  uint64 // tasks that panicked
	Spawned   uint64 // workers created (see above)
	Retired   uint64 // workers ended: expired, shrunk, released, or counted out before they started

	// The wait figures have database/sql.DBStats' meaning.
	WaitCount    uint64        // submissions that had to wait for room, each counted once
	WaitDuration time.Duration // their total time waiting, on the pool's clock, counted when each wait ends
	Overloaded   uint64        // submissions refused with ErrPoolOverload
}

// New returns a pool configured by opts. With no options the capacity is
// unlimited, the queue unbounded and the expiry DefaultExpiry. An invalid
// option makes New return a nil pool and an error matching the option's
// ErrInvalid… value. New starts no goroutine unless WithMinWorkers asks.
func New(opts ...Option) (*Pool, error) {
	cfg, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	return &Pool{s: newEngine[struct{}](cfg, nil), bubbled: inBubble()}, nil
}

// buildConfig applies opts to the defaults and validates the result.
func buildConfig(opts []Option) (config, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	return cfg, cfg.validate()
}

// Submit hands task to the pool. A nil error means the task was accepted and
// will run exactly once. When the pool has no room, Submit waits for room,
// or returns ErrPoolOverload at once on a pool made WithNonblocking. It
// returns ErrPoolClosed after Release (also to a submitter that was waiting
// when Release came) and ErrNilTask for a nil task.
//
// A task that submits to its own pool is a submitter like any other: on a
// full pool it waits for room, which, if every worker does the same, only
// Release, Tune or the caller's context can make. Use SubmitContext or
// WithNonblocking there.
func (p *Pool) Submit(task func()) error {
	if p.unmade() {
		return opErr("Submit", ErrNilPool)
	}
	if task == nil {
		return ErrNilTask
	}
	return p.s.submitFunc(context.Background(), task, waitAsConfigured)
}

// SubmitContext is Submit that gives up waiting for room when ctx is done,
// returning ctx.Err(). A ctx already done when SubmitContext is called makes
// it return ctx.Err() without submitting. A nil ctx is refused with an error
// matching [ErrNilContext], without submitting.
func (p *Pool) SubmitContext(ctx context.Context, task func()) error {
	if p.unmade() {
		return opErr("SubmitContext", ErrNilPool)
	}
	if ctx == nil {
		return opErr("SubmitContext", ErrNilContext)
	}
	if task == nil {
		return ErrNilTask
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return p.s.submitFunc(ctx, task, waitAsConfigured)
}

// Go runs task on the pool, as a drop-in for the statement `go task()`: it
// waits for room even on a pool made WithNonblocking. After Release it
// panics with an error matching ErrPoolClosed. A nil task does not panic in
// the caller (where `go task()` with a nil task is a fatal error at the go
// statement): it is accepted and panics on the worker with an error matching
// ErrNilTask, which reaches the panic handler or the logger as any task
// panic does.
func (p *Pool) Go(task func()) {
	if p.unmade() {
		panic(opErr("Go", ErrNilPool))
	}
	if task == nil {
		task = nilTask
	}
	if err := p.s.submitFunc(context.Background(), task, waitAlways); err != nil {
		panic(opErr("Go", err))
	}
}

func nilTask() { panic(opErr("Go", ErrNilTask)) }

// Wait blocks until every task accepted so far has finished, including
// tasks that panicked. Tasks accepted while Wait blocks may extend the wait.
// A task must not call Wait on its own pool: it would wait for itself.
// Called inside a synctest bubble on a pool made outside it, or the other
// way round, Wait panics with an error matching [ErrSynctestBubble].
func (p *Pool) Wait() {
	s := p.sched("Wait")
	if p.crossesBubble() {
		panic(opErr("Wait", ErrSynctestBubble))
	}
	s.wait()
}

// Tune changes the capacity to n, which must be at least 1 (else
// ErrInvalidCapacity). Growing starts queued tasks and admits waiting
// submitters at once; shrinking retires surplus idle workers at once and
// busy ones as they finish their task, so live workers fall to n. After
// Release, Tune changes nothing and returns [ErrPoolClosed]. On a pool made
// [WithAdaptiveCapacity], Tune fixes the capacity at n and stops the
// adapting for good.
func (p *Pool) Tune(n int) error {
	if p.unmade() {
		return opErr("Tune", ErrNilPool)
	}
	if n < 1 {
		return fmt.Errorf("%w (got %d)", ErrInvalidCapacity, n)
	}
	return p.s.tune(n)
}

// Release stops the pool taking tasks: later submissions get ErrPoolClosed,
// and so do submitters waiting for room. Every task already accepted, queued
// ones included, still runs; workers exit once the queue is empty. Release
// does not wait for that (see ReleaseTimeout and Wait). It is safe to call
// more than once and from several goroutines.
func (p *Pool) Release() { p.sched("Release").release() }

// ReleaseTimeout calls Release, then waits until every goroutine of the pool
// (workers, reaper, and the goroutines that waiters lend to the tasks they
// help) has run its last statement, which happens after the accepted tasks
// have run. The runtime may list such a goroutine a moment
// longer while it unwinds; goleak's checks, which retry, pass. It returns
// ErrTimeout if d passes first; d is measured on the real clock, whatever
// WithClock set.
func (p *Pool) ReleaseTimeout(d time.Duration) error {
	if p.unmade() {
		return opErr("ReleaseTimeout", ErrNilPool)
	}
	return p.s.releaseTimeout(d)
}

// Shutdown calls Release, then waits until every goroutine of the pool
// (workers, reaper, and the goroutines lent to helped tasks) has run its
// last statement, which happens after the accepted tasks have run, or until
// ctx is done, returning ctx.Err(). It is ReleaseTimeout in the manner of
// [net/http.Server.Shutdown]: when it returns nil, no goroutine of the pool
// is left. A ctx done before Shutdown is called still releases the pool. A
// nil ctx is refused with an error matching [ErrNilContext], and the pool is
// left as it was.
func (p *Pool) Shutdown(ctx context.Context) error {
	if p.unmade() {
		return opErr("Shutdown", ErrNilPool)
	}
	if ctx == nil {
		return opErr("Shutdown", ErrNilContext)
	}
	return p.s.shutdown(ctx)
}

// IsClosed reports whether Release has been called.
func (p *Pool) IsClosed() bool { return p.sched("IsClosed").isClosed() }

// Cap returns the capacity, or -1 when it is unlimited (WithCapacity and
// Tune with math.MaxInt also mean unlimited).
func (p *Pool) Cap() int { return p.sched("Cap").stats().Capacity }

// Running returns the number of tasks executing now.
func (p *Pool) Running() int { return p.sched("Running").stats().Running }

// Idle returns the number of workers parked, waiting for a task.
func (p *Pool) Idle() int { return p.sched("Idle").stats().Idle }

// Waiting returns the number of tasks queued, not yet started.
func (p *Pool) Waiting() int { return p.sched("Waiting").stats().Waiting }

// Blocked returns the number of submitters waiting for room: callers of
// Submit, SubmitContext, Go or Invoke that found the pool full and wait.
func (p *Pool) Blocked() int { return p.sched("Blocked").stats().Blocked }

// Stats returns a consistent snapshot of the pool's gauges and counters.
func (p *Pool) Stats() Stats { return p.sched("Stats").stats() }

// crossesBubble reports whether the caller is inside a synctest bubble and
// p was made outside every bubble, or the other way round.
func (p *Pool) crossesBubble() bool { return p.bubbled != inBubble() }

// unmade reports whether p is nil, or a zero Pool not made by New.
func (p *Pool) unmade() bool { return p == nil || p.s == nil }

// sched returns p's scheduler, for a method named op that has no error to
// return; it panics with an error matching ErrNilPool if p is unmade.
func (p *Pool) sched(op string) scheduler {
	if p.unmade() {
		panic(opErr(op, ErrNilPool))
	}
	return p.s
}

// capacityOrUnlimited reports n, or -1 for the unlimited capacity.
func capacityOrUnlimited(n int) int {
	if n == math.MaxInt {
		return -1
	}
	return n
}

// waitMode says what a submitter does when the pool has no room.
type waitMode int

const (
	waitAsConfigured waitMode = iota // wait, unless the pool is nonblocking
	waitAlways                       // wait even on a nonblocking pool (Go)
	waitNever                        // return ErrPoolOverload at once (TryGo)
)

// mayWait reports whether a submitter in mode m waits for room in e.
func (e *engine[T]) mayWait(m waitMode) bool {
	return m == waitAlways || m == waitAsConfigured && !e.cfg.nonblocking
}

// submit offers it to the pool: it is accepted at once if there is room,
// else, as mode says, it waits for room until ctx is done or the pool is
// released, or it returns ErrPoolOverload. A new submitter never overtakes
// one already waiting.
func (e *engine[T]) submit(ctx context.Context, it item[T], mode waitMode) error {
	if e.refusing.Load() && !e.mayWait(mode) {
		return e.refuse()
	}
	e.mu.Lock()
	if e.closed {
		e.unlock()
		return ErrPoolClosed
	}
	if e.waiters.Len() == 0 && e.placeLocked(it) {
		e.counts.submitted++
		e.unlock()
		return nil
	}
	if !e.mayWait(mode) {
		e.unlock()
		return e.refuse()
	}
	w := &waiter[T]{it: it, done: make(chan error, 1), since: e.cfg.clock.Now()}
	e.counts.waitCount++
	w.elem = e.waiters.PushBack(w)
	e.unlock()
	return e.await(ctx, w)
}

// refuse counts a submission refused for want of room and returns
// ErrPoolOverload. If a worker has been woken with a task and has not yet
// started, the refused submitter yields its processor first: a submitter
// that loops on refusals would otherwise keep that worker, and so the room
// it would make, from running (doc/scheduler.md, "Refusing without the
// lock").
func (e *engine[T]) refuse() error {
	e.overloaded.Add(1)
	if e.waking.Load() > 0 {
		runtime.Gosched()
	}
	return ErrPoolOverload
}

// refusingLocked reports whether a submission that may not wait would be
// refused now: the pool is open, and a submitter is already waiting or
// there is no room. Caller holds e.mu.
func (e *engine[T]) refusingLocked() bool {
	return !e.closed && (e.waiters.Len() > 0 || !e.roomLocked())
}

// roomLocked reports whether placeLocked would find room. Caller holds e.mu.
func (e *engine[T]) roomLocked() bool {
	return e.workerFreeLocked() || e.queue.Len() < e.cfg.queueSize
}

// workerFreeLocked reports whether a task can go to a worker at once: an
// idle one, or a new one below capacity. Caller holds e.mu.
func (e *engine[T]) workerFreeLocked() bool {
	return e.idle.len() > 0 || e.workers < e.capacity
}

// placeLocked finds room for it, in the order users can observe: an idle
// worker, else a new worker while below capacity, else a place in the
// queue. It reports false when there is no room. Caller holds e.mu.
//
// A task never waits in the queue while a worker is idle or the pool is
// below capacity (invariant 3 of doc/scheduler.md), so the queue holds only
// tasks beyond capacity, at most cfg.queueSize of them (invariant 4), and a
// task handed here is never younger than a queued one.
func (e *engine[T]) placeLocked(it item[T]) bool {
	switch {
	case e.workerFreeLocked():
		e.handLocked(it)
	case e.queue.Len() < e.cfg.queueSize:
		e.queue.Push(it)
	default:
		return false
	}
	return true
}
