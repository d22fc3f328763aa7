package tide

// hand is a task handed to a worker that has not yet been woken: a parked
// worker, or, when w is nil, a new worker whose goroutine is yet to start.
// It waits in engine.pending.
type hand[T any] struct {
	w  *worker[T] // nil: a new worker, made when woken
	it item[T]
}

// handLocked hands it to the most recently parked worker, or to a new one:
// from here on that worker alone owns it (invariant 2 of doc/scheduler.md).
// The worker is woken now — a new one's goroutine started, a parked one sent
// the task — if fewer than maxWaking woken workers are still on their way to
// start; else the hand joins e.pending, and the starting workers wake it in
// turn (the wake-up rule of doc/scheduler.md). A new worker counts as live
// and spawned from here. Caller holds e.mu.
func (e *engine[T]) handLocked(it item[T]) {
	e.running++
	w := e.idle.pop()
	if w == nil {
		e.workers++
		e.counts.spawned++
	}
	if e.waking.Load() < e.maxWaking {
		e.wakeLocked(hand[T]{w, it})
		return
	}
	e.pending.Push(hand[T]{w, it})
	e.pendingN.Add(1)
	// A worker may have started between the load above and the push, and
	// seen no pending worker: check again (see started).
	if e.waking.Load() < e.maxWaking {
		e.wakeNextLocked()
	}
}

// wakeLocked wakes h's worker with its task: it starts a new worker's
// goroutine, or sends the task to the parked worker. Caller holds e.mu.
func (e *engine[T]) wakeLocked(h hand[T]) {
	e.waking.Add(1)
	if h.w == nil {
		e.launchLocked(&worker[T]{e: e, tasks: make(chan item[T], 1), first: h.it})
		return
	}
	h.w.tasks <- h.it // buffered and empty: a parked worker owns nothing
}

// wakeNextLocked wakes the oldest pending hand, if any. Caller holds e.mu.
func (e *engine[T]) wakeNextLocked() {
	if h, ok := e.pending.Pop(); ok {
		e.pendingN.Add(-1)
		e.wakeLocked(h)
	}
}

// started records that a woken worker is now running. A starting worker that
// leaves room under maxWaking wakes the oldest pending hand, so that every
// pending hand is on a chain that reaches it. Its fast path is two atomic
// operations: the lock is taken only when a hand is pending.
func (e *engine[T]) started() {
	if e.waking.Add(-1) < e.maxWaking && e.pendingN.Load() > 0 {
		e.mu.Lock()
		if e.waking.Load() < e.maxWaking {
			e.wakeNextLocked()
		}
		e.unlock()
	}
}

// takePendingLocked takes, for a worker that found the queue empty, the task
// of the oldest pending hand, whose worker never woke. A parked worker parks
// again, or retires if the pool is released or over capacity; a new worker
// whose goroutine never started is counted out. ok is false when nothing is
// pending. Caller holds e.mu.
func (e *engine[T]) takePendingLocked() (it item[T], ok bool) {
	h, ok := e.pending.Pop()
	if !ok {
		return it, false
	}
	e.pendingN.Add(-1)
	switch {
	case h.w == nil:
		e.workers--
		e.counts.retired++
		e.admitLocked() // below capacity again: room for a waiting submitter
	case e.closed || e.workers > e.capacity:
		e.retireLocked(h.w)
	default:
		e.parkLocked(h.w)
	}
	return h.it, true
}

// spawnParkedLocked starts a worker that parks until handed a task, as a
// minimum worker. Caller holds e.mu.
func (e *engine[T]) spawnParkedLocked() {
	w := &worker[T]{e: e, tasks: make(chan item[T], 1), parked: true}
	e.workers++
	e.counts.spawned++
	w.idleSince = e.cfg.clock.Now()
	e.idle.push(w)
	e.launchLocked(w)
}

// launchLocked counts w's goroutine and queues it to be started by
// e.unlock, so that goroutine creation never lengthens the time e.mu is
// held. Caller holds e.mu.
func (e *engine[T]) launchLocked(w *worker[T]) {
	e.goroutineStartLocked()
	w.launchNext = e.launch
	e.launch = w
}

// unlock releases e.mu, then starts the goroutines of the workers launched
// while it was held.
func (e *engine[T]) unlock() {
	w := e.launch
	e.launch = nil
	if r := e.refusingLocked(); r != e.refusing.Load() {
		e.refusing.Store(r)
	}
	e.mu.Unlock()
	for w != nil {
		next := w.launchNext
		w.launchNext = nil
		go w.loop()
		w = next
	}
}

// retireLocked tells a parked worker, already cut from the idle stack, to
// exit. Caller holds e.mu.
func (e *engine[T]) retireLocked(w *worker[T]) {
	close(w.tasks)
	e.workers--
	e.counts.retired++
}
