package tide_test

import (
	"log/slog"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

func TestPanics(t *testing.T) {
	t.Run("the handler gets the value, before Wait returns, and the worker survives", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var got atomic.Value
			p := newPool(t, tide.WithCapacity(1), tide.WithPanicHandler(func(r any) { got.Store(r) }))
			p.Go(func() { panic("boom") })
			p.Wait()
			assert.Equal(t, "boom", got.Load())
			ran := make(chan struct{})
			p.Go(func() { close(ran) })
			<-ran
			p.Wait()
			st := p.Stats()
			assert.Equal(t, uint64(1), st.Spawned, "the same worker ran both tasks")
			assert.Equal(t, uint64(2), st.Completed)
			assert.Equal(t, uint64(1), st.Panicked)
		})
	})

	t.Run("without a handler the panic is logged with its stack", func(t *testing.T) {
		var buf syncBuffer
		p := newPool(t, tide.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
		p.Go(func() { panic("kaboom") })
		p.Wait()
		out := buf.String()
		assert.Contains(t, out, "tide: task panicked")
		assert.Contains(t, out, "kaboom")
		assert.Contains(t, out, "panic_test.go", "the stack names the panicking task")
	})

	t.Run("panic(nil) is reported as a panic", func(t *testing.T) {
		var got atomic.Value
		p := newPool(t, tide.WithPanicHandler(func(r any) { got.Store(r) }))
		p.Go(func() { panic(nil) })
		p.Wait()
		var pe *runtime.PanicNilError
		err, _ := got.Load().(error)
		assert.ErrorAs(t, err, &pe)
		assert.Equal(t, uint64(1), p.Stats().Panicked)
	})

	t.Run("a handler that panics is logged and the pool goes on", func(t *testing.T) {
		var buf syncBuffer
		p := newPool(t, tide.WithCapacity(1),
			tide.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))),
			tide.WithPanicHandler(func(r any) { panic("handler too") }))
		p.Go(func() { panic("task") })
		var ran atomic.Bool
		p.Go(func() { ran.Store(true) })
		p.Wait()
		assert.True(t, ran.Load())
		assert.Contains(t, buf.String(), "handler too")
		st := p.Stats()
		assert.Equal(t, uint64(2), st.Completed)
		assert.Equal(t, uint64(1), st.Panicked)
	})

	t.Run("a nil task given to Go panics on the worker with ErrNilTask", func(t *testing.T) {
		var got atomic.Value
		p := newPool(t, tide.WithPanicHandler(func(r any) { got.Store(r) }))
		assert.NotPanics(t, func() { p.Go(nil) })
		p.Wait()
		err, _ := got.Load().(error)
		assert.ErrorIs(t, err, tide.ErrNilTask)
	})

	t.Run("a task that calls runtime.Goexit leaves the pool consistent", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(1))
			g := newGate()
			p.Go(func() { <-g; runtime.Goexit() })
			p.Go(func() {}) // queued behind it
			errc := submitAsync(p, func() {})
			synctest.Wait()
			require.True(t, pending(errc))
			g.open()
			require.NoError(t, <-errc, "the waiting submitter is not stranded")
			p.Wait()
			synctest.Wait()
			st := p.Stats()
			assert.Equal(t, uint64(3), st.Completed)
			assert.Zero(t, st.Panicked)
			assert.Equal(t, 1, st.Workers)
			assert.Equal(t, uint64(2), st.Spawned, "a replacement took over the queue")
			assert.Equal(t, st.Spawned-st.Retired, uint64(st.Workers))
		})
	})
}
