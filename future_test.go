package tide_test

import (
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

func TestFuture(t *testing.T) {
	t.Run("Wait returns the function's value and error", func(t *testing.T) {
		p := newPool(t)
		ok := tide.SubmitFuture(p, func() (int, error) { return 42, nil })
		bad := errors.New("bad")
		failed := tide.SubmitFuture(p, func() (string, error) { return "partial", bad })
		v, err := ok.Wait()
		assert.NoError(t, err)
		assert.Equal(t, 42, v)
		s, err := failed.Wait()
		assert.Equal(t, bad, err)
		assert.Equal(t, "partial", s)
	})

	t.Run("Done is closed once the result is ready, not before", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t)
			gt := newGate()
			f := tide.SubmitFuture(p, func() ([]int, error) { <-gt; return []int{1, 2}, nil })
			synctest.Wait()
			require.True(t, pending(f.Done()))
			gt.open()
			<-f.Done()
			v, err := f.Wait()
			assert.NoError(t, err)
			assert.Equal(t, []int{1, 2}, v)
		})
	})

	t.Run("every waiter sees the same result", func(t *testing.T) {
		p := newPool(t)
		gt := newGate()
		f := tide.SubmitFuture(p, func() (*int, error) { <-gt; n := 7; return &n, nil })
		results := make(chan *int, 8)
		for range cap(results) {
			go func() { v, _ := f.Wait(); results <- v }()
		}
		gt.open()
		first := <-results
		require.NotNil(t, first)
		for range cap(results) - 1 {
			assert.Same(t, first, <-results)
		}
	})

	t.Run("a panic comes back as a PanicError, not to the pool's panic handler", func(t *testing.T) {
		var handled atomic.Int32
		p := newPool(t, tide.WithPanicHandler(func(any) { handled.Add(1) }))
		f := tide.SubmitFuture(p, func() (int, error) { panic("boom") })
		v, err := f.Wait()
		assert.Zero(t, v)
		require.ErrorIs(t, err, tide.ErrPanic)
		var pe *tide.PanicError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "boom", pe.Value)
		assert.Contains(t, string(pe.Stack), "future_test.go")
		p.Wait()
		assert.Zero(t, handled.Load())
		assert.Equal(t, uint64(1), p.Stats().Panicked, "the pool counts the panic the Future recovered")
		assert.Equal(t, uint64(1), p.Stats().Completed)
	})

	t.Run("a function that calls runtime.Goexit makes the Future ready with ErrGoexit", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t)
			f := tide.SubmitFuture(p, func() (int, error) { runtime.Goexit(); return 1, nil })
			v, err := f.Wait()
			assert.Zero(t, v)
			assert.ErrorIs(t, err, tide.ErrGoexit)
		})
	})

	t.Run("on a released pool the Future is ready at once with ErrPoolClosed", func(t *testing.T) {
		p := newPool(t)
		p.Release()
		var ran atomic.Bool
		var f *tide.Future[int]
		require.NotPanics(t, func() {
			f = tide.SubmitFuture(p, func() (int, error) { ran.Store(true); return 1, nil })
		})
		require.False(t, pending(f.Done()), "ready without waiting")
		v, err := f.Wait()
		assert.Zero(t, v)
		assert.ErrorIs(t, err, tide.ErrPoolClosed)
		assert.False(t, ran.Load())
	})

	t.Run("a full nonblocking pool makes the Future ready with ErrPoolOverload", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0), tide.WithNonblocking())
			gt := newGate()
			defer gt.open()
			p.Go(gt.task())
			_, err := tide.SubmitFuture(p, func() (int, error) { return 1, nil }).Wait()
			assert.ErrorIs(t, err, tide.ErrPoolOverload)
		})
	})

	t.Run("a nil function makes the Future ready with ErrNilTask", func(t *testing.T) {
		p := newPool(t)
		_, err := tide.SubmitFuture[int](p, nil).Wait()
		assert.ErrorIs(t, err, tide.ErrNilTask)
		assert.Zero(t, p.Stats().Submitted)
	})

	t.Run("the function runs on the pool's workers and counts in its Stats", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1))
			gt := newGate()
			p.Go(gt.task())
			f := tide.SubmitFuture(p, func() (int, error) { return 1, nil })
			synctest.Wait()
			assert.Equal(t, 1, p.Waiting(), "queued behind the busy worker")
			assert.True(t, pending(f.Done()))
			gt.open()
			_, err := f.Wait()
			require.NoError(t, err)
			p.Wait()
			st := p.Stats()
			assert.Equal(t, uint64(2), st.Completed)
			assert.Equal(t, uint64(1), st.Spawned)
		})
	})
}
