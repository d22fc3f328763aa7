package tide_test

import (
	"context"
	"errors"
	"log/slog"
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

func TestConcurrentReleaseEveryCall(t *testing.T) {
	t.Run("Submit, SubmitContext and Go racing Release each accept once or refuse with ErrPoolClosed, and none is stranded", func(t *testing.T) {
		// In a bubble, a stranded submitter is reported as a deadlock
		// instead of hanging the test.
		synctest.Test(t, func(t *testing.T) {
			const n = 10000
			p := newPool(t, tide.WithCapacity(8), tide.WithQueueSize(0))
			var runs [n]atomic.Int32
			var accepted [n]atomic.Bool
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					<-start
					task := func() { runs[i].Add(1) }
					var err error
					switch i % 3 {
					case 0:
						err = p.Submit(task)
					case 1:
						err = p.SubmitContext(context.Background(), task)
					case 2:
						err = goRecovered(p, task)
					}
					switch {
					case err == nil:
						accepted[i].Store(true)
					case !errors.Is(err, tide.ErrPoolClosed):
						t.Errorf("call %d: %v", i, err)
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
		})
	})
}

func TestTuneCapHolds(t *testing.T) {
	t.Run("after Tune shrinks a busy pool, running tasks fall to n as busy ones finish, and queued ones start only below n", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
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
			assert.Equal(t, after, p.Stats().Workers)
		})
	})

	t.Run("after Tune grows, queued tasks start at once up to the new cap", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1))
			g := newGate()
			for range 10 {
				p.Go(g.task())
			}
			synctest.Wait()
			require.NoError(t, p.Tune(4))
			synctest.Wait()
			st := p.Stats()
			assert.Equal(t, 4, st.Running)
			assert.Equal(t, 6, st.Waiting)
			assert.Equal(t, 4, st.Workers)
			g.open()
		})
	})
}

func TestConcurrentTuneCapHolds(t *testing.T) {
	t.Run("once Tune settles at n, a new wave never runs more than n tasks, and workers fall to n", func(t *testing.T) {
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
		wave := func(tasks int) {
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					for range tasks / 4 {
						p.Go(func() { hw.enter(); runtime.Gosched(); hw.exit() })
					}
				})
			}
			wg.Wait()
		}
		wave(4000) // while Tune swings between 1 and maxCap
		stop()
		tuner.Wait()
		require.NoError(t, p.Tune(settled)) // the wave's last tasks are still running or queued
		p.Wait()
		require.LessOrEqual(t, hw.peak.Load(), int64(maxCap))
		hw.peak.Store(0)
		wave(2000)
		p.Wait()
		assert.LessOrEqual(t, hw.peak.Load(), int64(settled), "a task started above the settled cap")
		assert.LessOrEqual(t, p.Stats().Workers, settled, "surplus workers outlived their task")
	})
}

func TestCountersConsistent(t *testing.T) {
	t.Run("every snapshot taken while the pool churns is consistent and never negative", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(4), tide.WithQueueSize(4), tide.WithExpiry(100*time.Microsecond),
			tide.WithPanicHandler(func(any) {}))
		ctx, stop := context.WithCancel(context.Background())
		var sampler sync.WaitGroup
		var samples atomic.Int64
		sampler.Go(func() {
			for ctx.Err() == nil {
				st := p.Stats()
				samples.Add(1)
				if st.Running < 0 || st.Idle < 0 || st.Waiting < 0 || st.Workers < 0 ||
					st.Idle > st.Workers || uint64(st.Workers) != st.Spawned-st.Retired ||
					st.Completed > st.Submitted || st.Panicked > st.Completed {
					t.Errorf("inconsistent snapshot: %+v", st)
					return
				}
			}
		})
		var wg sync.WaitGroup
		for s := range 4 {
			wg.Go(func() {
				for i := range 1000 {
					switch (s + i) % 5 {
					case 0:
						p.Go(func() { panic("boom") })
					case 1:
						p.Go(runtime.Goexit)
					case 2:
						assert.NoError(t, p.Tune(1+i%6))
					default:
						p.Go(func() {})
					}
				}
			})
		}
		wg.Wait()
		p.Wait()
		stop()
		sampler.Wait()
		require.Positive(t, samples.Load())
		st := p.Stats()
		assert.Equal(t, st.Submitted, st.Completed)
		assert.Equal(t, uint64(4*200), st.Panicked)
	})

	t.Run("every gauge is zero after ReleaseTimeout, and the counters add up", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(3), tide.WithQueueSize(2), tide.WithMinWorkers(2), tide.WithPanicHandler(func(any) {}))
			g := newGate()
			p.Go(func() { <-g; panic("boom") })
			p.Go(func() { <-g; runtime.Goexit() })
			p.Go(g.task())
			p.Go(func() { <-g; panic(nil) })
			p.Go(g.task())
			synctest.Wait()
			st := p.Stats()
			require.Equal(t, tide.Stats{Capacity: 3, Workers: 3, Running: 3, Waiting: 2, Submitted: 5, Spawned: 3}, st)
			p.Release()
			g.open()
			require.NoError(t, p.ReleaseTimeout(virtualDeadline))
			st = p.Stats()
			assert.Equal(t, tide.Stats{Capacity: 3, Submitted: 5, Completed: 5, Panicked: 2, Spawned: st.Spawned, Retired: st.Spawned}, st)
		})
	})
}

