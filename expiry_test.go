package tide_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

func TestExpiry(t *testing.T) {
	t.Run("idle workers are retired at the expiry, not before", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithExpiry(time.Second))
			burst(t, p, 5)
			time.Sleep(time.Second - time.Nanosecond)
			synctest.Wait()
			assert.Equal(t, 5, p.Idle(), "one nanosecond before the expiry")
			time.Sleep(time.Nanosecond)
			synctest.Wait()
			st := p.Stats()
			assert.Zero(t, st.Workers)
			assert.Equal(t, uint64(5), st.Retired)
		})
	})

	t.Run("a pool left idle ends with no goroutine of its own", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t)
			burst(t, p, 10)
			assert.Equal(t, 11, poolGoroutines(), "ten workers and the reaper")
			time.Sleep(2 * tide.DefaultExpiry)
			synctest.Wait()
			assert.Zero(t, poolGoroutines())
		})
	})

	t.Run("a pool with nothing to retire has no reaper", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(2), tide.WithMinWorkers(2))
			assert.Equal(t, 2, poolGoroutines(), "just the two minimum workers")
			burst(t, p, 2)
			assert.Equal(t, 2, poolGoroutines())
		})
	})

	t.Run("workers idle at different times are each retired within one extra interval", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			const expiry = time.Second
			p := newPool(t, tide.WithExpiry(expiry))
			gates := []gate{newGate(), newGate(), newGate()}
			for _, g := range gates {
				p.Go(g.task())
			}
			synctest.Wait()
			for i, g := range gates {
				g.open()
				synctest.Wait()
				require.Equal(t, i+1, p.Idle())
				if i < len(gates)-1 {
					time.Sleep(300 * time.Millisecond)
					continue
				}
				// The last worker parked now; all are gone by one
				// expiry plus one interval after it.
				time.Sleep(2 * expiry)
				synctest.Wait()
				assert.Zero(t, p.Stats().Workers)
			}
		})
	})

	t.Run("the most recently used workers survive, the longest idle go first", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithExpiry(time.Second))
			burst(t, p, 4)
			time.Sleep(600 * time.Millisecond)
			// Reuse one worker; it parks again, fresh, on top.
			p.Go(func() {})
			p.Wait()
			time.Sleep(400 * time.Millisecond)
			synctest.Wait()
			assert.Equal(t, 1, p.Idle(), "the three untouched workers expired")
			time.Sleep(time.Second)
			synctest.Wait()
			assert.Zero(t, p.Idle())
		})
	})

	t.Run("min workers are never retired", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(5), tide.WithMinWorkers(2), tide.WithExpiry(time.Second))
			burst(t, p, 5)
			time.Sleep(time.Hour)
			synctest.Wait()
			st := p.Stats()
			assert.Equal(t, 2, st.Workers)
			assert.Equal(t, 2, st.Idle)
			assert.Equal(t, 2, poolGoroutines(), "the reaper stopped at the minimum")
		})
	})

	t.Run("a one-nanosecond expiry retires workers without hanging", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithExpiry(time.Nanosecond))
			for range 100 {
				p.Go(func() {})
			}
			p.Wait()
			time.Sleep(time.Millisecond)
			synctest.Wait()
			assert.Zero(t, poolGoroutines())
			assert.Equal(t, uint64(100), p.Stats().Completed)
		})
	})
}

func TestExpiryWithMockClock(t *testing.T) {
	t.Run("a benbjohnson/clock Mock drives expiry through WithClock", func(t *testing.T) {
		mock := clock.NewMock()
		p := newPool(t, tide.WithClock(mock), tide.WithExpiry(time.Minute))
		done := make(chan struct{})
		p.Go(func() { close(done) })
		<-done
		p.Wait()
		// The worker parks and the reaper arms its timer on the mock; real
		// time cannot retire it.
		require.Eventually(t, func() bool { return p.Idle() == 1 }, 5*time.Second, time.Millisecond)
		mock.Add(time.Minute - time.Second)
		assert.Equal(t, 1, p.Stats().Workers)
		// Move the mock past the expiry until the reaper, whichever instant
		// it armed its timer at, has fired.
		require.Eventually(t, func() bool {
			mock.Add(time.Second)
			return p.Stats().Workers == 0
		}, 5*time.Second, time.Millisecond)
		assert.Equal(t, uint64(1), p.Stats().Retired)
	})
}
