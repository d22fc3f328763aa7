package tide_test

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

func TestShutdown(t *testing.T) {
	t.Run("Shutdown runs the accepted tasks, queued ones included, and returns once no goroutine of the pool is left", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p, err := tide.New(tide.WithCapacity(2))
			require.NoError(t, err)
			var ran atomic.Int32
			for range 10 {
				require.NoError(t, p.Submit(func() { time.Sleep(time.Millisecond); ran.Add(1) }))
			}
			require.NoError(t, p.Shutdown(context.Background()))
			assert.Equal(t, int32(10), ran.Load())
			assert.Zero(t, bubblePoolGoroutines())
			assert.True(t, p.IsClosed())
		})
	})

	t.Run("Shutdown returns ctx.Err() when ctx ends first, yet the pool is released and drains", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p, err := tide.New()
			require.NoError(t, err)
			gt := newGate()
			p.Go(gt.task())
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			start := time.Now()
			assert.ErrorIs(t, p.Shutdown(ctx), context.DeadlineExceeded)
			assert.Equal(t, time.Second, time.Since(start))
			assert.ErrorIs(t, p.Submit(func() {}), tide.ErrPoolClosed)
			gt.open()
			require.NoError(t, p.Shutdown(context.Background()))
			assert.Zero(t, bubblePoolGoroutines())
		})
	})

	t.Run("a ctx already done still releases the pool", func(t *testing.T) {
		p := newPool(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		gt := newGate()
		p.Go(gt.task())
		assert.ErrorIs(t, p.Shutdown(ctx), context.Canceled)
		assert.True(t, p.IsClosed())
		gt.open()
	})
}
