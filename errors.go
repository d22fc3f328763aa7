package tide

import "errors"

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
)
