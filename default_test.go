package tide_test

import (
	"log/slog"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// useDefaultPool makes the default pool unbuilt for the rest of the calling
// synctest bubble, so that the next Go builds it there as it would in a
// program. It returns the default pool built since, nil before; that pool is
// released, and the one it replaced put back, when the test ends.
func useDefaultPool(t *testing.T) (built func() *tide.Pool) {
	t.Helper()
	var pool atomic.Pointer[tide.Pool]
	restore := tide.SwapDefaultPool(func() *tide.Pool {
		pool.Store(tide.NewDefaultPool())
		return pool.Load()
	})
	t.Cleanup(func() {
		restore()
		if p := pool.Load(); p != nil {
			require.NoError(t, p.ReleaseTimeout(10*time.Second))
		}
	})
	return pool.Load
}

// TestDefault checks the pool behind the package-level Go: built by the first
// Go, unlimited, gone once idle past its expiry, and logging panics.
func TestDefault(t *testing.T) {
	// An example of an earlier -count round may have built the test binary's
	// default pool: release it so that no test sees its workers.
	require.NoError(t, tide.ResetDefaultPool())

	inBubble(t, "the default pool is built by the first Go, and has unlimited capacity", func(t *testing.T) {
		built := useDefaultPool(t)
		assert.Nil(t, built(), "nothing before the first Go")
		assert.Zero(t, poolGoroutines())
		g := newGate()
		const n = 1000
		for range n {
			tide.Go(g.task())
		}
		synctest.Wait()
		p := built()
		require.NotNil(t, p)
		assert.Equal(t, -1, p.Cap())
		assert.Equal(t, n, p.Running(), "every task runs at once, none queued")
		g.open()
		p.Wait()
	})

	inBubble(t, "the default pool leaves no goroutine once idle past its expiry", func(t *testing.T) {
		built := useDefaultPool(t)
		tide.Go(func() {})
		synctest.Wait()
		burst(t, built(), 10)
		assert.Equal(t, 11, poolGoroutines(), "ten parked workers and the reaper")
		time.Sleep(tide.DefaultPoolExpiry - time.Nanosecond)
		synctest.Wait()
		assert.Equal(t, 11, poolGoroutines(), "one nanosecond before the expiry")
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		assert.Zero(t, poolGoroutines())
	})

	inBubble(t, "a panicking task is logged with its stack and the default pool goes on", func(t *testing.T) {
		var buf syncBuffer
		defer slog.SetDefault(slog.Default())
		slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
		built := useDefaultPool(t)
		tide.Go(func() { panic("kaboom") })
		var ran atomic.Bool
		tide.Go(func() { ran.Store(true) })
		built().Wait()
		assert.Contains(t, buf.String(), "kaboom")
		assert.Contains(t, buf.String(), "default_test.go")
		assert.Equal(t, uint64(1), built().Stats().Panicked)
		assert.True(t, ran.Load(), "the next task ran")
	})
}
