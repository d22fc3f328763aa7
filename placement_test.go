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

func TestPlacement(t *testing.T) {
	t.Run("Go waits for room even on a nonblocking pool", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0), tide.WithNonblocking())
			g := newGate()
			p.Go(g.task())
			done := make(chan struct{})
			ran := make(chan struct{})
			go func() { p.Go(func() { close(ran) }); close(done) }()
			synctest.Wait()
			require.True(t, pending(done))
			g.open()
			<-done
			<-ran
		})
	})
}

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

func TestCapacityBoundaries(t *testing.T) {
	t.Run("a capacity of one runs one task at a time, in order, on one worker", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
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
	})

	for _, c := range hugeCapacities() {
		t.Run(fmt.Sprintf("a capacity of %d spawns workers on demand and allocates nothing up front", c.n), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				p := newPool(t, tide.WithCapacity(c.n))
				runtime.ReadMemStats(&after)
				assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "New allocated for the capacity")
				assert.Equal(t, c.cap, p.Cap())
				g := newGate()
				for range 100 {
					require.NoError(t, p.Submit(g.task()))
				}
				synctest.Wait()
				assert.Equal(t, tide.Stats{Capacity: c.cap, Workers: 100, Running: 100, Submitted: 100, Spawned: 100}, p.Stats())
				g.open()
			})
		})
	}
}

func TestQueueBoundaries(t *testing.T) {
	const capacity = 3
	for _, nonblocking := range []bool{true, false} {
		for _, queueSize := range []int{0, 1} {
			for _, parked := range []string{"none", "after a burst", "as minimum workers"} {
				outcome := "makes the next submitter wait until a task finishes"
				if nonblocking {
					outcome = "reports overload to the next submitter"
				}
				t.Run(fmt.Sprintf("a pool (nonblocking: %v, workers parked: %s) takes capacity plus queue size %d tasks, then %s", nonblocking, parked, queueSize, outcome), func(t *testing.T) {
					synctest.Test(t, func(t *testing.T) {
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
						// A burst from one goroutine: the workers handed the
						// first tasks may not have started when the next come.
						for i := range capacity + queueSize {
							require.NoError(t, p.Submit(g.task()), "submission %d", i)
						}
						var errc <-chan error
						if nonblocking {
							for range 2 * capacity {
								assert.ErrorIs(t, p.Submit(g.task()), tide.ErrPoolOverload)
							}
							assert.ErrorIs(t, p.SubmitContext(context.Background(), func() {}), tide.ErrPoolOverload)
						} else {
							errc = submitAsync(p, g.task())
						}
						synctest.Wait()
						if !nonblocking {
							require.True(t, pending(errc), "the pool is full")
						}
						st := p.Stats()
						assert.Equal(t, capacity, st.Running)
						assert.Equal(t, queueSize, st.Waiting)
						assert.Equal(t, uint64(capacity+queueSize), st.Submitted-before.Submitted, "a refused or waiting task is not counted as submitted")
						assert.Equal(t, uint64(capacity), st.Spawned, "below capacity a task gets a parked worker, or a new one")
						g.open()
						accepted := capacity + queueSize
						if !nonblocking {
							assert.NoError(t, requireReturnWithin(t, virtualDeadline, []<-chan error{errc})[0])
							accepted++
						}
						p.Wait()
						st = p.Stats()
						assert.Equal(t, uint64(accepted), st.Completed-before.Completed)
						assert.Equal(t, uint64(capacity), st.Spawned, "queued tasks run on the same workers")
					})
				})
			}
		}
	}
}

func TestQueueBoundariesUnderTune(t *testing.T) {
	t.Run("Tune growing a pool with parked minimum workers admits exactly the submitters there is room for", func(t *testing.T) {
		for round := range rounds(20) {
			synctest.Test(t, func(t *testing.T) {
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
			})
		}
	})
}
