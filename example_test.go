package tide_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidego/tide"
)

func ExampleNew() {
	p, err := tide.New(tide.WithCapacity(4), tide.WithExpiry(30*time.Second))
	if err != nil {
		panic(err)
	}
	defer p.Release()

	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		p.Go(func() { sum.Add(int64(i)) })
	}
	p.Wait()
	fmt.Println(sum.Load())
	// Output: 5050
}

func ExamplePool_Go() {
	p, _ := tide.New(tide.WithCapacity(2))
	defer p.Release()

	results := make([]int, 5)
	for i := range results {
		p.Go(func() { results[i] = i * i }) // where you wrote `go f()`
	}
	p.Wait()
	fmt.Println(results)
	// Output: [0 1 4 9 16]
}

func ExamplePool_Submit() {
	// A nonblocking pool with no queue refuses work it has no room for.
	p, _ := tide.New(tide.WithCapacity(1), tide.WithQueueSize(0), tide.WithNonblocking())
	defer p.Release()

	hold := make(chan struct{})
	fmt.Println(p.Submit(func() { <-hold }))
	err := p.Submit(func() {})
	fmt.Println(errors.Is(err, tide.ErrPoolOverload))
	close(hold)
	// Output:
	// <nil>
	// true
}

func ExamplePool_SubmitContext() {
	p, _ := tide.New(tide.WithCapacity(1), tide.WithQueueSize(0))
	defer p.Release()

	hold := make(chan struct{})
	p.Go(func() { <-hold })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	err := p.SubmitContext(ctx, func() {})
	fmt.Println(err)
	close(hold)
	// Output: context deadline exceeded
}

func ExamplePool_Tune() {
	p, _ := tide.New(tide.WithCapacity(1))
	defer p.Release()

	hold := make(chan struct{})
	for range 3 {
		p.Go(func() { <-hold })
	}
	fmt.Println("cap", p.Cap(), "waiting", p.Waiting())
	_ = p.Tune(3) // queued tasks start at once
	fmt.Println("cap", p.Cap(), "waiting", p.Waiting())
	close(hold)
	p.Wait()
	// Output:
	// cap 1 waiting 2
	// cap 3 waiting 0
}

// A pool whose tasks call a service of limited concurrency can let the
// capacity find it: it starts at the lower bound and moves between the
// bounds as the tasks' run times show how many calls the service takes at
// once (doc/adaptive.md).
func ExampleWithAdaptiveCapacity() {
	p, err := tide.New(tide.WithAdaptiveCapacity(4, 64))
	if err != nil {
		panic(err)
	}
	defer p.Release()
	fmt.Println("starts at", p.Cap())

	callService := func() { time.Sleep(time.Millisecond) } // stands for a call to a database or an API
	for range 200 {
		p.Go(callService)
	}
	p.Wait()
	fmt.Println("within its bounds:", p.Cap() >= 4 && p.Cap() <= 64)

	_ = p.Tune(16) // a user's Tune fixes the capacity: the adapting stops
	fmt.Println("fixed at", p.Cap())

	_, err = tide.New(tide.WithAdaptiveCapacity(8, 4))
	fmt.Println(err)
	// Output:
	// starts at 4
	// within its bounds: true
	// fixed at 16
	// tide: capacity must be at least 1 (got adaptive bounds 8..4; want 1 <= min <= max)
}

func ExamplePool_ReleaseTimeout() {
	p, _ := tide.New()
	var done atomic.Int32
	for range 10 {
		p.Go(func() { time.Sleep(time.Millisecond); done.Add(1) })
	}
	// Accepted tasks still run; then every worker exits.
	err := p.ReleaseTimeout(5 * time.Second)
	fmt.Println(err, done.Load(), p.Submit(func() {}))
	// Output: <nil> 10 tide: pool closed
}

func ExampleWithPanicHandler() {
	p, _ := tide.New(tide.WithPanicHandler(func(r any) {
		fmt.Println("recovered:", r)
	}))
	defer p.Release()

	p.Go(func() { panic("bad input") })
	p.Wait()
	fmt.Println("panicked:", p.Stats().Panicked)
	// Output:
	// recovered: bad input
	// panicked: 1
}

