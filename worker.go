package tide

import (
	"fmt"
	"log/slog"
	"os"
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
	panicked   bool         // its current task panicked; read by exit if the report calls Goexit
	launchNext *worker[T]   // guarded by e.mu; next in e.launch
}

// loop runs tasks until the worker is retired: its first task, unless it
// starts parked, then each task next finds it.
func (w *worker[T]) loop() {
	e := w.e
	ok, clean := true, false
	defer func() { e.exit(w, clean) }()
	it := w.first
	w.first = item[T]{}
	if w.parked {
		it, ok = w.wait()
	} else {
		e.started()
	}
	for ok {
		w.run(it)
		it, ok = e.next(w)
	}
	clean = true
}

// next counts the worker's finished task and finds its next one: the oldest
// queued task if there is one, else it parks on the idle stack until handed
// a task. ok is false when the worker must retire: the pool is over capacity
// after Tune down, or released with nothing queued.
//
// The worker is searching from its first statement until it has a task,
// parks or retires: it counts in e.waking (the bounded search of
// doc/scheduler.md), so that a submitter meanwhile hands its task to pending,
// for this worker to take, instead of waking or starting another worker.
func (e *engine[T]) next(w *worker[T]) (it item[T], ok bool) {
	e.waking.Add(1)
	e.mu.Lock()
	e.finishLocked(w.panicked)
	w.panicked = false
	if e.workers > e.capacity {
		e.endSearchLocked()
		return e.retireSelfLocked()
	}
	if it, ok = e.queue.Pop(); ok {
		e.running++
		e.admitLocked() // a queue slot is free
		e.endSearchLocked()
		e.unlock()
		return it, true
	}
	if it, ok = e.takePendingLocked(); ok {
		e.endSearchLocked()
		e.unlock()
		return it, true
	}
	e.endSearchLocked()
	if e.closed {
		return e.retireSelfLocked()
	}
	e.parkLocked(w)
	e.unlock()
	return w.wait()
}

// endSearchLocked drops the searching worker from e.waking and, as started
// does, wakes the oldest pending hand if that leaves room under maxWaking
// (invariant 8). Caller holds e.mu.
func (e *engine[T]) endSearchLocked() {
	if e.waking.Add(-1) < e.maxWaking {
		e.wakeNextLocked()
	}
}

// parkLocked puts w, which owns no task, on the idle stack.
// Caller holds e.mu.
func (e *engine[T]) parkLocked(w *worker[T]) {
	w.idleSince = e.cfg.clock.Now()
	e.idle.push(w)
	e.admitLocked() // a waiting submitter may hand this worker its task
	e.startReaperLocked()
}

// wait blocks the parked worker until it is woken with a task (ok) or
// retired.
func (w *worker[T]) wait() (it item[T], ok bool) {
	if it, ok = <-w.tasks; ok {
		w.e.started()
	}
	return it, ok
}

// retireSelfLocked counts out the calling worker, which owns no task, and
// unlocks. Caller holds e.mu.
func (e *engine[T]) retireSelfLocked() (item[T], bool) {
	e.workers--
	e.counts.retired++
	e.unlock()
	return item[T]{}, false
}

// exit runs as the worker's goroutine ends. clean is false when a task (or
// the panic handler or logger) called runtime.Goexit: the task then counts
// as finished, the worker as retired, and the pool refills what it lost —
// a new worker for a queued task, a waiting submitter admitted.
func (e *engine[T]) exit(w *worker[T], clean bool) {
	if !clean {
		e.mu.Lock()
		e.finishLocked(w.panicked)
		e.workers--
		e.counts.retired++
		e.refillLocked()
		e.unlock()
	}
	e.goroutineDone()
}

// run runs one task. A panic is recovered in run's deferred call and
// reported from there, while the panicking frames are still on the stack:
// debug.Stack() in a panic handler shows where the task panicked, and the
// logger gets that stack. The task is marked as panicked before the report,
// so that it is counted once even if the report calls runtime.Goexit. If the
// task calls runtime.Goexit, run does not return (recover finds nothing).
func (w *worker[T]) run(it item[T]) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if r := recover(); r != nil {
			w.panicked = true
			w.e.reportPanic(r)
		}
	}()
	if l := w.e.cfg.adaptive; l != nil {
		w.runTimed(l, it) // doc/adaptive.md
	} else if it.f != nil {
		it.f()
	} else {
		w.e.fn(it.arg)
	}
	returned = true
}

// reportPanic hands a task's panic to the panic handler, or logs it with the
// stack of the calling goroutine, which is still unwinding the task's panic.
// Nothing it calls can panic past it: a panicking handler is logged, and a
// panicking logger falls back to standard error.
func (e *engine[T]) reportPanic(r any) {
	if h := e.cfg.onPanic; h != nil {
		if r2, hstack, ok := protect(func() { h(r) }); !ok {
			e.log("tide: panic handler panicked", "panic", r2, "task_panic", r, "stack", string(hstack))
		}
		return
	}
	e.log("tide: task panicked", "panic", r, "stack", string(debug.Stack()))
}

// log reports msg through the pool's logger; if the logger panics, it
// writes msg and the logger's panic to standard error instead.
func (e *engine[T]) log(msg string, args ...any) {
	l := e.cfg.logger
	if l == nil {
		l = slog.Default()
	}
	if r, _, ok := protect(func() { l.Error(msg, args...) }); !ok {
		fmt.Fprintf(os.Stderr, "%s %v (and the logger panicked: %v)\n", msg, args, r)
	}
}

// protect calls f and reports whether it returned; if it panicked, r is the
// panic value and stack the stack where it was recovered. A Goexit in f is
// not stopped.
func protect(f func()) (r any, stack []byte, ok bool) {
	defer func() {
		if !ok {
			r = recover()
			stack = debug.Stack()
		}
	}()
	f()
	return nil, nil, true
}
