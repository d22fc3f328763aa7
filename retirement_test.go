package tide_test

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/pooltest"
)

// parkInOrder runs one gated task more than there are gaps, then lets them
// finish one at a time, each gap apart, so that their workers park in that
// order. It returns the workers' goroutine ids, and when each parked.
func parkInOrder(t *testing.T, p *tide.Pool, gaps ...time.Duration) (ids []uint64, parked []time.Time) {
	t.Helper()
	gates := make([]gate, len(gaps)+1)
	goids := make([]atomic.Uint64, len(gates))
	for i := range gates {
		gates[i] = newGate()
		p.Go(func() { goids[i].Store(goid()); <-gates[i] })
	}
	synctest.Wait()
	for i, gap := range append([]time.Duration{0}, gaps...) {
		time.Sleep(gap)
		gates[i].open()
		synctest.Wait()
		ids = append(ids, goids[i].Load())
		parked = append(parked, time.Now())
	}
	require.Equal(t, len(gates), p.Idle())
	return ids, parked
}

// TestRetirement proves the reaper's promises: a parked worker is retired
// once idle past the expiry, never a nanosecond early, within one more
// expiry, never while busy, and the most recently parked is reused first.
func TestRetirement(t *testing.T) {
	const expiry = tide.DefaultExpiry

	// A worker is never retired before it has been idle that long, and always
	// within one more; the longest idle go first, and the pool is left with no
	// goroutine, its reaper included.
	inBubble(t, "retired within one expiry", func(t *testing.T) {
		p := pooltest.New(t)
		// Pairs of workers park a millisecond, a nanosecond, and no time apart:
		// the reaper, waking at the first one's expiry, sees the second short
		// of its own, or due at the same instant.
		ids, parked := parkInOrder(t, p, 300*time.Millisecond, time.Millisecond, 509*time.Millisecond, time.Nanosecond, 0)
		n := len(ids)
		// A nanosecond before and at each expiry and twice it, and every 10 ms:
		var instants []time.Time
		for _, at := range parked {
			for _, d := range []time.Duration{expiry - time.Nanosecond, expiry, 2*expiry - time.Nanosecond, 2 * expiry} {
				instants = append(instants, at.Add(d))
			}
		}
		for d := time.Duration(0); d <= 3*expiry; d += 10 * time.Millisecond {
			instants = append(instants, parked[n-1].Add(d))
		}
		slices.SortFunc(instants, time.Time.Compare)
		for _, at := range instants {
			if at.Before(time.Now()) {
				continue
			}
			time.Sleep(time.Until(at))
			synctest.Wait()
			live := liveWorkers()
			require.ElementsMatch(t, ids[len(ids)-len(live):], live, "the survivors are not the most recently parked")
			for i, id := range ids {
				idle := time.Since(parked[i])
				if idle < expiry {
					require.Contains(t, live, id, "worker %d retired after %v idle", i, idle)
				}
				if idle >= 2*expiry {
					require.NotContains(t, live, id, "worker %d still parked after %v idle", i, idle)
				}
			}
		}
		all := uint64(n)
		assert.Equal(t, tide.Stats{Capacity: -1, Submitted: all, Completed: all, Spawned: all, Retired: all}, p.Stats())
		assert.Zero(t, poolGoroutines())
	})

	// Parked workers are reused most recent first, and those reused while the
	// reaper runs get a full expiry from their last task, not their first park.
	inBubble(t, "reused most recent first", func(t *testing.T) {
		p := pooltest.New(t)
		// Four workers park 250 ms apart, and the last two parked are reused
		// from 900 ms to 1200 ms: the others, retired at 1000 ms and 1250 ms,
		// keep the reaper running meanwhile.
		ids, _ := parkInOrder(t, p, 250*time.Millisecond, 250*time.Millisecond, 250*time.Millisecond)
		time.Sleep(150 * time.Millisecond)
		g := newGate()
		ran := make([]atomic.Uint64, 2)
		for i := range ran {
			p.Go(func() { ran[i].Store(goid()); <-g })
			synctest.Wait()
		}
		require.Equal(t, []uint64{ids[3], ids[2]}, []uint64{ran[0].Load(), ran[1].Load()}, "tasks ran on the wrong workers")
		require.Equal(t, uint64(4), p.Stats().Spawned, "a worker was spawned while one was parked")
		time.Sleep(300 * time.Millisecond)
		g.open()
		synctest.Wait()
		reparked := time.Now()
		require.Equal(t, 4, poolGoroutines(), "the reused workers, the one parked at 250 ms, and the reaper")
		time.Sleep(expiry - time.Nanosecond)
		synctest.Wait()
		require.ElementsMatch(t, ids[2:], liveWorkers(), "retired before a full expiry since their last task")
		time.Sleep(expiry + time.Nanosecond)
		synctest.Wait()
		assert.Empty(t, liveWorkers(), "still parked %v after their last task", time.Since(reparked))
	})

	// A worker handed a task a nanosecond before it is due, or at the instant,
	// runs it or is retired first, never both, and busy, it is never retired.
	inBubble(t, "task at the expiry instant", func(t *testing.T) {
		p := pooltest.New(t)
		for round := range rounds(50) {
			parkInOrder(t, p)
			before := p.Stats()
			early := round%2 == 1
			// Odd rounds, a nanosecond early; even ones, the reaper and this submission wake at the same instant.
			time.Sleep(expiry - time.Duration(round%2)*time.Nanosecond)
			g := newGate()
			var ran atomic.Int32
			p.Go(func() { ran.Add(1); <-g })
			time.Sleep(5 * expiry)
			synctest.Wait()
			require.Equal(t, int32(1), ran.Load(), "round %d: the task did not run", round)
			st := p.Stats()
			want := tide.Stats{Capacity: -1, Workers: 1, Running: 1, Submitted: before.Submitted + 1, Completed: before.Completed,
				Spawned: st.Spawned, Retired: st.Spawned - 1}
			if early { // the parked worker was reused, not retired
				want.Spawned, want.Retired = before.Spawned, before.Retired
			}
			require.Equal(t, want, st, "round %d: the worker running the task was retired, or two live", round)
			g.open()
			time.Sleep(2 * expiry)
			synctest.Wait()
			require.Zero(t, p.Stats().Workers, "round %d: still parked an interval after its expiry", round)
		}
	})
}

