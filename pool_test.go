package tide_test

import (
	"context"
	"errors"
	"math"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/pooltest"
)

func TestNew(t *testing.T) {
	// An invalid option is refused with its error, the first one reported.
	t.Run("invalid option", func(t *testing.T) {
		for _, c := range []struct {
			opts []tide.Option
			want error
		}{
			{[]tide.Option{tide.WithCapacity(0)}, tide.ErrInvalidCapacity},
			{[]tide.Option{tide.WithCapacity(-3)}, tide.ErrInvalidCapacity},
			{[]tide.Option{tide.WithExpiry(0)}, tide.ErrInvalidExpiry},
			{[]tide.Option{tide.WithExpiry(-1), tide.WithCapacity(0)}, tide.ErrInvalidExpiry},
			{[]tide.Option{tide.WithQueueSize(-1)}, tide.ErrInvalidQueueSize},
			{[]tide.Option{tide.WithMinWorkers(-1)}, tide.ErrInvalidMinWorkers},
			{[]tide.Option{tide.WithMinWorkers(3), tide.WithCapacity(2)}, tide.ErrInvalidMinWorkers},
			{[]tide.Option{tide.WithCapacity(2), tide.WithMinWorkers(3)}, tide.ErrInvalidMinWorkers},
		} {
			p, err := tide.New(c.opts...)
			assert.Nil(t, p)
			for _, e := range []error{tide.ErrInvalidCapacity, tide.ErrInvalidExpiry, tide.ErrInvalidQueueSize, tide.ErrInvalidMinWorkers} {
				assert.Equal(t, errors.Is(c.want, e), errors.Is(err, e), "%v is %v", err, e)
			}
		}
	})

	// In a bubble, so that only this pool's goroutines count: another test's
	// released pool may still be unwinding its last goroutine.
	// By default capacity is unlimited and nothing is started.
	inBubble(t, "defaults", func(t *testing.T) {
		p := pooltest.New(t)
		assert.Equal(t, -1, p.Cap())
		assert.Equal(t, tide.Stats{Capacity: -1}, p.Stats())
		assert.Zero(t, poolGoroutines())
	})

	// The largest capacities are accepted as they are, and a nil option is ignored.
	t.Run("largest capacity, nil option", func(t *testing.T) {
		sizes := []int{1}
		if strconv.IntSize == 64 {
			wide := int64(math.MaxInt32) // a variable: MaxInt32+1 as a constant int does not compile for 32-bit targets
			sizes = append(sizes, int(wide+1))
		}
		for _, n := range sizes {
			assert.Equal(t, n, pooltest.New(t, nil, tide.WithCapacity(n)).Cap())
		}
	})

	// Min workers equal to capacity starts them all.
	t.Run("min workers equal capacity", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(3), tide.WithMinWorkers(3))
		assert.Equal(t, tide.Stats{Capacity: 3, Workers: 3, Idle: 3, Spawned: 3}, p.Stats())
	})
}

func TestSubmit(t *testing.T) {
	// A nil task is refused by Submit and SubmitContext; given to Go, it
	// panics on the worker with ErrNilTask.
	t.Run("nil task", func(t *testing.T) {
		got := make(chan any, 1)
		p := pooltest.New(t, tide.WithPanicHandler(func(r any) { got <- r }))
		assert.ErrorIs(t, p.Submit(nil), tide.ErrNilTask)
		assert.ErrorIs(t, p.SubmitContext(context.Background(), nil), tide.ErrNilTask)
		assert.Zero(t, p.Stats().Submitted)
		require.NotPanics(t, func() { p.Go(nil) })
		err, _ := (<-got).(error)
		requireErr(t, err, tide.ErrNilTask, "tide: Go: nil task")
	})

	t.Run("an accepted task runs exactly once", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(3))
		const n = 1000
		var runs [n]atomic.Int32
		for i := range n {
			require.NoError(t, p.Submit(func() { runs[i].Add(1) }))
		}
		p.Wait()
		for i := range n {
			require.Equal(t, int32(1), runs[i].Load(), "task %d", i)
		}
	})
}

func TestSubmitContext(t *testing.T) {
	t.Run("a context already done submits nothing", func(t *testing.T) {
		p := pooltest.New(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		assert.Equal(t, context.Canceled, p.SubmitContext(ctx, func() { t.Error("ran") }))
		assert.Zero(t, p.Stats().Submitted)
	})
}

func TestWait(t *testing.T) {
	// With nothing submitted it returns at once.
	t.Run("nothing submitted", func(t *testing.T) {
		pooltest.New(t).Wait()
	})

	// Every waiter returns only after every accepted task has finished,
	// queued ones included.
	inBubble(t, "waiters wait for queued tasks", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(2))
		g := newGate()
		var finished atomic.Int32
		for range 6 {
			p.Go(func() { <-g; finished.Add(1) })
		}
		var waiters sync.WaitGroup
		for range 3 {
			waiters.Go(func() { p.Wait(); assert.Equal(t, int32(6), finished.Load()) })
		}
		done := make(chan struct{})
		go func() { waiters.Wait(); close(done) }()
		synctest.Wait()
		require.True(t, pending(done))
		g.open()
		<-done
	})
}

func TestCounters(t *testing.T) {
	// Gauges and counters add up while tasks run and queue; after Release the
	// accepted ones, queued and misbehaving ones included, still run, and
	// every gauge is zero after ReleaseTimeout.
	inBubble(t, "add up through release", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(3), tide.WithQueueSize(2), tide.WithMinWorkers(2), tide.WithPanicHandler(func(any) {}))
		g := newGate()
		var ran atomic.Int32
		for _, end := range []func(){func() { panic("boom") }, runtime.Goexit, func() {}, func() { panic(nil) }, func() {}} {
			p.Go(func() { <-g; ran.Add(1); end() })
		}
		synctest.Wait()
		require.Equal(t, tide.Stats{Capacity: 3, Workers: 3, Running: 3, Waiting: 2, Submitted: 5, Spawned: 3}, p.Stats())
		assert.Equal(t, []int{3, 2, 0}, []int{p.Running(), p.Waiting(), p.Idle()}, "Running, Waiting and Idle agree with Stats")
		p.Release()
		g.open()
		require.NoError(t, p.ReleaseTimeout(virtualDeadline))
		assert.Equal(t, int32(5), ran.Load())
		st := p.Stats()
		assert.Equal(t, tide.Stats{Capacity: 3, Submitted: 5, Completed: 5, Panicked: 2, Spawned: st.Spawned, Retired: st.Spawned}, st)
	})
}
