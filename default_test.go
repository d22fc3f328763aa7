package tide_test

import (
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tidego/tide"
)

// TestDefault checks the pool behind the package-level Go and the zero Group:
// built by the first Go, unlimited, logging panics, and gone once idle past
// its expiry.
func TestDefault(t *testing.T) {
	// The first Go builds the default pool, which the zero Group uses too:
	// unlimited, logging a panic (a nil task's too) with its stack, gone once
	// idle past its expiry.
	inBubble(t, "built by the first go", func(t *testing.T) {
		var logs syncBuffer
		defer slog.SetDefault(slog.Default())
		slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
		// Unbuilt again, the default pool is built by the next Go in this bubble.
		var built atomic.Pointer[tide.Pool]
		restore := tide.SwapDefaultPool(func() *tide.Pool { built.Store(tide.NewDefaultPool()); return built.Load() })
		t.Cleanup(func() { restore(); require.NoError(t, built.Load().ReleaseTimeout(10*time.Second)) })
		assert.Nil(t, built.Load(), "nothing before the first Go")
		assert.Zero(t, poolGoroutines())
		g := newGate()
		const n = 1000
		for range n {
			tide.Go(g.task())
		}
		var zero tide.Group
		want := errors.New("from the default pool")
		zero.Go(func() error { <-g; return want })
		synctest.Wait()
		p := built.Load()
		require.NotNil(t, p)
		assert.Equal(t, -1, p.Cap())
		assert.Equal(t, n+1, p.Running(), "every task, the zero Group's too, runs at once, none queued")
		tide.Go(func() { <-g; panic("kaboom") }) // busy till then, so that the nil task needs a worker of its own
		require.NotPanics(t, func() { tide.Go(nil) }, "unlike the go statement, Go takes a nil task, to panic on a worker")
		synctest.Wait() // every worker started: none takes over the task handed to another
		g.open()
		assert.Equal(t, want, zero.Wait())
		p.Wait()
		assert.Contains(t, logs.String(), "kaboom")
		assert.Contains(t, logs.String(), "default_test.go")
		assert.Contains(t, logs.String(), "tide: Go: nil task")
		assert.Equal(t, uint64(2), p.Stats().Panicked)
		synctest.Wait()
		assert.Equal(t, n+4, poolGoroutines(), "every worker, the panicked tasks' included, parked; and the reaper")
		time.Sleep(tide.DefaultPoolExpiry - time.Nanosecond)
		synctest.Wait()
		assert.Equal(t, n+4, poolGoroutines(), "one nanosecond before the expiry")
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		assert.Zero(t, poolGoroutines())
	})
}
