package tide

import (
	"fmt"
	"log/slog"
	"math"
	"time"
)

// DefaultExpiry is how long a worker may stay idle before it is retired when
// the pool is made without WithExpiry.
const DefaultExpiry = time.Second

// Clock is the time source the pool uses for idle expiry. The real clock is
// the default; github.com/benbjohnson/clock's Clock and *Mock satisfy it, so a
// test can move expiry forward by hand.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// An Option configures a pool made by New or NewFuncPool. An invalid option
// makes the constructor return an error; no option panics.
type Option func(*config)

// config is what the options set; New validates it once, at the end.
type config struct {
	capacity    int // math.MaxInt when unlimited
	expiry      time.Duration
	queueSize   int // math.MaxInt when unbounded
	nonblocking bool
	minWorkers  int
	onPanic     func(recovered any)
	logger      *slog.Logger
	clock       Clock
	capacitySet bool     // WithCapacity was given
	adaptive    *limiter // WithAdaptiveCapacity was given; nil otherwise
	err         error    // first invalid option
}

func defaultConfig() config {
	return config{
		capacity:  math.MaxInt,
		expiry:    DefaultExpiry,
		queueSize: math.MaxInt,
		clock:     realClock{},
	}
}

// fail records the first invalid option.
func (c *config) fail(err error, value any) {
	if c.err == nil {
		c.err = fmt.Errorf("%w (got %v)", err, value)
	}
}

// validate reports the first invalid option, checking the options that
// depend on each other once all have been applied.
func (c *config) validate() error {
	if a := c.adaptive; a != nil && c.err == nil {
		if c.capacitySet {
			c.fail(ErrInvalidCapacity, "both WithCapacity and WithAdaptiveCapacity")
		}
		c.capacity, a.clock = a.lo, c.clock
	}
	if c.err == nil && c.minWorkers > c.capacity {
		c.fail(ErrInvalidMinWorkers, c.minWorkers)
	}
	return c.err
}

// WithCapacity caps the number of live workers, and so the number of tasks
// running at once, at n. It must be at least 1 (else ErrInvalidCapacity).
// Without it the capacity is unlimited: the pool then only reuses goroutines.
func WithCapacity(n int) Option {
	return func(c *config) {
		if n < 1 {
			c.fail(ErrInvalidCapacity, n)
			return
		}
		c.capacity, c.capacitySet = n, true
	}
}

// WithAdaptiveCapacity lets the pool find its capacity between lo and hi
// from the run times of its finished tasks, for tasks that call something
// with limited concurrency (a database, an API): the capacity starts at lo,
// grows while run times stay at their lowest, and falls back to what the
// downstream serves at once when run times show tasks waiting inside it.
// doc/adaptive.md describes the algorithm. Each task then costs two reads of
// the pool's clock; the pool starts no goroutine for it.
//
// The capacity it sets is [Pool.Cap] and Stats.Capacity; it acts as Tune
// does. A call to [Pool.Tune] on the pool fixes the capacity and stops the
// adapting for good. lo and hi must satisfy 1 <= lo <= hi, and the option
// must not be combined with WithCapacity, else New returns an error matching
// ErrInvalidCapacity. WithMinWorkers must not exceed lo.
func WithAdaptiveCapacity(lo, hi int) Option {
	return func(c *config) {
		if lo < 1 || hi < lo {
			c.fail(ErrInvalidCapacity, fmt.Sprintf("adaptive bounds %d..%d; want 1 <= min <= max", lo, hi))
			return
		}
		c.adaptive = newLimiter(lo, hi)
	}
}

// WithExpiry sets how long a worker may stay idle before the pool retires it.
// It must be positive (else ErrInvalidExpiry); the default is DefaultExpiry.
func WithExpiry(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			c.fail(ErrInvalidExpiry, d)
			return
		}
		c.expiry = d
	}
}

// WithQueueSize bounds the number of tasks that wait for a worker once all
// workers are busy at capacity. It must not be negative (else
// ErrInvalidQueueSize). Zero means no queue: a submitter waits until a worker
// is free. The default is unbounded.
func WithQueueSize(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.fail(ErrInvalidQueueSize, n)
			return
		}
		c.queueSize = n
	}
}

// WithNonblocking makes Submit and SubmitContext return ErrPoolOverload at
// once, instead of waiting, when the pool has no room. Go still waits.
func WithNonblocking() Option {
	return func(c *config) { c.nonblocking = true }
}

// WithMinWorkers starts n workers in New and never retires them for being
// idle. n must be between 0 and the capacity (else ErrInvalidMinWorkers).
func WithMinWorkers(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.fail(ErrInvalidMinWorkers, n)
			return
		}
		c.minWorkers = n
	}
}

// WithPanicHandler sets the function called, on the worker, with the value a
// task panicked with. It runs before the task counts as completed, so Wait
// returns after it. It is called from the deferred recover, while the
// panicking task's frames are still on the goroutine's stack, so
// debug.Stack() in the handler shows where the task panicked (as in ants).
// The worker survives the panic. A handler that itself panics is recovered
// and logged.
func WithPanicHandler(h func(recovered any)) Option {
	return func(c *config) { c.onPanic = h }
}

// WithLogger sets where panics are reported, with their stack, when there is
// no panic handler. The default is slog.Default() at the time of the panic.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithClock sets the time source for idle expiry. The default is the real
// clock. It affects expiry only: ReleaseTimeout always waits in real time.
func WithClock(c Clock) Option {
	return func(cfg *config) {
		if c != nil {
			cfg.clock = c
		}
	}
}

// realClock is the default Clock.
type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