func ExamplePool_Group() {
	p, _ := tide.New(tide.WithCapacity(4))
	defer p.Release()

	lengths := make([]int, 3)
	g := p.Group()
	for i, word := range []string{"tide", "pool", "goroutine"} {
		g.Go(func() error {
			lengths[i] = len(word)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		fmt.Println(err)
	}
	fmt.Println(lengths)
	// Output: [4 4 9]
}

func ExamplePool_GroupContext() {
	p, _ := tide.New(tide.WithCapacity(4))
	defer p.Release()

	errNotFound := errors.New("not found")
	g, ctx := p.GroupContext(context.Background())
	g.Go(func() error { return errNotFound })
	g.Go(func() error {
		<-ctx.Done() // the first error cancels the others
		return ctx.Err()
	})
	fmt.Println(g.Wait())
	fmt.Println(context.Cause(ctx))
	// Output:
	// not found
	// not found
}

func ExamplePanicError() {
	p, _ := tide.New()
	defer p.Release()

	g := p.Group()
	g.Go(func() error { panic("out of range") })
	err := g.Wait()

	var pe *tide.PanicError
	fmt.Println(errors.Is(err, tide.ErrPanic), errors.As(err, &pe))
	fmt.Println(pe.Value)
	fmt.Println(strings.Contains(string(pe.Stack), "ExamplePanicError"))
	// Output:
	// true true
	// out of range
	// true
}

func ExampleSubmitFuture() {
	p, _ := tide.New(tide.WithCapacity(2))
	defer p.Release()

	square := func(n int) *tide.Future[int] {
		return tide.SubmitFuture(p, func() (int, error) { return n * n, nil })
	}
	a, b := square(3), square(4)
	x, _ := a.Wait()
	y, _ := b.Wait()
	fmt.Println(x + y)
	// Output: 25
}

func ExampleNewFuncPool() {
	var total atomic.Int64
	fp, err := tide.NewFuncPool(func(n int) { total.Add(int64(n)) }, tide.WithCapacity(4))
	if err != nil {
		panic(err)
	}
	defer fp.Pool().Release()

	for i := 1; i <= 100; i++ {
		if err := fp.Invoke(i); err != nil { // no closure per call
			panic(err)
		}
	}
	fp.Pool().Wait()
	fmt.Println(total.Load(), fp.Pool().Stats().Completed)
	// Output: 5050 100
}

func ExampleGo() {
	var wg sync.WaitGroup
	squares := make([]int, 5)
	for i := range squares {
		wg.Add(1)
		tide.Go(func() { // where you wrote `go func() {...}()`
			defer wg.Done()
			squares[i] = i * i
		})
	}
	wg.Wait()
	fmt.Println(squares)
	// Output: [0 1 4 9 16]
}

func ExampleGroup_SetLimit() {
	p, _ := tide.New() // unlimited: the group's limit is what bounds its tasks
	defer p.Release()

	g := p.Group()
	g.SetLimit(2)
	slots := make(chan struct{}, 2) // a third task at once would find it full
	for range 10 {
		g.Go(func() error { // waits while two of the group's tasks run
			select {
			case slots <- struct{}{}:
			default:
				return errors.New("more than two at once")
			}
			time.Sleep(time.Millisecond)
			<-slots
			return nil
		})
	}
	fmt.Println(g.Wait())
	// Output: <nil>
}

func ExampleGroup_TryGo() {
	p, _ := tide.New()
	defer p.Release()

	g := p.Group()
	g.SetLimit(1)
	hold := make(chan struct{})
	fmt.Println(g.TryGo(func() error { <-hold; return nil }))
	fmt.Println(g.TryGo(func() error { return nil })) // at the limit: not run
	close(hold)
	fmt.Println(g.Wait())
	// Output:
	// true
	// false
	// <nil>
}

func ExamplePool_Shutdown() {
	p, _ := tide.New(tide.WithCapacity(2))
	var done atomic.Int32
	for range 6 {
		p.Go(func() { time.Sleep(time.Millisecond); done.Add(1) })
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Queued tasks still run; Shutdown returns once every worker has exited.
	err := p.Shutdown(ctx)
	fmt.Println(err, done.Load(), errors.Is(p.Submit(func() {}), tide.ErrPoolClosed))
	// Output: <nil> 6 true
}

func ExampleFuture_WaitContext() {
	p, _ := tide.New()
	defer p.Release()

	hold := make(chan struct{})
	f := tide.SubmitFuture(p, func() (string, error) { <-hold; return "slow answer", nil })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := f.WaitContext(ctx) // gives up; the function goes on
	fmt.Println(err)
	close(hold)
	fmt.Println(f.Wait())
	// Output:
	// context deadline exceeded
	// slow answer <nil>
}

func ExampleFuncPool_InvokeContext() {
	hold := make(chan struct{})
	fp, _ := tide.NewFuncPool(func(n int) {
		if n == 1 {
			<-hold
		}
		fmt.Println("handled", n)
	}, tide.WithCapacity(1), tide.WithQueueSize(0))
	defer fp.Pool().Release()

	fmt.Println(fp.InvokeContext(context.Background(), 1))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	fmt.Println(fp.InvokeContext(ctx, 2)) // no room before the deadline
	close(hold)
	fp.Pool().Wait()
	// Output:
	// <nil>
	// context deadline exceeded
	// handled 1
}

// A tree of groups on a pool of capacity 1: each task fans out to its own
// children and waits for them. The one worker runs the root's first task;
// every Wait runs its own group's queued children, so the tree completes.
func ExampleGroup_Wait() {
	p, _ := tide.New(tide.WithCapacity(1))
	defer p.Release()

	var leaves atomic.Int32
	var fanOut func(depth int) error
	fanOut = func(depth int) error {
		if depth == 0 {
			leaves.Add(1)
			return nil
		}
		g := p.Group()
		for range 3 {
			g.Go(func() error { return fanOut(depth - 1) })
		}
		return g.Wait()
	}
	err := fanOut(3)
	fmt.Println(err, leaves.Load())
	// Output: <nil> 27
}

func ExampleGroupContext() {
	g, ctx := tide.GroupContext(context.Background())
	g.Go(func() error { return errors.New("lookup failed") })
	g.Go(func() error {
		<-ctx.Done() // the first error cancels the others
		return ctx.Err()
	})
	fmt.Println(g.Wait())
	// Output: lookup failed
}

func ExampleSubmitFutureContext() {
	p, _ := tide.New(tide.WithCapacity(1), tide.WithQueueSize(0))
	defer p.Release()
	hold := make(chan struct{})
	p.Go(func() { <-hold }) // the pool is full

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	f := tide.SubmitFutureContext(ctx, p, func() (string, error) { return "never", nil })
	_, err := f.Wait()
	fmt.Println(err)
	close(hold)
	fmt.Println(p.Stats().WaitCount)
	// Output:
	// context deadline exceeded
	// 1
}
