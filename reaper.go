package tide

import "time"

// startReaperLocked starts the reaper if there are parked workers it may
// retire and it is not already running. Caller holds e.mu.
func (e *engine[T]) startReaperLocked() {
	if e.reaping || e.closed || !e.reapableLocked() {
		return
	}
	e.reaping = true
	e.goroutineStartLocked()
	go e.reap()
}

// reapableLocked reports whether some parked worker may be retired for being
// idle. Caller holds e.mu.
func (e *engine[T]) reapableLocked() bool {
	return e.idle.len() > 0 && e.workers > e.floorLocked()
}

// reap is the reaper goroutine: it sleeps until the longest-idle worker is
// due, retires every worker idle past the expiry (never going below the
// minimum), and exits when nothing is left to retire or the pool is released.
func (e *engine[T]) reap() {
	for wait := e.cfg.expiry; ; {
		select {
		case <-e.cfg.clock.After(wait):
		case <-e.closing:
		}
		e.mu.Lock()
		more := false
		if !e.closed {
			wait, more = e.reapLocked(e.cfg.clock.Now())
		}
		if !more {
			// Decided under the same lock a parking worker checks, so no
			// worker is left parked without a reaper.
			e.reaping = false
			e.unlock()
			e.goroutineDone()
			return
		}
		e.unlock()
	}
}

// reapLocked retires the workers idle past the expiry at now and returns how
// long to sleep before the next one is due; more is false when no parked
// worker is left to retire. To bound wake-ups, it never sleeps less than a
// quarter of the expiry. Caller holds e.mu.
func (e *engine[T]) reapLocked(now time.Time) (wait time.Duration, more bool) {
	n := min(e.idle.expired(now, e.cfg.expiry), e.workers-e.floorLocked())
	if n > 0 {
		e.idle.cutBottom(n, e.retireLocked)
	}
	if !e.reapableLocked() {
		return 0, false
	}
	due := e.idle.oldest().idleSince.Add(e.cfg.expiry).Sub(now)
	return max(due, e.cfg.expiry/4), true
}
