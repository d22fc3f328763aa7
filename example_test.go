package tide_test

import (
	"context"
	"errors"
	"fmt"
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

func ExampleNew_invalidOption() {
	_, err := tide.New(tide.WithCapacity(0))
	fmt.Println(errors.Is(err, tide.ErrInvalidCapacity))
	// Output: true
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

func ExamplePool_Stats() {
	p, _ := tide.New(tide.WithCapacity(2))
	defer p.Release()
	for range 10 {
		p.Go(func() {})
	}
	p.Wait()
	st := p.Stats()
	fmt.Println(st.Submitted, st.Completed, st.Submitted == st.Completed+uint64(st.Running)+uint64(st.Waiting))
	// Output: 10 10 true
}
