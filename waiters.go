package tide

import (
	"container/list"
	"context"
	"time"
)

// waiter is a submitter waiting for room.
type waiter[T any] struct {
	it    item[T]
	elem  *list.Element // guarded by mu; nil once accepted, refused or withdrawn
	done  chan error    // buffered; receives nil once accepted, or ErrPoolClosed
	since time.Time     // when it began to wait, on the pool's clock
}

// waitEndedLocked adds w's wait, ending now, to the wait figures.
// Caller holds e.mu.
func (e *engine[T]) waitEndedLocked(w *waiter[T]) {
	e.counts.waitDuration += e.cfg.clock.Now().Sub(w.since)
}

// await blocks until w is accepted or refused, or ctx is done.
func (e *engine[T]) await(ctx context.Context, w *waiter[T]) error {
	select {
	case err := <-w.done:
		return err
	case <-ctx.Done():
	}
	e.mu.Lock()
	if w.elem != nil {
		e.waiters.Remove(w.elem)
		w.elem = nil
		e.waitEndedLocked(w)
		e.unlock()
		return ctx.Err()
	}
	e.unlock()
	return <-w.done // decided before the cancellation was seen
}

// admitLocked accepts waiting submitters, oldest first, while there is room.
// Caller holds e.mu.
func (e *engine[T]) admitLocked() {
	for e.waiters.Len() > 0 {
		front := e.waiters.Front()
		w := front.Value.(*waiter[T])
		if !e.placeLocked(w.it) {
			return
		}
		e.waiters.Remove(front)
		w.elem = nil
		e.counts.submitted++
		e.waitEndedLocked(w)
		w.done <- nil
	}
}

// refuseWaitersLocked wakes every waiting submitter with ErrPoolClosed.
// Caller holds e.mu.
func (e *engine[T]) refuseWaitersLocked() {
	for e.waiters.Len() > 0 {
		w := e.waiters.Remove(e.waiters.Front()).(*waiter[T])
		w.elem = nil
		e.waitEndedLocked(w)
		w.done <- ErrPoolClosed
	}
}
