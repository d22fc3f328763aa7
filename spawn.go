package tide

// handLocked hands it to the most recently parked worker, or to a new one:
// from here on that worker alone owns it (invariant 2 of doc/scheduler.md).
// A new worker's goroutine starts at once. A parked worker is woken now if
// fewer than maxWaking woken workers are still on their way to start; else
// it joins e.pending, and the starting workers wake it in turn (the wake-up
// rule of doc/scheduler.md). Caller holds e.mu.
func (e *engine[T]) handLocked(it item[T]) {
	e.running++
	w := e.idle.pop()
	if w == nil {
		w = &worker[T]{e: e, tasks: make(chan item[T], 1), first: it}
		e.workers++
		e.waking.Add(1)
		e.launchLocked(w)
		return
	}
	w.owned = it
	if e.waking.Load() < e.maxWaking {
		e.wakeLocked(w)
		return
	}
	e.pending.Push(w)
	e.pendingN.Add(1)
	// A worker may have started between the load above and the push, and
	// seen no pending worker: check again (see started).
	if e.waking.Load() < e.maxWaking {
		e.wakeNextLocked()
	}
}

// wakeLocked sends w, parked on its channel, the task it owns.
// Caller holds e.mu.
func (e *engine[T]) wakeLocked(w *worker[T]) {
	e.waking.Add(1)
	it := w.owned
	w.owned = item[T]{}
	w.tasks <- it // buffered and empty: a parked worker owns nothing
}

// wakeNextLocked wakes the oldest pending worker, if any. Caller holds e.mu.
func (e *engine[T]) wakeNextLocked() {
	if w, ok := e.pending.Pop(); ok {
		e.pendingN.Add(-1)
		e.wakeLocked(w)
	}
}

// started records that a woken worker is now running. A starting worker that
// leaves room under maxWaking wakes the oldest pending one, so that a
// pending worker is always on a chain that ends in it. Its fast path is two atomic operations: the
// lock is taken only when a worker is pending.
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
// of the oldest pending worker, which never woke; that worker parks again,
// or retires if the pool is released or over capacity.
// ok is false when none is pending. Caller holds e.mu.
func (e *engine[T]) takePendingLocked() (it item[T], ok bool) {
	w, ok := e.pending.Pop()
	if !ok {
		return it, false
	}
	e.pendingN.Add(-1)
	it, w.owned = w.owned, item[T]{}
	if e.closed || e.workers > e.capacity {
		e.retireLocked(w)
	} else {
		e.parkLocked(w)
	}
	return it, true
}

// spawnParkedLocked starts a worker that parks until handed a task, as a
// minimum worker. Caller holds e.mu.
func (e *engine[T]) spawnParkedLocked() {
	w := &worker[T]{e: e, tasks: make(chan item[T], 1), parked: true}
	e.workers++
	w.idleSince = e.cfg.clock.Now()
	e.idle.push(w)
	e.launchLocked(w)
}

// launchLocked counts w's goroutine and queues it to be started by
// e.unlock, so that goroutine creation never lengthens the time e.mu is
// held. Caller holds e.mu.
func (e *engine[T]) launchLocked(w *worker[T]) {
	e.goroutineStartLocked()
	e.counts.spawned++
	w.launchNext = e.launch
	e.launch = w
}

// unlock releases e.mu, then starts the goroutines of the workers launched
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

// retireLocked tells a parked worker, already cut from the idle stack, to
// exit. Caller holds e.mu.
func (e *engine[T]) retireLocked(w *worker[T]) {
	close(w.tasks)
	e.workers--
	e.counts.retired++
}
