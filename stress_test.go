package tide_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/pooltest"
)

// TestConcurrentReleaseEveryCall proves that a submission racing Release is
// accepted and runs once, or is refused with ErrPoolClosed, whichever its
// kind, and that none is accepted after Release returns.
//
// Each subtest, named "capacity C, queue Q": Submit, SubmitContext and Go
// racing Release each accept once or refuse with ErrPoolClosed, and none is
// stranded.
func TestConcurrentReleaseEveryCall(t *testing.T) {
	for _, c := range []struct{ capacity, queueSize int }{{8, 0}, {16, 64}} {
		name := fmt.Sprintf("capacity %d, queue %d", c.capacity, c.queueSize)
		// In a bubble, a stranded submitter is reported as a deadlock instead
		// of hanging the test.
		inBubble(t, name, func(t *testing.T) {
			n := rounds(10000)
			p := pooltest.New(t, tide.WithCapacity(c.capacity), tide.WithQueueSize(c.queueSize))
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
				Retired: st.Spawned, WaitCount: st.WaitCount, WaitDuration: st.WaitDuration}, st) // waits: racing, on the real clock
		})
	}
}

// TestCountersConsistent proves, in real time, that while submitters churn
// the pool (panics, Goexits, Tune swinging the capacity, withdrawn waits,
// workers expiring as they are reused) every Stats snapshot is consistent,
// every accepted task runs once and the cap holds, and that once Tune
// settles at n a new wave never runs more than n tasks and workers fall to
// n; on a nonblocking pool too, where a submission finding the pool full is
// refused, not lost. The subtests churn a blocking and a nonblocking pool.
func TestCountersConsistent(t *testing.T) {
	t.Run("blocking", func(t *testing.T) { churn(t, false) })
	t.Run("nonblocking", func(t *testing.T) { churn(t, true) })
}

// churn is the subtest of TestCountersConsistent.
func churn(t *testing.T, nonblocking bool) {
	t.Helper()
	// A 1 µs expiry: the reaper retires workers at the very moments
	// submitters pop them off the idle stack.
	const submitters, queueSize, maxCap, settled = 8, 4, 6, 2
	opts := []tide.Option{tide.WithCapacity(4), tide.WithQueueSize(queueSize), tide.WithExpiry(time.Microsecond),
		tide.WithPanicHandler(func(any) {})}
	if nonblocking {
		opts = append(opts, tide.WithNonblocking())
	}
	p := pooltest.New(t, opts...)
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
	t.Helper()
	var done atomic.Bool
	var sampler sync.WaitGroup
	sampled := make(chan struct{})
	sampler.Go(func() {
		st := p.Stats()
		close(sampled)
		for ok(st) && !done.Load() {
			runtime.Gosched() // on one processor, let the pool run between samples
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
