package tide_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

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
				for i, errc := range errcs {
					require.True(t, pending(errc), "submitter %d must wait for room", i)
				}
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

	for _, c := range []struct{ capacity, queueSize int }{{2, 0}, {1, 1}} {
		name := fmt.Sprintf("while submitters wait (capacity %d, queue size %d), time passing retires no busy worker, "+
			"and each finishing task admits exactly the oldest one", c.capacity, c.queueSize)
		inBubble(t, name, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(c.capacity), tide.WithQueueSize(c.queueSize), tide.WithExpiry(time.Second))
			tokens := make(chan struct{}) // each send lets one running task return
			task := func() { <-tokens }
			for range 2 {
				p.Go(task)
			}
			errcs := parkSubmitters(p, k, task)
			time.Sleep(10 * time.Second)
			synctest.Wait()
			require.Equal(t, tide.Stats{Capacity: c.capacity, Workers: c.capacity, Running: c.capacity, Waiting: c.queueSize,
				Blocked: k, Submitted: 2, Spawned: uint64(c.capacity)}, p.Stats(), "busy workers are not retired")
			for i := range k {
				tokens <- struct{}{}
				synctest.Wait()
				for j, errc := range errcs[i:] {
					require.Equal(t, j > 0, pending(errc), "after %d tasks returned, submitter %d", i+1, i+j)
				}
				require.Zero(t, p.Idle(), "a worker parked while a submitter waits, or one is left running nothing")
				require.Equal(t, c.queueSize, p.Waiting(), "the queue is full again")
			}
			tokens <- struct{}{}
			tokens <- struct{}{}
			p.Wait()
			assert.Equal(t, uint64(2+k), p.Stats().Completed)
		})
	}

	inBubble(t, "a worker retired after Tune shrank the pool does not take the room from parked submitters", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(2), tide.WithQueueSize(0))
		first, second := newGate(), newGate()
		p.Go(first.task())
		p.Go(second.task())
		errcs := parkSubmitters(p, k, func() {})
		require.NoError(t, p.Tune(1))
		first.open() // its worker is surplus and retires: still no room
		synctest.Wait()
		require.Equal(t, tide.Stats{Capacity: 1, Workers: 1, Running: 1, Blocked: k, Submitted: 2, Completed: 1, Spawned: 2, Retired: 1}, p.Stats())
		for i, errc := range errcs {
			require.True(t, pending(errc), "submitter %d: the pool is still full", i)
		}
		second.open()
		for i, err := range requireReturnWithin(t, virtualDeadline, errcs) {
			assert.NoError(t, err, "submitter %d", i)
		}
		p.Wait()
		synctest.Wait()
		assert.Equal(t, 1, p.Stats().Workers)
	})

	inBubble(t, "a cancelled SubmitContext leaves the room to the submitters behind it", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0))
		g := newGate()
		p.Go(g.task())
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cancelled := make(chan error, 1)
		go func() { cancelled <- p.SubmitContext(ctx, func() { t.Error("a withdrawn task ran") }) }()
		synctest.Wait()
		errcs := parkSubmitters(p, k, func() {})
		time.Sleep(time.Minute) // the first submitter's deadline passes
		assert.Equal(t, context.DeadlineExceeded, <-cancelled)
		assert.Equal(t, uint64(1), p.Stats().Submitted, "the withdrawn task is not counted")
		g.open()
		for i, err := range requireReturnWithin(t, virtualDeadline, errcs) {
			assert.NoError(t, err, "submitter %d", i)
		}
		p.Wait()
		assert.Equal(t, uint64(1+k), p.Stats().Completed)
	})
}

// TestSubmitFromOwnTask proves that a task submitting to its own pool is a
// submitter like any other: on a full pool it waits for room, which, when
// every worker does the same, only something outside the pool can make
// (ants #197).
func TestSubmitFromOwnTask(t *testing.T) {
	for _, c := range []struct {
		name   string
		opts   []tide.Option
		submit func(*tide.Pool) error // the task's second submission; nil: a blocking Submit
		fire   func(*tide.Pool) error // what frees a blocking one
		want   error                  // what the second submission returns
	}{
		{name: "a blocking Submit waits until Release refuses it", fire: func(p *tide.Pool) error { p.Release(); return nil },
			want: tide.ErrPoolClosed},
		{name: "a blocking Submit waits until Tune grows the pool", fire: func(p *tide.Pool) error { return p.Tune(2) }},
		{name: "SubmitContext gives up at its deadline", want: context.DeadlineExceeded, submit: func(p *tide.Pool) error {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			return p.SubmitContext(ctx, func() {})
		}},
		{name: "Submit on a nonblocking pool reports overload", opts: []tide.Option{tide.WithNonblocking()}, want: tide.ErrPoolOverload},
	} {
		inBubble(t, "on its own pool, full once its first task is queued, "+c.name, func(t *testing.T) {
			p := newPool(t, append(c.opts, tide.WithCapacity(1), tide.WithQueueSize(1))...)
			submit := c.submit
			if submit == nil {
				submit = func(p *tide.Pool) error { return p.Submit(func() {}) }
			}
			inner := make(chan error, 2)
			p.Go(func() {
				inner <- p.Submit(func() {}) // queued: the queue had room
				inner <- submit(p)           // no room until this task returns
			})
			require.NoError(t, <-inner)
			if c.fire != nil {
				time.Sleep(virtualDeadline)
				synctest.Wait()
				require.True(t, pending((<-chan error)(inner)), "the task waits for room that only its own return makes")
				assert.Equal(t, 1, p.Running())
				assert.Equal(t, 1, p.Waiting())
				require.NoError(t, c.fire(p))
			}
			assert.Equal(t, c.want, requireReturnWithin(t, virtualDeadline, []<-chan error{inner})[0])
			p.Wait()
			accepted := uint64(2) // the task and the one it queued, which ran: the pool goes on
			if c.want == nil {
				accepted++
			}
			st := p.Stats()
			assert.Equal(t, accepted, st.Completed)
			assert.Equal(t, accepted, st.Submitted)
		})
	}
}
