package tide

import (
	"container/list"
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidego/tide/internal/queue"
)

// engine is the scheduler behind Pool and FuncPool: it decides where each
// task goes, owns the workers, the queue and the waiting submitters, and
// keeps the counters. T is the argument type of a FuncPool; a plain Pool uses
// struct{} and carries its tasks as closures.
//
// Its model — where a task can be, what state a worker is in, who moves
// them, and the invariants that hold whenever mu is free — is written in
// doc/scheduler.md, and FuzzPool checks it. Every move happens under mu.
type engine[T any] struct {
	cfg       config
	fn        func(T)       // runs an item that has no closure; nil for a plain Pool
	closing   chan struct{} // closed by release; stops the reaper
	exited    chan struct{} // closed once the pool is closed and no goroutine of it is left
	live      atomic.Int64  // worker and reaper goroutines not yet returned, plus closedBit once released
	waking    atomic.Int32  // workers woken with a task that have not yet started; written under mu, decremented by started
	maxWaking int32         // most workers woken at once: GOMAXPROCS when the pool was made
	pendingN  atomic.Int32  // len(pending), for started's lock-free check; written under mu
	// refusing mirrors, at every unlock, whether a submission that may not
	// wait would be refused now (invariant 10 of doc/scheduler.md): written
	// only under mu, read without it by such a submission, so that a pool
	// hammered by refused submitters leaves mu to its workers.
	refusing   atomic.Bool
	overloaded atomic.Uint64 // submissions refused with ErrPoolOverload

	mu       sync.Mutex
	capacity int                  // guarded by mu; math.MaxInt when unlimited
	closed   bool                 // guarded by mu
	workers  int                  // guarded by mu; live workers, running or parked
	running  int                  // guarded by mu; tasks handed to a worker and not finished
	idle     workerStack[T]       // guarded by mu; parked workers, each owning no task
	queue    queue.Queue[item[T]] // guarded by mu; never longer than cfg.queueSize
	pending  queue.Queue[hand[T]] // guarded by mu; tasks handed to workers not yet woken, oldest first
	waiters  list.List            // guarded by mu; *waiter[T] submitters waiting for room, oldest first
	launch   *worker[T]           // guarded by mu; workers whose goroutine unlock must start
	reaping  bool                 // guarded by mu; the reaper goroutine is running
	drained  chan struct{}        // guarded by mu; closed when every accepted task has finished; nil when nobody waits
	counts   counters             // guarded by mu

	// Helping waiters (helping.go, doc/scheduler.md).
	helping   int // guarded by mu; tasks running on the goroutine that waits for them
	leftovers int // guarded by mu; items whose task a waiter claimed, not yet reached by a worker
	counted   int // guarded by mu; items that counted their own end: so many finishLocked calls count nothing
	// reached counts leftovers reached by workers, ever; an adaptive pool's
	// workers read it to leave a leftover's no-op run out of their samples.
	reached atomic.Uint64
}

// counters are the cumulative counts reported by Stats.
type counters struct {
	submitted, completed, panicked, spawned, retired uint64
	waitCount                                        uint64
	waitDuration                                     time.Duration
}

// item is one task: a closure, or an argument for engine.fn.
type item[T any] struct {
	f   func()
	arg T
}

func newEngine[T any](cfg config, fn func(T)) *engine[T] {
	e := &engine[T]{
		cfg:      cfg,
		fn:       fn,
		closing:  make(chan struct{}),
		exited:   make(chan struct{}),
		capacity: cfg.capacity,
		// No more woken workers on their way than processors to run them.
		maxWaking: int32(max(1, runtime.GOMAXPROCS(0))),
	}
	e.mu.Lock()
	e.refillLocked()
	e.unlock()
	return e
}

// refillLocked restores what the pool is owed after it gained room or lost a
// worker: workers for queued tasks up to capacity (invariant 3), the minimum
// of parked workers, then waiting submitters (invariant 6). Caller holds
// e.mu.
func (e *engine[T]) refillLocked() {
	e.handQueuedLocked()
	if !e.closed {
		for e.workers < e.floorLocked() {
			e.spawnParkedLocked()
		}
	}
	e.admitLocked()
}

// handQueuedLocked hands queued tasks, oldest first, to parked workers or,
// below capacity, to new ones, while there are both. Caller holds e.mu.
func (e *engine[T]) handQueuedLocked() {
	for e.queue.Len() > 0 && e.workerFreeLocked() {
		it, _ := e.queue.Pop()
		e.handLocked(it)
	}
}

// floorLocked is the number of workers the reaper must leave alive.
// Caller holds e.mu.
func (e *engine[T]) floorLocked() int { return min(e.cfg.minWorkers, e.capacity) }

