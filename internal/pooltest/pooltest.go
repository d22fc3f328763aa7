// Package pooltest holds the test fixtures that tests in more than one
// package share (the library's and those of the nested test module
// internal/e2e; the contrib modules depend on nothing internal to tide and
// carry their own): pools that clean up after the test, a pool held in a
// known state, and the error a call panics with. It is internal to
// github.com/tidego/tide and imported only by tests.
package pooltest

import (
	"testing"
	"time"

	"github.com/tidego/tide"
)

// New returns a pool made with opts that is released, and its goroutines
// awaited, when the test ends.
func New(tb testing.TB, opts ...tide.Option) *tide.Pool {
	tb.Helper()
	p, err := tide.New(opts...)
	if err != nil {
		tb.Fatalf("tide.New: %v", err)
	}
	tb.Cleanup(func() {
		if err := p.ReleaseTimeout(10 * time.Second); err != nil {
			tb.Errorf("ReleaseTimeout: %v", err)
		}
	})
	return p
}

// Busy returns a pool of capacity 2 and queue size 1 that has run one task
// that panicked and now holds two running tasks, one waiting task and one
// blocked submitter, so that every figure of its Stats differs from the
// defaults. Closing the returned channel lets the held tasks finish; the
// test's cleanup then waits for them.
func Busy(tb testing.TB) (*tide.Pool, chan struct{}) {
	tb.Helper()
	p := New(tb, tide.WithCapacity(2), tide.WithQueueSize(1), tide.WithExpiry(time.Hour),
		tide.WithPanicHandler(func(any) {}))
	if err := p.Submit(func() { panic("boom") }); err != nil {
		tb.Fatalf("Submit: %v", err)
	}
	p.Wait()
	gate := make(chan struct{})
	held := func() { <-gate }
	for range 3 { // two run, one waits
		if err := p.Submit(held); err != nil {
			tb.Fatalf("Submit: %v", err)
		}
	}
	submitted := make(chan error, 1)
	go func() { submitted <- p.Submit(held) }()
	// Blocked is the only signal that the fourth submitter is waiting.
	for deadline := time.Now().Add(10 * time.Second); p.Blocked() != 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatalf("the pool never filled up: %+v", p.Stats())
		}
	}
	tb.Cleanup(func() {
		if err := <-submitted; err != nil {
			tb.Errorf("the blocked Submit: %v", err)
		}
		p.Wait()
	})
	return p, gate
}

// PanicValue runs f, requires it to panic with an error, and returns that
// error; the test fails if f returns or panics with anything else.
func PanicValue(tb testing.TB, f func()) (err error) {
	tb.Helper()
	defer func() {
		tb.Helper()
		r := recover()
		if r == nil {
			return // f returned: reported below
		}
		var ok bool
		if err, ok = r.(error); !ok {
			tb.Fatalf("the call panicked with %v (%T), not an error", r, r)
		}
	}()
	f()
	tb.Fatalf("the call did not panic")
	return nil
}
