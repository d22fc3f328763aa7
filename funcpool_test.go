package tide_test

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tidego/tide"
)

// newFuncPool returns a FuncPool that is released, and its goroutines
// awaited, when the test ends.
func newFuncPool[T any](t *testing.T, fn func(T), opts ...tide.Option) *tide.FuncPool[T] {
	t.Helper()
	fp, err := tide.NewFuncPool(fn, opts...)
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, fp.Pool().ReleaseTimeout(10*time.Second))
	})
	return fp
}

func TestFuncPool(t *testing.T) {
	// A nil function, or an invalid option, is refused as New refuses it.
	t.Run("nil fn or invalid option", func(t *testing.T) {
		fp, err := tide.NewFuncPool[int](nil)
		assert.Nil(t, fp)
		assert.ErrorIs(t, err, tide.ErrNilTask)
		fp, err = tide.NewFuncPool(func(int) {}, tide.WithCapacity(0))
		assert.Nil(t, fp)
		assert.ErrorIs(t, err, tide.ErrInvalidCapacity)
	})

	// Invoke allocates nothing once the pool is warm.
	t.Run("invoke allocates nothing", func(t *testing.T) {
		type job struct {
			name string
			n    int
		}
		done := make(chan struct{}, 1)
		var out int
		fp := newFuncPool(t, func(j job) { out += j.n; done <- struct{}{} }, tide.WithCapacity(1), tide.WithMinWorkers(1))
		// AllocsPerRun's own first call warms the pool; its integer average ignores a one-off growth.
		allocs := testing.AllocsPerRun(1000, func() {
			if err := fp.Invoke(job{"run", 1}); err != nil {
				panic(err)
			}
			<-done
		})
		assert.Zero(t, allocs)
		assert.Equal(t, 1001, out)
	})

	// Invoke and InvokeContext run fn once with each argument, the zero value
	// included, on the workers of the one Pool that Pool returns, which leave
	// no goroutine once idle.
	inBubble(t, "fn runs once per argument", func(t *testing.T) {
		gt := newGate()
		var runs [5]atomic.Int32
		fp := newFuncPool(t, func(i int) { <-gt; runs[i].Add(1) }, tide.WithCapacity(2))
		p := fp.Pool()
		require.Same(t, p, fp.Pool())
		for i := range runs {
			if i%2 == 0 {
				require.NoError(t, fp.Invoke(i))
			} else {
				require.NoError(t, fp.InvokeContext(context.Background(), i))
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		assert.ErrorIs(t, fp.InvokeContext(ctx, 0), context.Canceled, "a done ctx invokes nothing, even with room")
		synctest.Wait()
		assert.Equal(t, tide.Stats{Capacity: 2, Workers: 2, Running: 2, Waiting: 3, Submitted: 5, Spawned: 2}, p.Stats())
		require.NoError(t, p.Tune(3))
		synctest.Wait()
		assert.Equal(t, 3, p.Running(), "Tune grew the FuncPool")
		var closures atomic.Int32
		require.NoError(t, p.Submit(func() { closures.Add(1) }), "closures run on the same workers")
		gt.open()
		p.Wait()
		for i := range runs {
			assert.Equal(t, int32(1), runs[i].Load(), "argument %d", i)
		}
		assert.Equal(t, int32(1), closures.Load())
		assert.False(t, p.IsClosed(), "the zero value, 0, is no stop signal")
		synctest.Wait()
		assert.Equal(t, tide.Stats{Capacity: 3, Workers: 3, Idle: 3, Submitted: 6, Completed: 6, Spawned: 3}, p.Stats())
		assert.Equal(t, 4, poolGoroutines(), "three workers and the reaper")
		time.Sleep(2 * tide.DefaultExpiry)
		synctest.Wait()
		assert.Zero(t, poolGoroutines())
	})

	// Each on a full pool: fn holds the only worker, and there is no queue.
	// Each row refuses the argument, and fn never gets it.
	refusals := []struct {
		name string
		end  func(p *tide.Pool, cancel context.CancelFunc) // nil: the pool is nonblocking
		want error
	}{
		// A nonblocking pool refuses Invoke and InvokeContext at once with ErrPoolOverload.
		{"nonblocking overload", nil, tide.ErrPoolOverload},
		// InvokeContext stops waiting for room when its ctx ends, with ctx.Err().
		{"ctx ends while waiting", func(_ *tide.Pool, cancel context.CancelFunc) { cancel() }, context.Canceled},
		// InvokeContext stops waiting for room when Release comes, with ErrPoolClosed.
		{"release while waiting", func(p *tide.Pool, _ context.CancelFunc) { p.Release() }, tide.ErrPoolClosed},
	}
	for _, c := range refusals {
		inBubble(t, c.name, func(t *testing.T) {
			gt := newGate()
			var seen []int
			opts := []tide.Option{tide.WithCapacity(1), tide.WithQueueSize(0)}
			if c.end == nil {
				opts = append(opts, tide.WithNonblocking())
			}
			fp := newFuncPool(t, func(x int) { seen = append(seen, x); <-gt }, opts...)
			require.NoError(t, fp.Invoke(1))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			errc := make(chan error, 1)
			go func() { errc <- fp.InvokeContext(ctx, 2) }()
			synctest.Wait()
			if c.end == nil {
				assert.ErrorIs(t, fp.Invoke(2), c.want)
			} else {
				require.True(t, pending(errc), "InvokeContext waits for room")
				c.end(fp.Pool(), cancel)
			}
			assert.ErrorIs(t, <-errc, c.want)
			assert.Zero(t, fp.Pool().Blocked(), "no waiter is left")
			gt.open()
			fp.Pool().Wait()
			assert.Equal(t, []int{1}, seen)
		})
	}
}
