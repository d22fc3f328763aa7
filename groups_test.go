package tide_test

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/pooltest"
)

// TestGroupContext proves that a group's first failure, a refusal included,
// cancels its context with that cause, as Wait and the parent's end do.
func TestGroupContext(t *testing.T) {
	first := errors.New("first")
	failures := []struct {
		name string
		fail func(t *testing.T, g *tide.Group)
		want error
		text string
	}{
		{"an error", func(_ *testing.T, g *tide.Group) { g.Go(func() error { return first }) }, first, "first"},
		{"a panic", func(_ *testing.T, g *tide.Group) { g.Go(func() error { panic("boom") }) },
			tide.ErrPanic, "tide: task panicked: boom"},
		{"Go of a nil task", func(_ *testing.T, g *tide.Group) { g.Go(nil) },
			tide.ErrNilTask, "tide: Group.Go: nil task"},
		{"TryGo of a nil task", func(t *testing.T, g *tide.Group) { t.Helper(); assert.False(t, g.TryGo(nil)) },
			tide.ErrNilTask, "tide: Group.TryGo: nil task"},
	}
	for _, c := range failures {
		inBubble(t, "the first failure, "+c.name+", cancels the context, as its cause, and Wait returns it", func(t *testing.T) {
			p := pooltest.New(t)
			g, ctx := p.GroupContext(context.Background())
			g.SetLimit(3) // a refused task must not give back a slot it never took
			// Two tasks end with the context, one with a later error that Wait must not return.
			g.Go(func() error { <-ctx.Done(); return ctx.Err() })
			g.Go(func() error { <-ctx.Done(); return nil })
			synctest.Wait()
			require.NoError(t, ctx.Err(), "no failure yet")
			c.fail(t, g)
			requireErr(t, g.Wait(), c.want, c.text)
			assert.ErrorIs(t, ctx.Err(), context.Canceled)
			assert.ErrorIs(t, context.Cause(ctx), c.want)
		})
	}

	// Wait (though every task succeeded) or the parent's end cancels the context, live till then.
	t.Run("cancel at end", func(t *testing.T) {
		p := pooltest.New(t)
		parent, cancel := context.WithCancel(context.Background())
		g, ctx := p.GroupContext(parent)
		var live atomic.Bool
		g.Go(func() error { live.Store(ctx.Err() == nil); return nil })
		require.NoError(t, g.Wait())
		assert.True(t, live.Load())
		assert.ErrorIs(t, context.Cause(ctx), context.Canceled)
		g, ctx = p.GroupContext(parent)
		g.Go(func() error { <-ctx.Done(); return ctx.Err() })
		cancel()
		assert.ErrorIs(t, g.Wait(), context.Canceled)
	})

	// Release refuses a Go waiting for room, which runs nothing, as the context's cause.
	inBubble(t, "release refuses waiting go", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(1), tide.WithQueueSize(0))
		g, ctx := p.GroupContext(context.Background())
		g.SetLimit(2)
		gt := newGate()
		g.Go(func() error { <-gt; return nil })
		var ran atomic.Bool
		returned := make(chan struct{})
		go func() {
			g.Go(func() error { ran.Store(true); return nil })
			close(returned)
		}()
		synctest.Wait()
		require.True(t, pending(returned))
		p.Release()
		<-returned
		assert.ErrorIs(t, context.Cause(ctx), tide.ErrPoolClosed, "the refusal cancelled the group's context")
		gt.open()
		assert.ErrorIs(t, g.Wait(), tide.ErrPoolClosed)
		assert.False(t, ran.Load())
		assert.NotPanics(t, func() { g.SetLimit(1) }, "nothing is left in flight")
	})
}

