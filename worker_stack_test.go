package tide

import (
	"runtime"
	"testing"
	"testing/synctest"
	"time"
	"weak"

	"github.com/tidego/tide/internal/check"
)

// require and assert are the root module's stdlib-only assertions (see
// internal/check): require stops the test at a failure, assert goes on.
var (
	require = check.Require
	assert  = check.Assert
)

// White-box tests of the idle stack, which the pool's lock guards:
// TestWorkerStack calls it directly, with no pool and no goroutine;
// TestIdleStackRetention checks, on a live pool, that its slots let go of
// the workers taken off it.

// parkedAt returns workers that parked at base plus each offset, bottom of
// the stack first, and the stack holding them.
func parkedAt(base time.Time, offsets ...time.Duration) (*workerStack[struct{}], []*worker[struct{}]) {
	s := &workerStack[struct{}]{}
	ws := make([]*worker[struct{}], len(offsets))
	for i, d := range offsets {
		ws[i] = &worker[struct{}]{idleSince: base.Add(d)}
		s.push(ws[i])
	}
	return s, ws
}

func TestWorkerStack(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

	// pop returns the most recently pushed worker first, clears the slot it
	// empties, and gives nil once empty.
	t.Run("pop", func(t *testing.T) {
		s, ws := parkedAt(base, 0, 1, 2)
		require.Equal(t, 3, s.len())
		assert.Same(t, ws[0], s.oldest())
		for i := len(ws) - 1; i >= 0; i-- {
			assert.Same(t, ws[i], s.pop(), "pop %d", len(ws)-i)
			assert.Nil(t, s.items[:i+1][i], "the popped worker is still held by the backing array")
		}
		assert.Nil(t, s.pop())
		assert.Nil(t, s.oldest(), "an empty stack has no oldest worker")
	})

	// expired counts a worker idle for exactly the expiry, and not one a
	// nanosecond short of it.
	t.Run("expired", func(t *testing.T) {
		const d = time.Second
		s, _ := parkedAt(base, 0, time.Millisecond, time.Millisecond+time.Nanosecond, 2*time.Millisecond)
		for _, c := range []struct {
			now  time.Duration // since base
			want int
		}{
			{d - time.Nanosecond, 0},
			{d, 1},
			{d + time.Millisecond - time.Nanosecond, 1},
			{d + time.Millisecond, 2},
			{d + time.Millisecond + time.Nanosecond, 3},
			{d + 2*time.Millisecond - time.Nanosecond, 3},
			{d + 2*time.Millisecond, 4},
			{time.Hour, 4},
		} {
			assert.Equal(t, c.want, s.expired(base.Add(c.now), d), "at base+%v", c.now)
		}
		empty := &workerStack[struct{}]{}
		assert.Zero(t, empty.expired(base, d))
	})

	// cutBottom hands over the oldest workers, oldest first, keeps the rest in
	// order and clears the emptied slots.
	t.Run("cut bottom", func(t *testing.T) {
		s, ws := parkedAt(base, 0, 1, 2, 3, 4)
		var cut []*worker[struct{}]
		s.cutBottom(3, func(w *worker[struct{}]) { cut = append(cut, w) })
		assert.Equal(t, ws[:3], cut)
		require.Equal(t, 2, s.len())
		assert.Same(t, ws[3], s.oldest())
		assert.Same(t, ws[4], s.pop())
		assert.Same(t, ws[3], s.pop())
		for i, w := range s.items[:cap(s.items)] {
			assert.Nil(t, w, "slot %d still holds a worker", i)
		}
	})

	// cutBottom gives back the memory of a burst once few workers are left.
	t.Run("cut bottom shrinks", func(t *testing.T) {
		offsets := make([]time.Duration, 1000)
		for i := range offsets {
			offsets[i] = time.Duration(i)
		}
		s, ws := parkedAt(base, offsets...)
		require.GreaterOrEqual(t, cap(s.items), 1000)
		s.cutBottom(990, func(*worker[struct{}]) {})
		require.Equal(t, 10, s.len())
		assert.Less(t, cap(s.items), 1000/4, "the burst's backing array is still held")
		assert.Equal(t, ws[990:], s.items, "the survivors keep their order")
		s.push(&worker[struct{}]{idleSince: base.Add(time.Hour)})
		assert.Equal(t, 11, s.len())
	})
}

// A retired worker, with its channel and whatever it last held, must be
// collected (ants #107), though the stack's backing array outlives it: the
// external retention tests cannot see that.

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
		// Workers popped off the top and then retired are not held by the emptied slots.
		{"popped then retired", nil,
			func(p *Pool) { p.Go(runtime.Goexit); p.Go(runtime.Goexit) }, []bool{false, false, true, true}},
		// Workers cut off the bottom by Tune are not held by the stack.
		{"cut by tune", nil,
			func(p *Pool) { require.NoError(t, p.Tune(1)) }, []bool{true, true, true, false}},
		// Workers cut off the bottom by the reaper are not held by the stack.
		{"cut by reaper", []Option{WithExpiry(time.Second)},
			func(p *Pool) {
				time.Sleep(500 * time.Millisecond)
				p.Go(func() {}) // the top worker parks again, fresh
				p.Wait()
				synctest.Wait()
				time.Sleep(600 * time.Millisecond)
			}, []bool{true, true, true, false}},
		// Every worker is collectable once the pool is released.
		{"released", nil,
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
