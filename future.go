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
// A Future must be made by SubmitFuture; the zero Future is never ready. It
// is safe for concurrent use: any number of goroutines may call Wait and
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
// a full nonblocking pool, [ErrNilTask] for a nil fn. A panic in fn is
// reported by the Future as a [*PanicError], not handed to the pool's panic
// handler, and the task counts in the pool's Stats as completed, not as
// panicked.
//
// SubmitFuture allocates the Future, its channel and one closure.
func SubmitFuture[T any](p *Pool, fn func() (T, error)) *Future[T] {
	f := &Future[T]{done: make(chan struct{})}
	if fn == nil {
		f.finish(fmt.Errorf("tide: SubmitFuture: %w", ErrNilTask))
		return f
	}
	err := p.s.submitFunc(context.Background(), func() {
		guard(func() error {
			v, err := fn()
			f.val = v
			return err
		}, f.finish)
	}, waitAsConfigured)
	if err != nil {
		f.finish(fmt.Errorf("tide: SubmitFuture: %w", err))
	}
	return f
}

// Wait blocks until the Future is ready and returns the function's result.
// The error is fn's own error, a [*PanicError] if fn panicked, [ErrGoexit]
// if it called runtime.Goexit, or the reason the pool refused it (matching
// [ErrPoolClosed], [ErrPoolOverload] or [ErrNilTask]); the value is the zero
// T unless fn returned.
func (f *Future[T]) Wait() (T, error) {
	<-f.done
	return f.val, f.err
}

// Done returns a channel that is closed when the Future is ready, for use in
// a select; Wait then returns without blocking.
func (f *Future[T]) Done() <-chan struct{} { return f.done }

// finish records err and makes the Future ready.
func (f *Future[T]) finish(err error) {
	f.err = err
	close(f.done)
}