// TestGroupSetLimit proves what bounds a group's tasks in flight: the pool's
// capacity, and the group's limit if it has one.
func TestGroupSetLimit(t *testing.T) {
	bounds := []struct {
		name                       string
		opts                       []tide.Option
		limits                     []int
		inFlight, waiting, blocked int // of the five tasks Go submits: Blocked counts a Go waiting for the pool
	}{
		// Go waits for room even on a nonblocking pool.
		{"nonblocking pool", []tide.Option{tide.WithCapacity(1), tide.WithQueueSize(0),
			tide.WithNonblocking()}, nil, 1, 0, 1},
		// A limit of n holds the group to n tasks in flight though the pool
		// has room, and Go waits for one to end.
		{"limit below pool",
			[]tide.Option{tide.WithCapacity(10)}, []int{2}, 2, 0, 0},
		// The pool's capacity still bounds a group with a higher limit.
		{"pool below limit", []tide.Option{tide.WithCapacity(2)},
			[]int{10}, 2, 3, 0},
		// A negative limit removes the limit.
		{"negative limit", []tide.Option{tide.WithCapacity(10)}, []int{1, -1}, 5, 0, 0},
	}
	for _, c := range bounds {
		inBubble(t, c.name, func(t *testing.T) {
			p := pooltest.New(t, c.opts...)
			g := p.Group()
			for _, n := range c.limits {
				g.SetLimit(n)
			}
			var hw highWater
			gt := newGate()
			var wrote [5]bool // plain writes: the race detector checks Wait's happens-before
			submitted := make(chan struct{})
			go func() {
				for i := range wrote {
					g.Go(func() error { hw.enter(); defer hw.exit(); <-gt; wrote[i] = true; return nil })
				}
				close(submitted)
			}()
			synctest.Wait()
			// Go, waiting for the group's limit, may run a task whose worker has not started it: then
			// that worker idles, and the task counts as running all the same.
			st := p.Stats()
			want := tide.Stats{Capacity: p.Cap(), Workers: st.Workers, Idle: st.Idle, Running: c.inFlight, Waiting: c.waiting,
				Blocked: c.blocked, Submitted: uint64(c.inFlight + c.waiting), Spawned: uint64(st.Workers), WaitCount: uint64(c.blocked)}
			assert.Equal(t, want, st, "group tasks run on the pool's workers")
			assert.LessOrEqual(t, st.Idle, 1, "at most the one Go that waits for the limit runs a task itself")
			assert.Equal(t, c.inFlight+c.waiting < 5, pending(submitted), "Go waits for room")
			gt.open()
			<-submitted
			require.NoError(t, g.Wait())
			assert.Equal(t, [5]bool{true, true, true, true, true}, wrote, "Wait returned once every task had run")
			p.Wait()
			// Wait runs a queued task itself if it finds one: one more than the pool's capacity.
			assert.GreaterOrEqual(t, hw.peak.Load(), int64(c.inFlight))
			assert.LessOrEqual(t, hw.peak.Load(), int64(c.inFlight+1))
			assert.Equal(t, uint64(5), p.Stats().Completed)
		})
	}

	// A limit of 0 fails Go at once; changing a limit while a task is in flight panics.
	t.Run("limit misuse", func(t *testing.T) {
		p := pooltest.New(t)
		g := p.Group()
		g.SetLimit(0)
		g.Go(func() error { return nil })
		requireErr(t, g.Wait(), tide.ErrInvalidCapacity,
			"tide: Group.Go: capacity must be at least 1 (the group's limit is 0, so no task can start)")
		assert.Zero(t, p.Stats().Submitted, "instead of blocking for ever")
		for _, first := range []int{-1, 3} {
			g := p.Group()
			g.SetLimit(first)
			gt := newGate()
			g.Go(func() error { <-gt; return nil })
			err := pooltest.PanicValue(t, func() { g.SetLimit(2) })
			assert.EqualError(t, err, "tide: Group.SetLimit: modify limit while 1 tasks in the group are still active")
			gt.open()
			require.NoError(t, g.Wait())
			assert.NotPanics(t, func() { g.SetLimit(2) }, "once Wait returned, the limit may change")
		}
	})
}

// TestGroupTryGo proves that TryGo starts a task only if it can at once: it
// never waits, a refusal for want of room is no error, and the refused task
// gives back the slot it took in the group.
func TestGroupTryGo(t *testing.T) {
	full := []tide.Option{tide.WithCapacity(1), tide.WithQueueSize(0)}
	refusals := []struct {
		name                string
		opts                []tide.Option
		limit               int
		busyPool, groupTask bool // a gated plain task holds the pool, a gated group task holds a slot
		laterRun            bool // TryGo starts a task once they have ended
		zero                bool // the group is a zero Group, on the bubble's goroutines
	}{
		{name: "at limit", limit: 1, groupTask: true, laterRun: true},
		// A zero Group, inside a bubble, is at its limit.
		{name: "zero group at limit", limit: 1, groupTask: true, laterRun: true, zero: true},
		{name: "limit 0", limit: 0},
		{name: "pool full", opts: full, limit: 1, busyPool: true, laterRun: true},
		// The pool's queue is full, a group task having taken its last slot.
		{name: "queue full",
			opts: []tide.Option{tide.WithCapacity(1), tide.WithQueueSize(1)}, limit: -1,
			busyPool: true, groupTask: true, laterRun: true},
	}
	// TryGo returns false, without waiting or an error, in each case.
	for _, c := range refusals {
		inBubble(t, c.name, func(t *testing.T) {
			p := pooltest.New(t, c.opts...)
			g := p.Group()
			if c.zero {
				g = new(tide.Group)
			}
			g.SetLimit(c.limit)
			gt := newGate()
			if c.busyPool {
				p.Go(gt.task())
			}
			if c.groupTask {
				require.True(t, g.TryGo(func() error { <-gt; return nil }), "there is room for one")
			}
			synctest.Wait()
			var ran atomic.Int32
			task := func() error { ran.Add(1); return nil }
			assert.False(t, g.TryGo(task), "at once: waiting would deadlock the bubble")
			gt.open()
			p.Wait()
			require.NoError(t, g.Wait(), "a refusal is not an error")
			assert.Equal(t, c.laterRun, g.TryGo(task), "the refused tasks gave their slots back")
			require.NoError(t, g.Wait())
			assert.Equal(t, c.laterRun, ran.Load() == 1, "the later task ran, the refused ones never")
		})
	}
}

