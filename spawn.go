package tide

import (
	"log/slog"
	"runtime"
	"runtime/debug"
	"time"
)

// worker is one goroutine of the pool. Between tasks it parks on its tasks
// channel, from the idle stack.
type worker[T any] struct {
	e          *engine[T]
	tasks      chan item[T] // buffered; a task handed over, or closed to retire the worker
	idleSince  time.Time    // guarded by e.mu; when the worker last parked
	first      item[T]      // its first task, unless it starts parked
	parked     bool         // it starts parked, as a minimum worker
	launchNext *worker[T]   // guarded by e.mu; next in e.launch
}

// startLocked hands it to the most recently parked worker, or to a new one.
// Caller holds e.mu.
func (e *engine[T]) startLocked(it item[T]) {
	if w := e.idle.pop(); w != nil {
		e.running++
		e.starting.Add(1)
		w.tasks <- it
		return
	}
	e.spawnLocked(it)
}

// spawnLocked hands it to a new worker. Caller holds e.mu.
func (e *engine[T]) spawnLocked(it item[T]) {
	e.running++
	e.starting.Add(1)
	w := e.newWorkerLocked()
	w.first = it
	e.launchLocked(w)
}

// spawnParkedLocked starts a worker that parks until handed a task.
// Caller holds e.mu.
func (e *engine[T]) spawnParkedLocked() {
	w := e.newWorkerLocked()
	w.idleSince = e.cfg.clock.Now()
	w.parked = true
	e.idle.push(w)
	e.launchLocked(w)
}

// launchLocked queues w's goroutine to be started by e.unlock, so that
// goroutine creation never lengthens the time e.mu is held. Caller holds e.mu.
func (e *engine[T]) launchLocked(w *worker[T]) {
	w.launchNext = e.launch
	e.launch = w
}

// unlock releases e.mu, then starts the goroutines of the workers created
// while it was held.
func (e *engine[T]) unlock() {
	w := e.launch
	e.launch = nil
	e.mu.Unlock()
	for w != nil {
		next := w.launchNext
		w.launchNext = nil
		go w.loop()
		w = next
	}
}

func (e *engine[T]) newWorkerLocked() *worker[T] {
	e.workers++
	e.goroutineStartLocked()
	e.counts.spawned++
	return &worker[T]{e: e, tasks: make(chan item[T], 1)}
}

// retireLocked tells a parked worker, already off the idle stack, to exit.
// Caller holds e.mu.
func (e *engine[T]) retireLocked(w *worker[T]) {
	close(w.tasks)
	e.workers--
	e.counts.retired++
}

// loop runs tasks until the worker is retired: its first task, unless it
// starts parked, then each task next hands it.
func (w *worker[T]) loop() {
	e := w.e
	ok, clean := true, false
	defer func() { e.exit(clean) }()
	it := w.first
	w.first = item[T]{}
	if w.parked {
		it, ok = w.wait()
	} else {
		e.started()
	}
	for ok {
		panicked := e.execute(it)
		it, ok = e.next(w, panicked)
	}
	clean = true
}

// next counts the finished task and finds the worker's next one: from the
// queue without parking if one waits; else, if few others are, it spins a
// moment watching for a task; else it parks on the idle stack until handed a
// task. ok is false when the worker must exit.
func (e *engine[T]) next(w *worker[T], panicked bool) (it item[T], ok bool) {
	e.lockYielding()
	e.finishLocked(panicked)
	for spun := false; e.workers <= e.capacity; spun = true {
		if it, ok = e.queue.Pop(); ok {
			e.running++
			e.admitLocked() // the queue has room for a waiting submitter
			e.unlock()
			return it, true
		}
		if e.closed {
			break
		}
		if spun || e.spinning >= e.maxSpin {
			return e.parkLocked(w)
		}
		e.spinning++
		e.unlock()
		e.spin()
		e.mu.Lock()
		e.spinning--
	}
	// Surplus after Tune shrank the pool, or released with nothing queued.
	e.workers--
	e.counts.retired++
	e.unlock()
	return it, false
}

