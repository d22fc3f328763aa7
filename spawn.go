package tide

// handLocked hands it to the most recently parked worker, or to a new one:
// from here on that worker alone owns it. Caller holds e.mu.
func (e *engine[T]) handLocked(it item[T]) {
	e.running++
	if w := e.idle.pop(); w != nil {
		w.tasks <- it // buffered and empty: a parked worker owns nothing
		return
	}
	w := e.newWorkerLocked()
	w.first = it
	e.launchLocked(w)
}

// spawnParkedLocked starts a worker that parks until handed a task, as a
// minimum worker. Caller holds e.mu.
func (e *engine[T]) spawnParkedLocked() {
	w := e.newWorkerLocked()
	w.idleSince = e.cfg.clock.Now()
	w.parked = true
	e.idle.push(w)
	e.launchLocked(w)
}

// newWorkerLocked counts a new worker and its goroutine-to-be.
// Caller holds e.mu.
func (e *engine[T]) newWorkerLocked() *worker[T] {
	e.workers++
	e.goroutineStartLocked()
	e.counts.spawned++
	return &worker[T]{e: e, tasks: make(chan item[T], 1)}
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

// retireLocked tells a parked worker, already cut from the idle stack, to
// exit. Caller holds e.mu.
func (e *engine[T]) retireLocked(w *worker[T]) {
	close(w.tasks)
	e.workers--
	e.counts.retired++
}
