package tide_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/pooltest"
)

// TestRelease checks Release, ReleaseTimeout and Shutdown: they run every
// accepted task, close the pool even when they give up waiting, and may be
// called again, and at once from many goroutines.
//
// In each subtest the call is made from many goroutines at once, and returns
// as its row says; yet the pool is released, runs its queued task and
// drains, and releasing it again is safe.
func TestRelease(t *testing.T) {
	for _, c := range []struct {
		name    string
		release func(p *tide.Pool, d time.Duration) error
		after   time.Duration
		want    error
	}{
		// Release returns at once.
		{"release", func(p *tide.Pool, _ time.Duration) error { p.Release(); return nil }, 0, nil},
		// ReleaseTimeout returns ErrTimeout if a task outlives d.
		{"release timeout", (*tide.Pool).ReleaseTimeout, time.Second, tide.ErrTimeout},
		// Shutdown returns ctx.Err() when ctx ends first.
		{"shutdown, ctx ends", shutdownWithin, time.Second, context.DeadlineExceeded},
		// Shutdown given a ctx already done returns ctx.Err() at once.
		{"shutdown, ctx done", shutdownWithin, 0, context.DeadlineExceeded},
	} {
		inBubble(t, c.name, func(t *testing.T) {
			p := pooltest.New(t, tide.WithCapacity(1))
			g := newGate()
			var queued atomic.Bool
			p.Go(g.task())
			p.Go(func() { queued.Store(true) })
			start := time.Now()
			var callers sync.WaitGroup
			for range 16 {
				callers.Go(func() {
					assert.ErrorIs(t, c.release(p, c.after), c.want)
					assert.Equal(t, c.after, time.Since(start), "it returned when its wait ended")
				})
			}
			callers.Wait()
			assert.True(t, p.IsClosed())
			assert.ErrorIs(t, p.Submit(func() {}), tide.ErrPoolClosed)
			g.open()
			require.NoError(t, p.Shutdown(context.Background()))
			assert.True(t, queued.Load())
			synctest.Wait() // a goroutine that has run its last statement may still be listed as it unwinds
			assert.Zero(t, poolGoroutines(), "no goroutine of the pool is left once Shutdown returns nil")
			p.Release()
			assert.NoError(t, p.ReleaseTimeout(time.Second))
		})
	}
}

// shutdownWithin calls p.Shutdown with a ctx that ends after d.
func shutdownWithin(p *tide.Pool, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return p.Shutdown(ctx)
}

// leakCanaryEnv makes TestLeakCanary run as the canary, in a child process.
const leakCanaryEnv = "TIDE_LEAK_CANARY"

// TestLeakCanary checks that the suite's leak check (TestMain) catches a pool left
// running: the test binary runs this test again, as a canary that leaks.
func TestLeakCanary(t *testing.T) {
	if os.Getenv(leakCanaryEnv) == "1" {
		// The canary: a test that uses a pool and forgets to release it. Its
		// minimum worker never expires, so the leak check's retries cannot save it.
		p, err := tide.New(tide.WithCapacity(2), tide.WithMinWorkers(1))
		require.NoError(t, err)
		p.Go(func() {})
		p.Wait()
		return
	}

	// A test binary whose test forgets Release fails TestMain's leak check.
	t.Run("forgotten release", func(t *testing.T) {
		if testing.Short() {
			t.Skip("runs the test binary again")
		}
		exe, err := os.Executable()
		require.NoError(t, err)
		cmd := exec.Command(exe, "-test.run=^TestLeakCanary$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), leakCanaryEnv+"=1")
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "the canary run passed, or did not run: %v\n%s", err, out)
		assert.Contains(t, string(out), "--- PASS: TestLeakCanary", "the canary test itself passes")
		assert.Contains(t, string(out), "found unexpected goroutines", "TestMain reports the leak")
		assert.Contains(t, string(out), "tide.(*worker[", "the leaked goroutine is the pool's worker")
	})
}

// releaseMode is how releaseAfterBusyLife releases its pool.
type releaseMode int

const (
	releaseFull     releaseMode = iota // busy workers, half ending by Goexit, a full queue, parked submitters
	releaseHalfIdle                    // busy and parked workers
	releaseRacing                      // by ReleaseTimeout alone, racing submitters and Tune
)

func (m releaseMode) String() string { return [...]string{"full", "half idle", "racing"}[m] }

