package tide_test

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/pooltest"
)

func TestMisbehavingTasks(t *testing.T) {
	// Each task below misbehaves on the only worker of a pool with one
	// queued task and one parked submitter behind it. The documented outcome
	// follows before Wait returns, then the queued task and the parked
	// submitter's run, the same worker (or its one replacement) serves again,
	// and the counters add up.
	cases := []struct {
		name              string
		task              func()
		handler           func(r any)  // nil: no panic handler
		logger            slog.Handler // nil: text to logs
		panicked, retired uint64       // retired: workers lost and replaced
		check             func(t *testing.T, got any, logs string)
	}{
		// panic(v) reaches the handler with v.
		{"panic value", func() { panic("boom") }, func(any) {}, nil, 1, 0,
			func(t *testing.T, got any, logs string) { assert.Equal(t, "boom", got) }},
		// panic(nil) reaches the handler as a *runtime.PanicNilError.
		{"panic nil", func() { panic(nil) }, func(any) {}, nil, 1, 0,
			func(t *testing.T, got any, logs string) {
				var pne *runtime.PanicNilError
				err, _ := got.(error)
				assert.ErrorAs(t, err, &pne, "got %#v", got)
			}},
		// panic(err) without a handler is logged with its stack.
		{"no handler", func() { panic(errors.New("no handler")) }, nil, nil, 1, 0,
			func(t *testing.T, got any, logs string) {
				assert.Contains(t, logs, "tide: task panicked")
				assert.Contains(t, logs, "no handler")
				assert.Contains(t, logs, "panic_test.go", "the stack names the task")
			}},
		// A handler that panics is logged, and the task still counts once.
		{"handler panics", func() { panic("task") }, func(any) { panic("handler") }, nil, 1, 0,
			func(t *testing.T, got any, logs string) {
				assert.Contains(t, logs, "tide: panic handler panicked")
				assert.Contains(t, logs, "handler")
			}},
		// runtime.Goexit ends the worker, which is replaced, and is no panic.
		{"goexit", runtime.Goexit, func(any) {}, nil, 0, 1,
			func(t *testing.T, got any, logs string) { assert.Nil(t, got, "the handler was called") }},
		// A handler that calls runtime.Goexit, as t.FailNow does, leaves the
		// panic counted once.
		{"handler calls goexit", func() { panic("task") },
			func(any) { runtime.Goexit() }, nil, 1, 1,
			func(t *testing.T, got any, logs string) { assert.Equal(t, "task", got) }},
		// A logger whose handler panics does not kill the process, and the
		// panic is counted.
		{"logger panics", func() { panic("task") },
			nil, panickingHandler{}, 1, 0, func(t *testing.T, got any, logs string) {}},
	}
	for _, c := range cases {
		inBubble(t, c.name, func(t *testing.T) {
			var logs syncBuffer
			var mu sync.Mutex
			var got any // what the handler was called with
			logger := c.logger
			if logger == nil {
				logger = slog.NewTextHandler(&logs, nil)
			}
			opts := []tide.Option{tide.WithCapacity(1), tide.WithQueueSize(1), tide.WithLogger(slog.New(logger))}
			if c.handler != nil {
				opts = append(opts, tide.WithPanicHandler(func(r any) {
					mu.Lock()
					got = r
					mu.Unlock()
					c.handler(r)
				}))
			}
			p := pooltest.New(t, opts...)
			g := newGate()
			require.NoError(t, p.Submit(func() { <-g; c.task() }))
			var queuedRan, parkedRan atomic.Bool
			require.NoError(t, p.Submit(func() { queuedRan.Store(true) }))
			errc := submitAsync(p, func() { parkedRan.Store(true) })
			synctest.Wait()
			require.True(t, pending(errc))

			g.open()
			require.NoError(t, requireReturnWithin(t, virtualDeadline, []<-chan error{errc})[0])
			p.Wait()
			mu.Lock() // the handler's call and the log happen before Wait returns
			c.check(t, got, logs.String())
			mu.Unlock()
			synctest.Wait()
			assert.True(t, queuedRan.Load(), "the queued task ran")
			assert.True(t, parkedRan.Load(), "the parked submitter's task ran")

			require.NoError(t, p.Submit(func() {}))
			p.Wait()
			synctest.Wait()
			st := p.Stats()
			assert.Equal(t, tide.Stats{Capacity: 1, Workers: 1, Idle: 1, Submitted: 4, Completed: 4,
				Panicked: c.panicked, Spawned: 1 + c.retired, Retired: c.retired, WaitCount: 1}, st)
			assert.Len(t, liveWorkers(), 1, "one worker goroutine, no more")
		})
	}
}

// panickingHandler is a slog.Handler that panics on every record.
type panickingHandler struct{ slog.Handler }

func (panickingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (panickingHandler) Handle(context.Context, slog.Record) error { panic("logger broke") }

// panicSite is a task that panics in a frame of its own, for
// TestPanicHandlerSeesPanicSite to look for.
func panicSite() { panic("at the site") }

// TestPanicHandlerSeesPanicSite checks that the panic handler runs while the
// panicking frames are still on the stack, as ants' does: an ants user's
// handler that logs debug.Stack() keeps showing where the task panicked.
func TestPanicHandlerSeesPanicSite(t *testing.T) {
	stacks := make(chan string, 1)
	p := pooltest.New(t, tide.WithPanicHandler(func(any) { stacks <- string(debug.Stack()) }))
	p.Go(panicSite)
	stack := <-stacks
	assert.Contains(t, stack, "tide_test.panicSite(", "the handler's stack names the panicking function")
	assert.Contains(t, stack, "panic_test.go:", "the handler's stack names the panicking file")
}