// TestPanicCount proves the README's guarantee that every panic is counted
// once in Stats.Panicked: a plain task's, a group's, a Future's or fn's.
func TestPanicCount(t *testing.T) {
	// Plain, group, Future and FuncPool panics each count once, even many at once; a PanicError relayed is none.
	inBubble(t, "each kind once",
		func(t *testing.T) {
			var handled atomic.Int32
			var values atomic.Int64
			p := pooltest.New(t, tide.WithCapacity(8), tide.WithPanicHandler(func(any) { handled.Add(1) }))
			fp := newFuncPool(t, func(i int) { panic(i) }, tide.WithCapacity(1),
				tide.WithPanicHandler(func(r any) { values.Add(int64(r.(int))) }))
			const n = 200
			g := p.Group()
			futures := make([]*tide.Future[int], n)
			for i := range n {
				p.Go(func() { panic(i) })
				g.Go(func() error { panic(i) })
				futures[i] = tide.SubmitFuture(p, func() (int, error) { panic(i) })
				require.NoError(t, fp.Invoke(i))
			}
			relayed := tide.SubmitFuture(p, futures[0].Wait) // returns, not panics, the PanicError
			g.Go(func() error { _, err := futures[0].Wait(); return err })
			require.ErrorIs(t, g.Wait(), tide.ErrPanic)
			for _, f := range append(futures, relayed) {
				_, err := f.Wait()
				require.ErrorIs(t, err, tide.ErrPanic)
			}
			p.Wait()
			fp.Pool().Wait()
			synctest.Wait()
			st := p.Stats()
			assert.Equal(t, uint64(3*n), st.Panicked)
			assert.Equal(t, uint64(3*n+2), st.Completed)
			assert.Equal(t, int32(n), handled.Load(), "only the plain tasks' panics reached the handler")
			assert.Equal(t, tide.Stats{Capacity: 1, Workers: 1, Idle: 1, Submitted: n, Completed: n, Panicked: n, Spawned: 1},
				fp.Pool().Stats(), "fn's panics counted once each, on the one worker, which survived them")
			assert.Equal(t, int64(n*(n-1)/2), values.Load(), "each panic of fn reached the handler with its value")
		})

	// Each runs task as the caller would and returns what the caller gets.
	recovering := []struct {
		name string
		run  func(t *testing.T, p *tide.Pool, task func() error) error
	}{
		{"group task's, by Go,", func(_ *testing.T, p *tide.Pool, task func() error) error {
			g := p.Group()
			g.Go(task)
			return g.Wait()
		}},
		{"group task's, by TryGo,", func(t *testing.T, p *tide.Pool, task func() error) error {
			t.Helper()
			g := p.Group()
			require.True(t, g.TryGo(task))
			return g.Wait()
		}},
		{"Future's", func(t *testing.T, p *tide.Pool, task func() error) error {
			t.Helper()
			v, err := tide.SubmitFuture(p, func() (int, error) { return 1, task() }).Wait()
			assert.Zero(t, v, "no value from a panicked function")
			return err
		}},
	}
	for _, c := range recovering {
		inBubble(t, "a "+c.name+" panic returns a counted, unhandled PanicError; a Goexit, ErrGoexit", func(t *testing.T) {
			var handled atomic.Int32
			p := pooltest.New(t, tide.WithCapacity(1), tide.WithPanicHandler(func(any) { handled.Add(1) }))
			for i := range 50 {
				err := c.run(t, p, func() error { panic("boom") })
				requireErr(t, err, tide.ErrPanic, "tide: task panicked: boom")
				var pe *tide.PanicError
				require.ErrorAs(t, err, &pe)
				require.Equal(t, "boom", pe.Value)
				require.Contains(t, string(pe.Stack), "groups_test.go", "the stack names the panicking task")
				require.Equal(t, uint64(i+1), p.Stats().Panicked, "counted before the PanicError came back")
			}
			var pn *runtime.PanicNilError
			require.ErrorAs(t, c.run(t, p, func() error { panic(nil) }), &pn, "panic(nil) is a panic too")
			p.Wait()
			assert.Equal(t, uint64(1), p.Stats().Spawned, "the one worker lived on")
			// A Goexit (t.FailNow in a task, say) ends the task early; the group or Future learns of it.
			var after atomic.Bool
			err := c.run(t, p, func() error {
				p.Go(func() { after.Store(true) }) // queued behind the only worker
				runtime.Goexit()
				return nil
			})
			assert.ErrorIs(t, err, tide.ErrGoexit)
			p.Wait()
			assert.True(t, after.Load(), "the task queued behind it ran: nothing is stranded")
			st := p.Stats()
			assert.Equal(t, uint64(51), st.Panicked, "a Goexit is no panic")
			assert.Equal(t, uint64(53), st.Completed)
			assert.Zero(t, handled.Load())
		})
	}
}
