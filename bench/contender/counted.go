package contender

import "sync"

// counted gives a Wait to the libraries that have none, the way their
// READMEs do it: a sync.WaitGroup Add before each submission and a Done at
// the end of each task.
type counted struct {
	wg sync.WaitGroup
}

// wrap counts task in and returns the function to submit in its place.
func (c *counted) wrap(task func()) func() {
	c.wg.Add(1)
	return func() {
		task()
		c.wg.Done()
	}
}

// Wait returns once every wrapped task has finished.
func (c *counted) Wait() { c.wg.Wait() }
