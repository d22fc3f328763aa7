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

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/pooltest"
)

// Where a task goes (doc/scheduler.md, Placement): to an idle worker, to a
// new worker below the capacity, to the queue, or its submitter waits for
// room, or is told the pool is overloaded.

// hugeCapacities are the largest capacities, with what Cap reports for
// each: math.MaxInt is the unlimited capacity itself.
func hugeCapacities() []struct{ n, cap int } {
	huge := []struct{ n, cap int }{{math.MaxInt, -1}}
	// A variable, not a constant, so that the file compiles for 32-bit targets, where it does not fit an int.
	if wide := int64(math.MaxInt32) + 1; strconv.IntSize == 64 {
		huge = append(huge, struct{ n, cap int }{int(wide), int(wide)})
	}
	return huge
}

// capName names a capacity in a subtest name: "maxint" and "2^31" for the
// huge ones, the number for the others.
func capName(n int) string {
	switch {
	case n == math.MaxInt:
		return "maxint"
	case int64(n) == int64(math.MaxInt32)+1:
		return "2^31"
	}
	return strconv.Itoa(n)
}

// TestCapacityBoundaries proves placement at the smallest and the largest
// capacities.
func TestCapacityBoundaries(t *testing.T) {
	// A capacity of one runs one task at a time, in order, on one worker.
	inBubble(t, "capacity 1", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(1))
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

	// A huge capacity allocates nothing up front.
	for _, c := range hugeCapacities() {
		t.Run("capacity "+capName(c.n), func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			p := pooltest.New(t, tide.WithCapacity(c.n))
			runtime.ReadMemStats(&after)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "New allocated for the capacity")
			assert.Equal(t, c.cap, p.Cap())
		})
	}
}

// parking says which workers are parked when a TestQueueBoundaries pool
// starts to fill.
type parking int

const (
	parkedNone       parking = iota // none: a cold pool
	parkedAfterBurst                // those of a burst of capacity tasks
	parkedAsMin                     // the minimum workers, WithMinWorkers(capacity)
)

func (k parking) String() string { return [...]string{"cold", "burst", "min workers"}[k] }

// poolCut says what cuts a full TestQueueBoundaries pool at once, before the
// next submitter comes.
type poolCut int

const (
	cutNothing  poolCut = iota // nothing
	cutByTune                  // Tune(1)
	cutByReaper                // the reaper: the clock moves past every parked worker's expiry
)

func (c poolCut) String() string { return [...]string{"no cut", "tune", "reaper"}[c] }

// TestQueueBoundaries proves the queue bound (invariant 4) and that a task
// handed to a worker is that worker's (invariant 3): however warm the pool,
// it takes capacity plus queue size tasks, and no more, even when Tune down
// or the reaper cuts it at once (each cut was a deadlock or a broken bound).
//
// Each subtest, named "[non]blocking, queue N, <parked>, <cut>": a pool
// (nonblocking or not; workers parked: none, after a burst, or as minimum
// workers; cut at once by nothing, Tune(1) or the reaper) takes capacity plus
// queue size N tasks; then a blocking pool makes the next submitter wait until
// a task finishes, and a nonblocking one reports overload to Submit and
// SubmitContext, while Go waits until a task finishes.
func TestQueueBoundaries(t *testing.T) {
	for _, nonblocking := range []bool{true, false} {
		mode := "blocking"
		if nonblocking {
			mode = "nonblocking"
		}
		for _, queueSize := range []int{0, 1} {
			for _, parked := range []parking{parkedNone, parkedAfterBurst, parkedAsMin} {
				for _, cut := range []poolCut{cutNothing, cutByTune, cutByReaper} {
					name := fmt.Sprintf("%s, queue %d, %v, %v", mode, queueSize, parked, cut)
					inBubble(t, name, func(t *testing.T) {
						queueBoundaries(t, nonblocking, queueSize, parked, cut)
					})
				}
			}
		}
	}
}

