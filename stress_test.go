package tide_test

import (
	"context"
	"fmt"
	"math/rand/v2"
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

// Concurrency stress: many goroutines against one pool. Under -short they
// run fewer rounds, so that CI can repeat them many times.

func TestConcurrentReleaseEveryCall(t *testing.T) {
	for _, c := range []struct{ capacity, queueSize int }{{8, 0}, {16, 64}} {
		t.Run(fmt.Sprintf("Submit, SubmitContext and Go racing Release each accept once or refuse with ErrPoolClosed, and none is stranded (capacity %d, queue size %d)", c.capacity, c.queueSize), func(t *testing.T) {
			// In a bubble, a stranded submitter is reported as a deadlock
			// instead of hanging the test.
			synctest.Test(t, func(t *testing.T) {
				n := rounds(10000)
				p := newPool(t, tide.WithCapacity(c.capacity), tide.WithQueueSize(c.queueSize))
				runs := make([]atomic.Int32, n)
				accepted := make([]atomic.Bool, n)
				start := make(chan struct{})
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						<-start
						if err := submitBy(p, i, func() { runs[i].Add(1) }); err == nil {
							accepted[i].Store(true)
						} else {
							assert.ErrorIs(t, err, tide.ErrPoolClosed, "call %d", i)
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
				total := 0
				for i := range n {
					want := int32(0)
					if accepted[i].Load() {
						want = 1
						total++
					}
					require.Equal(t, want, runs[i].Load(), "call %d", i)
				}
				st := p.Stats()
				assert.Equal(t, uint64(total), st.Submitted)
				assert.Equal(t, st.Submitted, st.Completed)
				assert.Zero(t, st.Workers)
			})
		})
	}
}

func TestCountersConsistent(t *testing.T) {
	t.Run("while submitters churn the pool (panics, Goexits, Tune, withdrawn waits, workers expiring as they are reused), every snapshot is consistent, every accepted task runs once and the cap holds", func(t *testing.T) {
		// Real time with a 1 µs expiry: the reaper retires workers at the very
		// moments submitters pop them off the idle stack.
		const submitters, queueSize, maxCap = 8, 4, 6
		p := newPool(t, tide.WithCapacity(4), tide.WithQueueSize(queueSize), tide.WithExpiry(time.Microsecond),
			tide.WithPanicHandler(func(any) {}))
		ctx, stop := context.WithCancel(context.Background())
		var sampler sync.WaitGroup
		var samples atomic.Int64
		sampler.Go(func() {
			for ctx.Err() == nil {
				st := p.Stats()
				samples.Add(1)
				if st.Running < 0 || st.Idle < 0 || st.Waiting < 0 || st.Workers < 0 || st.Waiting > queueSize || st.Workers > maxCap ||
					st.Idle > st.Workers || uint64(st.Workers) != st.Spawned-st.Retired ||
					st.Completed > st.Submitted || st.Panicked > st.Completed {
					t.Errorf("inconsistent snapshot: %+v", st)
					return
				}
			}
		})
		calls := rounds(1000) // a multiple of 5
		runs := make([]atomic.Int32, submitters*calls)
		withdrawn := make([]atomic.Bool, submitters*calls)
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
						if err := p.SubmitContext(ctx, task); err != nil {
							assert.ErrorIs(t, err, context.DeadlineExceeded)
							withdrawn[id].Store(true)
						}
						cancel()
					default:
						assert.NoError(t, p.Submit(task))
					}
					if i%16 == 0 {
						time.Sleep(time.Duration(i%3) * time.Microsecond) // let some workers park and expire
					}
				}
			})
		}
		wg.Wait()
		p.Wait()
		stop()
		sampler.Wait()
		require.Positive(t, samples.Load())
		for id := range runs {
			if s, i := id/calls, id%calls; (s+i)%5 >= 3 { // a plain task
				want := int32(1)
				if withdrawn[id].Load() {
					want = 0
				}
				require.Equal(t, want, runs[id].Load(), "submitter %d, task %d", s, i)
			}
		}
		assert.LessOrEqual(t, hw.peak.Load(), int64(maxCap))
		st := p.Stats()
		assert.Equal(t, st.Submitted, st.Completed)
		assert.Equal(t, uint64(submitters*calls/5), st.Panicked)
		assert.LessOrEqual(t, st.Workers, p.Cap())
	})
}
