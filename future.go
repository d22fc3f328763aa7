package tide

import (
	"context"
	"fmt"
)

// Future is the result of a function run on a pool by [SubmitFuture]. It is
// ready once the function has returned, panicked or called [runtime.Goexit],
// or at once if the pool refused it. The function's return happens before
// Done is closed, and so before Wait returns.
//
// A Future must be made by SubmitFuture: the methods of a nil *Future or a
// zero Future panic with an error saying so, rather than wait for ever. It is safe for
// concurrent use: any number of goroutines may call Wait, WaitContext and
// Done, any number of times, and all see the same result.
type Future[T any] struct {
	done chan struct{} // closed once val and err are set
	val  T
	err  error
}

// SubmitFuture runs fn on one of p's workers and returns the Future of its
// result. It submits with [Pool.Submit]'s semantics: it waits for room when
// the pool has none, except on a pool made [WithNonblocking]. When the pool
// does not accept fn, the Future is ready at once with the error Submit
// would have returned: [ErrPoolClosed] after Release, [ErrPoolOverload] from
// a full nonblocking pool, [ErrNilTask] for a nil fn, [ErrNilPool] for a nil
// or zero p, [ErrSynctestBubble] for a pool made on the other side of a
// synctest bubble's boundary. A panic in fn is reported by the Future as a [*PanicError], not
// handed to the pool's panic handler; the task counts in the pool's Stats as
// completed and, once, as panicked, before the Future is ready.
//
// SubmitFuture allocates the Future, its channel and one closure.
func SubmitFuture[T any](p *Pool, fn func() (T, error)) *Future[T] {
	f := &Future[T]{done: make(chan struct{})}
	if p.unmade() {
		f.finish(opErr("SubmitFuture", ErrNilPool))
		return f
	}
	if fn == nil {
		f.finish(opErr("SubmitFuture", ErrNilTask))
		return f
	}
	if p.crossesBubble() {
		f.finish(opErr("SubmitFuture", ErrSynctestBubble))
		return f
	}
	err := p.s.submitFunc(context.Background(), func() {
		guard(func() error {
			v, err := fn()
			f.val = v
			return err
		}, func(err error, panicked bool) {
			if panicked {
				p.s.notePanic()
			}
			f.finish(err)
		})
	}, waitAsConfigured)
	if err != nil {
		f.finish(opErr("SubmitFuture", err))
	}
	return f
}

// Wait blocks until the Future is ready and returns the function's result.
// The error is fn's own error, a [*PanicError] if fn panicked, [ErrGoexit]
// if it called runtime.Goexit, or the reason the pool refused it (matching
// [ErrPoolClosed], [ErrPoolOverload], [ErrNilTask] or [ErrNilPool]); the
// value is the zero T unless fn returned.
func (f *Future[T]) Wait() (T, error) {
	<-f.ready("Wait")
	return f.val, f.err
}

// WaitContext is Wait that gives up when ctx is done, returning the zero T
// and ctx.Err(); the function goes on running and the Future still becomes
// ready. A Future already ready returns its result even if ctx is done. A
// nil ctx is refused with the zero T and an error matching [ErrNilContext].
func (f *Future[T]) WaitContext(ctx context.Context) (T, error) {
	done := f.ready("WaitContext")
	var zero T
	if ctx == nil {
		return zero, opErr("Future.WaitContext", ErrNilContext)
	}
	select {
	case <-done:
		return f.val, f.err
	default:
	}
	select {
	case <-done:
		return f.val, f.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// Done returns a channel that is closed when the Future is ready, for use in
// a select; Wait then returns without blocking.
func (f *Future[T]) Done() <-chan struct{} { return f.ready("Done") }

// ready returns f's done channel; it panics if f is nil or zero, naming the
// method op.
func (f *Future[T]) ready(op string) chan struct{} {
	if f == nil || f.done == nil {
		panic(fmt.Errorf("tide: Future.%s called on a nil or zero Future: SubmitFuture makes Futures", op))
	}
	return f.done
}

// finish records err and makes the Future ready.
func (f *Future[T]) finish(err error) {
	f.err = err
	close(f.done)
}
