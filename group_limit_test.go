package tide_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// counting returns a group task that counts itself in flight, records the
// most seen at once, and returns once gt opens.
func counting(inFlight, most *atomic.Int32, gt gate) func() error {
	return func() error {
		n := inFlight.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-gt
		inFlight.Add(-1)
		return nil
	}
}

func TestGroupSetLimit(t *testing.T) {
	t.Run("at most n of the group's tasks are in flight, and Go waits for one to end", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(10))
			g := p.Group()
			g.SetLimit(2)
			var inFlight, most atomic.Int32
			gt := newGate()
			submitted := make(chan struct{})
			go func() {
				for range 5 {
					g.Go(counting(&inFlight, &most, gt))
				}
				close(submitted)
			}()
			synctest.Wait()
			assert.Equal(t, int32(2), inFlight.Load())
			assert.Equal(t, 2, p.Running(), "the pool had room for more; the group's limit held them back")
			assert.True(t, pending(submitted), "the third Go waits for a task to end")
			gt.open()
			<-submitted
			require.NoError(t, g.Wait())
			assert.Equal(t, int32(2), most.Load())
		})
	})

	t.Run("the pool's capacity still bounds a group with a higher limit", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(2))
			g := p.Group()
			g.SetLimit(10)
			var inFlight, most atomic.Int32
			gt := newGate()
			for range 5 {
				g.Go(counting(&inFlight, &most, gt))
			}
			synctest.Wait()
			assert.Equal(t, int32(2), inFlight.Load())
			assert.Equal(t, 3, p.Waiting())
			gt.open()
			require.NoError(t, g.Wait())
		})
	})

	t.Run("a negative limit removes the limit", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t)
			g := p.Group()
			g.SetLimit(1)
			g.SetLimit(-1)
			var inFlight, most atomic.Int32
			gt := newGate()
			for range 5 {
				g.Go(counting(&inFlight, &most, gt))
			}
			synctest.Wait()
			assert.Equal(t, int32(5), inFlight.Load())
			gt.open()
			require.NoError(t, g.Wait())
		})
	})

	t.Run("changing the limit while a task is in flight panics, with or without a limit set", func(t *testing.T) {
		for _, first := range []int{-1, 3} {
			p := newPool(t)
			g := p.Group()
			g.SetLimit(first)
			gt := newGate()
			g.Go(func() error { <-gt; return nil })
			err := panicValue(t, func() { g.SetLimit(2) })
			assert.Equal(t, "tide: Group.SetLimit: modify limit while 1 tasks in the group are still active", err.Error())
			gt.open()
			require.NoError(t, g.Wait())
			assert.NotPanics(t, func() { g.SetLimit(2) }, "once Wait returned, the limit may change")
		}
	})

	t.Run("a limit of 0 makes Go record ErrInvalidCapacity at once instead of blocking for ever", func(t *testing.T) {
		p := newPool(t)
		g := p.Group()
		g.SetLimit(0)
		var ran atomic.Bool
		g.Go(func() error { ran.Store(true); return nil })
		err := g.Wait()
		require.ErrorIs(t, err, tide.ErrInvalidCapacity)
		assert.Contains(t, err.Error(), "tide: Group.Go: capacity must be at least 1")
		assert.False(t, ran.Load())
		assert.Zero(t, p.Stats().Submitted)
	})

	t.Run("a failed Go gives its slot back", func(t *testing.T) {
		p := newPool(t)
		g := p.Group()
		g.SetLimit(1)
		g.Go(nil)
		p.Release()
		g.Go(func() error { return nil })
		assert.ErrorIs(t, g.Wait(), tide.ErrNilTask, "the first error wins")
		assert.NotPanics(t, func() { g.SetLimit(1) }, "nothing is left in flight")
	})
}

func TestGroupTryGo(t *testing.T) {
	t.Run("TryGo returns false without running the task when the group is at its limit", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t)
			g := p.Group()
			g.SetLimit(1)
			gt := newGate()
			require.True(t, g.TryGo(func() error { <-gt; return nil }))
			var ran atomic.Bool
			assert.False(t, g.TryGo(func() error { ran.Store(true); return nil }))
			gt.open()
			require.NoError(t, g.Wait())
			assert.False(t, ran.Load())
			assert.True(t, g.TryGo(func() error { ran.Store(true); return nil }), "there is room again")
			require.NoError(t, g.Wait())
			assert.True(t, ran.Load())
		})
	})

	t.Run("TryGo with a limit of 0 always returns false", func(t *testing.T) {
		p := newPool(t)
		g := p.Group()
		g.SetLimit(0)
		for range 100 {
			require.False(t, g.TryGo(func() error { return errors.New("ran") }))
		}
		assert.NoError(t, g.Wait())
	})

	t.Run("TryGo returns false, without waiting or an error, when the pool has no room", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0))
			gt := newGate()
			p.Go(gt.task())
			synctest.Wait()
			g := p.Group()
			g.SetLimit(1)
			var ran atomic.Bool
			assert.False(t, g.TryGo(func() error { ran.Store(true); return nil }))
			assert.Zero(t, p.Blocked(), "TryGo did not wait for room")
			assert.False(t, g.TryGo(func() error { return nil }), "the group's slot is free again, but the pool is still full")
			gt.open()
			p.Wait()
			require.NoError(t, g.Wait(), "a refusal for want of room is not an error")
			assert.False(t, ran.Load())
			assert.True(t, g.TryGo(func() error { ran.Store(true); return nil }), "the slot of the refused task was given back")
			require.NoError(t, g.Wait())
			assert.True(t, ran.Load())
		})
	})

	t.Run("TryGo accepts a task into the pool's queue: a queue slot is room", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(1))
			gt := newGate()
			p.Go(gt.task())
			g := p.Group()
			var ran atomic.Bool
			require.True(t, g.TryGo(func() error { ran.Store(true); return nil }))
			synctest.Wait()
			assert.Equal(t, 1, p.Waiting())
			assert.False(t, g.TryGo(func() error { return nil }), "now the queue is full too")
			gt.open()
			require.NoError(t, g.Wait())
			assert.True(t, ran.Load())
		})
	})

	t.Run("TryGo on a nonblocking pool returns false when the pool is full", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0), tide.WithNonblocking())
			gt := newGate()
			p.Go(gt.task())
			g := p.Group()
			assert.False(t, g.TryGo(func() error { return nil }))
			gt.open()
			assert.NoError(t, g.Wait())
		})
	})

	t.Run("TryGo of a nil task returns false and Wait reports ErrNilTask", func(t *testing.T) {
		p := newPool(t)
		g := p.Group()
		assert.False(t, g.TryGo(nil))
		err := g.Wait()
		require.ErrorIs(t, err, tide.ErrNilTask)
		assert.Equal(t, "tide: Group.TryGo: nil task", err.Error())
	})

	t.Run("a task started by TryGo reports its error and panic like one started by Go", func(t *testing.T) {
		p := newPool(t)
		g := p.Group()
		require.True(t, g.TryGo(func() error { panic("boom") }))
		assert.ErrorIs(t, g.Wait(), tide.ErrPanic)
		p.Wait()
		assert.Equal(t, uint64(1), p.Stats().Panicked)
	})

	t.Run("the zero Group has SetLimit and TryGo too, inside a synctest bubble", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var g tide.Group
			g.SetLimit(1)
			gt := newGate()
			require.True(t, g.TryGo(func() error { <-gt; return nil }))
			assert.False(t, g.TryGo(func() error { return nil }))
			gt.open()
			require.NoError(t, g.Wait())
		})
	})
}
