package tide_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

func TestNilReceivers(t *testing.T) {
	for name, p := range map[string]*tide.Pool{"nil": nil, "zero": new(tide.Pool)} {
		t.Run("on a "+name+" Pool the methods that return an error return ErrNilPool", func(t *testing.T) {
			for op, err := range map[string]error{
				"Submit":         p.Submit(func() {}),
				"SubmitContext":  p.SubmitContext(context.Background(), func() {}),
				"Tune":           p.Tune(2),
				"ReleaseTimeout": p.ReleaseTimeout(time.Second),
				"Shutdown":       p.Shutdown(context.Background()),
			} {
				require.ErrorIs(t, err, tide.ErrNilPool, op)
				assert.Equal(t, "tide: "+op+": nil pool", err.Error())
			}
			_, err := tide.SubmitFuture(p, func() (int, error) { return 1, nil }).Wait()
			require.ErrorIs(t, err, tide.ErrNilPool)
			assert.Equal(t, "tide: SubmitFuture: nil pool", err.Error())
		})

		t.Run("on a "+name+" Pool the other methods panic with ErrNilPool", func(t *testing.T) {
			for op, call := range map[string]func(){
				"Go":           func() { p.Go(func() {}) },
				"Wait":         p.Wait,
				"Release":      p.Release,
				"IsClosed":     func() { p.IsClosed() },
				"Cap":          func() { p.Cap() },
				"Running":      func() { p.Running() },
				"Idle":         func() { p.Idle() },
				"Waiting":      func() { p.Waiting() },
				"Blocked":      func() { p.Blocked() },
				"Stats":        func() { p.Stats() },
				"Group":        func() { p.Group() },
				"GroupContext": func() { p.GroupContext(context.Background()) },
			} {
				err := panicValue(t, call)
				require.ErrorIs(t, err, tide.ErrNilPool, op)
				assert.Equal(t, "tide: "+op+": nil pool", err.Error())
			}
		})
	}

	t.Run("on a nil or zero FuncPool Invoke and InvokeContext return ErrNilPool and Pool panics", func(t *testing.T) {
		for _, fp := range []*tide.FuncPool[int]{nil, new(tide.FuncPool[int])} {
			err := fp.Invoke(1)
			require.ErrorIs(t, err, tide.ErrNilPool)
			assert.Equal(t, "tide: Invoke: nil pool", err.Error())
			err = fp.InvokeContext(context.Background(), 1)
			require.ErrorIs(t, err, tide.ErrNilPool)
			assert.Equal(t, "tide: InvokeContext: nil pool", err.Error())
			err = panicValue(t, func() { fp.Pool() })
			assert.ErrorIs(t, err, tide.ErrNilPool)
		}
	})

	t.Run("every method of a nil Group panics, saying how to make one", func(t *testing.T) {
		var g *tide.Group
		for op, call := range map[string]func(){
			"Go":       func() { g.Go(func() error { return nil }) },
			"TryGo":    func() { g.TryGo(func() error { return nil }) },
			"SetLimit": func() { g.SetLimit(1) },
			"Wait":     func() { _ = g.Wait() },
		} {
			err := panicValue(t, call)
			assert.Contains(t, err.Error(), "tide: Group."+op+" called on a nil *Group", op)
			assert.Contains(t, err.Error(), "Pool.Group")
		}
	})

	t.Run("every method of a nil or zero Future panics instead of waiting for ever", func(t *testing.T) {
		for _, f := range []*tide.Future[int]{nil, new(tide.Future[int])} {
			for op, call := range map[string]func(){
				"Wait":        func() { _, _ = f.Wait() },
				"WaitContext": func() { _, _ = f.WaitContext(context.Background()) },
				"Done":        func() { f.Done() },
			} {
				err := panicValue(t, call)
				assert.Contains(t, err.Error(), "tide: Future."+op+" called on a nil or zero Future", op)
			}
		}
	})
}

func TestReleasedPool(t *testing.T) {
	t.Run("Tune after Release returns ErrPoolClosed and changes nothing", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(3))
		p.Release()
		err := p.Tune(5)
		require.ErrorIs(t, err, tide.ErrPoolClosed)
		assert.Equal(t, 3, p.Cap())
	})

	t.Run("Tune after Release still reports an invalid capacity first", func(t *testing.T) {
		p := newPool(t)
		p.Release()
		assert.ErrorIs(t, p.Tune(0), tide.ErrInvalidCapacity)
	})

	t.Run("a released pool refuses every submission with ErrPoolClosed, naming the call once", func(t *testing.T) {
		p := newPool(t)
		p.Release()
		require.ErrorIs(t, p.Submit(func() {}), tide.ErrPoolClosed)
		require.ErrorIs(t, p.SubmitContext(context.Background(), func() {}), tide.ErrPoolClosed)

		err := panicValue(t, func() { p.Go(func() {}) })
		require.ErrorIs(t, err, tide.ErrPoolClosed)
		assert.Equal(t, "tide: Go: pool closed", err.Error())

		_, err = tide.SubmitFuture(p, func() (int, error) { return 1, nil }).Wait()
		require.ErrorIs(t, err, tide.ErrPoolClosed)
		assert.Equal(t, "tide: SubmitFuture: pool closed", err.Error())

		g := p.Group()
		g.Go(func() error { return nil })
		err = g.Wait()
		require.ErrorIs(t, err, tide.ErrPoolClosed)
		assert.Equal(t, "tide: Group.Go: pool closed", err.Error())

		g = p.Group()
		assert.False(t, g.TryGo(func() error { return nil }))
		err = g.Wait()
		require.ErrorIs(t, err, tide.ErrPoolClosed)
		assert.Equal(t, "tide: Group.TryGo: pool closed", err.Error())

		assert.Zero(t, p.Stats().Submitted)
	})

	t.Run("a released FuncPool refuses Invoke and InvokeContext with ErrPoolClosed", func(t *testing.T) {
		fp, err := tide.NewFuncPool(func(int) { t.Error("fn ran") })
		require.NoError(t, err)
		require.NoError(t, fp.Pool().ReleaseTimeout(10*time.Second))
		assert.ErrorIs(t, fp.Invoke(1), tide.ErrPoolClosed)
		assert.ErrorIs(t, fp.InvokeContext(context.Background(), 1), tide.ErrPoolClosed)
	})

	t.Run("Release, ReleaseTimeout and Shutdown may be called again after Release", func(t *testing.T) {
		p := newPool(t)
		p.Release()
		assert.NotPanics(t, p.Release)
		assert.NoError(t, p.ReleaseTimeout(10*time.Second))
		assert.NoError(t, p.Shutdown(context.Background()))
		assert.True(t, p.IsClosed())
	})

	t.Run("a nil task to Go panics on the worker with one prefix", func(t *testing.T) {
		got := make(chan any, 1)
		p := newPool(t, tide.WithPanicHandler(func(r any) { got <- r }))
		p.Go(nil)
		r := <-got
		err, ok := r.(error)
		require.True(t, ok)
		require.ErrorIs(t, err, tide.ErrNilTask)
		assert.Equal(t, "tide: Go: nil task", err.Error())
	})
}
