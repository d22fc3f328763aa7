package queue

import (
	"runtime"
	"testing"
	"weak"

	"github.com/tidego/tide/internal/check"
)

// require and assert are the root module's stdlib-only assertions (see
// internal/check): require stops the test at a failure, assert goes on.
var (
	require = check.Require
	assert  = check.Assert
)

func TestQueue(t *testing.T) {
	t.Run("the zero value is an empty queue", func(t *testing.T) {
		var q Queue[int]
		_, ok := q.Pop()
		assert.False(t, ok)
		assert.Equal(t, 0, q.Len())
	})

	// Items come out in the order they went in, across wrap-around and growth.
	t.Run("fifo across wrap and growth", func(t *testing.T) {
		var q Queue[int]
		next, want := 0, 0
		// Interleave pushes and pops so the head moves around the ring while
		// the buffer grows and shrinks.
		for round := 0; round < 50; round++ {
			for i := 0; i < round*7%40+1; i++ {
				q.Push(next)
				next++
			}
			for i := 0; i < round*5%37+1 && q.Len() > 0; i++ {
				v, ok := q.Pop()
				require.True(t, ok)
				require.Equal(t, want, v)
				want++
			}
			require.Equal(t, next-want, q.Len())
		}
		for q.Len() > 0 {
			v, _ := q.Pop()
			require.Equal(t, want, v)
			want++
		}
		assert.Equal(t, want, next, "every pushed item was popped")
	})

	// After a burst only one spare segment is kept.
	t.Run("one spare segment after burst", func(t *testing.T) {
		var q Queue[int]
		for i := 0; i < 100*segmentSize; i++ {
			q.Push(i)
		}
		for q.Len() > 1 {
			q.Pop()
		}
		segments := 0
		for s := q.head; s != nil; s = s.next {
			segments++
		}
		assert.Equal(t, 1, segments, "live segments")
		assert.NotNil(t, q.spare)
	})

	t.Run("a popped item is no longer referenced", func(t *testing.T) {
		var q Queue[*[64]byte]
		p := new([64]byte)
		wp := weak.Make(p)
		q.Push(p)
		q.Push(new([64]byte))
		got, _ := q.Pop()
		require.Same(t, p, got)
		runtime.GC()
		assert.Nil(t, wp.Value())
		assert.Equal(t, 1, q.Len())
	})

	t.Run("push and pop do not allocate once warm", func(t *testing.T) {
		var q Queue[func()]
		f := func() {}
		for i := 0; i < segmentSize+segmentSize/2; i++ {
			q.Push(f)
		}
		for q.Len() > 0 {
			q.Pop()
		}
		allocs := testing.AllocsPerRun(100, func() {
			for i := 0; i < segmentSize+segmentSize/2; i++ {
				q.Push(f)
			}
			for q.Len() > 0 {
				q.Pop()
			}
		})
		assert.Zero(t, allocs)
	})
}
