package tide_test

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

func TestGroup(t *testing.T) {
	t.Run("Wait returns nil once every task has run, and sees what they wrote", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(4))
		g := p.Group()
		results := make([]int, 100) // plain writes: the race detector checks Wait's happens-before
		for i := range results {
			g.Go(func() error { results[i] = i + 1; return nil })
		}
		require.NoError(t, g.Wait())
		for i, r := range results {
			require.Equal(t, i+1, r, "task %d", i)
		}
	})

	t.Run("the first error wins", func(t *testing.T) {
		// One worker runs the tasks in order, each finishing before the next starts.
		p := newPool(t, tide.WithCapacity(1))
		g := p.Group()
		first, second := errors.New("first"), errors.New("second")
		g.Go(func() error { return nil })
		g.Go(func() error { return first })
		g.Go(func() error { return second })
		assert.Equal(t, first, g.Wait())
	})

	inBubble(t, "group tasks run on the pool's workers, bounded by its capacity, and count in its Stats", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(2))
		g := p.Group()
		gt := newGate()
		for range 5 {
			g.Go(func() error { <-gt; return nil })
		}
		synctest.Wait()
		st := p.Stats()
		assert.Equal(t, 2, st.Workers)
		assert.Equal(t, 2, st.Running)
		assert.Equal(t, 3, st.Waiting)
		gt.open()
		require.NoError(t, g.Wait())
		p.Wait()
		st = p.Stats()
		assert.Equal(t, uint64(5), st.Submitted)
		assert.Equal(t, uint64(5), st.Completed)
		assert.Equal(t, uint64(2), st.Spawned)
	})

	inBubble(t, "Go waits for room even on a nonblocking pool", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0), tide.WithNonblocking())
		g := p.Group()
		gt := newGate()
		g.Go(func() error { <-gt; return nil })
		var ran atomic.Bool
		returned := make(chan struct{})
		go func() {
			g.Go(func() error { ran.Store(true); return nil })
			close(returned)
		}()
		synctest.Wait()
		require.True(t, pending(returned), "Go waits while the only worker is busy")
		gt.open()
		<-returned
		require.NoError(t, g.Wait())
		assert.True(t, ran.Load())
	})

	// Release is the refusal that reaches a Go already waiting for room, on
	// its way through the pool: it fails the group as a task would.
	inBubble(t, "a Go waiting for room when Release comes does not run its task, and fails the group with ErrPoolClosed", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0))
		g, ctx := p.GroupContext(context.Background())
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
	})

	refusals := []struct {
		name  string
		limit int
		call  func(g *tide.Group) (accepted bool)
		want  error
		text  string
	}{
		{"Go of a nil task", -1, func(g *tide.Group) bool { g.Go(nil); return false },
			tide.ErrNilTask, "tide: Group.Go: nil task"},
		{"TryGo of a nil task", -1, func(g *tide.Group) bool { return g.TryGo(nil) },
			tide.ErrNilTask, "tide: Group.TryGo: nil task"},
		{"Go under a limit of 0, instead of blocking for ever,", 0,
			func(g *tide.Group) bool { g.Go(func() error { return nil }); return false }, tide.ErrInvalidCapacity,
			"tide: Group.Go: capacity must be at least 1 (the group's limit is 0, so no task can start)"},
	}
	for _, c := range refusals {
		t.Run(c.name+" submits nothing, and Wait reports why", func(t *testing.T) {
			p := newPool(t)
			g := p.Group()
			g.SetLimit(c.limit)
			assert.False(t, c.call(g))
			requireErr(t, g.Wait(), c.want, c.text)
			assert.Zero(t, p.Stats().Submitted)
		})
	}

	for _, onDefault := range []bool{true, false} {
		name := "the zero Group runs its tasks inside a synctest bubble on the bubble's goroutines, with a limit"
		if onDefault {
			name = "the zero Group runs its tasks on the default pool, with a limit"
		}
		inBubble(t, name, func(t *testing.T) {
			var def *tide.Pool
			if onDefault {
				defer tide.SwapDefaultPool(func() *tide.Pool { def = tide.NewDefaultPool(); return def })()
			}
			var g tide.Group
			g.SetLimit(1)
			gt := newGate()
			require.True(t, g.TryGo(func() error { <-gt; return nil }))
			assert.False(t, g.TryGo(func() error { return nil }), "at its limit")
			gt.open()
			require.NoError(t, g.Wait())
			want := errors.New("its own error")
			g.Go(func() error { return want })
			assert.Equal(t, want, g.Wait())
			if onDefault {
				require.NotNil(t, def, "Go built the default pool")
				require.NoError(t, def.ReleaseTimeout(time.Second))
				assert.Equal(t, uint64(2), def.Stats().Completed)
			}
		})
	}
}

