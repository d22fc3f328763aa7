package tide_test

import (
	"fmt"
	"math"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

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
	t.Run("a capacity of one runs one task at a time, in order", func(t *testing.T) {
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

	t.Run("Tune to one from a busy pool leaves one worker once tasks finish", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(8))
			g := newGate()
			for range 8 {
				p.Go(g.task())
			}
			synctest.Wait()
			require.NoError(t, p.Tune(1))
			assert.Equal(t, 1, p.Cap())
			g.open()
			p.Wait()
			synctest.Wait()
			st := p.Stats()
			assert.Equal(t, 1, st.Workers)
			assert.Equal(t, uint64(7), st.Retired)
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
				st := p.Stats()
				assert.Equal(t, 100, st.Running)
				assert.Zero(t, st.Waiting)
				g.open()
			})
		})

		t.Run(fmt.Sprintf("Tune to %d admits every waiting submitter, and Tune back to one shrinks", c.n), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0))
				g := newGate()
				p.Go(g.task())
				errcs := parkSubmitters(p, 9, g.task())
				require.NoError(t, p.Tune(c.n))
				assert.Equal(t, c.cap, p.Cap())
				for i, err := range requireReturnWithin(t, virtualDeadline, errcs) {
					assert.NoError(t, err, "submitter %d", i)
				}
				synctest.Wait()
				assert.Equal(t, 10, p.Running())
				require.NoError(t, p.Tune(1))
				g.open()
				p.Wait()
				synctest.Wait()
				assert.Equal(t, 1, p.Stats().Workers)
			})
		})
	}

	t.Run("Tune below one is refused and changes nothing", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(3))
		for _, n := range []int{0, -1, math.MinInt} {
			assert.ErrorIs(t, p.Tune(n), tide.ErrInvalidCapacity, "Tune(%d)", n)
		}
		assert.Equal(t, 3, p.Cap())
	})
}

func TestQueueBoundaries(t *testing.T) {
	for _, queueSize := range []int{0, 1} {
		for _, warm := range []bool{false, true} {
			name := fmt.Sprintf("a nonblocking pool with queue size %d takes capacity plus %d tasks, then reports overload", queueSize, queueSize)
			if warm {
				name += ", its workers parked"
			}
			t.Run(name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					const capacity = 3
					p := newPool(t, tide.WithCapacity(capacity), tide.WithQueueSize(queueSize), tide.WithNonblocking())
					if warm {
						burst(t, p, capacity)
					}
					before := p.Stats().Completed
					g := newGate()
					accepted := 0
					// A burst from one goroutine: the workers handed the
					// first tasks may not have started when the next come.
					for i := range 3 * capacity {
						err := p.Submit(g.task())
						if err == nil {
							accepted++
							continue
						}
						require.ErrorIs(t, err, tide.ErrPoolOverload, "submission %d", i)
					}
					assert.Equal(t, capacity+queueSize, accepted)
					synctest.Wait()
					st := p.Stats()
					assert.Equal(t, capacity, st.Running)
					assert.Equal(t, queueSize, st.Waiting)
					g.open()
					p.Wait()
					assert.Equal(t, uint64(capacity+queueSize), p.Stats().Completed-before)
				})
			})

			name = fmt.Sprintf("a blocking pool with queue size %d makes the next submitter wait", queueSize)
			if warm {
				name += ", its workers parked"
			}
			t.Run(name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					const capacity = 3
					p := newPool(t, tide.WithCapacity(capacity), tide.WithQueueSize(queueSize))
					if warm {
						burst(t, p, capacity)
					}
					g := newGate()
					for range capacity + queueSize {
						require.NoError(t, p.Submit(g.task()))
					}
					errc := submitAsync(p, g.task())
					synctest.Wait()
					require.True(t, pending(errc), "the pool is full")
					st := p.Stats()
					assert.Equal(t, capacity, st.Running)
					assert.Equal(t, queueSize, st.Waiting)
					g.open()
					assert.NoError(t, requireReturnWithin(t, virtualDeadline, []<-chan error{errc})[0])
				})
			})
		}
	}
}

func TestQueueBoundariesUnderTune(t *testing.T) {
	t.Run("Tune growing a pool with parked minimum workers admits exactly the submitters there is room for", func(t *testing.T) {
		for round := range 20 {
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

func TestExpiryBoundaries(t *testing.T) {
	t.Run("a one-nanosecond expiry under steady load loses no task and leaves the minimum", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithExpiry(time.Nanosecond), tide.WithCapacity(4), tide.WithMinWorkers(1))
			var ran atomic.Int32
			for range 200 {
				p.Go(func() { ran.Add(1) })
				time.Sleep(time.Nanosecond) // every parked worker above the minimum expires
			}
			p.Wait()
			time.Sleep(time.Microsecond)
			synctest.Wait()
			assert.Equal(t, int32(200), ran.Load())
			st := p.Stats()
			assert.Equal(t, 1, st.Workers)
			assert.Equal(t, 1, poolGoroutines(), "the minimum worker, and no reaper")
		})
	})

	t.Run("the largest expiry never retires and never overflows", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithExpiry(time.Duration(math.MaxInt64)))
			burst(t, p, 3)
			time.Sleep(100 * 365 * 24 * time.Hour)
			synctest.Wait()
			assert.Equal(t, 3, p.Idle())
			assert.Zero(t, p.Stats().Retired)
		})
	})
}

func TestMinWorkersBoundaries(t *testing.T) {
	t.Run("min workers equal to capacity: all start parked, none is ever retired and there is no reaper", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(3), tide.WithMinWorkers(3), tide.WithExpiry(time.Millisecond))
			require.Equal(t, 3, p.Idle())
			burst(t, p, 3)
			time.Sleep(time.Hour)
			synctest.Wait()
			st := p.Stats()
			assert.Equal(t, 3, st.Idle)
			assert.Equal(t, uint64(3), st.Spawned, "the minimum workers run every task")
			assert.Zero(t, st.Retired)
			assert.Equal(t, 3, poolGoroutines())
		})
	})

	t.Run("min workers equal to capacity: a worker lost to Goexit is replaced", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(2), tide.WithMinWorkers(2))
			p.Go(runtime.Goexit)
			p.Wait()
			synctest.Wait()
			st := p.Stats()
			assert.Equal(t, 2, st.Workers)
			assert.Equal(t, 2, st.Idle)
			assert.Equal(t, uint64(1), st.Retired)
		})
	})

	t.Run("min workers equal to capacity of one: the pool serves and queues", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithMinWorkers(1), tide.WithQueueSize(1))
			g := newGate()
			require.NoError(t, p.Submit(g.task()))
			require.NoError(t, p.Submit(g.task()))
			errc := submitAsync(p, func() {})
			synctest.Wait()
			require.True(t, pending(errc))
			g.open()
			assert.NoError(t, requireReturnWithin(t, virtualDeadline, []<-chan error{errc})[0])
			p.Wait()
			assert.Equal(t, uint64(1), p.Stats().Spawned)
		})
	})

}
