package tide_test

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// Where a task goes (doc/scheduler.md, Placement): to an idle worker, to a
// new worker below the capacity, to the queue, or its submitter waits for
// room, or is told the pool is overloaded.

// hugeCapacities are the largest capacities, with what Cap reports for
// each: math.MaxInt is the unlimited capacity itself.
func hugeCapacities() []struct{ n, cap int } {
	if strconv.IntSize < 64 {
		return []struct{ n, cap int }{{math.MaxInt, -1}} // MaxInt32+1 does not fit an int
	}
	wide := int64(math.MaxInt32) // a variable, not a constant, so that the file compiles for 32-bit targets
	maxInt32Plus1 := int(wide + 1)
	return []struct{ n, cap int }{{maxInt32Plus1, maxInt32Plus1}, {math.MaxInt, -1}}
}

// TestCapacityBoundaries proves placement at the smallest and the largest
// capacities.
func TestCapacityBoundaries(t *testing.T) {
	inBubble(t, "a capacity of one runs one task at a time, in order, on one worker", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(1))
		var hw highWater
		var order []int
		for i := range 20 {
			p.Go(func() { hw.enter(); order = append(order, i); hw.exit() })
		}
		p.Wait()
		assert.Equal(t, int64(1), hw.peak.Load())
		assert.IsIncreasing(t, order)
		assert.Len(t, order, 20)
		assert.Equal(t, uint64(1), p.Stats().Spawned)
	})

	for _, c := range hugeCapacities() {
		name := fmt.Sprintf("a capacity of %d, given to New or to Tune, allocates nothing up front, admits every waiting "+
			"submitter, and gives every task a worker of its own", c.n)
		inBubble(t, name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			p := newPool(t, tide.WithCapacity(c.n), tide.WithQueueSize(0))
			runtime.ReadMemStats(&after)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "New allocated for the capacity")
			assert.Equal(t, c.cap, p.Cap())
			require.NoError(t, p.Tune(1))
			g := newGate()
			p.Go(g.task())
			errcs := parkSubmitters(p, 9, g.task())
			require.NoError(t, p.Tune(c.n))
			assert.Equal(t, c.cap, p.Cap())
			for i, err := range requireReturnWithin(t, virtualDeadline, errcs) {
				assert.NoError(t, err, "submitter %d", i)
			}
			for range 90 {
				require.NoError(t, p.Submit(g.task()))
			}
			synctest.Wait()
			assert.Equal(t, tide.Stats{Capacity: c.cap, Workers: 100, Running: 100, Submitted: 100, Spawned: 100}, p.Stats())
			g.open()
		})
	}
}

// TestQueueBoundaries proves the queue bound (invariant 4) at rest: however
// warm the pool, it takes capacity plus queue size tasks, and no more.
func TestQueueBoundaries(t *testing.T) {
	const capacity = 3
	for _, nonblocking := range []bool{true, false} {
		for _, queueSize := range []int{0, 1} {
			for _, parked := range []string{"none", "after a burst", "as minimum workers"} {
				outcome := "makes the next submitter wait until a task finishes"
				if nonblocking {
					outcome = "reports overload to Submit and SubmitContext, while Go waits until a task finishes"
				}
				name := fmt.Sprintf("a pool (nonblocking: %v, workers parked: %s) takes capacity plus queue size %d tasks, then %s",
					nonblocking, parked, queueSize, outcome)
				inBubble(t, name, func(t *testing.T) {
					opts := []tide.Option{tide.WithCapacity(capacity), tide.WithQueueSize(queueSize)}
					if nonblocking {
						opts = append(opts, tide.WithNonblocking())
					}
					if parked == "as minimum workers" {
						opts = append(opts, tide.WithMinWorkers(capacity))
					}
					p := newPool(t, opts...)
					if parked == "after a burst" {
						burst(t, p, capacity)
					}
					before := p.Stats()
					g := newGate()
					// From one goroutine: the workers handed the first tasks
					// may not have started when the next come.
					for i := range capacity + queueSize {
						require.NoError(t, p.Submit(g.task()), "submission %d", i)
					}
					waiter := 0 // Submit, see submitBy
					if nonblocking {
						for range 2 * capacity {
							assert.ErrorIs(t, p.Submit(g.task()), tide.ErrPoolOverload)
						}
						assert.ErrorIs(t, p.SubmitContext(context.Background(), func() {}), tide.ErrPoolOverload)
						waiter = 1 // Go, which has no error to report overload with
					}
					errc := make(chan error, 1)
					go func() { errc <- submitBy(p, waiter, g.task()) }()
					synctest.Wait()
					require.True(t, pending(errc), "the pool is full")
					st := p.Stats()
					assert.Equal(t, capacity, st.Running)
					assert.Equal(t, queueSize, st.Waiting)
					assert.Equal(t, uint64(capacity+queueSize), st.Submitted-before.Submitted, "a refused or waiting task is not counted as submitted")
					assert.Equal(t, uint64(capacity), st.Spawned, "below capacity a task gets a parked worker, or a new one")
					g.open()
					assert.NoError(t, requireReturnWithin(t, virtualDeadline, []<-chan error{errc})[0])
					p.Wait()
					st = p.Stats()
					assert.Equal(t, uint64(capacity+queueSize+1), st.Completed-before.Completed)
					assert.Equal(t, uint64(capacity), st.Spawned, "queued tasks run on the same workers")
				})
			}
		}
	}
}

// TestQueueBoundariesUnderTune proves that Tune growing a full pool admits
// exactly as many waiting submitters as it makes room for.
func TestQueueBoundariesUnderTune(t *testing.T) {
	inBubble(t, "Tune growing a pool with parked minimum workers admits exactly the submitters there is room for", func(t *testing.T) {
		for round := range rounds(20) {
			p := newPool(t, tide.WithCapacity(3), tide.WithMinWorkers(3), tide.WithQueueSize(0))
			require.NoError(t, p.Tune(1)) // two minimum workers retire
			g := newGate()
			p.Go(g.task())
			errcs := parkSubmitters(p, 5, g.task())
			require.NoError(t, p.Tune(5)) // two minimum workers again, and room for two more
			synctest.Wait()
			for i, errc := range errcs {
				assert.Equal(t, i == len(errcs)-1, pending(errc), "round %d: submitter %d", round, i)
			}
			st := p.Stats()
			assert.Equal(t, 5, st.Running, "round %d", round)
			assert.Zero(t, st.Waiting, "round %d", round)
			g.open()
			p.Wait()
		}
	})
}