func TestGroupContext(t *testing.T) {
	failures := []struct {
		name string
		task func() error
		want error
	}{
		{"an error", func() error { return errFirst }, errFirst},
		{"a panic", func() error { panic("boom") }, tide.ErrPanic},
		{"a refused task", nil, tide.ErrNilTask},
	}
	for _, c := range failures {
		inBubble(t, "the first failure, "+c.name+", cancels the context, as its cause, and Wait returns it", func(t *testing.T) {
			p := newPool(t)
			g, ctx := p.GroupContext(context.Background())
			g.Go(func() error { <-ctx.Done(); return errors.New("after the cancel") })
			g.Go(func() error { <-ctx.Done(); return nil })
			synctest.Wait()
			require.NoError(t, ctx.Err(), "no failure yet")
			g.Go(c.task)
			assert.ErrorIs(t, g.Wait(), c.want)
			assert.ErrorIs(t, ctx.Err(), context.Canceled)
			assert.ErrorIs(t, context.Cause(ctx), c.want)
		})
	}

	t.Run("Wait cancels the context even when every task succeeded", func(t *testing.T) {
		p := newPool(t)
		g, ctx := p.GroupContext(context.Background())
		var live atomic.Bool
		g.Go(func() error { live.Store(ctx.Err() == nil); return nil })
		require.NoError(t, g.Wait())
		assert.True(t, live.Load(), "the context is live while tasks run")
		assert.ErrorIs(t, ctx.Err(), context.Canceled)
		assert.ErrorIs(t, context.Cause(ctx), context.Canceled)
	})

	t.Run("cancelling the parent cancels the group's context", func(t *testing.T) {
		p := newPool(t)
		parent, cancel := context.WithCancel(context.Background())
		g, ctx := p.GroupContext(parent)
		g.Go(func() error { <-ctx.Done(); return ctx.Err() })
		cancel()
		assert.ErrorIs(t, g.Wait(), context.Canceled)
	})
}

// errFirst is the error of a group's first failing task.
var errFirst = errors.New("first")

// heldTask returns a group task that counts itself in hw while gt holds it.
func heldTask(hw *highWater, gt gate) func() error {
	return func() error {
		hw.enter()
		defer hw.exit()
		<-gt
		return nil
	}
}

func TestGroupSetLimit(t *testing.T) {
	limits := []struct {
		name              string
		capacity          int
		limits            []int
		inFlight, waiting int
		goWaits           bool
	}{
		{"at most n of the group's tasks are in flight though the pool has room, and Go waits for one to end",
			10, []int{2}, 2, 0, true},
		{"the pool's capacity still bounds a group with a higher limit", 2, []int{10}, 2, 3, false},
		{"a negative limit removes the limit", 10, []int{1, -1}, 5, 0, false},
	}
	for _, c := range limits {
		inBubble(t, c.name, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(c.capacity))
			g := p.Group()
			for _, n := range c.limits {
				g.SetLimit(n)
			}
			var hw highWater
			gt := newGate()
			submitted := make(chan struct{})
			go func() {
				for range 5 {
					g.Go(heldTask(&hw, gt))
				}
				close(submitted)
			}()
			synctest.Wait()
			assert.Equal(t, int64(c.inFlight), hw.live.Load())
			assert.Equal(t, c.inFlight, p.Running())
			assert.Equal(t, c.waiting, p.Waiting())
			assert.Equal(t, c.goWaits, pending(submitted), "Go waits for the group's limit, not the pool's")
			gt.open()
			<-submitted
			require.NoError(t, g.Wait())
			assert.Equal(t, int64(c.inFlight), hw.peak.Load())
		})
	}

	t.Run("changing the limit while a task is in flight panics, with or without a limit set", func(t *testing.T) {
		for _, first := range []int{-1, 3} {
			p := newPool(t)
			g := p.Group()
			g.SetLimit(first)
			gt := newGate()
			g.Go(func() error { <-gt; return nil })
			err := panicValue(t, func() { g.SetLimit(2) })
			assert.EqualError(t, err, "tide: Group.SetLimit: modify limit while 1 tasks in the group are still active")
			gt.open()
			require.NoError(t, g.Wait())
			assert.NotPanics(t, func() { g.SetLimit(2) }, "once Wait returned, the limit may change")
		}
	})

	t.Run("a failed Go gives its slot back", func(t *testing.T) {
		p := newPool(t)
		g := p.Group()
		g.SetLimit(1)
		g.Go(nil)
		p.Release()
		g.Go(func() error { return nil })
		assert.ErrorIs(t, g.Wait(), tide.ErrNilTask, "the first error wins")
		assert.NotPanics(t, func() { g.SetLimit(1) }, "nothing is left in flight")
	})
}

