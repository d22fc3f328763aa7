package tide_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// TestNoStrandedTask proves the scheduler's invariants (doc/scheduler.md)
// under the paths that retire workers, Tune down and the reaper. Each case is
// a deadlock or a broken queue bound once found, where workers were retired
// right after tasks were handed to them, before they started.
func TestNoStrandedTask(t *testing.T) {
	// A waits for B. Both were accepted while a worker was idle, so each owns
	// one; Tune(1) must not retire B's worker before B runs.
	inBubble(t, "a task handed to a parked worker runs even when Tune cuts the pool at once", func(t *testing.T) {
		for round := range rounds(20) {
			p := newPool(t, tide.WithCapacity(2))
			burst(t, p, 2)
			bRan := make(chan struct{})
			aDone := make(chan struct{})
			p.Go(func() { <-bRan; close(aDone) })
			p.Go(func() { close(bRan) })
			require.NoError(t, p.Tune(1))
			select {
			case <-aDone:
			case <-time.After(virtualDeadline):
				require.FailNow(t, "deadlock", "round %d: A still waits for B; %+v", round, p.Stats())
			}
			p.Wait()
			synctest.Wait()
			assert.Equal(t, tide.Stats{Capacity: 1, Workers: 1, Idle: 1, Submitted: 2 + 2, Completed: 2 + 2, Spawned: 2, Retired: 1}, p.Stats(),
				"round %d: the warm-up's two tasks, then A and B, and workers fall to the new capacity", round)
			require.NoError(t, p.ReleaseTimeout(time.Second))
		}
	})

	inBubble(t, "Tune down never puts tasks handed to parked workers into a queue of size zero", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(8), tide.WithQueueSize(0), tide.WithNonblocking())
		burst(t, p, 8)
		g := newGate()
		for i := range 8 {
			require.NoError(t, p.Submit(g.task()), "task %d", i)
		}
		require.NoError(t, p.Tune(1))
		assert.Equal(t, tide.Stats{Capacity: 1, Workers: 8, Running: 8, Submitted: 16, Completed: 8, Spawned: 8}, p.Stats(),
			"each task is owned by the worker it was handed to, nothing is queued in a queue of size zero, and busy workers retire only as their task ends")
		assert.ErrorIs(t, p.Submit(func() {}), tide.ErrPoolOverload, "eight busy workers leave no room at capacity one")
		g.open()
		p.Wait()
		synctest.Wait()
		assert.Equal(t, tide.Stats{Capacity: 1, Workers: 1, Idle: 1, Submitted: 8 + 8, Completed: 8 + 8, Spawned: 8, Retired: 7}, p.Stats(),
			"workers fall to the new capacity as their tasks end")
	})

	// One processor and a mock clock moved by hand: the reaper's timer fires
	// while the woken workers are still waiting to start.
	inBubble(t, "the reaper never retires a worker handed a task, so a nonblocking pool accepts no more than its capacity", func(t *testing.T) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		const expiry = time.Second
		mock := clock.NewMock()
		p := newPool(t, tide.WithCapacity(3), tide.WithQueueSize(0), tide.WithNonblocking(),
			tide.WithClock(mock), tide.WithExpiry(expiry))
		burst(t, p, 3)
		g := newGate()
		var runs atomic.Int32
		for i := range 3 {
			require.NoError(t, p.Submit(func() { runs.Add(1); <-g }), "task %d", i)
		}
		mock.Add(3 * expiry) // every parked worker would be due
		assert.ErrorIs(t, p.Submit(func() {}), tide.ErrPoolOverload, "a fourth blocking task was accepted")
		synctest.Wait()
		assert.Equal(t, tide.Stats{Capacity: 3, Workers: 3, Running: 3, Submitted: 6, Completed: 3, Spawned: 3}, p.Stats(), "queue bound, and no worker retired")
		g.open()
		p.Wait()
		assert.Equal(t, int32(3), runs.Load(), "every accepted task ran once")
	})

	t.Run("under churn of Tune, the reaper and panics, no snapshot shows more queued tasks than the queue size", func(t *testing.T) {
		const queueSize, maxCap = 2, 6
		p := newPool(t, tide.WithCapacity(4), tide.WithQueueSize(queueSize), tide.WithNonblocking(),
			tide.WithExpiry(50*time.Microsecond), tide.WithPanicHandler(func(any) {}))
		stop := watchStats(t, p, func(st tide.Stats) bool { return st.Waiting <= queueSize && st.Workers <= maxCap })
		calls := rounds(3000)
		var submitters sync.WaitGroup
		for s := range 4 {
			submitters.Go(func() {
				for i := range calls {
					_ = p.Submit(func() {
						switch i % 16 {
						case 0:
							time.Sleep(20 * time.Microsecond)
						case 1:
							panic(i)
						}
					})
					if s == 0 && i%50 == 0 {
						assert.NoError(t, p.Tune(1+i%maxCap))
					}
				}
			})
		}
		submitters.Wait()
		stop()
		p.Wait()
		st := p.Stats()
		assert.Equal(t, st.Submitted, st.Completed)
	})
}

// TestReleaseTimeoutPromise proves ReleaseTimeout's promise where it is
// hardest to keep: workers exiting by Goexit, on processors hogged by
// other goroutines.
func TestReleaseTimeoutPromise(t *testing.T) {
	t.Run("after ReleaseTimeout returns nil, the counters are final and no goroutine of the pool remains, even with hogged processors and Goexiting tasks", func(t *testing.T) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
		var stop atomic.Bool
		var hogs sync.WaitGroup
		for range 3 {
			hogs.Go(func() {
				for !stop.Load() { // hog a processor
				}
			})
		}
		defer hogs.Wait()
		defer stop.Store(true)
		for round := range rounds(100) {
			p := newPool(t, tide.WithCapacity(4))
			for i := range 8 {
				p.Go([]func(){runtime.Goexit, func() {}}[i%2])
			}
			require.NoError(t, p.ReleaseTimeout(10*time.Second))
			st := p.Stats()
			require.Equal(t, tide.Stats{Capacity: 4, Submitted: 8, Completed: 8, Spawned: st.Spawned, Retired: st.Spawned}, st, "round %d", round)
			requireNoPoolGoroutines(t, "round %d", round)
		}
	})
}
