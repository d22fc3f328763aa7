package tide_test

import (
	"bytes"
	"context"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// syncBuffer is a bytes.Buffer safe for a logger shared with workers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

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

	t.Run("a panic handler that calls runtime.Goexit, as t.FailNow does, leaves the panic counted once and the pool serving", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithPanicHandler(func(any) { runtime.Goexit() }))
			p.Go(func() { panic("task") })
			var ran atomic.Bool
			p.Go(func() { ran.Store(true) })
			p.Wait()
			synctest.Wait()
			assert.True(t, ran.Load(), "the next task ran on a replacement worker")
			st := p.Stats()
			assert.Equal(t, uint64(2), st.Completed)
			assert.Equal(t, uint64(1), st.Panicked)
			assert.Equal(t, st.Spawned-st.Retired, uint64(st.Workers))
		})
	})

	t.Run("a logger whose handler panics does not kill the process, and the panic is counted", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(1), tide.WithLogger(slog.New(panickingHandler{})))
		p.Go(func() { panic("task") })
		var ran atomic.Bool
		p.Go(func() { ran.Store(true) })
		p.Wait()
		assert.True(t, ran.Load())
		st := p.Stats()
		assert.Equal(t, uint64(2), st.Completed)
		assert.Equal(t, uint64(1), st.Panicked)
	})
}

// panickingHandler is a slog.Handler that panics on every record.
type panickingHandler struct{ slog.Handler }

func (panickingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (panickingHandler) Handle(context.Context, slog.Record) error { panic("logger broke") }
