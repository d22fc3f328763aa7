package tide_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// TestRelease checks Release, ReleaseTimeout and Shutdown: they run every
// accepted task, close the pool even when they give up waiting, and may be
// called again, and at once from many goroutines.
func TestRelease(t *testing.T) {
	for _, c := range []struct {
		name    string
		release func(p *tide.Pool, d time.Duration) error
		after   time.Duration
		want    error
	}{
		{"Release returns at once", func(p *tide.Pool, _ time.Duration) error { p.Release(); return nil }, 0, nil},
		{"ReleaseTimeout returns ErrTimeout if a task outlives d", (*tide.Pool).ReleaseTimeout, time.Second, tide.ErrTimeout},
		{"Shutdown returns ctx.Err() when ctx ends first", shutdownWithin, time.Second, context.DeadlineExceeded},
		{"Shutdown given a ctx already done returns ctx.Err() at once", shutdownWithin, 0, context.DeadlineExceeded},
	} {
		name := c.name + ", called from many goroutines at once; yet the pool is released, runs its queued task and drains, " +
			"and releasing it again is safe"
		inBubble(t, name, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1))
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

// TestConcurrentReleaseEveryCall proves that a submission racing Release is
// accepted and runs once, or is refused with ErrPoolClosed, whichever its
// kind, and that none is accepted after Release returns.
func TestConcurrentReleaseEveryCall(t *testing.T) {
	for _, c := range []struct{ capacity, queueSize int }{{8, 0}, {16, 64}} {
		name := fmt.Sprintf("Submit, SubmitContext and Go racing Release each accept once or refuse with ErrPoolClosed, "+
			"and none is stranded (capacity %d, queue size %d)", c.capacity, c.queueSize)
		// In a bubble, a stranded submitter is reported as a deadlock instead
		// of hanging the test.
		inBubble(t, name, func(t *testing.T) {
			n := rounds(10000)
			p := newPool(t, tide.WithCapacity(c.capacity), tide.WithQueueSize(c.queueSize))
			runs := make([]atomic.Int32, n)
			accepted := make([]atomic.Int32, n) // 1 once accepted
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					<-start
					if err := submitBy(p, i, func() { runs[i].Add(1) }); err != nil {
						assert.ErrorIs(t, err, tide.ErrPoolClosed, "call %d", i)
					} else {
						accepted[i].Store(1)
					}
				})
			}
			close(start)
			for range rand.IntN(2000) { // let some calls in, and some park; any outcome is valid
				runtime.Gosched()
			}
			p.Release()
			atRelease := p.Stats().Submitted
			wg.Wait()
			require.NoError(t, p.ReleaseTimeout(virtualDeadline))
			assert.Equal(t, atRelease, p.Stats().Submitted, "a call was accepted after Release returned")
			var total uint64
			for i := range n {
				require.Equal(t, accepted[i].Load(), runs[i].Load(), "call %d ran as often as it was accepted", i)
				total += uint64(accepted[i].Load())
			}
			st := p.Stats()
			assert.Equal(t, tide.Stats{Capacity: c.capacity, Submitted: total, Completed: total, Spawned: st.Spawned,
				Retired: st.Spawned}, st)
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

// TestLeakCanary checks that the suite's goleak check catches a pool left
// running: the test binary runs this test again, as a canary that leaks.
func TestLeakCanary(t *testing.T) {
	if os.Getenv(leakCanaryEnv) == "1" {
		// The canary: a test that uses a pool and forgets to release it. Its
		// minimum worker never expires, so goleak's retries cannot save it.
		p, err := tide.New(tide.WithCapacity(2), tide.WithMinWorkers(1))
		require.NoError(t, err)
		p.Go(func() {})
		p.Wait()
		return
	}

	t.Run("a test binary whose test forgets Release fails goleak's check", func(t *testing.T) {
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
		assert.Contains(t, string(out), "found unexpected goroutines", "goleak reports the leak")
		assert.Contains(t, string(out), "tide.(*worker[", "the leaked goroutine is the pool's worker")
	})
}

// TestReleaseTimeoutLeavesNoGoroutine checks ReleaseTimeout's promise on the
// real clock, racing the runtime, with every processor hogged or not: once it
// returns nil, the counters are final and no goroutine of the pool is left.
func TestReleaseTimeoutLeavesNoGoroutine(t *testing.T) {
	for _, hogged := range []bool{false, true} {
		for _, mode := range []string{"full", "half idle", "racing submitters and Tune"} {
			t.Run(fmt.Sprintf("after a busy life, released %s (processors hogged: %v), the counters are final and no "+
				"goroutine of the pool is left when ReleaseTimeout returns", mode, hogged), func(t *testing.T) {
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
func releaseAfterBusyLife(t *testing.T, mode string, round int) {
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
	case "full":
		for i := range 6 {
			p.Go(busy[i%2])
		}
		for range 4 {
			parked = append(parked, submitAsync(p, func() {}))
		}
		p.Release()
	case "half idle":
		p.Go(busy[0]) // two of the four minimum workers; the other two stay parked
		p.Go(busy[1])
		p.Release()
	default:
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
		Spawned: st.Spawned, Retired: st.Spawned}, st, "round %d", round)
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

// TestCountersConsistent proves, in real time, that Stats never shows an
// impossible snapshot, no task is lost and the cap holds while every path
// of the engine runs at once, Tune swinging the capacity; on a nonblocking
// pool too, where a submission finding the pool full is refused, not lost.
func TestCountersConsistent(t *testing.T) {
	for _, nonblocking := range []bool{false, true} {
		t.Run(fmt.Sprintf("while submitters churn the pool (nonblocking: %v; panics, Goexits, Tune, withdrawn waits, workers "+
			"expiring as they are reused), every snapshot is consistent, every accepted task runs once and the cap holds; "+
			"once Tune settles at n, a new wave never runs more than n tasks, and workers fall to n", nonblocking),
			func(t *testing.T) { churn(t, nonblocking) })
	}
}

// churn is the subtest of TestCountersConsistent.
func churn(t *testing.T, nonblocking bool) {
	// A 1 µs expiry: the reaper retires workers at the very moments
	// submitters pop them off the idle stack.
	const submitters, queueSize, maxCap, settled = 8, 4, 6, 2
	opts := []tide.Option{tide.WithCapacity(4), tide.WithQueueSize(queueSize), tide.WithExpiry(time.Microsecond),
		tide.WithPanicHandler(func(any) {})}
	if nonblocking {
		opts = append(opts, tide.WithNonblocking())
	}
	p := newPool(t, opts...)
	stop := watchStats(t, p, func(st tide.Stats) bool {
		return st.Running >= 0 && st.Idle >= 0 && st.Waiting >= 0 && st.Workers >= 0 && st.Waiting <= queueSize &&
			st.Workers <= maxCap && st.Idle <= st.Workers && uint64(st.Workers) == st.Spawned-st.Retired &&
			st.Completed <= st.Submitted && st.Panicked <= st.Completed
	})
	calls := rounds(1000) // a multiple of 5
	runs := make([]atomic.Int32, submitters*calls)
	accepted := make([]atomic.Int32, submitters*calls) // 1 once a plain task is accepted
	// accept records an accepted task; an error must be a refusal its call may make.
	accept := func(id int, err error, withCtx bool) {
		if err == nil {
			accepted[id].Store(1)
			return
		}
		refused := withCtx && errors.Is(err, context.DeadlineExceeded) || nonblocking && errors.Is(err, tide.ErrPoolOverload)
		assert.True(t, refused, "submitter %d, task %d: %v", id/calls, id%calls, err)
	}
	var hw highWater
	var wg sync.WaitGroup
	for s := range submitters {
		wg.Go(func() {
			for i := range calls {
				id := s*calls + i
				task := func() { hw.enter(); runs[id].Add(1); hw.exit() }
				switch (s + i) % 5 {
				case 0:
					p.Go(func() { panic("boom") })
				case 1:
					p.Go(runtime.Goexit)
				case 2:
					assert.NoError(t, p.Tune(1+i%maxCap))
				case 3:
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rand.IntN(50))*time.Microsecond)
					accept(id, p.SubmitContext(ctx, task), true)
					cancel()
				default:
					accept(id, p.Submit(task), false)
				}
				if i%16 == 0 {
					time.Sleep(time.Duration(i%3) * time.Microsecond) // let some workers park and expire
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, p.Tune(settled)) // the churn's last tasks may still be running or queued
	p.Wait()
	for id := range runs {
		require.Equal(t, accepted[id].Load(), runs[id].Load(), "submitter %d, task %d", id/calls, id%calls)
	}
	require.LessOrEqual(t, hw.peak.Load(), int64(maxCap))
	hw.peak.Store(0)
	for range 4 {
		wg.Go(func() {
			for range rounds(2000) / 4 {
				p.Go(func() { hw.enter(); runtime.Gosched(); hw.exit() })
			}
		})
	}
	wg.Wait()
	p.Wait()
	stop()
	assert.LessOrEqual(t, hw.peak.Load(), int64(settled), "a task started above the settled cap")
	st := p.Stats()
	assert.LessOrEqual(t, st.Workers, settled, "surplus workers outlived their task")
	assert.Equal(t, st.Submitted, st.Completed)
	assert.Equal(t, uint64(submitters*calls/5), st.Panicked)
}

// watchStats samples p.Stats on its own goroutine, from before it returns
// until the returned stop is called, failing the test at the first snapshot
// that ok refuses.
func watchStats(t *testing.T, p *tide.Pool, ok func(tide.Stats) bool) (stop func()) {
	var done atomic.Bool
	var sampler sync.WaitGroup
	sampled := make(chan struct{})
	sampler.Go(func() {
		st := p.Stats()
		close(sampled)
		for ok(st) && !done.Load() {
			st = p.Stats()
		}
		if !ok(st) {
			t.Errorf("inconsistent snapshot: %+v", st)
		}
	})
	<-sampled
	return func() {
		done.Store(true)
		sampler.Wait()
	}
}
