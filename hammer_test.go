package tide_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/pooltest"
)

// TestHammeredPoolStaysLive proves progress under hammering: while 16
// goroutines loop on Submit against a nonblocking pool with two workers and
// no queue, a caller of Go, which waits for room, still gets each of its
// tasks in, and every accepted task runs exactly once. (How fast is a
// figure, not a test: see the report of issue 16.)
func TestHammeredPoolStaysLive(t *testing.T) {
	p := pooltest.New(t, tide.WithCapacity(2), tide.WithQueueSize(0), tide.WithNonblocking())
	var accepted, ran, refused atomic.Int64
	task := func() { ran.Add(1) }
	stop := make(chan struct{})
	var hammers sync.WaitGroup
	for range 16 {
		hammers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				switch err := p.Submit(task); err {
				case nil:
					accepted.Add(1)
				default:
					assert.ErrorIs(t, err, tide.ErrPoolOverload)
					refused.Add(1)
				}
			}
		})
	}
	calls := rounds(50)
	for range calls {
		p.Go(task) // waits for room; returns once the task is accepted
		accepted.Add(1)
	}
	close(stop)
	hammers.Wait()
	p.Wait()
	assert.Equal(t, accepted.Load(), ran.Load(), "every accepted task ran once")
	st := p.Stats()
	assert.Equal(t, uint64(accepted.Load()), st.Submitted, "Submitted counts every accepted task")
	assert.Equal(t, st.Submitted, st.Completed)
	assert.LessOrEqual(t, st.Workers, 2)
	t.Logf("%d blocking calls, %d tasks run, %d refused, GOMAXPROCS %d",
		calls, ran.Load(), refused.Load(), runtime.GOMAXPROCS(0))
}
