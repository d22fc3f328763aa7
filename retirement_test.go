package tide_test

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// parkInOrder runs n gated tasks, then lets them finish one at a time, step
// apart, so that their workers park in that order. It returns the goroutine
// ids of the workers in the order they parked.
func parkInOrder(t *testing.T, p *tide.Pool, n int, step time.Duration) []uint64 {
	t.Helper()
	gates := make([]gate, n)
	ids := make([]atomic.Uint64, n)
	for i := range gates {
		gates[i] = newGate()
		p.Go(func() { ids[i].Store(goid()); <-gates[i] })
	}
	synctest.Wait()
	require.Equal(t, n, p.Running())
	order := make([]uint64, n)
	for i, g := range gates {
		if i > 0 {
			time.Sleep(step)
		}
		g.open()
		synctest.Wait()
		order[i] = ids[i].Load()
	}
	require.Equal(t, n, p.Idle())
	return order
}

func TestRetirement(t *testing.T) {
	const expiry = time.Second

	t.Run("parked workers are reused most recent first", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithExpiry(expiry))
			order := parkInOrder(t, p, 5, time.Millisecond)
			// Five gated tasks take the five parked workers: the one parked
			// last runs the first task, the one parked first the last.
			g := newGate()
			got := make([]atomic.Uint64, len(order))
			for i := range order {
				p.Go(func() { got[i].Store(goid()); <-g })
				synctest.Wait()
			}
			for i := range order {
				assert.Equal(t, order[len(order)-1-i], got[i].Load(), "task %d ran on the wrong worker", i)
			}
			assert.Equal(t, uint64(5), p.Stats().Spawned, "no worker was spawned while one was parked")
			g.open()
		})
	})

	t.Run("a worker is never retired before it has been idle for the expiry", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithExpiry(expiry))
			const n, step = 8, 130 * time.Millisecond
			parkInOrder(t, p, n, step)
			start := time.Now() // the last worker parked now, the first n-1 steps before
			for elapsed := time.Duration(0); elapsed <= 3*expiry; elapsed += 10 * time.Millisecond {
				time.Sleep(time.Until(start.Add(elapsed)))
				synctest.Wait()
				young, old := 0, 0 // idle for less than the expiry; for two or more
				for i := range n {
					idle := elapsed + time.Duration(n-1-i)*step
					if idle < expiry {
						young++
					}
					if idle >= 2*expiry {
						old++
					}
				}
				idle := p.Idle()
				require.GreaterOrEqual(t, idle, young, "at %v: a worker was retired early", elapsed)
				require.LessOrEqual(t, idle, n-old, "at %v: a worker idle for two expiries is still parked", elapsed)
			}
			assert.Zero(t, p.Stats().Workers)
		})
	})

	t.Run("a worker reused just before its expiry is not retired while busy, and gets a full expiry after", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithExpiry(expiry))
			parkInOrder(t, p, 1, 0)
			time.Sleep(expiry - time.Nanosecond)
			g := newGate()
			p.Go(g.task()) // handed to the worker a nanosecond before it is due
			time.Sleep(5 * expiry)
			synctest.Wait()
			st := p.Stats()
			require.Equal(t, 1, st.Running, "the task is still running")
			require.Zero(t, st.Retired, "the reaper retired a busy worker")
			require.Equal(t, uint64(1), st.Spawned)

			g.open()
			synctest.Wait()
			time.Sleep(expiry - time.Nanosecond)
			synctest.Wait()
			assert.Equal(t, 1, p.Idle(), "retired before a full expiry since its last task")
			time.Sleep(expiry + time.Nanosecond)
			synctest.Wait()
			assert.Zero(t, p.Stats().Workers, "retired within one interval after its expiry")
		})
	})

	t.Run("a worker handed a task at the instant it is due either runs it or is retired first, never both", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithExpiry(expiry))
			for round := range 50 {
				parkInOrder(t, p, 1, 0)
				time.Sleep(expiry) // the reaper and this submission wake at the same instant
				g := newGate()
				var ran atomic.Int32
				p.Go(func() { ran.Add(1); <-g })
				synctest.Wait()
				st := p.Stats()
				require.Equal(t, int32(1), ran.Load(), "round %d: the task did not run", round)
				require.Equal(t, 1, st.Running, "round %d", round)
				require.Equal(t, 1, st.Workers, "round %d: the worker running the task was retired, or two live", round)
				require.Equal(t, uint64(st.Workers), st.Spawned-st.Retired, "round %d", round)
				g.open()
				p.Wait()
				synctest.Wait()
				time.Sleep(2 * expiry)
				synctest.Wait()
				require.Zero(t, p.Stats().Workers, "round %d", round)
			}
		})
	})

	t.Run("the longest idle workers are retired first, so the recently used survive", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithExpiry(expiry))
			order := parkInOrder(t, p, 6, 150*time.Millisecond)
			for p.Idle() > 0 {
				time.Sleep(10 * time.Millisecond)
				synctest.Wait()
				live := liveWorkers()
				survivors := order[len(order)-len(live):]
				require.ElementsMatch(t, survivors, live, "the survivors are not the most recently parked")
			}
		})
	})
}

// liveWorkers returns the goroutine ids of the pool workers alive now.
func liveWorkers() []uint64 {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var ids []uint64
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		if !bytes.Contains(g, []byte("tide.(*worker[")) {
			continue
		}
		header, _, _ := bytes.Cut(bytes.TrimPrefix(g, []byte("goroutine ")), []byte(" "))
		id, err := strconv.ParseUint(string(header), 10, 64)
		if err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

func TestStressReuseAtExpiry(t *testing.T) {
	t.Run("workers expiring while tasks arrive lose no task and keep the counters right", func(t *testing.T) {
		// Real time with a 1 µs expiry: the reaper retires workers at the very
		// moments submitters pop them off the idle stack.
		p := newPool(t, tide.WithCapacity(4), tide.WithExpiry(time.Microsecond))
		const submitters, each = 4, 500
		var runs [submitters * each]atomic.Int32
		var wg sync.WaitGroup
		for s := range submitters {
			wg.Go(func() {
				for i := range each {
					assert.NoError(t, p.Submit(func() { runs[s*each+i].Add(1) }))
					if i%16 == 0 {
						time.Sleep(time.Duration(i%3) * time.Microsecond) // let some workers park and expire
					}
				}
			})
		}
		wg.Wait()
		p.Wait()
		for i := range runs {
			require.Equal(t, int32(1), runs[i].Load(), "task %d", i)
		}
		st := p.Stats()
		assert.Equal(t, uint64(submitters*each), st.Completed)
		assert.LessOrEqual(t, st.Workers, 4)
		assert.Equal(t, uint64(st.Workers), st.Spawned-st.Retired)
	})
}
