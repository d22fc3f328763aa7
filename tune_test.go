package tide_test

import (
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

func TestTune(t *testing.T) {
	t.Run("a capacity below one is refused", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(2))
		assert.ErrorIs(t, p.Tune(0), tide.ErrInvalidCapacity)
		assert.ErrorIs(t, p.Tune(-1), tide.ErrInvalidCapacity)
		assert.Equal(t, 2, p.Cap())
	})

	t.Run("growing starts queued tasks at once", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1))
			g := newGate()
			for range 4 {
				p.Go(g.task())
			}
			synctest.Wait()
			require.Equal(t, 3, p.Waiting())
			require.NoError(t, p.Tune(3))
			synctest.Wait()
			assert.Equal(t, 3, p.Running())
			assert.Equal(t, 1, p.Waiting())
			assert.Equal(t, 3, p.Cap())
			g.open()
		})
	})

	t.Run("growing admits waiting submitters at once", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0))
			g := newGate()
			p.Go(g.task())
			errs := []<-chan error{submitAsync(p, g.task()), submitAsync(p, g.task())}
			synctest.Wait()
			require.True(t, pending(errs[0]))
			require.NoError(t, p.Tune(3))
			for _, errc := range errs {
				assert.NoError(t, <-errc)
			}
			synctest.Wait()
			assert.Equal(t, 3, p.Running())
			g.open()
		})
	})

	t.Run("shrinking retires surplus idle workers at once", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(4))
			g := newGate()
			for range 4 {
				p.Go(g.task())
			}
			synctest.Wait() // four workers, each running its task
			g.open()
			p.Wait()
			synctest.Wait()
			require.Equal(t, 4, p.Idle())
			require.NoError(t, p.Tune(1))
			synctest.Wait()
			st := p.Stats()
			assert.Equal(t, 1, st.Workers)
			assert.Equal(t, 1, st.Idle)
			assert.Equal(t, uint64(3), st.Retired)
			assert.Equal(t, 2, poolGoroutines(), "the worker left and the reaper")
		})
	})

	t.Run("shrinking retires busy workers as they finish", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(4))
			gates := []gate{newGate(), newGate(), newGate(), newGate()}
			for _, g := range gates {
				p.Go(g.task())
			}
			synctest.Wait()
			require.NoError(t, p.Tune(2))
			assert.Equal(t, 4, p.Stats().Workers, "busy workers finish their task first")
			gates[0].open()
			synctest.Wait()
			assert.Equal(t, 3, p.Stats().Workers)
			gates[1].open()
			synctest.Wait()
			assert.Equal(t, 2, p.Stats().Workers)
			gates[2].open()
			gates[3].open()
			synctest.Wait()
			st := p.Stats()
			assert.Equal(t, 2, st.Workers)
			assert.Equal(t, 2, st.Idle)
		})
	})

	t.Run("after shrinking, queued tasks run no more than n at a time", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(4))
			g := newGate()
			var live, peak atomic.Int32
			task := func() {
				n := live.Add(1)
				for {
					old := peak.Load()
					if n <= old || peak.CompareAndSwap(old, n) {
						break
					}
				}
				<-g
				live.Add(-1)
			}
			for range 4 {
				p.Go(task)
			}
			synctest.Wait()
			require.NoError(t, p.Tune(2))
			peak.Store(0)
			for range 10 {
				p.Go(task)
			}
			g.open()
			p.Wait()
			// The four already running may still be counted in the first
			// wave, but the queued ones start only under the new cap.
			assert.LessOrEqual(t, peak.Load(), int32(4))
			synctest.Wait()
			assert.Equal(t, 2, p.Stats().Workers)
		})
	})
}