// TestReleaseTimeoutLeavesNoGoroutine checks ReleaseTimeout's promise on the
// real clock, racing the runtime, with every processor hogged or not: once it
// returns nil, the counters are final and no goroutine of the pool is left.
//
// Each subtest, named "<mode>" or "<mode>, hogged": after a busy life, the
// pool is released full, half idle, or racing submitters and Tune, with
// every processor hogged or not; the counters are final and no goroutine of
// the pool is left when ReleaseTimeout returns.
func TestReleaseTimeoutLeavesNoGoroutine(t *testing.T) {
	for _, hogged := range []bool{false, true} {
		for _, mode := range []releaseMode{releaseFull, releaseHalfIdle, releaseRacing} {
			name := mode.String()
			if hogged {
				name += ", hogged"
			}
			t.Run(name, func(t *testing.T) {
				if hogged { // exiting workers run only when the runtime preempts a spinning hog
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
					var stop atomic.Bool
					var hogs sync.WaitGroup
					for range 3 {
						hogs.Go(func() {
							for !stop.Load() {
							}
						})
					}
					defer hogs.Wait()
					defer stop.Store(true)
				}
				for round := range rounds(20) {
					releaseAfterBusyLife(t, mode, round)
				}
			})
		}
	}
}

// releaseAfterBusyLife is one round of TestReleaseTimeoutLeavesNoGoroutine: a
// busy life (panics, Goexits, the reaper retiring workers, Tune), then release
// full (busy workers, half ending by Goexit, a full queue, parked submitters),
// half idle (busy and parked workers), or by ReleaseTimeout alone, raced.
func releaseAfterBusyLife(t *testing.T, mode releaseMode, round int) {
	t.Helper()
	p, err := tide.New(tide.WithCapacity(6), tide.WithQueueSize(2), tide.WithMinWorkers(4),
		tide.WithExpiry(50*time.Microsecond), tide.WithPanicHandler(func(any) {}))
	require.NoError(t, err)
	for i := range 12 {
		p.Go([]func(){func() { panic(i) }, runtime.Goexit, func() {}, func() {}}[i%4])
	}
	p.Wait()
	time.Sleep(2 * time.Millisecond) // some workers expire, the reaper runs
	require.NoError(t, p.Tune(4))
	g := newGate()
	busy := []func(){g.task(), func() { <-g; runtime.Goexit() }}
	var parked []<-chan error
	var racers sync.WaitGroup
	switch mode {
	case releaseFull:
		for i := range 6 {
			p.Go(busy[i%2])
		}
		for range 4 {
			parked = append(parked, submitAsync(p, func() {}))
		}
		p.Release()
	case releaseHalfIdle:
		p.Go(busy[0]) // two of the four minimum workers; the other two stay parked
		p.Go(busy[1])
		p.Release()
	case releaseRacing:
		for s := range 4 {
			racers.Go(func() { race(t, p, s == 0) })
		}
		time.Sleep(time.Millisecond) // let the submitters run against a live pool
	}
	for _, errc := range parked {
		assert.ErrorIs(t, <-errc, tide.ErrPoolClosed)
	}
	g.open()
	require.NoError(t, p.ReleaseTimeout(10*time.Second))
	st := p.Stats()
	require.Equal(t, tide.Stats{Capacity: st.Capacity, Submitted: st.Submitted, Completed: st.Submitted, Panicked: 3,
		Spawned: st.Spawned, Retired: st.Spawned, WaitCount: st.WaitCount, WaitDuration: st.WaitDuration}, st, "round %d", round)
	racers.Wait()
	require.Equal(t, st, p.Stats(), "round %d: the counters moved after ReleaseTimeout returned", round)
	requireNoPoolGoroutines(t, "round %d", round)
}

// race submits to p until it is closed, some tasks keeping their worker busy
// for a while, and if tune, calls Tune now and then.
func race(t *testing.T, p *tide.Pool, tune bool) {
	t.Helper()
	for i := 0; ; i++ {
		err := p.Submit(func() {
			if i%8 == 0 {
				time.Sleep(20 * time.Microsecond) // keep some workers busy while others park
			}
		})
		if tune && err == nil && i%64 == 0 {
			err = p.Tune(1 + i%5)
		}
		if errors.Is(err, tide.ErrPoolClosed) {
			return
		}
		assert.NoError(t, err)
	}
}