// queueBoundaries is a subtest of TestQueueBoundaries.
func queueBoundaries(t *testing.T, nonblocking bool, queueSize int, parked parking, cut poolCut) {
	t.Helper()
	const capacity = 3
	// One processor: the workers handed tasks have not started when the next come, nor when the cut comes.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	mock := newFakeClock()
	opts := []tide.Option{tide.WithCapacity(capacity), tide.WithQueueSize(queueSize), tide.WithClock(mock)}
	if nonblocking {
		opts = append(opts, tide.WithNonblocking())
	}
	if parked == parkedAsMin {
		opts = append(opts, tide.WithMinWorkers(capacity))
	}
	p := pooltest.New(t, opts...)
	if parked == parkedAfterBurst {
		burst(t, p, capacity)
	}
	before := p.Stats()
	g := newGate()
	for i := range capacity + queueSize {
		require.NoError(t, p.Submit(g.task()), "submission %d", i)
	}
	after := capacity // the capacity after the cut
	switch cut {
	case cutByTune:
		after = 1
		require.NoError(t, p.Tune(after))
	case cutByReaper:
		mock.Add(3 * tide.DefaultExpiry) // every parked worker would be due
	}
	waiter, overloaded := 0, uint64(0) // Submit, see submitBy
	if nonblocking {
		overloaded = 2*capacity + 1
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
	assert.Equal(t, tide.Stats{Capacity: after, Workers: capacity, Running: capacity, Waiting: queueSize, Blocked: 1,
		Submitted: before.Submitted + uint64(capacity+queueSize), Completed: before.Completed, Spawned: capacity,
		WaitCount: 1, Overloaded: overloaded}, p.Stats(),
		"a refused or waiting task counted as submitted, a worker spawned while one was parked, or one retired while busy")
	g.open()
	assert.NoError(t, requireReturnWithin(t, virtualDeadline, []<-chan error{errc})[0])
	p.Wait()
	synctest.Wait()
	n := before.Submitted + uint64(capacity+queueSize+1)
	assert.Equal(t, tide.Stats{Capacity: after, Workers: after, Idle: after, Submitted: n, Completed: n, Spawned: capacity,
		Retired: uint64(capacity - after), WaitCount: 1, Overloaded: overloaded}, p.Stats(), "queued tasks run on the same workers, which fall to the capacity")
}

// TestParkedSubmittersWakeUp proves that no waiting submitter is stranded
// (doc/scheduler.md, invariant 6): every event that makes room admits them,
// oldest first, as many as it makes room for, up to the largest capacities,
// each with a worker of its own; and Release refuses them.
func TestParkedSubmittersWakeUp(t *testing.T) {
	const k = 6 // parked submitters, two of each kind

	// Each event fires once, on a pool whose only worker is busy with a gated
	// task and whose queue is full. The parked submitters' tasks return at
	// once, so the room one event makes passes from each to the next.
	// Each subtest, named "<event>, queue N": the event wakes every parked
	// submitter, on a pool of queue size N.
	events := []struct {
		name string
		end  func()                 // how the busy task ends once its gate opens
		fire func(*tide.Pool) error // the event; nil: the busy task's gate opens, and it ends
		opts []tide.Option
		want error // what every parked submitter gets
	}{
		// A task that finishes.
		{name: "task finishes", end: func() {}},
		// A task that panics.
		{name: "task panics", end: func() { panic("boom") }, opts: []tide.Option{tide.WithPanicHandler(func(any) {})}},
		// A task that panics under a panic handler that panics too.
		{name: "task and handler panic", end: func() { panic("boom") },
			opts: []tide.Option{tide.WithPanicHandler(func(any) { panic("handler") }), discardLogs()}},
		// A task that calls runtime.Goexit.
		{name: "task calls goexit", end: runtime.Goexit},
		// Release: every parked submitter gets ErrPoolClosed.
		{name: "release", end: func() {}, fire: func(p *tide.Pool) error { p.Release(); return nil }, want: tide.ErrPoolClosed},
	}
	for _, queueSize := range []int{0, 1} {
		for _, ev := range events {
			name := fmt.Sprintf("%s, queue %d", ev.name, queueSize)
			inBubble(t, name, func(t *testing.T) {
				p := pooltest.New(t, append([]tide.Option{tide.WithCapacity(1), tide.WithQueueSize(queueSize)}, ev.opts...)...)
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
				accepted := uint64(1 + queueSize)
				if ev.want == nil {
					accepted += k
				}
				st := p.Stats()
				assert.Equal(t, tide.Stats{Capacity: st.Capacity, Workers: st.Workers, Idle: st.Workers, Submitted: accepted,
					Completed: accepted, Panicked: st.Panicked, Spawned: st.Spawned, Retired: st.Spawned - uint64(st.Workers),
					WaitCount: k}, st, "each parked submitter waited once, for no time on the bubble's clock")
			})
		}
	}

	// Tasks that return when they receive a token fill the workers and the queue. Time passing while
	// submitters wait retires no busy worker; a SubmitContext ahead of them that gives up leaves its place;
	// Tune growing starts queued tasks and admits at once the oldest submitters it makes room for, each
	// with a worker of its own; a worker retired as surplus makes no room and exits; and each finishing
	// task admits exactly the oldest submitter. The fifth row retires a minimum worker.
	// Each subtest is named "tune C to N, queue Q, min M": while submitters
	// wait on a pool of capacity C, min workers M and queue size Q, Tune(N).
	type tuning struct{ capacity, minWorkers, queueSize, tunedTo, cap int } // cap: what Cap reports once tuned
	rows := []tuning{{2, 0, 0, 2, 2}, {1, 0, 1, 1, 1}, {2, 0, 0, 1, 1}, {6, 0, 4, 2, 2}, {2, 3, 0, 5, 5}, {1, 0, 1, 3, 3}}
	for _, c := range hugeCapacities() {
		rows = append(rows, tuning{2, 0, 0, c.n, c.cap})
	}
	for _, c := range rows {
		name := fmt.Sprintf("tune %d to %s, queue %d, min %d", c.capacity, capName(c.tunedTo), c.queueSize, c.minWorkers)
		inBubble(t, name, func(t *testing.T) {
			p := pooltest.New(t, tide.WithCapacity(max(c.capacity, c.minWorkers)), tide.WithMinWorkers(c.minWorkers),
				tide.WithQueueSize(c.queueSize), tide.WithExpiry(time.Second))
			require.NoError(t, p.Tune(c.capacity))
			tokens := make(chan struct{})
			task := func() { <-tokens }
			filled := c.capacity + c.queueSize
			for range filled {
				p.Go(task)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			withdrawn := make(chan error, 1)
			go func() { withdrawn <- p.SubmitContext(ctx, task) }()
			synctest.Wait()
			errcs := parkSubmitters(p, k, task)
			time.Sleep(10 * time.Second)
			synctest.Wait()
			require.Equal(t, context.DeadlineExceeded, requireReturnWithin(t, virtualDeadline, []<-chan error{withdrawn})[0])
			base := p.Stats()
			require.NoError(t, p.Tune(c.tunedTo))
			time.Sleep(10 * time.Second) // surplus busy workers too
			synctest.Wait()
			grown, surplus := min(k, max(0, c.tunedTo-c.capacity)), max(0, c.capacity-c.tunedTo)
			workers := c.capacity + grown
			require.Equal(t, tide.Stats{Capacity: c.cap, Workers: workers, Running: workers, Waiting: c.queueSize,
				Blocked: k - grown, Submitted: uint64(filled + grown), Spawned: base.Spawned + uint64(grown), Retired: base.Retired,
				// The withdrawn submitter waited 5 s, those admitted by Tune 10 s.
				WaitCount: uint64(k + 1), WaitDuration: 5*time.Second + time.Duration(grown)*10*time.Second},
				p.Stats(), "a busy worker retired, or the withdrawn task counted")
			for j, errc := range errcs {
				require.Equal(t, j >= grown, pending(errc), "once tuned, submitter %d", j)
			}
			admitted := grown
			for i := range surplus + k - grown {
				tokens <- struct{}{}
				synctest.Wait()
				want := grown + max(0, i+1-surplus)
				for j := admitted; j < k; j++ {
					require.Equal(t, j >= want, pending(errcs[j]), "after %d tasks returned, submitter %d", i+1, j)
				}
				admitted = want
				require.Zero(t, p.Idle(), "a worker parked while a submitter waits, or one is left running nothing")
				require.Equal(t, c.queueSize, p.Waiting(), "the queue is full again, or a queued task started above the capacity")
				require.Len(t, liveWorkers(), workers-min(i+1, surplus), "worker goroutines after %d tasks returned", i+1)
			}
			close(tokens)
			p.Wait()
			synctest.Wait()
			workers -= surplus
			n := uint64(filled + k)
			assert.Equal(t, tide.Stats{Capacity: c.cap, Workers: workers, Idle: workers, Submitted: n, Completed: n,
				Spawned: base.Spawned + uint64(grown), Retired: base.Retired + uint64(surplus), WaitCount: uint64(k + 1),
				WaitDuration: 5*time.Second + time.Duration(grown)*10*time.Second + time.Duration(k-grown)*20*time.Second},
				p.Stats(), "the last submitters waited 20 s")
		})
	}
}

// TestSubmitFromOwnTask proves that a task submitting to its own full pool
// waits like any other submitter, for room only outside help can make when
// every worker does the same (ants #197).
func TestSubmitFromOwnTask(t *testing.T) {
	// A task whose Submit finds its own pool full waits for the room only its
	// return makes, until Release refuses it.
	inBubble(t, "own pool full", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(1), tide.WithQueueSize(1))
		inner := make(chan error, 2)
		p.Go(func() {
			inner <- p.Submit(func() {}) // queued: the queue had room
			inner <- p.Submit(func() {})
		})
		require.NoError(t, <-inner)
		time.Sleep(virtualDeadline)
		synctest.Wait()
		require.True(t, pending((<-chan error)(inner)), "the task's second Submit waits")
		assert.Equal(t, tide.Stats{Capacity: 1, Workers: 1, Running: 1, Waiting: 1, Blocked: 1, Submitted: 2, Spawned: 1,
			WaitCount: 1},
			p.Stats(), "the task runs, the task it submitted is queued, and its second Submit waits")
		p.Release()
		assert.Equal(t, tide.ErrPoolClosed, requireReturnWithin(t, virtualDeadline, []<-chan error{inner})[0])
		p.Wait()
		assert.Equal(t, uint64(2), p.Stats().Completed, "the task and the one it queued")
	})
}
