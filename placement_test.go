package tide_test

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

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

// TestParkedSubmittersWakeUp proves that no waiting submitter is stranded
// (doc/scheduler.md, invariant 6): every event that makes room admits them,
// oldest first, and Release refuses them.
func TestParkedSubmittersWakeUp(t *testing.T) {
	const k = 6 // parked submitters, two of each kind

	// Each event fires once, on a pool whose only worker is busy with a gated
	// task and whose queue is full. The parked submitters' tasks return at
	// once, so the room one event makes passes from each to the next.
	events := []struct {
		name string
		end  func()                 // how the busy task ends once its gate opens
		fire func(*tide.Pool) error // the event; nil: the busy task's gate opens, and it ends
		opts []tide.Option
		want error // what every parked submitter gets
	}{
		{name: "a task that finishes", end: func() {}},
		{name: "a task that panics", end: func() { panic("boom") }, opts: []tide.Option{tide.WithPanicHandler(func(any) {})}},
		{name: "a task that panics under a panic handler that panics too", end: func() { panic("boom") },
			opts: []tide.Option{tide.WithPanicHandler(func(any) { panic("handler") }), discardLogs()}},
		{name: "a task that calls runtime.Goexit", end: runtime.Goexit},
		{name: "Tune growing the capacity", end: func() {}, fire: func(p *tide.Pool) error { return p.Tune(2) }},
		{name: "Release", end: func() {}, fire: func(p *tide.Pool) error { p.Release(); return nil }, want: tide.ErrPoolClosed},
	}
	for _, queueSize := range []int{0, 1} {
		for _, ev := range events {
			name := fmt.Sprintf("%s wakes every parked submitter (queue size %d)", ev.name, queueSize)
			inBubble(t, name, func(t *testing.T) {
				p := newPool(t, append([]tide.Option{tide.WithCapacity(1), tide.WithQueueSize(queueSize)}, ev.opts...)...)
				g := newGate()
				open := sync.OnceFunc(g.open)
				t.Cleanup(open) // before the pool's release, so that a failure reports itself, not a deadlock
				require.NoError(t, p.Submit(func() { <-g; ev.end() }))
				for range queueSize {
					require.NoError(t, p.Submit(func() {}))
				}
				errcs := parkSubmitters(p, k, func() {})
				require.Equal(t, k, p.Stats().Blocked, "every submitter waits for room")
				if ev.fire == nil {
					open()
				} else {
					require.NoError(t, ev.fire(p))
				}
				for i, err := range requireReturnWithin(t, virtualDeadline, errcs) {
					assert.ErrorIs(t, err, ev.want, "submitter %d", i) // with want nil: err is nil
				}
				open() // if the event left the busy task waiting
				p.Wait()
				synctest.Wait()
				st := p.Stats()
				accepted := uint64(1 + queueSize)
				if ev.want == nil {
					accepted += k
				}
				assert.Equal(t, accepted, st.Submitted)
				assert.Equal(t, accepted, st.Completed)
				assert.Equal(t, uint64(st.Workers), st.Spawned-st.Retired)
			})
		}
	}

	// Every task here returns when it receives a token. Time passes while the
	// submitters wait, and a SubmitContext ahead of them gives up meanwhile.
	for _, c := range []struct{ capacity, tunedTo, queueSize int }{{2, 2, 0}, {1, 1, 1}, {2, 1, 0}} {
		name := fmt.Sprintf("while submitters wait (capacity %d tuned to %d, queue size %d), time passing retires no busy "+
			"worker, one that gives up leaves its place, a worker retired as surplus makes no room, and each finishing "+
			"task admits exactly the oldest one", c.capacity, c.tunedTo, c.queueSize)
		inBubble(t, name, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(c.capacity), tide.WithQueueSize(c.queueSize), tide.WithExpiry(time.Second))
			tokens := make(chan struct{})
			task := func() { <-tokens }
			for range 2 {
				p.Go(task)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			withdrawn := make(chan error, 1)
			go func() { withdrawn <- p.SubmitContext(ctx, task) }()
			synctest.Wait()
			errcs := parkSubmitters(p, k, task)
			require.NoError(t, p.Tune(c.tunedTo))
			time.Sleep(10 * time.Second)
			synctest.Wait()
			require.Equal(t, context.DeadlineExceeded, requireReturnWithin(t, virtualDeadline, []<-chan error{withdrawn})[0])
			require.Equal(t, tide.Stats{Capacity: c.tunedTo, Workers: c.capacity, Running: c.capacity, Waiting: c.queueSize,
				Blocked: k, Submitted: 2, Spawned: uint64(c.capacity)}, p.Stats(), "a busy worker retired, or the withdrawn task counted")
			surplus := c.capacity - c.tunedTo
			admitted := 0
			for i := range surplus + k {
				tokens <- struct{}{}
				synctest.Wait()
				want := max(0, i+1-surplus)
				for j := admitted; j < k; j++ {
					require.Equal(t, j >= want, pending(errcs[j]), "after %d tasks returned, submitter %d", i+1, j)
				}
				admitted = want
				require.Zero(t, p.Idle(), "a worker parked while a submitter waits, or one is left running nothing")
				require.Equal(t, c.queueSize, p.Waiting(), "the queue is full again")
			}
			close(tokens)
			p.Wait()
			synctest.Wait()
			assert.Equal(t, tide.Stats{Capacity: c.tunedTo, Workers: c.tunedTo, Idle: c.tunedTo, Submitted: 2 + k, Completed: 2 + k,
				Spawned: uint64(c.capacity), Retired: uint64(surplus)}, p.Stats())
		})
	}
}

// TestSubmitFromOwnTask proves that a task submitting to its own pool is a
// submitter like any other: on a full pool it waits for room, which, when
// every worker does the same, only something outside the pool can make
// (ants #197).
func TestSubmitFromOwnTask(t *testing.T) {
	name := "a task whose Submit finds its own pool full waits for the room only its return makes, until Release refuses it"
	inBubble(t, name, func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(1))
		inner := make(chan error, 2)
		p.Go(func() {
			inner <- p.Submit(func() {}) // queued: the queue had room
			inner <- p.Submit(func() {})
		})
		require.NoError(t, <-inner)
		time.Sleep(virtualDeadline)
		synctest.Wait()
		require.True(t, pending((<-chan error)(inner)), "the task's second Submit waits")
		assert.Equal(t, 1, p.Running())
		assert.Equal(t, 1, p.Waiting())
		p.Release()
		assert.Equal(t, tide.ErrPoolClosed, requireReturnWithin(t, virtualDeadline, []<-chan error{inner})[0])
		p.Wait()
		st := p.Stats()
		assert.Equal(t, uint64(2), st.Submitted, "the task and the one it queued")
		assert.Equal(t, uint64(2), st.Completed, "the task and the one it queued")
	})
}
