package tide

import (
	"sort"
	"time"
)

// workerStack is the LIFO of parked workers. The most recently parked worker
// is on top and is reused first, so idle-since times rise from bottom to top
// and the workers idle longest sit at the bottom, where the reaper cuts them
// off. It does no locking: every method expects the caller to hold the pool's
// lock.
type workerStack[T any] struct {
	items []*worker[T]
}

func (s *workerStack[T]) len() int { return len(s.items) }

// push puts w on top. w.idleSince must not be before that of the current top.
func (s *workerStack[T]) push(w *worker[T]) { s.items = append(s.items, w) }

// pop removes and returns the top worker, or nil when the stack is empty.
func (s *workerStack[T]) pop() *worker[T] {
	n := len(s.items)
	if n == 0 {
		return nil
	}
	w := s.items[n-1]
	s.items[n-1] = nil
	s.items = s.items[:n-1]
	return w
}

// oldest returns the bottom worker, or nil when the stack is empty.
func (s *workerStack[T]) oldest() *worker[T] {
	if len(s.items) == 0 {
		return nil
	}
	return s.items[0]
}

// expired returns how many workers, counted from the bottom, have been idle
// for at least d at time now.
func (s *workerStack[T]) expired(now time.Time, d time.Duration) int {
	return sort.Search(len(s.items), func(i int) bool {
		return now.Sub(s.items[i].idleSince) < d
	})
}

// cutBottom removes the n bottom workers and calls f on each, oldest first.
// The emptied slots are cleared so the removed workers can be collected.
func (s *workerStack[T]) cutBottom(n int, f func(*worker[T])) {
	for _, w := range s.items[:n] {
		f(w)
	}
	k := copy(s.items, s.items[n:])
	clear(s.items[k:])
	s.items = s.items[:k]
	if cap(s.items) > 64 && k < cap(s.items)/4 {
		// Give back the memory of a burst's worth of slots.
		s.items = append([]*worker[T](nil), s.items...)
	}
}