// finishLocked counts one task as finished. Caller holds e.mu.
func (e *engine[T]) finishLocked(panicked bool) {
	if panicked {
		e.counts.panicked++
	}
	if e.counted > 0 { // an item that counted itself (helping.go)
		e.counted--
		e.checkDrainedLocked()
		return
	}
	e.completeLocked()
}

// completeLocked counts one task as completed, no longer running.
// Caller holds e.mu.
func (e *engine[T]) completeLocked() {
	e.running--
	e.counts.completed++
	e.checkDrainedLocked()
}

// idleLocked reports whether every accepted task has finished and been
// counted, leftovers of helped tasks included. Caller holds e.mu.
func (e *engine[T]) idleLocked() bool {
	return e.counts.completed == e.counts.submitted && e.leftovers == 0 && e.counted == 0
}

// checkDrainedLocked wakes Wait once the pool is idle. Caller holds e.mu.
func (e *engine[T]) checkDrainedLocked() {
	if e.drained != nil && e.idleLocked() {
		// A Wait released here returns before this critical section ends,
		// and may then TryGo: let it take the lock and see the room this
		// section makes (a worker parking) instead of a refusing flag from
		// before. False is always a safe value (invariant 10).
		e.refusing.Store(false)
		close(e.drained)
		e.drained = nil
	}
}

// wait blocks until every task accepted so far has finished.
func (e *engine[T]) wait() {
	e.mu.Lock()
	if e.idleLocked() {
		e.unlock()
		return
	}
	if e.drained == nil {
		e.drained = make(chan struct{})
	}
	drained := e.drained
	e.unlock()
	<-drained
}

// tune is a user's Tune: it fixes the capacity at n, stopping an adaptive
// pool's limiter first (doc/adaptive.md), then sets it.
func (e *engine[T]) tune(n int) error {
	e.cfg.adaptive.stop()
	return e.setCapacity(n)
}

// setCapacity sets the capacity to n, retiring surplus parked workers now and
// busy ones as they finish, or starting queued work and waiting submitters.
// It returns ErrPoolClosed after release.
func (e *engine[T]) setCapacity(n int) error {
	e.mu.Lock()
	defer e.unlock()
	if e.closed {
		return ErrPoolClosed
	}
	e.capacity = n
	if surplus := e.workers - n; surplus > 0 {
		// Parked workers own no task (invariant 2): cutting them strands nothing.
		e.idle.cutBottom(min(surplus, e.idle.len()), e.retireLocked)
	}
	e.refillLocked()
	e.startReaperLocked()
	return nil
}

// submitFunc is submit for a closure; it makes *engine[T] a scheduler.
func (e *engine[T]) submitFunc(ctx context.Context, task func(), mode waitMode) error {
	return e.submit(ctx, item[T]{f: task}, mode)
}

// stats takes a snapshot of the gauges and counters under the lock.
func (e *engine[T]) stats() Stats {
	e.mu.Lock()
	defer e.unlock()
	return Stats{
		Capacity:  capacityOrUnlimited(e.capacity),
		Workers:   e.workers,
		Idle:      e.idle.len(),
		Running:   e.running + e.helping,
		Waiting:   max(e.queue.Len()-e.leftovers, 0),
		Blocked:   e.waiters.Len(),
		Submitted: e.counts.submitted,
		Completed: e.counts.completed,
		Panicked:  e.counts.panicked,
		Spawned:   e.counts.spawned,
		Retired:   e.counts.retired,

		WaitCount:    e.counts.waitCount,
		WaitDuration: e.counts.waitDuration,
		Overloaded:   e.overloaded.Load(),
	}
}

// notePanic counts a panic that a group task or a future recovered itself,
// so that Stats.Panicked counts every panic of the pool's tasks.
func (e *engine[T]) notePanic() {
	e.mu.Lock()
	e.counts.panicked++
	e.unlock()
}

// schedState reports the wake-up rule's counts, for the tests' check of
// invariant 9 (doc/scheduler.md): at a quiescent point both are zero.
func (e *engine[T]) schedState() (waking, pending int) {
	e.mu.Lock()
	defer e.unlock()
	return int(e.waking.Load()), e.pending.Len()
}

// refusingHolds reports whether invariant 10 holds: refusing mirrors
// whether a submission that may not wait would be refused, for the tests.
func (e *engine[T]) refusingHolds() bool {
	e.mu.Lock()
	defer e.unlock()
	return e.refusing.Load() == e.refusingLocked()
}

// limiter returns the pool's adaptive limiter, nil if it has none.
func (e *engine[T]) limiter() *limiter { return e.cfg.adaptive }
