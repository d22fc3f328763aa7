package tide_test

import (
	"math"
	"strconv"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

func TestNewRejectsInvalidOptions(t *testing.T) {
	cases := []struct {
		name string
		opts []tide.Option
		want error
	}{
		{"zero capacity", []tide.Option{tide.WithCapacity(0)}, tide.ErrInvalidCapacity},
		{"negative capacity", []tide.Option{tide.WithCapacity(-3)}, tide.ErrInvalidCapacity},
		{"zero expiry", []tide.Option{tide.WithExpiry(0)}, tide.ErrInvalidExpiry},
		{"negative expiry", []tide.Option{tide.WithExpiry(-1)}, tide.ErrInvalidExpiry},
		{"negative queue size", []tide.Option{tide.WithQueueSize(-1)}, tide.ErrInvalidQueueSize},
		{"negative min workers", []tide.Option{tide.WithMinWorkers(-1)}, tide.ErrInvalidMinWorkers},
		{"min workers above capacity", []tide.Option{tide.WithMinWorkers(3), tide.WithCapacity(2)}, tide.ErrInvalidMinWorkers},
		{"min workers above capacity, either order", []tide.Option{tide.WithCapacity(2), tide.WithMinWorkers(3)}, tide.ErrInvalidMinWorkers},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := tide.New(c.opts...)
			assert.Nil(t, p)
			assert.ErrorIs(t, err, c.want)
		})
	}
}

func TestNewDefaults(t *testing.T) {
	t.Run("capacity is unlimited and nothing is started", func(t *testing.T) {
		// In a bubble, so that only this pool's goroutines count: another
		// test's released pool may still be unwinding its last goroutine.
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t)
			assert.Equal(t, -1, p.Cap())
			assert.Equal(t, tide.Stats{Capacity: -1}, p.Stats())
			assert.Zero(t, poolGoroutines())
		})
	})

	t.Run("the largest capacities are accepted as they are", func(t *testing.T) {
		sizes := []int{1}
		if strconv.IntSize == 64 {
			wide := int64(math.MaxInt32) // a variable: MaxInt32+1 as a constant int does not compile for 32-bit targets
			sizes = append(sizes, int(wide+1))
		}
		for _, n := range sizes {
			p := newPool(t, tide.WithCapacity(n))
			assert.Equal(t, n, p.Cap())
		}
	})

	t.Run("the first invalid option is the one reported", func(t *testing.T) {
		_, err := tide.New(tide.WithExpiry(-1), tide.WithCapacity(0))
		assert.ErrorIs(t, err, tide.ErrInvalidExpiry)
		assert.NotErrorIs(t, err, tide.ErrInvalidCapacity)
	})

	t.Run("min workers equal to capacity starts them all", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(3), tide.WithMinWorkers(3))
		st := p.Stats()
		require.Equal(t, 3, st.Workers)
		assert.Equal(t, 3, st.Idle)
		assert.Equal(t, uint64(3), st.Spawned)
	})

	t.Run("a nil option is ignored", func(t *testing.T) {
		p := newPool(t, nil, tide.WithCapacity(2))
		assert.Equal(t, 2, p.Cap())
	})
}
