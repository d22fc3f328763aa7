package tide

import "context"

// FuncPool is a pool whose workers all run one function, fn, each time with
// the argument given to Invoke. Its queue stores the arguments themselves, so
// Invoke makes no closure and, once the pool is warm (workers started, queue
// grown to its working size), does not allocate.
//
// A FuncPool has the same scheduling, guarantees and options as a [Pool]:
// its [FuncPool.Pool] is a Pool over the very same workers, for Wait, Tune,
// Release and Stats, and for closures run alongside fn. A FuncPool must be
// made with NewFuncPool and is safe for concurrent use. Invoking happens
// before fn runs with that argument. On a nil *FuncPool (or a zero one),
// Invoke and InvokeContext return an error matching [ErrNilPool] and Pool
// panics with one.
type FuncPool[T any] struct {
	e *engine[T]
	p *Pool // wraps e; made once, so Pool always returns the same *Pool
}

// NewFuncPool returns a pool that runs fn on its workers, configured by opts
// exactly as [New] is. It returns [ErrNilTask] for a nil fn and, for an
// invalid option, an error matching the option's ErrInvalid… value. Like
// New, it starts no goroutine unless [WithMinWorkers] asks.
func NewFuncPool[T any](fn func(T), opts ...Option) (*FuncPool[T], error) {
	if fn == nil {
		return nil, ErrNilTask
	}
	cfg, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	e := newEngine(cfg, fn)
	return &FuncPool[T]{e: e, p: &Pool{s: e, bubbled: inBubble()}}, nil
}

// Invoke hands arg to the pool, to run fn(arg) on one of its workers, with
// [Pool.Submit]'s semantics: nil means accepted and fn(arg) will run exactly
// once; it waits for room when there is none, except on a pool made
// [WithNonblocking], where it returns [ErrPoolOverload]; after Release it
// returns [ErrPoolClosed]. Any arg is valid, the zero value and nil included.
// A panic in fn goes to the pool's panic handler or logger, as a task's does.
// Invoke does not allocate once the pool is warm, unless it has to wait for
// room.
func (fp *FuncPool[T]) Invoke(arg T) error {
	if fp == nil || fp.e == nil {
		return opErr("Invoke", ErrNilPool)
	}
	return fp.e.submit(context.Background(), item[T]{arg: arg}, waitAsConfigured)
}

// InvokeContext is Invoke that gives up waiting for room when ctx is done,
// returning ctx.Err(), as [Pool.SubmitContext] does: a ctx already done when
// InvokeContext is called makes it return ctx.Err() without invoking, and a
// nil ctx is refused with an error matching [ErrNilContext].
func (fp *FuncPool[T]) InvokeContext(ctx context.Context, arg T) error {
	if fp == nil || fp.e == nil {
		return opErr("InvokeContext", ErrNilPool)
	}
	if ctx == nil {
		return opErr("InvokeContext", ErrNilContext)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return fp.e.submit(ctx, item[T]{arg: arg}, waitAsConfigured)
}

// Pool returns the Pool over fp's workers: its Wait waits for invoked
// arguments too, its Tune, Release and ReleaseTimeout act on fp, and its
// Stats count Invoke like Submit. It returns the same *Pool on every call.
func (fp *FuncPool[T]) Pool() *Pool {
	if fp == nil || fp.p == nil {
		panic(opErr("FuncPool.Pool", ErrNilPool))
	}
	return fp.p
}
