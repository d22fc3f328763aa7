package tide

import (
	"container/list"
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/tidego/tide/internal/queue"
)

// engine is the scheduler behind Pool and FuncPool: it decides where each
// task goes, owns the workers, the queue and the waiting submitters, and
// keeps the counters. T is the argument type of a FuncPool; a plain Pool uses
// struct{} and carries its tasks as closures.
type engine[T any] struct {
	cfg         config
	fn          func(T)       // runs an item that has no closure; nil for a plain Pool
	closing     chan struct{} // closed by release; stops the reaper
	exited      chan struct{} // closed once the pool is closed and no goroutine of it is left
	live        atomic.Int64  // worker and reaper goroutines not yet returned, plus closedBit once released
	nudge       atomic.Bool   // set when a task was queued for a spinning worker
	starting    atomic.Int32  // workers handed a task that have not yet started running
	maxSpin     int           // most workers that may spin at once
	maxStarting int           // workers waiting to start beyond which a submitter yields

	mu       sync.Mutex
	capacity int                  // guarded by mu; math.MaxInt when unlimited
	closed   bool                 // guarded by mu
	workers  int                  // guarded by mu; live workers, running or parked
	running  int                  // guarded by mu; tasks handed to a worker and not finished
	spinning int                  // guarded by mu; workers looking for a task before they park
	idle     workerStack[T]       // guarded by mu
	queue    queue.Queue[item[T]] // guarded by mu
	waiters  list.List            // guarded by mu; *waiter[T] submitters waiting for room, oldest first
	launch   *worker[T]           // guarded by mu; workers whose goroutine unlock must start
	reaping  bool                 // guarded by mu; the reaper goroutine is running
	drained  chan struct{}        // guarded by mu; closed when every accepted task has finished; nil when nobody waits
	counts   counters             // guarded by mu
}

// counters are the cumulative counts reported by Stats.
type counters struct {
	submitted, completed, panicked, spawned, retired uint64
}

// item is one task: a closure, or an argument for engine.fn.
type item[T any] struct {
	f   func()
	arg T
}

func newEngine[T any](cfg config, fn func(T)) *engine[T] {
	e := &engine[T]{
		cfg:         cfg,
		fn:          fn,
		closing:     make(chan struct{}),
		exited:      make(chan struct{}),
		capacity:    cfg.capacity,
		maxSpin:     max(1, runtime.GOMAXPROCS(0)/2),
		maxStarting: 8 * runtime.GOMAXPROCS(0),
	}
	e.mu.Lock()
	e.refillLocked()
	e.unlock()
	return e
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
// released, or it returns ErrPoolOverload.
func (e *engine[T]) submit(ctx context.Context, it item[T], mode waitMode) error {
	e.yieldToStarting()
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
		return ErrPoolOverload
	}
	w := &waiter[T]{it: it, done: make(chan error, 1)}
	w.elem = e.waiters.PushBack(w)
	e.unlock()
	return e.await(ctx, w)
}

// yieldToStarting paces a submitter that runs ahead of the processors: while
// more workers handed a task are waiting to start than maxStarting (eight
// per processor), it yields, at most maxYields times, so that those workers
// and the ones returning from their task run first. Otherwise it would find
// no free worker and start yet another, which could not run either. It
// changes when a task is placed, never where.
func (e *engine[T]) yieldToStarting() {
	for i := 0; i < maxYields && int(e.starting.Load()) > e.maxStarting; i++ {
		runtime.Gosched()
	}
}

// maxYields bounds how long yieldToStarting holds a submitter back.
const maxYields = 16

