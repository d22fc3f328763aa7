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
		t.Run(fmt.Sprintf("a capacity of %d allocates nothing up front", c.n), func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			p := newPool(t, tide.WithCapacity(c.n))
			runtime.ReadMemStats(&after)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "New allocated for the capacity")
			assert.Equal(t, c.cap, p.Cap())
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
// exactly as many waiting submitters as it makes room for, each with a
// worker of its own, up to the largest capacities.
func TestQueueBoundariesUnderTune(t *testing.T) {
	type growth struct {
		name             string
		opts             []tide.Option
		n, cap, admitted int // Tune(n); then Cap(), and how many of 9 waiting submitters get in
	}
	// Two of three minimum workers retire at Tune(1); Tune(5) brings them back, and room for two more.
	rows := []growth{{"parked minimum workers", []tide.Option{tide.WithCapacity(3), tide.WithMinWorkers(3)}, 5, 5, 4}}
	for _, c := range hugeCapacities() {
		rows = append(rows, growth{fmt.Sprintf("a capacity of %d", c.n), []tide.Option{tide.WithCapacity(c.n)}, c.n, c.cap, 9})
	}
	for _, c := range rows {
		name := fmt.Sprintf("Tune(%d) on a full pool (%s) admits exactly the submitters there is room for", c.n, c.name)
		inBubble(t, name, func(t *testing.T) {
			for round := range rounds(20) {
				p := newPool(t, append(c.opts, tide.WithQueueSize(0))...)
				require.NoError(t, p.Tune(1))
				g := newGate()
				p.Go(g.task())
				errcs := parkSubmitters(p, 9, g.task())
				require.NoError(t, p.Tune(c.n))
				assert.Equal(t, c.cap, p.Cap())
				synctest.Wait()
				for i, errc := range errcs {
					assert.Equal(t, i >= c.admitted, pending(errc), "round %d: submitter %d", round, i)
				}
				st := p.Stats()
				want := tide.Stats{Capacity: c.cap, Workers: 1 + c.admitted, Running: 1 + c.admitted, Blocked: 9 - c.admitted,
					Submitted: uint64(1 + c.admitted), Spawned: st.Spawned, Retired: st.Retired}
				assert.Equal(t, want, st, "round %d", round)
				g.open()
				p.Wait()
			}
		})
	}
}
