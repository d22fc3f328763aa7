package tide

import "sync"

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
