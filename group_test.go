package tide_test

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

func TestGroup(t *testing.T) {
	t.Run("Wait returns nil once every task has run, and sees what they wrote", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(4))
		g := p.Group()
		results := make([]int, 100) // plain writes: the race detector checks Wait's happens-before
		for i := range results {
			g.Go(func() error { results[i] = i + 1; return nil })
		}
		require.NoError(t, g.Wait())
		for i, r := range results {
			require.Equal(t, i+1, r, "task %d", i)
		}
	})

	t.Run("the first error wins", func(t *testing.T) {
		// One worker runs the tasks in order, each finishing before the next starts.
		p := newPool(t, tide.WithCapacity(1))
		g := p.Group()
		first, second := errors.New("first"), errors.New("second")
		g.Go(func() error { return nil })
		g.Go(func() error { return first })
		g.Go(func() error { return second })
		assert.Equal(t, first, g.Wait())
	})

	t.Run("group tasks run on the pool's workers, bounded by its capacity, and count in its Stats", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(2))
			g := p.Group()
			gt := newGate()
			for range 5 {
				g.Go(func() error { <-gt; return nil })
			}
			synctest.Wait()
			st := p.Stats()
			assert.Equal(t, 2, st.Workers)
			assert.Equal(t, 2, st.Running)
			assert.Equal(t, 3, st.Waiting)
			gt.open()
			require.NoError(t, g.Wait())
			p.Wait()
			st = p.Stats()
			assert.Equal(t, uint64(5), st.Submitted)
			assert.Equal(t, uint64(5), st.Completed)
			assert.Equal(t, uint64(2), st.Spawned)
		})
	})

	t.Run("Go waits for room even on a nonblocking pool", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0), tide.WithNonblocking())
			g := p.Group()
			gt := newGate()
			g.Go(func() error { <-gt; return nil })
			var ran atomic.Bool
			returned := make(chan struct{})
			go func() {
				g.Go(func() error { ran.Store(true); return nil })
				close(returned)
			}()
			synctest.Wait()
			require.True(t, pending(returned), "Go waits while the only worker is busy")
			gt.open()
			<-returned
			require.NoError(t, g.Wait())
			assert.True(t, ran.Load())
		})
	})

	t.Run("a panic comes back with its value and stack, and not to the pool's panic handler", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var handled atomic.Int32
			p := newPool(t, tide.WithCapacity(1), tide.WithPanicHandler(func(any) { handled.Add(1) }))
			g := p.Group()
			g.Go(func() error { panic("boom") })
			err := g.Wait()
			require.ErrorIs(t, err, tide.ErrPanic)
			var pe *tide.PanicError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "boom", pe.Value)
			assert.Contains(t, string(pe.Stack), "group_test.go", "the stack names the panicking task")
			assert.Contains(t, err.Error(), "boom")

			g = p.Group()
			g.Go(func() error { return nil })
			require.NoError(t, g.Wait(), "the worker lives on")
			p.Wait()
			assert.Zero(t, handled.Load())
			st := p.Stats()
			assert.Equal(t, uint64(2), st.Completed)
			assert.Equal(t, uint64(1), st.Panicked, "the pool counts the panic the group recovered")
			assert.Equal(t, uint64(1), st.Spawned)
		})
	})

	t.Run("panic(nil) comes back as a PanicError", func(t *testing.T) {
		p := newPool(t)
		g := p.Group()
		g.Go(func() error { panic(nil) })
		err := g.Wait()
		assert.ErrorIs(t, err, tide.ErrPanic)
		var pn *runtime.PanicNilError
		assert.ErrorAs(t, err, &pn)
	})

	t.Run("a task that calls runtime.Goexit does not strand Wait", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1))
			g := p.Group()
			var after atomic.Bool
			g.Go(func() error { runtime.Goexit(); return nil })
			g.Go(func() error { after.Store(true); return nil })
			assert.ErrorIs(t, g.Wait(), tide.ErrGoexit)
			assert.True(t, after.Load(), "the task queued behind it still ran")
			p.Wait()
			st := p.Stats()
			assert.Equal(t, uint64(2), st.Completed)
			assert.Zero(t, st.Running)
		})
	})

	t.Run("on a released pool Go does not panic or run the task, and Wait reports ErrPoolClosed", func(t *testing.T) {
		p := newPool(t)
		p.Release()
		g := p.Group()
		var ran atomic.Bool
		assert.NotPanics(t, func() { g.Go(func() error { ran.Store(true); return nil }) })
		assert.ErrorIs(t, g.Wait(), tide.ErrPoolClosed)
		assert.False(t, ran.Load())
		assert.Zero(t, p.Stats().Submitted)
	})

	t.Run("a Go waiting for room when Release comes does not run its task, and Wait reports ErrPoolClosed", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0))
			g := p.Group()
			gt := newGate()
			g.Go(func() error { <-gt; return nil })
			var ran atomic.Bool
			returned := make(chan struct{})
			go func() {
				g.Go(func() error { ran.Store(true); return nil })
				close(returned)
			}()
			synctest.Wait()
			require.True(t, pending(returned))
			p.Release()
			<-returned
			gt.open()
			assert.ErrorIs(t, g.Wait(), tide.ErrPoolClosed)
			assert.False(t, ran.Load())
		})
	})

	t.Run("a nil task is not run and Wait reports ErrNilTask", func(t *testing.T) {
		p := newPool(t)
		g := p.Group()
		assert.NotPanics(t, func() { g.Go(nil) })
		assert.ErrorIs(t, g.Wait(), tide.ErrNilTask)
		assert.Zero(t, p.Stats().Submitted)
	})

	t.Run("the zero Group runs its tasks on the default pool", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var def *tide.Pool
			defer tide.SwapDefaultPool(func() *tide.Pool { def = tide.NewDefaultPool(); return def })()
			var g tide.Group
			want := errors.New("from the default pool")
			g.Go(func() error { return want })
			assert.Equal(t, want, g.Wait())
			require.NotNil(t, def, "Go built the default pool")
			require.NoError(t, def.ReleaseTimeout(time.Second))
			assert.Equal(t, uint64(1), def.Stats().Completed)
		})
	})
}