// TestGroupTryGo proves that TryGo starts a task only if it can at once: it
// never waits, a refusal for want of room is no error, and the refused task
// gives back the slot it took in the group.
func TestGroupTryGo(t *testing.T) {
	refusals := []struct {
		name     string
		opts     []tide.Option
		limit    int
		fill     func(t *testing.T, p *tide.Pool, g *tide.Group, gt gate)
		laterRun bool // whether TryGo starts a task once the filler ended
	}{
		{"the group is at its limit", nil, 1, func(t *testing.T, _ *tide.Pool, g *tide.Group, gt gate) {
			require.True(t, g.TryGo(func() error { <-gt; return nil }))
		}, true},
		{"the group's limit is 0", nil, 0, func(*testing.T, *tide.Pool, *tide.Group, gate) {}, false},
		{"the pool has no room", []tide.Option{tide.WithCapacity(1), tide.WithQueueSize(0)}, 1,
			func(_ *testing.T, p *tide.Pool, _ *tide.Group, gt gate) { p.Go(gt.task()) }, true},
		{"a nonblocking pool has no room", []tide.Option{tide.WithCapacity(1), tide.WithQueueSize(0), tide.WithNonblocking()}, 1,
			func(_ *testing.T, p *tide.Pool, _ *tide.Group, gt gate) { p.Go(gt.task()) }, true},
		{"the pool's queue is full, after TryGo took its last slot", []tide.Option{tide.WithCapacity(1), tide.WithQueueSize(1)}, -1,
			func(t *testing.T, p *tide.Pool, g *tide.Group, gt gate) {
				p.Go(gt.task())
				require.True(t, g.TryGo(func() error { <-gt; return nil }), "a queue slot is room")
				synctest.Wait()
				require.Equal(t, 1, p.Waiting())
			}, true},
	}
	for _, c := range refusals {
		inBubble(t, "TryGo returns false, without waiting or an error, when "+c.name, func(t *testing.T) {
			p := newPool(t, c.opts...)
			g := p.Group()
			g.SetLimit(c.limit)
			gt := newGate()
			c.fill(t, p, g, gt)
			synctest.Wait()
			var ran atomic.Int32
			task := func() error { ran.Add(1); return nil }
			assert.False(t, g.TryGo(task))
			assert.False(t, g.TryGo(task), "and again")
			assert.Zero(t, p.Blocked(), "TryGo did not wait for room")
			gt.open()
			p.Wait()
			require.NoError(t, g.Wait(), "a refusal is not an error")
			assert.Zero(t, ran.Load())
			assert.Equal(t, c.laterRun, g.TryGo(task), "the refused tasks gave their slots back")
			require.NoError(t, g.Wait())
			assert.Equal(t, c.laterRun, ran.Load() == 1)
		})
	}
}

