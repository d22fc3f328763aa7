package tide

// The engine's side of helping waiters (the "Helping waiters" section of
// doc/scheduler.md): a group task or a future is claimed, by an atomic flag
// of its own, by whoever starts it first, a worker or a waiter that helps.
// A task its waiter claimed leaves its item behind in the pool, a leftover,
// which the worker that reaches it runs as a no-op. These are the counts
// that keep Stats honest meanwhile; each takes the lock once, off the path
// of a plain task.

// helpStart counts a task that its waiter claimed and is about to run: it
// moves from queued (or handed) to running, on the waiter; its item, still
// held by the pool, is a leftover. The goroutine the waiter lends to the task
// counts among the pool's, so that ReleaseTimeout and Shutdown wait for it;
// it calls goroutineDone as its last step. (The pool cannot have exited yet:
// the leftover's item keeps a worker, or a worker on its way, alive.)
func (e *engine[T]) helpStart() {
	e.mu.Lock()
	e.goroutineStartLocked()
	e.helping++
	e.leftovers++
	e.unlock()
}

// helpEnd counts the end of a task its waiter ran: completed, and panicked
// if it panicked, once.
func (e *engine[T]) helpEnd(panicked bool) {
	e.mu.Lock()
	e.helping--
	e.running++ // completeLocked takes it off again: the task ran on its waiter, not in running
	if panicked {
		e.counts.panicked++
	}
	e.completeLocked()
	e.unlock()
}

// leftoverReached is called by a worker that reached a leftover: no task
// any more, so it leaves running, and the worker's count at the end of the
// item counts nothing.
func (e *engine[T]) leftoverReached() {
	e.mu.Lock()
	e.leftovers--
	e.running--
	e.counted++
	e.unlock()
	e.reached.Add(1)
}

// selfFinish counts, from inside a future's item on a worker, the end of its
// task: completed, and panicked if it panicked, before the Future is made
// ready; the worker's count at the end of the item counts nothing.
func (e *engine[T]) selfFinish(panicked bool) {
	e.mu.Lock()
	if panicked {
		e.counts.panicked++
	}
	e.completeLocked()
	e.counted++
	e.unlock()
}

// lend runs task on a new goroutine and waits until it has ended: returned,
// panicked or called runtime.Goexit; the goroutine's last step is gone. A
// waiter that helps runs its task this way, so that a Goexit in the task
// ends the task's goroutine, as it would on a worker, and not the waiter;
// the waiter is blocked meanwhile, so the tasks running at once are no more
// than if it ran the task itself.
func lend(task, gone func()) {
	done := make(chan struct{})
	go func() {
		defer gone()
		defer close(done)
		task()
	}()
	<-done
}
