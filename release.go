package tide

import (
	"context"
	"time"
)

// release stops intake, refuses waiting submitters and retires the parked
// workers; busy workers drain the queue, then exit. Safe to call repeatedly.
func (e *engine[T]) release() {
	e.mu.Lock()
	if e.closed {
		e.unlock()
		return
	}
	e.closed = true
	close(e.closing)
	e.idle.cutBottom(e.idle.len(), e.retireLocked)
	e.refuseWaitersLocked()
	e.unlock()
	if e.live.Add(closedBit) == closedBit {
		close(e.exited)
	}
}

// closedBit is added to engine.live by release, so that the count reads
// exactly closedBit once the pool is released and its last goroutine is gone.
const closedBit = 1 << 62

// goroutineStartLocked counts a goroutine about to start. Caller holds e.mu.
func (e *engine[T]) goroutineStartLocked() { e.live.Add(1) }

// goroutineDone counts a goroutine of the pool as gone. It must be the
// goroutine's very last step, so that no goroutine of the pool is left when
// releaseTimeout sees e.exited closed.
func (e *engine[T]) goroutineDone() {
	if e.live.Add(-1) == closedBit {
		close(e.exited)
	}
}

// releaseTimeout releases the pool and waits up to d for its goroutines to
// exit.
func (e *engine[T]) releaseTimeout(d time.Duration) error {
	e.release()
	select {
	case <-e.exited:
		return nil
	default:
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-e.exited:
		return nil
	case <-t.C:
		return ErrTimeout
	}
}

// shutdown releases the pool and waits for its goroutines to exit until ctx
// is done.
func (e *engine[T]) shutdown(ctx context.Context) error {
	e.release()
	select {
	case <-e.exited:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// isClosed reports whether release has been called, without the lock.
func (e *engine[T]) isClosed() bool {
	select {
	case <-e.closing:
		return true
	default:
		return false
	}
}