// TestPanicCount proves guarantee 7's "every panic is counted once, whether
// the task was plain, a group's or a future's", through Stats.Panicked.
func TestPanicCount(t *testing.T) {
	t.Run("a plain task's, a group task's and a future's panic each count once", func(t *testing.T) {
		var handled atomic.Int32
		p := newPool(t, tide.WithPanicHandler(func(any) { handled.Add(1) }))
		p.Go(func() { panic("plain") })
		g := p.Group()
		g.Go(func() error { panic("group") })
		require.True(t, g.TryGo(func() error { panic("group, by TryGo") }))
		_, ferr := tide.SubmitFuture(p, func() (int, error) { panic("future") }).Wait()
		assert.ErrorIs(t, ferr, tide.ErrPanic)
		assert.ErrorIs(t, g.Wait(), tide.ErrPanic)
		p.Wait()
		st := p.Stats()
		assert.Equal(t, uint64(4), st.Panicked)
		assert.Equal(t, uint64(4), st.Completed)
		assert.Equal(t, int32(1), handled.Load(), "only the plain task's panic reached the handler")
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
			g := p.Group()
			require.True(t, g.TryGo(task))
			return g.Wait()
		}},
		{"Future's", func(t *testing.T, p *tide.Pool, task func() error) error {
			v, err := tide.SubmitFuture(p, func() (int, error) { return 1, task() }).Wait()
			assert.Zero(t, v, "no value from a panicked function")
			return err
		}},
	}
	for _, c := range recovering {
		t.Run("a "+c.name+" panic comes back as a PanicError counted before it does, not to the handler", func(t *testing.T) {
			var handled atomic.Int32
			p := newPool(t, tide.WithCapacity(1), tide.WithPanicHandler(func(any) { handled.Add(1) }))
			for i := range 50 {
				err := c.run(t, p, func() error { panic("boom") })
				require.ErrorIs(t, err, tide.ErrPanic)
				var pe *tide.PanicError
				require.ErrorAs(t, err, &pe)
				require.Equal(t, "boom", pe.Value)
				require.Contains(t, err.Error(), "boom")
				require.Contains(t, string(pe.Stack), "groups_test.go", "the stack names the panicking task")
				require.Equal(t, uint64(i+1), p.Stats().Panicked, "counted before the PanicError came back")
			}
			err := c.run(t, p, func() error { panic(nil) })
			require.ErrorIs(t, err, tide.ErrPanic)
			var pn *runtime.PanicNilError
			require.ErrorAs(t, err, &pn)
			p.Wait()
			st := p.Stats()
			assert.Equal(t, uint64(51), st.Panicked, "panic(nil) counts too")
			assert.Equal(t, uint64(51), st.Completed)
			assert.Equal(t, uint64(1), st.Spawned, "the one worker lived on")
			assert.Zero(t, handled.Load())
		})
	}

	t.Run("an error that is a PanicError, returned rather than panicked, is not a panic", func(t *testing.T) {
		p := newPool(t)
		inner := tide.SubmitFuture(p, func() (int, error) { panic("inner") })
		g := p.Group()
		g.Go(func() error { _, err := inner.Wait(); return err })
		f := tide.SubmitFuture(p, func() (int, error) { return inner.Wait() })
		require.ErrorIs(t, g.Wait(), tide.ErrPanic)
		_, err := f.Wait()
		require.ErrorIs(t, err, tide.ErrPanic)
		p.Wait()
		assert.Equal(t, uint64(1), p.Stats().Panicked, "only the inner function panicked")
	})

	t.Run("counts add up after many panicking group tasks and futures at once", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(8))
		const n = 200
		g := p.Group()
		futures := make([]*tide.Future[int], n)
		for i := range n {
			g.Go(func() error { panic(i) })
			futures[i] = tide.SubmitFuture(p, func() (int, error) { panic(i) })
		}
		require.ErrorIs(t, g.Wait(), tide.ErrPanic)
		for _, f := range futures {
			_, err := f.Wait()
			require.ErrorIs(t, err, tide.ErrPanic)
		}
		p.Wait()
		st := p.Stats()
		assert.Equal(t, uint64(2*n), st.Panicked)
		assert.Equal(t, st.Submitted, st.Completed)
	})

	// A Goexit (t.FailNow in a task, say) ends the task early but is no
	// panic: the group or Future learns of it, and nothing is stranded.
	for _, c := range recovering {
		inBubble(t, "a "+c.name+" runtime.Goexit comes back as ErrGoexit, is no panic, and strands nothing queued", func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1))
			var after atomic.Bool
			err := c.run(t, p, func() error {
				p.Go(func() { after.Store(true) }) // queued behind the only worker
				runtime.Goexit()
				return nil
			})
			assert.ErrorIs(t, err, tide.ErrGoexit)
			p.Wait()
			assert.True(t, after.Load(), "the task queued behind it ran")
			st := p.Stats()
			assert.Zero(t, st.Panicked)
			assert.Equal(t, uint64(2), st.Completed)
			assert.Zero(t, st.Running)
		})
	}
}
