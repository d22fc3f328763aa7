// Package queue provides the FIFO that holds tasks waiting for a worker.
package queue

// minSize is the smallest buffer a queue keeps once it has allocated one.
const minSize = 16

// Queue is a first-in, first-out queue on a growable ring buffer. Once its
// buffer is large enough, Push and Pop do not allocate. It shrinks when it
// becomes mostly empty, so a burst does not pin memory for good. Popped slots
// are cleared, so the queue keeps no reference to an item it gave out.
//
// The zero value is an empty queue. A Queue is not safe for concurrent use.
type Queue[T any] struct {
	buf  []T // ring buffer; len(buf) is zero or a power of two
	head int // index of the oldest item
	n    int // number of items
}

// Len returns the number of items in the queue.
func (q *Queue[T]) Len() int { return q.n }

// Push adds v at the back of the queue.
func (q *Queue[T]) Push(v T) {
	if q.n == len(q.buf) {
		q.resize(max(minSize, 2*len(q.buf)))
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = v
	q.n++
}

// Pop removes and returns the item at the front of the queue. ok is false
// when the queue is empty.
func (q *Queue[T]) Pop() (v T, ok bool) {
	if q.n == 0 {
		return v, false
	}
	var zero T
	v, q.buf[q.head] = q.buf[q.head], zero
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	if len(q.buf) > minSize && q.n <= len(q.buf)/4 {
		q.resize(len(q.buf) / 2)
	}
	return v, true
}

// resize moves the items, in order, to a new buffer of the given size.
func (q *Queue[T]) resize(size int) {
	buf := make([]T, size)
	if q.n > 0 {
		end := q.head + q.n
		if end <= len(q.buf) {
			copy(buf, q.buf[q.head:end])
		} else {
			k := copy(buf, q.buf[q.head:])
			copy(buf[k:], q.buf[:end-len(q.buf)])
		}
	}
	q.buf, q.head = buf, 0
}