// TestExpiry proves that the largest expiry is safe, and that WithClock's
// clock, not the runtime's, measures it.
func TestExpiry(t *testing.T) {
	// The largest expiry never retires and never overflows; a fake clock given
	// WithClock, not the runtime's clock, drives the expiry, to the nanosecond.
	inBubble(t, "largest expiry, fake clock", func(t *testing.T) {
		largest := pooltest.New(t, tide.WithExpiry(time.Duration(math.MaxInt64)))
		burst(t, largest, 3)
		mock := newFakeClock()
		p := pooltest.New(t, tide.WithClock(mock), tide.WithExpiry(time.Minute))
		burst(t, p, 1)
		time.Sleep(100 * 365 * 24 * time.Hour) // the runtime's time, even in the bubble, cannot retire the mock's pool
		synctest.Wait()
		assert.Equal(t, tide.Stats{Capacity: -1, Workers: 3, Idle: 3, Submitted: 3, Completed: 3, Spawned: 3}, largest.Stats())
		mock.Add(time.Minute - time.Nanosecond)
		synctest.Wait()
		assert.Equal(t, 1, p.Idle(), "a nanosecond before the expiry")
		mock.Add(time.Nanosecond)
		synctest.Wait()
		assert.Equal(t, tide.Stats{Capacity: -1, Submitted: 1, Completed: 1, Spawned: 1, Retired: 1}, p.Stats())
	})
}

// TestMinWorkersBoundaries proves that the minimum workers are born parked
// and stay, through the shortest expiry and Goexit, until Release.
func TestMinWorkersBoundaries(t *testing.T) {
	// Each subtest, named "min M of C": M minimum workers of a capacity of C
	// start parked, run tasks too, and stay through a one-nanosecond expiry
	// under steady load, which loses no task, and a Goexit; the reaper stops
	// at the minimum; Release alone ends them.
	for _, c := range []struct{ capacity, minWorkers int }{{4, 1}, {5, 2}, {3, 3}} {
		name := fmt.Sprintf("min %d of %d", c.minWorkers, c.capacity)
		inBubble(t, name, func(t *testing.T) {
			p := pooltest.New(t, tide.WithCapacity(c.capacity), tide.WithMinWorkers(c.minWorkers), tide.WithExpiry(time.Nanosecond))
			require.Equal(t, c.minWorkers, p.Idle())
			burst(t, p, c.capacity)
			require.Equal(t, uint64(c.capacity), p.Stats().Spawned, "the minimum workers run tasks too")
			for range 200 {
				p.Go(func() {})
				time.Sleep(time.Nanosecond) // every parked worker above the minimum expires
			}
			p.Go(runtime.Goexit)
			p.Wait()
			time.Sleep(time.Hour)
			synctest.Wait()
			st := p.Stats()
			n := uint64(c.capacity + 200 + 1)
			assert.Equal(t, tide.Stats{Capacity: c.capacity, Workers: c.minWorkers, Idle: c.minWorkers, Submitted: n, Completed: n,
				Spawned: st.Spawned, Retired: st.Spawned - uint64(c.minWorkers)}, st)
			assert.Equal(t, c.minWorkers, poolGoroutines(), "the minimum workers, and no reaper")
			p.Release()
			synctest.Wait()
			assert.Equal(t, tide.Stats{Capacity: c.capacity, Submitted: n, Completed: n, Spawned: st.Spawned, Retired: st.Spawned},
				p.Stats(), "Release alone, without ReleaseTimeout, ends the parked minimum workers")
			assert.Zero(t, poolGoroutines())
		})
	}
}
