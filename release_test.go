package tide_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

func TestRelease(t *testing.T) {
	t.Run("submitting after release is refused at once", func(t *testing.T) {
		p := newPool(t)
		p.Release()
		assert.True(t, p.IsClosed())
		assert.ErrorIs(t, p.Submit(func() {}), tide.ErrPoolClosed)
		assert.ErrorIs(t, p.SubmitContext(t.Context(), func() {}), tide.ErrPoolClosed)
		assert.Zero(t, p.Stats().Submitted)
	})

	t.Run("Go after release panics with ErrPoolClosed", func(t *testing.T) {
		p := newPool(t)
		p.Release()
		defer func() {
			err, ok := recover().(error)
			require.True(t, ok)
			assert.ErrorIs(t, err, tide.ErrPoolClosed)
		}()
		p.Go(func() {})
		t.Error("Go did not panic")
	})

	t.Run("accepted tasks, queued ones included, still run", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(2))
			g := newGate()
			var ran atomic.Int32
			for range 10 {
				p.Go(func() { <-g; ran.Add(1) })
			}
			synctest.Wait()
			require.Equal(t, 8, p.Waiting())
			p.Release()
			g.open()
			require.NoError(t, p.ReleaseTimeout(time.Second))
			assert.Equal(t, int32(10), ran.Load())
			st := p.Stats()
			assert.Equal(t, tide.Stats{Capacity: 2, Submitted: 10, Completed: 10, Spawned: 2, Retired: 2}, st)
		})
	})

	t.Run("a submitter waiting for room is woken with ErrPoolClosed", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0))
			g := newGate()
			p.Go(g.task())
			var ran atomic.Bool
			errc := submitAsync(p, func() { ran.Store(true) })
			goErr := make(chan any, 1)
			go func() {
				defer func() { goErr <- recover() }()
				p.Go(func() { ran.Store(true) })
			}()
			synctest.Wait()
			p.Release()
			assert.ErrorIs(t, <-errc, tide.ErrPoolClosed)
			err, _ := (<-goErr).(error)
			assert.ErrorIs(t, err, tide.ErrPoolClosed)
			g.open()
			p.Wait()
			assert.False(t, ran.Load())
		})
	})

	t.Run("ReleaseTimeout returns nil only once no goroutine of the pool is left", func(t *testing.T) {
		p, err := tide.New(tide.WithCapacity(8), tide.WithMinWorkers(2))
		require.NoError(t, err)
		for range 100 {
			p.Go(func() { time.Sleep(time.Millisecond) })
		}
		require.NoError(t, p.ReleaseTimeout(10*time.Second))
		requireNoPoolGoroutines(t)
		st := p.Stats()
		assert.Zero(t, st.Workers)
		assert.Equal(t, st.Spawned, st.Retired)
	})

	t.Run("ReleaseTimeout reports ErrTimeout when a task outlives the deadline", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p, err := tide.New()
			require.NoError(t, err)
			g := newGate()
			p.Go(g.task())
			assert.ErrorIs(t, p.ReleaseTimeout(time.Second), tide.ErrTimeout)
			assert.True(t, p.IsClosed())
			g.open()
			assert.NoError(t, p.ReleaseTimeout(time.Second))
		})
	})

	t.Run("release twice and from many goroutines at once is safe", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(4), tide.WithMinWorkers(4))
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(p.Release)
		}
		wg.Wait()
		p.Release()
		assert.NoError(t, p.ReleaseTimeout(10*time.Second))
		assert.NoError(t, p.ReleaseTimeout(10*time.Second))
	})

	t.Run("parked workers exit at release", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithMinWorkers(3), tide.WithCapacity(3))
			require.Equal(t, 3, p.Idle())
			p.Release()
			synctest.Wait()
			assert.Zero(t, p.Idle())
			assert.Zero(t, poolGoroutines())
		})
	})
}
