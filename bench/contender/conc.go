package contender

import "github.com/sourcegraph/conc/pool"

// concPool runs tasks with sourcegraph/conc's pool. A conc pool ends with
// its Wait, so, as conc's docs show, each batch gets a new pool: Wait waits
// for the current one and starts the next.
type concPool struct {
	capacity int
	p        *pool.Pool
}

func startConc(capacity int) Runner {
	return &concPool{capacity: capacity, p: newConc(capacity)}
}

func newConc(capacity int) *pool.Pool { return pool.New().WithMaxGoroutines(capacity) }

// Submit hands task to the current pool's Go.
func (c *concPool) Submit(task func()) { c.p.Go(task) }

// Wait ends the current pool and makes the next one.
func (c *concPool) Wait() {
	c.p.Wait()
	c.p = newConc(c.capacity)
}

// Close ends the current pool.
func (c *concPool) Close() { c.p.Wait() }