func TestMisbehavingTasks(t *testing.T) {
	// Each task below misbehaves on the only worker of a pool with one
	// queued task and one parked submitter behind it. The documented outcome
	// follows, then the queued task and the parked submitter's run, the pool
	// serves again, and the counters add up.
	cases := []struct {
		name     string
		task     func()
		handler  func(r any) // nil: no panic handler
		panicked uint64
		retired  uint64 // workers lost and replaced
		check    func(t *testing.T, got any, logs string)
	}{
		{
			name:     "panic(v) reaches the handler with v",
			task:     func() { panic("boom") },
			handler:  func(any) {},
			panicked: 1,
			check: func(t *testing.T, got any, logs string) {
				t.Helper()
				assert.Equal(t, "boom", got)
			},
		},
		{
			name:     "panic(nil) reaches the handler as a *runtime.PanicNilError",
			task:     func() { panic(nil) },
			handler:  func(any) {},
			panicked: 1,
			check: func(t *testing.T, got any, logs string) {
				t.Helper()
				var pne *runtime.PanicNilError
				err, _ := got.(error)
				assert.ErrorAs(t, err, &pne, "got %#v", got)
			},
		},
		{
			name:     "panic(err) without a handler is logged with its stack",
			task:     func() { panic(errors.New("no handler")) },
			panicked: 1,
			check: func(t *testing.T, got any, logs string) {
				t.Helper()
				assert.Contains(t, logs, "tide: task panicked")
				assert.Contains(t, logs, "no handler")
				assert.Contains(t, logs, "reliability_test.go", "the stack names the task")
			},
		},
		{
			name:     "a handler that panics is logged, and the task still counts once",
			task:     func() { panic("task") },
			handler:  func(any) { panic("handler") },
			panicked: 1,
			check: func(t *testing.T, got any, logs string) {
				t.Helper()
				assert.Contains(t, logs, "tide: panic handler panicked")
				assert.Contains(t, logs, "handler")
			},
		},
		{
			name:    "runtime.Goexit ends the worker, which is replaced, and is no panic",
			task:    runtime.Goexit,
			handler: func(any) {},
			retired: 1,
			check: func(t *testing.T, got any, logs string) {
				t.Helper()
				assert.Nil(t, got, "the handler was called")
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var logs syncBuffer
				var mu sync.Mutex
				var got any // what the handler was called with
				opts := []tide.Option{
					tide.WithCapacity(1), tide.WithQueueSize(1),
					tide.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
				}
				if c.handler != nil {
					opts = append(opts, tide.WithPanicHandler(func(r any) {
						mu.Lock()
						got = r
						mu.Unlock()
						c.handler(r)
					}))
				}
				p := newPool(t, opts...)
				g := newGate()
				require.NoError(t, p.Submit(func() { <-g; c.task() }))
				var queuedRan, parkedRan atomic.Bool
				require.NoError(t, p.Submit(func() { queuedRan.Store(true) }))
				errc := submitAsync(p, func() { parkedRan.Store(true) })
				synctest.Wait()
				require.True(t, pending(errc))

				g.open()
				require.NoError(t, requireReturnWithin(t, virtualDeadline, []<-chan error{errc})[0])
				p.Wait()
				synctest.Wait()
				mu.Lock()
				c.check(t, got, logs.String())
				mu.Unlock()
				assert.True(t, queuedRan.Load(), "the queued task ran")
				assert.True(t, parkedRan.Load(), "the parked submitter's task ran")

				ran := make(chan struct{})
				require.NoError(t, p.Submit(func() { close(ran) }))
				<-ran
				p.Wait()
				synctest.Wait()
				st := p.Stats()
				assert.Equal(t, tide.Stats{Capacity: 1, Workers: 1, Idle: 1, Submitted: 4, Completed: 4,
					Panicked: c.panicked, Spawned: 1 + c.retired, Retired: c.retired}, st)
				assert.Len(t, liveWorkers(), 1, "one worker goroutine, no more")
			})
		})
	}
}
