package tide_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

func TestSubmit(t *testing.T) {
	t.Run("a nil task is refused", func(t *testing.T) {
		p := newPool(t)
		assert.ErrorIs(t, p.Submit(nil), tide.ErrNilTask)
		assert.ErrorIs(t, p.SubmitContext(context.Background(), nil), tide.ErrNilTask)
		assert.Zero(t, p.Stats().Submitted)
	})

	t.Run("an accepted task runs exactly once", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(3))
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

	t.Run("a parked worker is reused instead of spawning", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t)
			for range 5 {
				require.NoError(t, p.Submit(func() {}))
				p.Wait()
				synctest.Wait()
			}
			st := p.Stats()
			assert.Equal(t, uint64(1), st.Spawned)
			assert.Equal(t, 1, st.Idle)
		})
	})

	t.Run("the most recently parked worker is reused first", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t)
			first, second := newGate(), newGate()
			var firstID, secondID atomic.Uint64
			p.Go(func() { firstID.Store(goid()); <-first })
			p.Go(func() { secondID.Store(goid()); <-second })
			synctest.Wait()
			first.open()
			synctest.Wait() // the first worker parks
			second.open()
			synctest.Wait() // then the second, on top of it
			require.Equal(t, 2, p.Idle())
			ran := make(chan uint64, 1)
			p.Go(func() { ran <- goid() })
			assert.Equal(t, secondID.Load(), <-ran)
		})
	})

	t.Run("below capacity a busy pool spawns, at capacity it queues", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(2))
			g := newGate()
			for range 5 {
				require.NoError(t, p.Submit(g.task()))
			}
			synctest.Wait()
			st := p.Stats()
			assert.Equal(t, uint64(2), st.Spawned)
			assert.Equal(t, 2, st.Running)
			assert.Equal(t, 3, st.Waiting)
			g.open()
			p.Wait()
			assert.Equal(t, uint64(2), p.Stats().Spawned, "queued tasks run on the same workers")
		})
	})

	t.Run("a full queue makes the submitter wait until a task finishes", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(1))
			g := newGate()
			require.NoError(t, p.Submit(g.task()))
			require.NoError(t, p.Submit(g.task()))
			errc := submitAsync(p, func() {})
			synctest.Wait()
			require.True(t, pending(errc), "the third submitter must wait")
			g.open()
			assert.NoError(t, <-errc)
			p.Wait()
			assert.Equal(t, uint64(3), p.Stats().Completed)
		})
	})

	t.Run("a queue size of zero makes the submitter wait for a free worker", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0))
			g := newGate()
			require.NoError(t, p.Submit(g.task()))
			errc := submitAsync(p, func() {})
			synctest.Wait()
			require.True(t, pending(errc))
			assert.Zero(t, p.Waiting())
			g.open()
			assert.NoError(t, <-errc)
		})
	})

	t.Run("waiting submitters are admitted in arrival order", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0))
			g := newGate()
			require.NoError(t, p.Submit(g.task()))
			var order []int
			var mu sync.Mutex
			for i := range 5 {
				submitAsync(p, func() { mu.Lock(); order = append(order, i); mu.Unlock() })
				synctest.Wait() // let submitter i queue up before the next
			}
			g.open()
			synctest.Wait()
			p.Wait()
			assert.Equal(t, []int{0, 1, 2, 3, 4}, order)
		})
	})

	t.Run("a nonblocking pool reports overload instead of waiting", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(1), tide.WithNonblocking())
			g := newGate()
			require.NoError(t, p.Submit(g.task()))
			require.NoError(t, p.Submit(g.task()))
			assert.ErrorIs(t, p.Submit(func() {}), tide.ErrPoolOverload)
			assert.ErrorIs(t, p.SubmitContext(context.Background(), func() {}), tide.ErrPoolOverload)
			assert.Equal(t, uint64(2), p.Stats().Submitted)
			g.open()
		})
	})

	t.Run("Go waits for room even on a nonblocking pool", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0), tide.WithNonblocking())
			g := newGate()
			p.Go(g.task())
			done := make(chan struct{})
			ran := make(chan struct{})
			go func() { p.Go(func() { close(ran) }); close(done) }()
			synctest.Wait()
			require.True(t, pending(done))
			g.open()
			<-done
			<-ran
		})
	})
}

func TestSubmitContext(t *testing.T) {
	t.Run("a context already done submits nothing", func(t *testing.T) {
		p := newPool(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		assert.Equal(t, context.Canceled, p.SubmitContext(ctx, func() { t.Error("ran") }))
		assert.Zero(t, p.Stats().Submitted)
	})

	t.Run("cancellation ends the wait for room and the task never runs", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0))
			g := newGate()
			require.NoError(t, p.Submit(g.task()))
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			var ran atomic.Bool
			err := p.SubmitContext(ctx, func() { ran.Store(true) })
			assert.Equal(t, context.DeadlineExceeded, err)
			g.open()
			p.Wait()
			assert.False(t, ran.Load())
			assert.Equal(t, uint64(1), p.Stats().Submitted)
		})
	})

	t.Run("a withdrawn submitter does not block those behind it", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0))
			g := newGate()
			require.NoError(t, p.Submit(g.task()))
			ctx, cancel := context.WithCancel(context.Background())
			first := make(chan error, 1)
			go func() { first <- p.SubmitContext(ctx, func() {}) }()
			synctest.Wait()
			second := submitAsync(p, func() {})
			synctest.Wait()
			cancel()
			assert.Equal(t, context.Canceled, <-first)
			g.open()
			assert.NoError(t, <-second)
		})
	})
}

func TestWait(t *testing.T) {
	t.Run("with nothing submitted it returns at once", func(t *testing.T) {
		p := newPool(t)
		p.Wait()
	})

	t.Run("it returns only after every accepted task has finished", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(2))
			g := newGate()
			var finished atomic.Int32
			for range 6 {
				p.Go(func() { <-g; finished.Add(1) })
			}
			done := make(chan struct{})
			go func() { p.Wait(); close(done) }()
			synctest.Wait()
			require.True(t, pending(done))
			g.open()
			<-done
			assert.Equal(t, int32(6), finished.Load())
		})
	})

	t.Run("several waiters all return", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t)
			g := newGate()
			p.Go(g.task())
			var wg sync.WaitGroup
			for range 3 {
				wg.Go(p.Wait)
			}
			synctest.Wait()
			g.open()
			wg.Wait()
		})
	})
}

func TestCounters(t *testing.T) {
	t.Run("gauges and counters add up at quiescent points", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(3), tide.WithPanicHandler(func(any) {}))
			g := newGate()
			for range 5 {
				p.Go(g.task())
			}
			p.Go(func() { panic("boom") })
			synctest.Wait()
			st := p.Stats()
			assert.Equal(t, tide.Stats{Capacity: 3, Workers: 3, Running: 3, Waiting: 3, Submitted: 6, Spawned: 3}, st)
			assert.Equal(t, 3, p.Running())
			assert.Equal(t, 3, p.Waiting())
			assert.Equal(t, 0, p.Idle())
			g.open()
			p.Wait()
			synctest.Wait()
			st = p.Stats()
			assert.Equal(t, tide.Stats{Capacity: 3, Workers: 3, Idle: 3, Submitted: 6, Completed: 6, Panicked: 1, Spawned: 3}, st)
			assert.Equal(t, st.Submitted, st.Completed+uint64(st.Running)+uint64(st.Waiting))
		})
	})
}
