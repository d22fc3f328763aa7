package tide

import (
	"sync"
	"sync/atomic"
	"time"
)

// Hooks into the default pool behind Go, for tests in package tide_test.

// NewDefaultPool builds a pool exactly as the first call of Go does.
var NewDefaultPool = newDefaultPool

// DefaultPoolExpiry is the default pool's expiry.
const DefaultPoolExpiry = defaultPoolExpiry

// SwapDefaultPool makes the default pool unbuilt again: the next call of Go
// (or of a zero Group's Go) builds it with build, on the caller's goroutine,
// and so inside the caller's synctest bubble. Until restore, Go and the zero
// Group use the default pool even inside a bubble, as they do outside one,
// so that these tests can drive the default pool with the bubble's clock.
// The returned func puts back the default pool it replaced. Tests that use
// it must not run in parallel.
func SwapDefaultPool(build func() *Pool) (restore func()) {
	old, oldInBubble := defaultPool, inBubble
	defaultPool = sync.OnceValue(build)
	inBubble = func() bool { return false }
	return func() { defaultPool, inBubble = old, oldInBubble }
}

// InBubble reports what Go believes: whether the caller is in a synctest
// bubble.
func InBubble() bool { return inBubble() }

// Examples run last, and helpers_test.go's goleak.VerifyTestMain looks for
// leaked goroutines right after them, retrying for about 0.4 s. The default
// pool's 100 ms expiry retires ExampleGo's workers within that on a quiet
// machine, but not always on a loaded one under -race -count=20; an example
// can neither run in a synctest bubble nor release the default pool, so in
// this test binary the default pool is built with a shorter expiry, and
// ResetDefaultPool releases it. The tests of the shipped
// default pool swap in NewDefaultPool with SwapDefaultPool.
const exampleExpiry = 10 * time.Millisecond

// exampleDefault is the default pool built by buildExampleDefault, if any.
var exampleDefault atomic.Pointer[Pool]

func buildExampleDefault() *Pool {
	p, err := New(WithExpiry(exampleExpiry))
	if err != nil {
		panic(err)
	}
	exampleDefault.Store(p)
	return p
}

func init() { defaultPool = sync.OnceValue(buildExampleDefault) }

// ResetDefaultPool releases the test binary's default pool if an example
// built it, waits for its goroutines to exit, and makes it unbuilt again.
// It must not be called while anything uses the default pool.
func ResetDefaultPool() error {
	defaultPool = sync.OnceValue(buildExampleDefault)
	if p := exampleDefault.Swap(nil); p != nil {
		return p.ReleaseTimeout(10 * time.Second)
	}
	return nil
}
