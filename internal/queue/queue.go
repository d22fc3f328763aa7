// Package queue provides the FIFO that holds tasks waiting for a worker.
package queue

// segmentSize is how many items one segment of a queue holds.
const segmentSize = 128

// Queue is a first-in, first-out queue that grows by fixed-size segments
// linked in order. Items are never copied once pushed, so a burst costs no
// re-copying; a drained segment is kept as a spare for the next one, so a
// queue in steady use does not allocate; the other drained segments are
// dropped, so memory held after a burst goes back to the garbage collector.
// Popped slots are cleared: the queue keeps no reference to an item it gave
// out.
//
// The zero value is an empty queue. A Queue is not safe for concurrent use.
type Queue[T any] struct {
	head, tail *segment[T] // pop from head, push to tail; nil when never used
	spare      *segment[T] // a drained segment kept for reuse
	n          int         // number of items
}

// segment is one block of a queue: items[lo:hi] are queued, oldest first.
type segment[T any] struct {
	items  [segmentSize]T
	lo, hi int
	next   *segment[T]
}

// Len returns the number of items in the queue.
func (q *Queue[T]) Len() int { return q.n }

// Push adds v at the back of the queue.
func (q *Queue[T]) Push(v T) {
	if q.tail == nil || q.tail.hi == segmentSize {
		q.grow()
	}
	q.tail.items[q.tail.hi] = v
	q.tail.hi++
	q.n++
}

// Pop removes and returns the item at the front of the queue. ok is false
// when the queue is empty.
func (q *Queue[T]) Pop() (v T, ok bool) {
	if q.n == 0 {
		return v, false
	}
	h := q.head
	var zero T
	v, h.items[h.lo] = h.items[h.lo], zero
	h.lo++
	q.n--
	if h.lo == h.hi {
		q.drained(h)
	}
	return v, true
}

// grow links a fresh segment at the tail.
func (q *Queue[T]) grow() {
	s := q.spare
	if s != nil {
		q.spare = nil
	} else {
		s = new(segment[T])
	}
	if q.tail == nil {
		q.head = s
	} else {
		q.tail.next = s
	}
	q.tail = s
}

// drained unlinks the empty head segment h, keeping it as the spare.
func (q *Queue[T]) drained(h *segment[T]) {
	if h == q.tail {
		h.lo, h.hi = 0, 0 // the only segment: reuse it in place
		return
	}
	q.head = h.next
	h.lo, h.hi, h.next = 0, 0, nil
	q.spare = h
}
