package tide

import (
	"runtime"
	"testing"
	"testing/synctest"
	"time"
	"weak"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These white-box tests check what the external retention tests cannot see:
// that the idle stack's slots let go of the workers taken off it, so that a
// retired worker, with its channel and whatever it last held, is collected
// (ants #107). The stack's backing array outlives the workers it held.

// parkedWorkers makes n workers park on a fresh pool, bottom of the stack
// first, and returns the pool, its engine and weak pointers to the workers.
func parkedWorkers(t *testing.T, n int, opts ...Option) (*Pool, *engine[struct{}], []weak.Pointer[worker[struct{}]]) {
	t.Helper()
	p, err := New(append([]Option{WithCapacity(n)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, p.ReleaseTimeout(time.Minute)) })
	gate := make(chan struct{})
	for range n {
		p.Go(func() { <-gate })
	}
	synctest.Wait()
	close(gate)
	p.Wait()
	synctest.Wait()
	e := p.s.(*engine[struct{}])
	e.mu.Lock()
	defer e.mu.Unlock()
	require.Equal(t, n, e.idle.len())
	wps := make([]weak.Pointer[worker[struct{}]], n)
	for i, w := range e.idle.items {
		wps[i] = weak.Make(w)
	}
	return p, e, wps
}

// collected reports, after a garbage collection, which workers are gone.
func collected(wps []weak.Pointer[worker[struct{}]]) []bool {
	runtime.GC()
	runtime.GC()
	gone := make([]bool, len(wps))
	for i, wp := range wps {
		gone[i] = wp.Value() == nil
	}
	return gone
}

// TestIdleStackRetention parks four workers, bottom of the stack first, takes
// some off the stack in each way the engine does, and checks which of them
// the garbage collector can reclaim.
func TestIdleStackRetention(t *testing.T) {
	for _, c := range []struct {
		name string
		opts []Option
		take func(p *Pool)
		gone []bool
	}{
		{"workers popped off the top and then retired are not held by the emptied slots", nil,
			func(p *Pool) { p.Go(runtime.Goexit); p.Go(runtime.Goexit) }, []bool{false, false, true, true}},
		{"workers cut off the bottom by Tune are not held by the stack", nil,
			func(p *Pool) { require.NoError(t, p.Tune(1)) }, []bool{true, true, true, false}},
		{"workers cut off the bottom by the reaper are not held by the stack", []Option{WithExpiry(time.Second)},
			func(p *Pool) {
				time.Sleep(500 * time.Millisecond)
				p.Go(func() {}) // the top worker parks again, fresh
				p.Wait()
				synctest.Wait()
				time.Sleep(600 * time.Millisecond)
			}, []bool{true, true, true, false}},
		{"every worker is collectable once the pool is released", nil,
			func(p *Pool) { require.NoError(t, p.ReleaseTimeout(time.Minute)) }, []bool{true, true, true, true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p, e, wps := parkedWorkers(t, 4, c.opts...)
				c.take(p)
				p.Wait()
				synctest.Wait()
				e.mu.Lock()
				if !c.gone[0] { // popped off the top: the emptied slots must still exist to matter
					require.GreaterOrEqual(t, cap(e.idle.items), 4, "the backing array still has the emptied slots")
				}
				e.mu.Unlock()
				assert.Equal(t, c.gone, collected(wps))
			})
		})
	}
}
