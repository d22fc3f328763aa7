package tide_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/pooltest"
)

// TestNestedGroupsComplete proves the helping promise: a fan-out tree of
// groups, each task waiting for its own children, completes on a pool of
// any capacity whose queue holds the tree, begun from outside the pool or
// from inside one of its tasks, and each leaf runs exactly once.
func TestNestedGroupsComplete(t *testing.T) {
	const depth, width = 3, 3
	for _, capacity := range []int{1, 2, 4} {
		for _, queue := range []int{-1, 64} {
			for _, inside := range []bool{false, true} {
				name := fmt.Sprintf("capacity %d, queue %d (-1: unbounded), begun inside a task: %v", capacity, queue, inside)
				inBubble(t, name, func(t *testing.T) {
					opts := []tide.Option{tide.WithCapacity(capacity)}
					if queue >= 0 {
						opts = append(opts, tide.WithQueueSize(queue))
					}
					p := pooltest.New(t, opts...)
					var leaves [27]atomic.Int32
					var tree func(level, index int) error
					tree = func(level, index int) error {
						if level == depth {
							leaves[index].Add(1)
							return nil
						}
						g := p.Group()
						for i := range width {
							g.Go(func() error { return tree(level+1, index*width+i) })
						}
						return g.Wait()
					}
					if inside {
						_, err := tide.SubmitFuture(p, func() (int, error) { return 0, tree(0, 0) }).Wait()
						require.NoError(t, err)
					} else {
						require.NoError(t, tree(0, 0))
					}
					for i := range leaves {
						assert.Equal(t, int32(1), leaves[i].Load(), "leaf %d", i)
					}
					p.Wait()
					st := p.Stats()
					queueSize := queue
					if queue < 0 {
						queueSize = math.MaxInt
					}
					checkInvariants(t, st, queueSize, "after the tree")
					assert.Equal(t, st.Submitted, st.Completed)
				})
			}
		}
	}
}

// fib is a recursive future: each call waits for the futures of its two
// halves, on the same pool.
func fib(p *tide.Pool, n int) (int, error) {
	if n < 2 {
		return n, nil
	}
	a := tide.SubmitFuture(p, func() (int, error) { return fib(p, n-1) })
	b := tide.SubmitFuture(p, func() (int, error) { return fib(p, n-2) })
	x, err := a.Wait()
	if err != nil {
		return 0, err
	}
	y, err := b.Wait()
	return x + y, err
}

func TestNestedFuturesComplete(t *testing.T) {
	// Recursive futures, fib(12), complete on a pool of capacity 1.
	inBubble(t, "fib12 cap1", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(1))
		v, err := tide.SubmitFuture(p, func() (int, error) { return fib(p, 12) }).Wait()
		require.NoError(t, err)
		assert.Equal(t, 144, v)
		p.Wait()
		st := p.Stats()
		assert.Equal(t, st.Submitted, st.Completed)
		assert.Equal(t, uint64(0), st.Panicked)
	})
}

func TestHelpedPanic(t *testing.T) {
	// A panic in a task its waiter ran reaches the inner group's Wait as a PanicError, counted once.
	inBubble(t, "helped panic", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(1))
		outer := p.Group()
		outer.Go(func() error {
			inner := p.Group()
			inner.Go(func() error { panic("leaf") }) // queued behind this task: only Wait can run it
			err := inner.Wait()
			var pe *tide.PanicError
			if !errors.As(err, &pe) || pe.Value != "leaf" {
				return fmt.Errorf("inner Wait returned %w, not the leaf's PanicError", err)
			}
			return nil
		})
		require.NoError(t, outer.Wait())
		p.Wait()
		st := p.Stats()
		assert.Equal(t, uint64(1), st.Panicked)
		assert.Equal(t, uint64(2), st.Submitted)
		assert.Equal(t, st.Submitted, st.Completed)
	})
}

