package tide

import (
	"errors"
	"strings"
)

// Errors returned by tide. Each is a sentinel value: test for it with
// [errors.Is], which also sees through any wrapping.
var (
	// ErrPoolClosed is returned by Submit and SubmitContext after Release, and
	// by a submitter that was waiting for room when Release came. Go panics
	// with an error matching it.
	ErrPoolClosed = errors.New("tide: pool closed")

	// ErrPoolOverload is returned by Submit on a pool made WithNonblocking when
	// every worker is busy at capacity and the queue is full.
	ErrPoolOverload = errors.New("tide: pool overloaded")

	// ErrNilTask is returned by Submit and SubmitContext for a nil task, and by
	// NewFuncPool for a nil function.
	ErrNilTask = errors.New("tide: nil task")

	// ErrTimeout is returned by ReleaseTimeout when its deadline passes before
	// every goroutine of the pool has exited.
	ErrTimeout = errors.New("tide: timed out waiting for workers to exit")

	// ErrInvalidCapacity is returned by New for WithCapacity(n) and by Tune(n)
	// when n < 1.
	ErrInvalidCapacity = errors.New("tide: capacity must be at least 1")

	// ErrInvalidExpiry is returned by New for WithExpiry(d) when d <= 0.
	ErrInvalidExpiry = errors.New("tide: expiry must be positive")

	// ErrInvalidQueueSize is returned by New for WithQueueSize(n) when n < 0.
	ErrInvalidQueueSize = errors.New("tide: queue size must not be negative")

	// ErrInvalidMinWorkers is returned by New for WithMinWorkers(n) when n < 0
	// or n exceeds the capacity.
	ErrInvalidMinWorkers = errors.New("tide: min workers must be between 0 and the capacity")

	// ErrNilContext is returned, wrapped with the name of the function, by
	// every function that takes a context and returns an error (SubmitContext,
	// InvokeContext, WaitContext, Shutdown) when the context is nil: a nil
	// context is a programming error, as it is for the context package, and
	// such a call does nothing else. GroupContext, which returns no error,
	// panics with an error matching it instead.
	ErrNilContext = errors.New("tide: nil context")

	// ErrNilPool is returned, wrapped with the name of the method, by the
	// methods of a nil *Pool or *FuncPool that return an error; the other
	// methods of a nil *Pool or *FuncPool panic with an error matching it.
	// SubmitFuture given a nil pool returns a Future ready with it. A nil pool
	// is one that was never made, typically because New's error was not
	// checked.
	ErrNilPool = errors.New("tide: nil pool")

	// ErrSynctestBubble is reported, wrapped with the name of the call, when
	// a pool made outside every testing/synctest bubble is used inside one,
	// or one made inside a bubble is used outside it: the pool's workers and
	// the bubble's channels must not meet. Pool.Wait panics with it; a
	// Group's Go and TryGo record it; SubmitFuture's Future reports it.
	ErrSynctestBubble = errors.New("tide: pool used across a synctest bubble boundary; make the pool inside the bubble that uses it, or use tide.Go or a zero tide.Group there")
)

// opError is an error of the sentinel err reported by the operation op. Its
// message carries the package prefix once: "tide: Group.Go: pool closed".
// errors.Is and errors.As see through it to err.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string {
	return "tide: " + e.op + ": " + strings.TrimPrefix(e.err.Error(), "tide: ")
}

func (e *opError) Unwrap() error { return e.err }

// opErr wraps err, if not nil, as reported by op.
func opErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return &opError{op: op, err: err}
}
