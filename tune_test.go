package tide_test

import (
	"context"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// TestTune proves that Tune refuses a capacity below one, and that a new
// capacity takes effect at once where it can: growing starts queued tasks,
// shrinking retires surplus idle workers.
func TestTune(t *testing.T) {
	t.Run("a capacity below one is refused and changes nothing", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(3))
		for _, n := range []int{0, -1, math.MinInt} {
			assert.ErrorIs(t, p.Tune(n), tide.ErrInvalidCapacity, "Tune(%d)", n)
		}
		assert.Equal(t, 3, p.Cap())
	})

	inBubble(t, "growing starts queued tasks at once, up to the new capacity; shrinking retires surplus idle workers at once", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(1))
		g := newGate()
		for range 10 {
			p.Go(g.task())
		}
		synctest.Wait()
		require.Equal(t, 9, p.Waiting())
		require.NoError(t, p.Tune(4))
		assert.Equal(t, 4, p.Cap())
		synctest.Wait()
		assert.Equal(t, tide.Stats{Capacity: 4, Workers: 4, Running: 4, Waiting: 6, Submitted: 10, Spawned: 4}, p.Stats())
		g.open()
		p.Wait()
		synctest.Wait()
		require.Equal(t, 4, p.Idle())
		require.NoError(t, p.Tune(1))
		synctest.Wait()
		assert.Equal(t, tide.Stats{Capacity: 1, Workers: 1, Idle: 1, Submitted: 10, Completed: 10, Spawned: 4, Retired: 3}, p.Stats())
		assert.Equal(t, 2, poolGoroutines(), "the worker left and the reaper")
	})
}

// TestTuneCapHolds proves the capacity invariant after Tune down: busy
// workers above the new capacity finish their task, then retire.
func TestTuneCapHolds(t *testing.T) {
	inBubble(t, "after Tune shrinks a busy pool, running tasks fall to n as busy ones finish, and queued ones start only below n", func(t *testing.T) {
		const before, after = 6, 2
		p := newPool(t, tide.WithCapacity(before))
		busy := make([]gate, before)
		for i := range busy {
			busy[i] = newGate()
			p.Go(busy[i].task())
		}
		queued := newGate()
		for range 10 {
			p.Go(queued.task())
		}
		synctest.Wait()
		require.NoError(t, p.Tune(after))
		assert.Equal(t, after, p.Cap())
		assert.Equal(t, before, p.Stats().Workers, "busy workers finish their task first")
		for i, g := range busy {
			g.open()
			synctest.Wait()
			left := before - 1 - i
			st := p.Stats()
			require.Equal(t, max(left, after), st.Running, "after %d busy tasks finished", i+1)
			require.Equal(t, st.Running, st.Workers, "after %d busy tasks finished", i+1)
			require.LessOrEqual(t, len(liveWorkers()), max(left, after), "worker goroutines after %d finished", i+1)
		}
		queued.open()
		p.Wait()
		synctest.Wait()
		assert.Equal(t, tide.Stats{Capacity: after, Workers: after, Idle: after, Submitted: before + 10, Completed: before + 10,
			Spawned: before, Retired: before - after}, p.Stats())
	})
}

// TestConcurrentTuneCapHolds proves, in real time, that the cap holds and
// no task is lost while Tune races submitters.
func TestConcurrentTuneCapHolds(t *testing.T) {
	t.Run("while Tune swings, every task runs and the cap holds; once it settles at n, a new wave never runs more than n tasks, and workers fall to n", func(t *testing.T) {
		const maxCap, settled = 8, 2
		p := newPool(t, tide.WithCapacity(maxCap), tide.WithQueueSize(16))
		ctx, stop := context.WithCancel(context.Background())
		var tuner sync.WaitGroup
		tuner.Go(func() {
			for n := 1; ctx.Err() == nil; n = n%maxCap + 1 {
				assert.NoError(t, p.Tune(n))
				runtime.Gosched()
			}
		})
		var hw highWater
		var ran atomic.Int64
		wave := func(tasks int) {
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					for range tasks / 4 {
						p.Go(func() { hw.enter(); ran.Add(1); runtime.Gosched(); hw.exit() })
					}
				})
			}
			wg.Wait()
		}
		swinging, settledWave := rounds(4000), rounds(2000)
		wave(swinging) // while Tune swings between 1 and maxCap
		stop()
		tuner.Wait()
		require.NoError(t, p.Tune(settled)) // the wave's last tasks are still running or queued
		p.Wait()
		require.Equal(t, int64(swinging), ran.Load(), "every task of the wave ran")
		require.LessOrEqual(t, hw.peak.Load(), int64(maxCap))
		hw.peak.Store(0)
		wave(settledWave)
		p.Wait()
		assert.Equal(t, int64(swinging+settledWave), ran.Load())
		assert.LessOrEqual(t, hw.peak.Load(), int64(settled), "a task started above the settled cap")
		assert.LessOrEqual(t, p.Stats().Workers, settled, "surplus workers outlived their task")
	})
}
