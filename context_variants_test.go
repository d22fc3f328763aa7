package tide_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

func TestFutureWaitContext(t *testing.T) {
	t.Run("WaitContext returns the result once the Future is ready", func(t *testing.T) {
		p := newPool(t)
		want := errors.New("fn's own error")
		v, err := tide.SubmitFuture(p, func() (int, error) { return 42, want }).WaitContext(context.Background())
		assert.Equal(t, 42, v)
		assert.Equal(t, want, err)
	})

	t.Run("WaitContext gives up with ctx.Err() when ctx ends first, and the Future still becomes ready", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t)
			gt := newGate()
			f := tide.SubmitFuture(p, func() (int, error) { <-gt; return 7, nil })
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			start := time.Now()
			v, err := f.WaitContext(ctx)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Zero(t, v)
			assert.Equal(t, time.Second, time.Since(start), "it waited exactly until the deadline")
			assert.True(t, pending(f.Done()))
			gt.open()
			v, err = f.Wait()
			require.NoError(t, err)
			assert.Equal(t, 7, v)
		})
	})

	t.Run("a ready Future returns its result even to a done ctx", func(t *testing.T) {
		p := newPool(t)
		f := tide.SubmitFuture(p, func() (int, error) { return 3, nil })
		<-f.Done()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for range 100 {
			v, err := f.WaitContext(ctx)
			require.NoError(t, err)
			require.Equal(t, 3, v)
		}
	})

	t.Run("a Future refused by the pool is ready for WaitContext with the refusal", func(t *testing.T) {
		p := newPool(t)
		p.Release()
		_, err := tide.SubmitFuture(p, func() (int, error) { return 1, nil }).WaitContext(context.Background())
		assert.ErrorIs(t, err, tide.ErrPoolClosed)
	})
}

func TestFuncPoolInvokeContext(t *testing.T) {
	t.Run("InvokeContext runs fn with the argument", func(t *testing.T) {
		got := make(chan int, 1)
		fp, err := tide.NewFuncPool(func(x int) { got <- x })
		require.NoError(t, err)
		defer func() { require.NoError(t, fp.Pool().ReleaseTimeout(10*time.Second)) }()
		require.NoError(t, fp.InvokeContext(context.Background(), 9))
		assert.Equal(t, 9, <-got)
	})

	t.Run("InvokeContext gives up waiting for room when ctx ends, and fn never sees the argument", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			gt := newGate()
			var seen []int
			fp, err := tide.NewFuncPool(func(x int) { seen = append(seen, x); <-gt },
				tide.WithCapacity(1), tide.WithQueueSize(0))
			require.NoError(t, err)
			defer func() { require.NoError(t, fp.Pool().ReleaseTimeout(10*time.Second)) }()
			require.NoError(t, fp.Invoke(1))
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			start := time.Now()
			err = fp.InvokeContext(ctx, 2)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Equal(t, time.Second, time.Since(start))
			assert.Zero(t, fp.Pool().Blocked(), "the waiter withdrew")
			gt.open()
			fp.Pool().Wait()
			assert.Equal(t, []int{1}, seen)
		})
	})

	t.Run("InvokeContext with a done ctx does not invoke, even with room", func(t *testing.T) {
		fp, err := tide.NewFuncPool(func(int) { t.Error("fn ran") })
		require.NoError(t, err)
		defer func() { require.NoError(t, fp.Pool().ReleaseTimeout(10*time.Second)) }()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		assert.ErrorIs(t, fp.InvokeContext(ctx, 1), context.Canceled)
		assert.Zero(t, fp.Pool().Stats().Submitted)
	})

	t.Run("InvokeContext on a full nonblocking pool returns ErrPoolOverload at once", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			gt := newGate()
			fp, err := tide.NewFuncPool(func(int) { <-gt },
				tide.WithCapacity(1), tide.WithQueueSize(0), tide.WithNonblocking())
			require.NoError(t, err)
			defer func() { require.NoError(t, fp.Pool().ReleaseTimeout(10*time.Second)) }()
			require.NoError(t, fp.Invoke(1))
			assert.ErrorIs(t, fp.InvokeContext(context.Background(), 2), tide.ErrPoolOverload)
			gt.open()
		})
	})

	t.Run("a Release while InvokeContext waits for room wakes it with ErrPoolClosed", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			gt := newGate()
			fp, err := tide.NewFuncPool(func(int) { <-gt }, tide.WithCapacity(1), tide.WithQueueSize(0))
			require.NoError(t, err)
			require.NoError(t, fp.Invoke(1))
			errc := make(chan error, 1)
			go func() { errc <- fp.InvokeContext(context.Background(), 2) }()
			synctest.Wait()
			require.True(t, pending(errc))
			fp.Pool().Release()
			assert.ErrorIs(t, <-errc, tide.ErrPoolClosed)
			gt.open()
			require.NoError(t, fp.Pool().ReleaseTimeout(10*time.Second))
		})
	})
}
