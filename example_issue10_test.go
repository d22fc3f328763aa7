package tide_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidego/tide"
)

func ExampleGroup_SetLimit() {
	p, _ := tide.New() // unlimited: the group's limit is what bounds its tasks
	defer p.Release()

	g := p.Group()
	g.SetLimit(2)
	var mu sync.Mutex
	inFlight, most := 0, 0
	for range 10 {
		g.Go(func() error { // waits while two of the group's tasks run
			mu.Lock()
			inFlight++
			most = max(most, inFlight)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			inFlight--
			mu.Unlock()
			return nil
		})
	}
	fmt.Println(g.Wait(), most <= 2)
	// Output: <nil> true
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