// lockYielding locks e.mu for a worker. Instead of sleeping on the mutex
// when it is held, the worker yields the processor and tries again: with more
// runnable workers than processors, a worker woken from the mutex's sleep
// queue would wait for a processor while holding up everyone behind it.
func (e *engine[T]) lockYielding() {
	for !e.mu.TryLock() {
		runtime.Gosched()
	}
}

// A spinning worker polls for a task spinPolls times in a row, then yields
// the processor, spinYields times before it parks: a few microseconds, far
// less than a park and wake-up costs.
const (
	spinPolls  = 256
	spinYields = 8
)

// spin watches for a task queued for a spinning worker until one is queued
// or the spin runs out.
func (e *engine[T]) spin() {
	for range spinYields {
		for range spinPolls {
			if e.nudge.Load() && e.nudge.Swap(false) {
				return
			}
		}
		runtime.Gosched()
	}
}

// parkLocked pushes w on the idle stack, unlocks, and waits until w is
// handed a task or retired. Caller holds e.mu.
func (e *engine[T]) parkLocked(w *worker[T]) (item[T], bool) {
	w.idleSince = e.cfg.clock.Now()
	e.idle.push(w)
	e.admitLocked() // a waiting submitter may hand this worker its task
	e.startReaperLocked()
	e.unlock()
	return w.wait()
}

// wait blocks until the parked worker is handed a task (ok) or retired.
func (w *worker[T]) wait() (it item[T], ok bool) {
	it, ok = <-w.tasks
	if ok {
		w.e.started()
	}
	return it, ok
}

// started records that a worker handed a task is now running. Tasks queued
// for free workers while it waited for a processor were held back only
// because no worker could have started sooner; now one can, so the last
// worker to start hands each of them, oldest first, to a parked worker (or,
// below capacity, a new one, as Submit would have).
func (e *engine[T]) started() {
	if e.starting.Add(-1) > 0 {
		return
	}
	e.mu.Lock()
	if e.starting.Load() == 0 {
		e.handQueuedLocked()
	}
	e.unlock()
}

// exit runs as the worker's goroutine ends. clean is false when a task
// called runtime.Goexit: the task then counts as finished, the worker as
// retired, and a replacement takes over the queue.
func (e *engine[T]) exit(clean bool) {
	if !clean {
		e.mu.Lock()
		e.finishLocked(false)
		e.workers--
		e.counts.retired++
		e.refillLocked()
		e.unlock()
	}
	e.goroutineDone()
}

// execute runs one task and reports whether it panicked; a panic goes to the
// panic handler or the logger instead of unwinding the worker. If the task
// calls runtime.Goexit, execute does not return.
func (e *engine[T]) execute(it item[T]) (panicked bool) {
	r, stack, panicked := e.call(it)
	if panicked {
		e.reportPanic(r, stack)
	}
	return panicked
}

// call runs the task, recovering a panic with its stack.
func (e *engine[T]) call(it item[T]) (r any, stack []byte, panicked bool) {
	defer func() {
		if panicked {
			r = recover()
			if e.cfg.onPanic == nil {
				stack = debug.Stack()
			}
		}
	}()
	panicked = true
	if it.f != nil {
		it.f()
	} else {
		e.fn(it.arg)
	}
	panicked = false
	return nil, nil, false
}

// reportPanic hands a task's panic to the panic handler, or logs it with its
// stack. A panic in the handler is recovered and logged.
func (e *engine[T]) reportPanic(r any, stack []byte) {
	defer func() {
		if r2 := recover(); r2 != nil {
			e.logger().Error("tide: panic handler panicked",
				"panic", r2, "task_panic", r, "stack", string(debug.Stack()))
		}
	}()
	if h := e.cfg.onPanic; h != nil {
		h(r)
		return
	}
	e.logger().Error("tide: task panicked", "panic", r, "stack", string(stack))
}

func (e *engine[T]) logger() *slog.Logger {
	if e.cfg.logger != nil {
		return e.cfg.logger
	}
	return slog.Default()
}
