package contender

import "golang.org/x/sync/errgroup"

// errGroup runs tasks with x/sync's errgroup limited by SetLimit: a new
// goroutine per task, at most capacity at once.
type errGroup struct {
	g errgroup.Group
}

func startErrgroup(capacity int) Runner {
	e := &errGroup{}
	e.g.SetLimit(capacity)
	return e
}

// Submit runs task on the group, blocking at the limit.
func (e *errGroup) Submit(task func()) {
	e.g.Go(func() error {
		task()
		return nil
	})
}

// Wait is the group's Wait; the group can be used again after it.
func (e *errGroup) Wait() { must(e.g.Wait()) }

// Close does nothing: the group's goroutines end with their tasks.
func (e *errGroup) Close() {}
