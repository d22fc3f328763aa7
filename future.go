package tide

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
)

// Future is the result of a function run on a pool by [SubmitFuture]. It is
// ready once the function has returned, panicked or called [runtime.Goexit],
// or at once if the pool refused it. The function's return happens before
// Done is closed, and so before Wait returns.
//
// A Future must be made by SubmitFuture or [SubmitFutureContext]: the
// methods of a nil *Future or a zero Future panic with an error saying so,
// rather than wait for ever. It is safe for concurrent use: any number of
// goroutines may call Wait, WaitContext and Done, any number of times, and
// all see the same result.
type Future[T any] struct {
	done    chan struct{} // closed once val and err are set
	val     T
	err     error
	p       *Pool
	fn      func() (T, error) // cleared by whoever starts it
	started atomic.Bool       // set by whoever starts fn: a worker, or a waiter that helps
}

// SubmitFuture runs fn on one of p's workers and returns the Future of its
// result. It submits with [Pool.Submit]'s semantics: it waits for room when
// the pool has none, except on a pool made [WithNonblocking]. When the pool
// does not accept fn, the Future is ready at once with the error Submit
// would have returned: [ErrPoolClosed] after Release, [ErrPoolOverload] from
// a full nonblocking pool, [ErrNilTask] for a nil fn, [ErrNilPool] for a nil
// or zero p, [ErrSynctestBubble] for a pool made on the other side of a
// synctest bubble's boundary. A panic in fn is reported by the Future as a
// [*PanicError], not handed to the pool's panic handler; the task counts in
// the pool's Stats as completed and, once, as panicked, before the Future is
// ready.
//
// If no worker has started fn when Wait or WaitContext is called, the
// caller runs fn itself (see Wait), so that futures that wait for futures
// complete on a pool of any capacity.
//
// SubmitFuture allocates the Future, its channel and one closure.
func SubmitFuture[T any](p *Pool, fn func() (T, error)) *Future[T] {
	return submitFuture(context.Background(), "SubmitFuture", p, fn)
}

// SubmitFutureContext is SubmitFuture that gives up waiting for room when
// ctx is done: the Future is then ready with ctx.Err(), unchanged, and fn
// never runs. A ctx already done makes the Future ready with ctx.Err()
// without submitting; a nil ctx makes it ready with an error matching
// [ErrNilContext]. Once fn is accepted, ctx no longer matters: fn runs.
func SubmitFutureContext[T any](ctx context.Context, p *Pool, fn func() (T, error)) *Future[T] {
	if ctx == nil {
		f := &Future[T]{done: make(chan struct{})}
		f.refuse(opErr("SubmitFutureContext", ErrNilContext))
		return f
	}
	return submitFuture(ctx, "SubmitFutureContext", p, fn)
}

// submitFuture is SubmitFuture and SubmitFutureContext, named op in errors.
func submitFuture[T any](ctx context.Context, op string, p *Pool, fn func() (T, error)) *Future[T] {
	f := &Future[T]{done: make(chan struct{}), p: p, fn: fn}
	switch {
	case p.unmade():
		f.refuse(opErr(op, ErrNilPool))
	case fn == nil:
		f.refuse(opErr(op, ErrNilTask))
	case ctx.Err() != nil:
		f.refuse(ctx.Err())
	case p.crossesBubble():
		f.refuse(opErr(op, ErrSynctestBubble))
	default:
		if err := p.s.submitFunc(ctx, f.work, waitAsConfigured); err != nil {
			if cerr := ctx.Err(); cerr != nil && errors.Is(err, cerr) { // unchanged, as SubmitContext returns it
				f.refuse(err)
			} else {
				f.refuse(opErr(op, err))
			}
		}
	}
	return f
}

// Wait blocks until the Future is ready and returns the function's result.
// The error is fn's own error, a [*PanicError] if fn panicked, [ErrGoexit]
// if it called runtime.Goexit, or the reason the pool refused it (matching
// [ErrPoolClosed], [ErrPoolOverload], [ErrNilTask] or [ErrNilPool]); the
// value is the zero T unless fn returned.
//
// If no worker has started fn yet, Wait runs it, on a goroutine of its own
// that Wait waits for (in place of a worker), and the worker that later reaches it skips it: fn
// still runs exactly once, its panic or Goexit is reported as if a worker
// had run it, and it counts in the pool's Stats as any task does (running
// while Wait runs it, completed before the Future is ready).
func (f *Future[T]) Wait() (T, error) {
	done := f.ready("Wait")
	select {
	case <-done:
	default:
		f.help()
		<-done
	}
	return f.val, f.err
}

// WaitContext is Wait that gives up when ctx is done, returning the zero T
// and ctx.Err(); the function goes on running and the Future still becomes
// ready. A Future already ready returns its result even if ctx is done. A
// nil ctx is refused with the zero T and an error matching [ErrNilContext].
// If no worker has started fn and ctx is not done, WaitContext starts fn as
// Wait does, and still gives up when ctx is done.
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
	if ctx.Err() == nil {
		f.help()
	}
	select {
	case <-done:
		return f.val, f.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// Done returns a channel that is closed when the Future is ready, for use in
// a select; Wait then returns without blocking. Done does not run fn on the
// caller: a goroutine that waits only on Done waits for a worker.
func (f *Future[T]) Done() <-chan struct{} { return f.ready("Done") }

// ready returns f's done channel; it panics if f is nil or zero, naming the
// method op.
func (f *Future[T]) ready(op string) chan struct{} {
	if f == nil || f.done == nil {
		panic(fmt.Errorf("tide: Future.%s called on a nil or zero Future: SubmitFuture makes Futures", op))
	}
	return f.done
}

// work is f's item on a worker: it runs fn unless a waiter started it.
func (f *Future[T]) work() {
	s := f.p.s
	if !f.started.CompareAndSwap(false, true) {
		s.leftoverReached()
		return
	}
	f.call(s.selfFinish)
}

// help starts fn on a goroutine of its own, lent by the caller, if nobody
// has started it, and reports whether it did; the caller then waits for f.
func (f *Future[T]) help() bool {
	if !f.started.CompareAndSwap(false, true) {
		return false
	}
	s := f.p.s
	s.helpStart()
	go func() { // the caller waits on f.done, or gives up with its ctx
		defer s.goroutineDone()
		f.call(s.helpEnd)
	}()
	return true
}

// call runs fn, counts its end in the pool with count, then makes f ready.
func (f *Future[T]) call(count func(panicked bool)) {
	fn := f.fn
	f.fn = nil
	guard(func() error {
		v, err := fn()
		f.val = v
		return err
	}, func(err error, panicked bool) {
		count(panicked)
		f.finish(err)
	})
}

// refuse makes f ready with err, which the pool never saw: nothing is left
// to start.
func (f *Future[T]) refuse(err error) {
	f.started.Store(true)
	f.fn = nil
	f.finish(err)
}

// finish records err and makes the Future ready.
func (f *Future[T]) finish(err error) {
	f.err = err
	close(f.done)
}