// placeLocked finds room for it, in the order users can observe: an idle
// worker, else a new worker while below capacity, else a place in the queue.
// It reports false when there is no room. Caller holds e.mu.
//
// How a task reaches an idle worker is chosen for cost. A worker still
// spinning before it parks gets the task through the queue it is polling.
// While workers already handed a task have not yet started running (every
// processor is busy), a parked worker woken now could not start either: the
// task is queued instead, and the last of those workers to start passes it
// on (see started), without the submitter paying for a wake-up that gains
// nothing. A worker woken while tasks are queued takes the oldest, so the
// queue keeps its order.
//
// The first queued tasks are thus promised to the free (spinning or parked)
// workers, one each: a free worker counts as room only while it is not yet
// promised one, a new worker started while every free one is promised is a
// new worker indeed, and the queue size bounds only the tasks queued beyond
// those. (Without that count, a burst of submissions while a handed worker
// had not yet started queued tasks for parked workers that were then handed
// other tasks, past the queue size: found by FuzzPool, pinned by
// TestQueueBoundaries.)
func (e *engine[T]) placeLocked(it item[T]) bool {
	free := e.spinning + e.idle.len()
	switch queued := e.queue.Len(); {
	case queued < e.spinning:
		e.queue.Push(it)
		e.nudge.Store(true)
	case queued < free && e.starting.Load() > 0:
		e.queue.Push(it)
	case queued < free:
		e.startLocked(e.oldestFirstLocked(it))
	case e.workers < e.capacity:
		e.spawnLocked(e.oldestFirstLocked(it))
	case queued-free < e.cfg.queueSize:
		e.queue.Push(it)
	default:
		return false
	}
	return true
}

// oldestFirstLocked returns the task a worker about to be handed it must
// take instead: the oldest queued task, it taking its place in the queue, or
// it when none is queued. Caller holds e.mu.
func (e *engine[T]) oldestFirstLocked(it item[T]) item[T] {
	if oldest, ok := e.queue.Pop(); ok {
		e.queue.Push(it)
		return oldest
	}
	return it
}

// refillLocked restores what the pool is owed after it gained room or lost a
// worker: workers for queued tasks up to capacity, the minimum of parked
// workers, then waiting submitters. Caller holds e.mu.
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
	for e.queue.Len() > 0 && (e.idle.len() > 0 || e.workers < e.capacity) {
		it, _ := e.queue.Pop()
		e.startLocked(it)
	}
}

// floorLocked is the number of workers the reaper must leave alive.
// Caller holds e.mu.
func (e *engine[T]) floorLocked() int { return min(e.cfg.minWorkers, e.capacity) }

// finishLocked counts one task as finished. Caller holds e.mu.
func (e *engine[T]) finishLocked(panicked bool) {
	e.running--
	e.counts.completed++
	if panicked {
		e.counts.panicked++
	}
	if e.drained != nil && e.counts.completed == e.counts.submitted {
		close(e.drained)
		e.drained = nil
	}
}

// wait blocks until every task accepted so far has finished.
func (e *engine[T]) wait() {
	e.mu.Lock()
	if e.counts.completed == e.counts.submitted {
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

// tune sets the capacity to n, retiring surplus parked workers now and busy
// ones as they finish, or starting queued work and waiting submitters.
func (e *engine[T]) tune(n int) {
	e.mu.Lock()
	defer e.unlock()
	e.capacity = n
	if surplus := e.workers - n; surplus > 0 {
		e.idle.cutBottom(min(surplus, e.idle.len()), e.retireLocked)
	}
	e.refillLocked()
	e.startReaperLocked()
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
		Running:   e.running,
		Waiting:   e.queue.Len(),
		Blocked:   e.waiters.Len(),
		Submitted: e.counts.submitted,
		Completed: e.counts.completed,
		Panicked:  e.counts.panicked,
		Spawned:   e.counts.spawned,
		Retired:   e.counts.retired,
	}
}

// notePanic counts a panic that a group task or a future recovered itself,
// so that Stats.Panicked counts every panic of the pool's tasks.
func (e *engine[T]) notePanic() {
	e.mu.Lock()
	e.counts.panicked++
	e.unlock()
}
