package contender

import (
	"time"

	"github.com/tidego/tide"
)

// closeTimeout bounds how long Close waits for a pool's workers to exit.
const closeTimeout = 10 * time.Second

// tidePool runs tasks with tide's drop-in for `go f()`.
type tidePool struct {
	p *tide.Pool
}

func startTide(capacity int) Runner {
	p, err := tide.New(tide.WithCapacity(capacity))
	must(err)
	return &tidePool{p: p}
}

// Submit hands task to Pool.Go, which waits for room at capacity.
func (t *tidePool) Submit(task func()) { t.p.Go(task) }

// Wait is tide's own Pool.Wait.
func (t *tidePool) Wait() { t.p.Wait() }

// Close releases the pool and waits for its workers to exit.
func (t *tidePool) Close() { must(t.p.ReleaseTimeout(closeTimeout)) }
