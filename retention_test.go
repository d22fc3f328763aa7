package tide_test

import (
	"context"
	"runtime"
	"testing"
	"testing/synctest"
	"time"
	"weak"

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/pooltest"
)

// payload is what a tracked task's closure holds on to. It is too large for
// the tiny allocator's shared blocks, where a neighbour could keep it alive.
type payload struct{ data [64]byte }

//go:noinline
func (pl *payload) use() { pl.data[0]++ }

// tracked returns a task whose closure holds a fresh payload, and a weak
// pointer to that payload: once nothing holds the task, the weak pointer
// goes nil at the next garbage collection. The payload escapes only into the
// closure, so after the caller has handed the task over, whatever keeps the
// payload alive is the pool.
func tracked(wrap func(func())) (func(), weak.Pointer[payload]) {
	pl := &payload{}
	task := func() { pl.use() }
	if wrap != nil {
		inner := task
		task = func() { wrap(inner) }
	}
	return task, weak.Make(pl)
}

// submitTracked submits a tracked task with submit and returns its weak
// pointer. The task is only reachable through the pool once it returns.
func submitTracked(t *testing.T, submit func(func()) error, wrap func(func())) weak.Pointer[payload] {
	t.Helper()
	task, wp := tracked(wrap)
	require.NoError(t, submit(task))
	return wp
}

// requireCollected runs the garbage collector and fails if any payload is
// still reachable.
func requireCollected(t *testing.T, wps ...weak.Pointer[payload]) {
	t.Helper()
	runtime.GC()
	runtime.GC()
	for i, wp := range wps {
		require.Nil(t, wp.Value(), "payload %d of %d is still held after its task ran", i, len(wps))
	}
}

// TestRetention checks that the pool lets go of a task, and of what its
// closure holds, however the task leaves it; each subtest says where.
func TestRetention(t *testing.T) {
	// A task that ran is not held by its worker, parked or retired.
	inBubble(t, "ran", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(4), tide.WithExpiry(time.Second))
		var wps []weak.Pointer[payload]
		for range 4 {
			wps = append(wps, submitTracked(t, p.Submit, nil))
		}
		p.Wait()
		synctest.Wait()
		require.Positive(t, p.Idle())
		requireCollected(t, wps...)
		time.Sleep(2 * time.Second)
		synctest.Wait()
		require.Zero(t, p.Stats().Workers)
		requireCollected(t, wps...)
	})

	// A task that waited in the queue is not held by its slot.
	inBubble(t, "queued", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(1))
		g := newGate()
		p.Go(g.task())
		var wps []weak.Pointer[payload]
		for range 300 { // more than one segment of the queue
			wps = append(wps, submitTracked(t, p.Submit, nil))
		}
		synctest.Wait()
		require.Equal(t, 300, p.Waiting())
		g.open()
		p.Wait()
		synctest.Wait()
		requireCollected(t, wps...)
	})

	// A task admitted after waiting for room is not held by the waiter.
	inBubble(t, "admitted after waiting", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(1), tide.WithQueueSize(0))
		g := newGate()
		p.Go(g.task())
		var wps []weak.Pointer[payload]
		var errcs []<-chan error
		for range 5 {
			task, wp := tracked(nil)
			wps = append(wps, wp)
			errcs = append(errcs, submitAsync(p, task))
			synctest.Wait()
		}
		g.open()
		for _, err := range requireReturnWithin(t, virtualDeadline, errcs) {
			require.NoError(t, err)
		}
		p.Wait()
		synctest.Wait()
		requireCollected(t, wps...)
	})

	// A task withdrawn by its context or refused at Release is not held.
	inBubble(t, "withdrawn or refused", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(1), tide.WithQueueSize(0))
		g := newGate()
		p.Go(g.task())
		ctx, cancel := context.WithCancel(context.Background())
		withdrawn, wpWithdrawn := tracked(nil)
		errWithdrawn := make(chan error, 1)
		go func(task func()) { errWithdrawn <- p.SubmitContext(ctx, task) }(withdrawn)
		refused, wpRefused := tracked(nil)
		errRefused := submitAsync(p, refused)
		synctest.Wait()
		cancel()
		assert.Equal(t, context.Canceled, <-errWithdrawn)
		p.Release()
		assert.ErrorIs(t, <-errRefused, tide.ErrPoolClosed)
		synctest.Wait()
		requireCollected(t, wpWithdrawn, wpRefused)
		g.open()
	})

	// Each case hands over tracked tasks that end in their own way.
	for _, c := range []struct {
		name string
		opts []tide.Option
		n    int
		wrap func(func())
	}{
		// A task handed over in a burst to parked workers is not held.
		{"burst to parked workers", []tide.Option{tide.WithCapacity(4), tide.WithMinWorkers(4)}, 16, nil},
		// A task that panicked, and its panic value, are not held once the
		// handler returned. The panic value is the task itself, so it holds
		// the payload too.
		{"panicked", []tide.Option{tide.WithCapacity(2), tide.WithPanicHandler(func(any) {})}, 4, func(f func()) { f(); panic(f) }},
		// A task that called runtime.Goexit is not held.
		{"goexit", []tide.Option{tide.WithCapacity(2), tide.WithQueueSize(2)}, 4, func(f func()) { f(); runtime.Goexit() }},
	} {
		inBubble(t, c.name, func(t *testing.T) {
			p := pooltest.New(t, c.opts...)
			var wps []weak.Pointer[payload]
			for range c.n {
				wps = append(wps, submitTracked(t, p.Submit, c.wrap))
			}
			p.Wait()
			synctest.Wait()
			requireCollected(t, wps...)
		})
	}

	// An argument given to a FuncPool's Invoke is not held once fn ran.
	inBubble(t, "funcpool argument", func(t *testing.T) {
		fp, err := tide.NewFuncPool(func(pl *payload) { pl.use() }, tide.WithCapacity(2))
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, fp.Pool().ReleaseTimeout(virtualDeadline)) })
		g := newGate()
		require.NoError(t, fp.Pool().Submit(g.task())) // so that some arguments queue
		var wps []weak.Pointer[payload]
		for range 10 {
			pl := &payload{}
			wps = append(wps, weak.Make(pl))
			require.NoError(t, fp.Invoke(pl))
		}
		g.open()
		fp.Pool().Wait()
		synctest.Wait()
		requireCollected(t, wps...)
	})
}
