package tide_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/pooltest"
)

func TestFuture(t *testing.T) {
	// Every waiter, by Done, Wait or WaitContext, gets the result once fn
	// returned, unless its ctx ends first; a ready Future answers even a
	// done ctx; one waiter runs fn, queued behind a busy worker.
	inBubble(t, "waiters", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(1))
		queue, run := newGate(), newGate()
		p.Go(queue.task())
		bad := errors.New("bad")
		f := tide.SubmitFuture(p, func() (*int, error) { <-run; n := 7; return &n, bad })
		waits := []func() (*int, error){f.Wait, func() (*int, error) { return f.WaitContext(context.Background()) }}
		results := make(chan *int, 8)
		for i := range cap(results) {
			go func() {
				v, err := waits[i%2]()
				assert.Equal(t, bad, err)
				results <- v
			}()
		}
		synctest.Wait()
		st := p.Stats()
		assert.Equal(t, [2]int{2, 0}, [2]int{st.Running, st.Waiting}, "a waiter moved it from queued to running")
		require.True(t, pending(f.Done()), "not ready while running")
		queue.open()
		synctest.Wait()
		require.True(t, pending(f.Done()), "not ready while running, though the worker reached its leftover")
		require.True(t, pending(results), "no waiter returned early")
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		v, err := f.WaitContext(ctx)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Nil(t, v)
		assert.Equal(t, time.Second, time.Since(start), "it waited until the deadline, on the bubble's clock")
		run.open()
		<-f.Done()
		first := <-results
		require.NotNil(t, first)
		assert.Equal(t, 7, *first)
		for range cap(results) - 1 {
			assert.Same(t, first, <-results, "the same result for every waiter")
		}
		for range 100 { // WaitContext must prefer the ready result to the done ctx every time
			v, err = f.WaitContext(ctx)
			require.Equal(t, bad, err)
			require.Same(t, first, v)
		}
		p.Wait()
		synctest.Wait()
		// The worker, idle since it reached the leftover, was retired while WaitContext waited a second.
		assert.Equal(t, tide.Stats{Capacity: 1, Submitted: 2, Completed: 2, Spawned: 1, Retired: 1}, p.Stats())
	})

	// A refused Future is ready at once, with the refusal.
	inBubble(t, "refused", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(1), tide.WithQueueSize(0), tide.WithNonblocking())
		gt := newGate()
		defer gt.open()
		p.Go(gt.task())
		refusals := []struct {
			fn   func() (int, error)
			want error
			text string
		}{
			{nil, tide.ErrNilTask, "tide: SubmitFuture: nil task"},
			{func() (int, error) { return 1, nil }, tide.ErrPoolOverload, "tide: SubmitFuture: pool overloaded"},
		}
		for _, c := range refusals {
			f := tide.SubmitFuture(p, c.fn)
			require.False(t, pending(f.Done()), "ready without waiting")
			v, err := f.Wait()
			assert.Zero(t, v)
			requireErr(t, err, c.want, c.text)
		}
		assert.Equal(t, uint64(1), p.Stats().Submitted, "only the gated task")
	})
}
