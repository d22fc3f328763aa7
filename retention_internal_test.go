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

func TestIdleStackRetention(t *testing.T) {
	t.Run("workers popped off the top and then retired are not held by the emptied slots", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p, e, wps := parkedWorkers(t, 4)
			// Two tasks take the two top workers, which then exit.
			p.Go(runtime.Goexit)
			p.Go(runtime.Goexit)
			p.Wait()
			synctest.Wait()
			require.Equal(t, 2, p.Stats().Workers)
			e.mu.Lock()
			require.GreaterOrEqual(t, cap(e.idle.items), 4, "the backing array still has the emptied slots")
			e.mu.Unlock()
			assert.Equal(t, []bool{false, false, true, true}, collected(wps))
		})
	})

	t.Run("workers cut off the bottom by Tune are not held by the stack", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p, _, wps := parkedWorkers(t, 4)
			require.NoError(t, p.Tune(1))
			synctest.Wait()
			assert.Equal(t, []bool{true, true, true, false}, collected(wps))
		})
	})

	t.Run("workers cut off the bottom by the reaper are not held by the stack", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p, _, wps := parkedWorkers(t, 4, WithExpiry(time.Second))
			// Reuse the top worker so that it parks again, fresh.
			time.Sleep(500 * time.Millisecond)
			p.Go(func() {})
			p.Wait()
			synctest.Wait()
			time.Sleep(600 * time.Millisecond)
			synctest.Wait()
			require.Equal(t, 1, p.Idle())
			assert.Equal(t, []bool{true, true, true, false}, collected(wps))
		})
	})

	t.Run("every worker is collectable once the pool is released", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p, _, wps := parkedWorkers(t, 4)
			require.NoError(t, p.ReleaseTimeout(time.Minute))
			assert.Equal(t, []bool{true, true, true, true}, collected(wps))
		})
	})
}