func TestGroupContext(t *testing.T) {
	t.Run("the first error cancels the context, as its cause, and Wait returns it", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t)
			g, ctx := p.GroupContext(context.Background())
			first := errors.New("first")
			g.Go(func() error { <-ctx.Done(); return errors.New("after the cancel") })
			g.Go(func() error { <-ctx.Done(); return nil })
			synctest.Wait()
			require.NoError(t, ctx.Err(), "no error yet")
			g.Go(func() error { return first })
			assert.Equal(t, first, g.Wait())
			assert.ErrorIs(t, ctx.Err(), context.Canceled)
			assert.Equal(t, first, context.Cause(ctx))
		})
	})

	t.Run("a panic cancels the context", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t)
			g, ctx := p.GroupContext(context.Background())
			g.Go(func() error { <-ctx.Done(); return nil })
			g.Go(func() error { panic("boom") })
			err := g.Wait()
			assert.ErrorIs(t, err, tide.ErrPanic)
			assert.ErrorIs(t, context.Cause(ctx), tide.ErrPanic)
		})
	})

	t.Run("Wait cancels the context even when every task succeeded", func(t *testing.T) {
		p := newPool(t)
		g, ctx := p.GroupContext(context.Background())
		var live atomic.Bool
		g.Go(func() error { live.Store(ctx.Err() == nil); return nil })
		require.NoError(t, g.Wait())
		assert.True(t, live.Load(), "the context is live while tasks run")
		assert.ErrorIs(t, ctx.Err(), context.Canceled)
		assert.ErrorIs(t, context.Cause(ctx), context.Canceled)
	})

	t.Run("a task refused by a released pool cancels the context", func(t *testing.T) {
		p := newPool(t)
		g, ctx := p.GroupContext(context.Background())
		p.Release()
		g.Go(func() error { return nil })
		assert.ErrorIs(t, context.Cause(ctx), tide.ErrPoolClosed)
		assert.ErrorIs(t, g.Wait(), tide.ErrPoolClosed)
	})

	t.Run("cancelling the parent cancels the group's context", func(t *testing.T) {
		p := newPool(t)
		parent, cancel := context.WithCancel(context.Background())
		g, ctx := p.GroupContext(parent)
		g.Go(func() error { <-ctx.Done(); return ctx.Err() })
		cancel()
		assert.ErrorIs(t, g.Wait(), context.Canceled)
	})
}
