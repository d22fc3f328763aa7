package tide

import "sync"

// Go runs task on the package's default pool, as a drop-in for the
// statement `go task()` that reuses goroutines: it never waits, since the
// default pool has no capacity limit. The default pool has the defaults of
// [New]: unlimited capacity, an unbounded queue and [DefaultExpiry], so
// once idle past the expiry it holds no goroutine. It is built on the first
// call of Go (importing tide starts nothing) and is never released.
//
// Unlike `go task()`, a panic in task does not crash the program: it is
// logged with its stack through [slog.Default], as [Pool.Go] does on a pool
// without a panic handler. Calling Go happens before task runs. Go costs
// what [Pool.Go] costs, plus one atomic load.
func Go(task func()) { defaultPool().Go(task) }

// defaultPool returns the pool behind Go, building it on first use.
var defaultPool = sync.OnceValue(newDefaultPool)

// newDefaultPool builds the pool behind Go.
func newDefaultPool() *Pool {
	p, err := New()
	if err != nil {
		panic(err) // unreachable: New without options cannot fail
	}
	return p
}
