package tide_test

import (
	"context"
	"testing"

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/pooltest"
)

// TestNilContext checks the one rule for a nil context: a function that
// returns an error returns one matching ErrNilContext, naming itself, and
// does nothing else; GroupContext, which returns none, panics with one.
func TestNilContext(t *testing.T) {
	var nilCtx context.Context
	p := pooltest.New(t)
	fp := newFuncPool(t, func(int) { t.Error("fn ran") })
	ready := tide.SubmitFuture(p, func() (int, error) { return 7, nil })
	<-ready.Done()
	v, waitErr := ready.WaitContext(nilCtx)
	assert.Zero(t, v, "WaitContext refuses even a ready Future")
	for op, err := range map[string]error{
		"SubmitContext":      p.SubmitContext(nilCtx, func() { t.Error("task ran") }),
		"InvokeContext":      fp.InvokeContext(nilCtx, 1),
		"Future.WaitContext": waitErr,
		"Shutdown":           p.Shutdown(nilCtx),
		"GroupContext":       pooltest.PanicValue(t, func() { p.GroupContext(nilCtx) }),
	} {
		requireErr(t, err, tide.ErrNilContext, "tide: "+op+": nil context")
	}
	assert.Equal(t, uint64(1), p.Stats().Submitted, "only the Future's task was submitted")
	assert.Zero(t, fp.Pool().Stats().Submitted)
	assert.False(t, p.IsClosed(), "Shutdown left the pool open")
	assert.NoError(t, p.Submit(func() {}))
}

// TestNilReceivers checks that a pool never made (nil, or a zero value)
// reports ErrNilPool, naming the call, from every method: those that return
// an error return it, the others panic with it; and that the methods of a
// nil Group or a nil or zero Future panic, saying how to make one.
func TestNilReceivers(t *testing.T) {
	const group = " called on a nil *Group: make one with Pool.Group or Pool.GroupContext, or declare a tide.Group"
	const future = " called on a nil or zero Future: SubmitFuture makes Futures"
	unmade := map[string]struct {
		p  *tide.Pool
		fp *tide.FuncPool[int]
		f  *tide.Future[int]
	}{"nil": {nil, nil, nil}, "zero": {new(tide.Pool), new(tide.FuncPool[int]), new(tide.Future[int])}}
	// Each subtest, named "nil" or "zero": every method of a nil (or zero)
	// Pool or FuncPool reports ErrNilPool, and every method of a nil (or zero)
	// Future, or of a nil Group, panics saying how to make one.
	for kind, r := range unmade {
		t.Run(kind, func(t *testing.T) {
			p, fp, f := r.p, r.fp, r.f
			_, futureErr := tide.SubmitFuture(p, func() (int, error) { return 1, nil }).Wait()
			for op, err := range map[string]error{
				"Submit":         p.Submit(func() {}),
				"SubmitContext":  p.SubmitContext(context.Background(), func() {}),
				"Tune":           p.Tune(2),
				"ReleaseTimeout": p.ReleaseTimeout(virtualDeadline),
				"Shutdown":       p.Shutdown(context.Background()),
				"SubmitFuture":   futureErr,
				"Invoke":         fp.Invoke(1),
				"InvokeContext":  fp.InvokeContext(context.Background(), 1),
				"Go":             pooltest.PanicValue(t, func() { p.Go(func() {}) }),
				"Wait":           pooltest.PanicValue(t, p.Wait),
				"Release":        pooltest.PanicValue(t, p.Release),
				"IsClosed":       pooltest.PanicValue(t, func() { p.IsClosed() }),
				"Cap":            pooltest.PanicValue(t, func() { p.Cap() }),
				"Running":        pooltest.PanicValue(t, func() { p.Running() }),
				"Idle":           pooltest.PanicValue(t, func() { p.Idle() }),
				"Waiting":        pooltest.PanicValue(t, func() { p.Waiting() }),
				"Blocked":        pooltest.PanicValue(t, func() { p.Blocked() }),
				"Stats":          pooltest.PanicValue(t, func() { p.Stats() }),
				"Group":          pooltest.PanicValue(t, func() { p.Group() }),
				"GroupContext":   pooltest.PanicValue(t, func() { p.GroupContext(context.Background()) }),
				"FuncPool.Pool":  pooltest.PanicValue(t, func() { fp.Pool() }),
			} {
				requireErr(t, err, tide.ErrNilPool, "tide: "+op+": nil pool")
			}
			var g *tide.Group // the zero Group is a valid one
			for text, call := range map[string]func(){
				"tide: Group.Go" + group:            func() { g.Go(func() error { return nil }) },
				"tide: Group.TryGo" + group:         func() { g.TryGo(func() error { return nil }) },
				"tide: Group.SetLimit" + group:      func() { g.SetLimit(1) },
				"tide: Group.Wait" + group:          func() { _ = g.Wait() },
				"tide: Future.Wait" + future:        func() { _, _ = f.Wait() },
				"tide: Future.WaitContext" + future: func() { _, _ = f.WaitContext(context.Background()) },
				"tide: Future.Done" + future:        func() { f.Done() },
			} {
				require.EqualError(t, pooltest.PanicValue(t, call), text)
			}
		})
	}
}

// TestReleasedPool checks that a released pool, or FuncPool, refuses every
// submission and Tune with ErrPoolClosed, naming the call at most once, and
// runs and changes nothing; Tune reports a capacity below one first.
func TestReleasedPool(t *testing.T) {
	p := pooltest.New(t, tide.WithCapacity(3))
	fp := newFuncPool(t, func(int) { t.Error("fn ran") })
	p.Release()
	fp.Pool().Release()
	task := func() { t.Error("task ran") }
	byGo, byTryGo := p.Group(), p.Group()
	byGo.Go(func() error { task(); return nil })
	assert.False(t, byTryGo.TryGo(func() error { task(); return nil }))
	_, futureErr := tide.SubmitFuture(p, func() (int, error) { task(); return 1, nil }).Wait()
	for _, c := range []struct {
		err, target error
		text        string
	}{
		{p.Submit(task), tide.ErrPoolClosed, "tide: pool closed"},
		{p.SubmitContext(context.Background(), task), tide.ErrPoolClosed, "tide: pool closed"},
		{pooltest.PanicValue(t, func() { p.Go(task) }), tide.ErrPoolClosed, "tide: Go: pool closed"},
		{futureErr, tide.ErrPoolClosed, "tide: SubmitFuture: pool closed"},
		{byGo.Wait(), tide.ErrPoolClosed, "tide: Group.Go: pool closed"},
		{byTryGo.Wait(), tide.ErrPoolClosed, "tide: Group.TryGo: pool closed"},
		{p.Tune(5), tide.ErrPoolClosed, "tide: pool closed"},
		{p.Tune(0), tide.ErrInvalidCapacity, "tide: capacity must be at least 1 (got 0)"},
		{fp.Invoke(1), tide.ErrPoolClosed, "tide: pool closed"},
		{fp.InvokeContext(context.Background(), 1), tide.ErrPoolClosed, "tide: pool closed"},
	} {
		requireErr(t, c.err, c.target, c.text)
	}
	assert.Equal(t, 3, p.Cap(), "Tune changed nothing")
	assert.Zero(t, p.Stats().Submitted)
	assert.Zero(t, fp.Pool().Stats().Submitted)
}
