package tide_test

import (
	"math"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// TestTuneCapHolds proves that a new capacity takes effect at once where it
// can (growing starts queued tasks, shrinking retires surplus idle workers)
// and otherwise as busy workers finish, never letting a task start above it;
// and that a capacity below one is refused.
func TestTuneCapHolds(t *testing.T) {
	t.Run("a capacity below one is refused and changes nothing", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(3))
		for _, n := range []int{0, -1, math.MinInt} {
			assert.ErrorIs(t, p.Tune(n), tide.ErrInvalidCapacity, "Tune(%d)", n)
		}
		assert.Equal(t, 3, p.Cap())
	})

	inBubble(t, "Tune growing starts queued tasks at once; after it shrinks a busy pool, running tasks fall to n as busy "+
		"ones finish, queued ones start only below n, and surplus idle workers retire at once", func(t *testing.T) {
		const grown, after = 6, 2
		p := newPool(t, tide.WithCapacity(1))
		busy := make([]gate, grown)
		for i := range busy {
			busy[i] = newGate()
			p.Go(busy[i].task())
		}
		queued := newGate()
		for range 10 {
			p.Go(queued.task())
		}
		synctest.Wait()
		require.Equal(t, grown-1+10, p.Waiting())
		require.NoError(t, p.Tune(grown))
		synctest.Wait()
		assert.Equal(t, tide.Stats{Capacity: grown, Workers: grown, Running: grown, Waiting: 10, Submitted: grown + 10, Spawned: grown},
			p.Stats(), "growing starts queued tasks at once, up to the new capacity")
		require.NoError(t, p.Tune(after))
		assert.Equal(t, after, p.Cap())
		assert.Equal(t, grown, p.Stats().Workers, "busy workers finish their task first")
		for i, g := range busy {
			g.open()
			synctest.Wait()
			left := grown - 1 - i
			st := p.Stats()
			require.Equal(t, max(left, after), st.Running, "after %d busy tasks finished", i+1)
			require.Equal(t, st.Running, st.Workers, "after %d busy tasks finished", i+1)
			require.LessOrEqual(t, len(liveWorkers()), max(left, after), "worker goroutines after %d finished", i+1)
		}
		queued.open()
		p.Wait()
		synctest.Wait()
		assert.Equal(t, tide.Stats{Capacity: after, Workers: after, Idle: after, Submitted: grown + 10, Completed: grown + 10,
			Spawned: grown, Retired: grown - after}, p.Stats())
		require.NoError(t, p.Tune(1))
		synctest.Wait()
		assert.Equal(t, tide.Stats{Capacity: 1, Workers: 1, Idle: 1, Submitted: grown + 10, Completed: grown + 10,
			Spawned: grown, Retired: grown - 1}, p.Stats(), "shrinking retires surplus idle workers at once")
		assert.Equal(t, 2, poolGoroutines(), "the worker left and the reaper")
	})
}

// TestNoStrandedTask proves that the paths that retire workers, Tune down and
// the reaper, never retire a worker handed a task before it runs it: the task
// stays owned by that worker, never queued (invariant 3 of doc/scheduler.md).
// Each row is a deadlock or a broken queue bound once found.
func TestNoStrandedTask(t *testing.T) {
	const expiry = time.Second
	for _, c := range []struct {
		name        string
		n, after    int // workers; the capacity after the cut
		nonblocking bool
		cut         func(p *tide.Pool, mock *clock.Mock) error
	}{
		{"Tune(1) cuts at once (unbounded queue)", 2, 1, false, func(p *tide.Pool, _ *clock.Mock) error { return p.Tune(1) }},
		{"Tune(1) cuts at once (queue size zero)", 8, 1, true, func(p *tide.Pool, _ *clock.Mock) error { return p.Tune(1) }},
		{"the reaper finds every parked worker due", 3, 3, true, func(_ *tide.Pool, mock *clock.Mock) error {
			mock.Add(3 * expiry)
			return nil
		}},
	} {
		name := "tasks handed to parked workers each run on their own worker, none queued, when " + c.name +
			"; a nonblocking pool refuses more"
		inBubble(t, name, func(t *testing.T) {
			// One processor: the woken workers are still waiting to start when the cut comes.
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			for round := range rounds(20) {
				mock := clock.NewMock()
				opts := []tide.Option{tide.WithCapacity(c.n), tide.WithClock(mock), tide.WithExpiry(expiry)}
				if c.nonblocking {
					opts = append(opts, tide.WithQueueSize(0), tide.WithNonblocking())
				}
				p := newPool(t, opts...)
				burst(t, p, c.n)
				g := newGate()
				for i := range c.n {
					require.NoError(t, p.Submit(g.task()), "round %d: task %d", round, i)
				}
				require.NoError(t, c.cut(p, mock))
				if c.nonblocking {
					assert.ErrorIs(t, p.Submit(func() {}), tide.ErrPoolOverload, "round %d: busy workers leave no room", round)
				}
				synctest.Wait()
				n := uint64(c.n)
				assert.Equal(t, tide.Stats{Capacity: c.after, Workers: c.n, Running: c.n, Submitted: 2 * n, Completed: n, Spawned: n},
					p.Stats(), "round %d: a task was queued, or its worker retired while busy", round)
				g.open()
				p.Wait()
				synctest.Wait()
				assert.Equal(t, tide.Stats{Capacity: c.after, Workers: c.after, Idle: c.after, Submitted: 2 * n, Completed: 2 * n,
					Spawned: n, Retired: uint64(c.n - c.after)}, p.Stats(), "round %d: workers fall to the capacity as tasks end", round)
			}
		})
	}
}
