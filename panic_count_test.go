package tide_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// TestPanicCount checks guarantee 7's "every panic is counted once, whether
// the task was plain, a group's or a future's", through Stats.Panicked.
func TestPanicCount(t *testing.T) {
	t.Run("a plain task's, a group task's and a future's panic each count once", func(t *testing.T) {
		var handled atomic.Int32
		p := newPool(t, tide.WithPanicHandler(func(any) { handled.Add(1) }))
		p.Go(func() { panic("plain") })
		g := p.Group()
		g.Go(func() error { panic("group") })
		require.True(t, g.TryGo(func() error { panic("group, by TryGo") }))
		_, ferr := tide.SubmitFuture(p, func() (int, error) { panic("future") }).Wait()
		assert.ErrorIs(t, ferr, tide.ErrPanic)
		assert.ErrorIs(t, g.Wait(), tide.ErrPanic)
		p.Wait()
		st := p.Stats()
		assert.Equal(t, uint64(4), st.Panicked)
		assert.Equal(t, uint64(4), st.Completed)
		assert.Equal(t, int32(1), handled.Load(), "only the plain task's panic reached the handler")
	})

	t.Run("a Future's panic is counted before the Future is ready", func(t *testing.T) {
		p := newPool(t)
		for i := range 50 {
			_, err := tide.SubmitFuture(p, func() (int, error) { panic("boom") }).Wait()
			require.ErrorIs(t, err, tide.ErrPanic)
			require.Equal(t, uint64(i+1), p.Stats().Panicked)
		}
	})

	t.Run("a group task's panic is counted before Wait returns", func(t *testing.T) {
		p := newPool(t)
		for i := range 50 {
			g := p.Group()
			g.Go(func() error { panic("boom") })
			require.ErrorIs(t, g.Wait(), tide.ErrPanic)
			require.Equal(t, uint64(i+1), p.Stats().Panicked)
		}
	})

	t.Run("panic(nil) in a group task counts as a panic", func(t *testing.T) {
		p := newPool(t)
		g, _ := p.GroupContext(context.Background())
		g.Go(func() error { panic(nil) })
		require.ErrorIs(t, g.Wait(), tide.ErrPanic)
		p.Wait()
		assert.Equal(t, uint64(1), p.Stats().Panicked)
	})

	t.Run("an error that is a PanicError, returned rather than panicked, is not a panic", func(t *testing.T) {
		p := newPool(t)
		inner := tide.SubmitFuture(p, func() (int, error) { panic("inner") })
		g := p.Group()
		g.Go(func() error { _, err := inner.Wait(); return err })
		f := tide.SubmitFuture(p, func() (int, error) { return inner.Wait() })
		require.ErrorIs(t, g.Wait(), tide.ErrPanic)
		_, err := f.Wait()
		require.ErrorIs(t, err, tide.ErrPanic)
		p.Wait()
		assert.Equal(t, uint64(1), p.Stats().Panicked, "only the inner function panicked")
	})

	t.Run("a Goexit is not a panic", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t)
			g := p.Group()
			g.Go(func() error { runtime.Goexit(); return nil })
			_, err := tide.SubmitFuture(p, func() (int, error) { runtime.Goexit(); return 0, nil }).Wait()
			require.ErrorIs(t, err, tide.ErrGoexit)
			require.ErrorIs(t, g.Wait(), tide.ErrGoexit)
			p.Wait()
			assert.Zero(t, p.Stats().Panicked)
		})
	})

	t.Run("counts add up after many panicking group tasks and futures at once", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(8))
		const n = 200
		g := p.Group()
		futures := make([]*tide.Future[int], n)
		for i := range n {
			g.Go(func() error { panic(i) })
			futures[i] = tide.SubmitFuture(p, func() (int, error) { panic(i) })
		}
		require.ErrorIs(t, g.Wait(), tide.ErrPanic)
		for _, f := range futures {
			_, err := f.Wait()
			require.ErrorIs(t, err, tide.ErrPanic)
		}
		p.Wait()
		st := p.Stats()
		assert.Equal(t, uint64(2*n), st.Panicked)
		assert.Equal(t, st.Submitted, st.Completed)
	})
}