func TestWaitFigures(t *testing.T) {
	// One submitter that waits 5 s for room counts one wait of 5 s.
	inBubble(t, "one wait", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(1), tide.WithQueueSize(0))
		gt := newGate()
		require.NoError(t, p.Submit(gt.task()))
		accepted := make(chan error, 1)
		go func() { accepted <- p.Submit(func() {}) }()
		synctest.Wait()
		time.Sleep(5 * time.Second)
		gt.open()
		require.NoError(t, <-accepted)
		p.Wait()
		st := p.Stats()
		assert.Equal(t, uint64(1), st.WaitCount)
		assert.Equal(t, 5*time.Second, st.WaitDuration)
		assert.Zero(t, st.Overloaded)
	})

	// Three refused Submits on a full nonblocking pool count three overloads and no wait.
	inBubble(t, "three refusals", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(1), tide.WithQueueSize(0), tide.WithNonblocking())
		gt := newGate()
		defer gt.open()
		require.NoError(t, p.Submit(gt.task()))
		for range 3 {
			require.ErrorIs(t, p.Submit(func() {}), tide.ErrPoolOverload)
		}
		st := p.Stats()
		assert.Equal(t, uint64(3), st.Overloaded)
		assert.Zero(t, st.WaitCount)
		assert.Zero(t, st.WaitDuration)
	})

	// A wait abandoned by its context, or refused by Release, counts its time.
	inBubble(t, "abandoned or refused", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(1), tide.WithQueueSize(0))
		gt := newGate()
		require.NoError(t, p.Submit(gt.task()))
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		assert.ErrorIs(t, p.SubmitContext(ctx, func() {}), context.DeadlineExceeded)
		refused := make(chan error, 1)
		go func() { refused <- p.Submit(func() {}) }()
		synctest.Wait()
		time.Sleep(3 * time.Second)
		p.Release()
		assert.ErrorIs(t, <-refused, tide.ErrPoolClosed)
		gt.open()
		st := p.Stats()
		assert.Equal(t, uint64(2), st.WaitCount)
		assert.Equal(t, 5*time.Second, st.WaitDuration)
	})
}

func TestContextForms(t *testing.T) {
	var nilCtx context.Context // a nil context is refused with ErrNilContext
	// Tide.GroupContext cancels its context at the first error.
	inBubble(t, "group context", func(t *testing.T) {
		first := errors.New("first")
		g, ctx := tide.GroupContext(context.Background())
		g.Go(func() error { <-ctx.Done(); return ctx.Err() })
		g.Go(func() error { return first })
		assert.ErrorIs(t, g.Wait(), first)
		assert.ErrorIs(t, context.Cause(ctx), first)
		assert.ErrorIs(t, pooltest.PanicValue(t, func() { tide.GroupContext(nilCtx) }), tide.ErrNilContext)
	})

	// SubmitFutureContext on a full pool gives up with its context, and fn never runs.
	inBubble(t, "future context", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(1), tide.WithQueueSize(0))
		gt := newGate()
		require.NoError(t, p.Submit(gt.task()))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		var ran atomic.Bool
		f := tide.SubmitFutureContext(ctx, p, func() (int, error) { ran.Store(true); return 1, nil })
		v, err := f.Wait()
		assert.Equal(t, context.DeadlineExceeded, err, "ctx.Err(), unchanged")
		assert.Zero(t, v)
		gt.open()
		p.Wait()
		assert.False(t, ran.Load())
		assert.Equal(t, uint64(1), p.Stats().Submitted, "only the gated task")
		_, err = tide.SubmitFutureContext(nilCtx, p, func() (int, error) { return 1, nil }).Wait()
		assert.ErrorIs(t, err, tide.ErrNilContext)
	})
}

// TestFutureReadyAfterCount proves that a Future is ready only once the pool
// has counted its task, as completed and as panicked: Stats right after
// Wait already shows both, whether a worker or the waiter ran it.
func TestFutureReadyAfterCount(t *testing.T) {
	p := pooltest.New(t, tide.WithCapacity(2))
	for round := range uint64(500) {
		_, err := tide.SubmitFuture(p, func() (int, error) { panic("counted") }).Wait()
		require.ErrorIs(t, err, tide.ErrPanic)
		st := p.Stats()
		require.Equal(t, [2]uint64{round + 1, round + 1}, [2]uint64{st.Completed, st.Panicked}, "round %d", round)
	}
}
