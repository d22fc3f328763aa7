package tide

import (
	"context"
	"flag"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Go runs task on the package's default pool, as a drop-in for the
// statement `go task()` that reuses goroutines: it never waits, since the
// default pool has no capacity limit. The default pool has the defaults of
// [New] (unlimited capacity, an unbounded queue) except its expiry, which is
// a tenth of a second rather than [DefaultExpiry]: once idle that long (and
// at most a quarter of it more) it holds no goroutine. It is built on the
// first call of Go (importing tide starts nothing) and is never released.
//
// Go is safe in tests. A test binary whose TestMain runs
// goleak.VerifyTestMain, which looks for leaked goroutines for about 0.4 s,
// needs no option for tide: the default pool's workers are retired well
// within that window after the last task. Inside a [testing/synctest]
// bubble, whose channels and timers must not be touched from outside it, Go
// does not use the default pool: it runs task on a new goroutine of the
// bubble, with the same panic handling, so that synctest.Wait and the
// bubble's fake clock see the task and the bubble ends with it.
//
// Unlike `go task()`, a panic in task does not crash the program: it is
// logged with its stack through [slog.Default], as [Pool.Go] does on a pool
// without a panic handler. A nil task panics, on the goroutine that runs it,
// with an error matching [ErrNilTask], logged the same way. Calling Go
// happens before task runs. Go costs what [Pool.Go] costs, plus one atomic
// load; in a test binary, also one read of the clock, to tell whether it runs
// in a bubble.
func Go(task func()) {
	if inBubble() {
		goInBubble(task)
		return
	}
	defaultPool().Go(task)
}

// defaultPoolExpiry is the default pool's expiry. goleak.VerifyTestMain
// retries 20 times, sleeping 1µs, 2µs, 4µs … capped at 100 ms, so about
// 0.13 s + 3 × 0.1 s = 0.43 s in all; the reaper retires a worker between
// one expiry and a quarter of one more after it parked, so 0.1 s leaves the
// check 0.3 s of slack on a loaded machine. Retiring sooner than
// DefaultExpiry costs a program little: restarting a worker after a pause of
// 0.1 s costs about as much as one `go` statement.
const defaultPoolExpiry = 100 * time.Millisecond

// defaultPool returns the pool behind Go, building it on first use. It is
// never called inside a synctest bubble.
var defaultPool = sync.OnceValue(newDefaultPool)

// newDefaultPool builds the pool behind Go.
func newDefaultPool() *Pool {
	p, err := New(WithExpiry(defaultPoolExpiry))
	if err != nil {
		panic(err) // unreachable: these options are valid
	}
	return p
}

// inBubble reports whether the calling goroutine is in a testing/synctest
// bubble. Go offers no public way to ask (the runtime's answer,
// internal/synctest.IsInBubble, is internal), but inside a bubble time.Now
// returns the bubble's fake time without a monotonic clock reading, which
// outside a bubble it always carries (until the year 2157); Round(0) strips
// that reading, so only a time without one is unchanged by it. A false
// answer of true costs only the reuse of goroutines.
//
// Bubbles exist only in test binaries (synctest.Test needs a *testing.T), so
// outside them inBubble answers false without reading the clock: a program
// pays one flag look-up per process for it, and links no package testing.
var inBubble = func() bool {
	if !isTestBinary() {
		return false
	}
	now := time.Now()
	return now == now.Round(0) //nolint:staticcheck // QF1009: == sees the monotonic reading, which Equal ignores on purpose
}

// isTestBinary reports whether this process is a test binary: package
// testing registers its test.v flag before any test, TestMain or benchmark
// runs, and no program has it otherwise. It is asked once, on the first use
// of the default pool; a test binary whose package initialisation uses the
// default pool (before package testing has registered its flags) counts as a
// program, and its bubbles then must not call [Go].
var isTestBinary = sync.OnceValue(func() bool { return flag.Lookup("test.v") != nil })

// goInBubble runs task on a new goroutine, which belongs to the caller's
// bubble, reporting a panic as the default pool would.
func goInBubble(task func()) {
	if task == nil {
		task = nilTask
	}
	go func() {
		defer func() {
			// A Goexit also lands here, with nothing to recover.
			if r := recover(); r != nil {
				slog.Default().Error("tide: task panicked", "panic", r, "stack", string(debug.Stack()))
			}
		}()
		task()
	}()
}

// GroupContext returns a new group whose tasks run as the zero Group's do
// (on the default pool, or inside a [testing/synctest] bubble on new
// goroutines of the bubble), and a context derived from ctx: the default
// pool's [golang.org/x/sync/errgroup.WithContext]. The context is cancelled,
// with the error as its [context.Cause], when the group records its first
// error, and in any case when Wait returns. On a nil ctx it panics with an
// error matching [ErrNilContext], as [context.WithCancel] does.
func GroupContext(ctx context.Context) (*Group, context.Context) {
	if ctx == nil {
		panic(opErr("GroupContext", ErrNilContext))
	}
	ctx, cancel := context.WithCancelCause(ctx)
	return &Group{cancel: cancel}, ctx
}
