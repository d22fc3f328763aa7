package tide_test

import (
	"math"
	"testing"
	"testing/synctest"

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/pooltest"
)

// TestTuneCapHolds proves that a capacity below one is refused, and that a
// smaller one retires surplus idle workers at once; with busy workers, queued
// tasks and waiting submitters, see TestParkedSubmittersWakeUp.
func TestTuneCapHolds(t *testing.T) {
	// A capacity below one is refused and changes nothing.
	t.Run("capacity below one", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(3))
		for _, n := range []int{0, -1, math.MinInt} {
			assert.ErrorIs(t, p.Tune(n), tide.ErrInvalidCapacity, "Tune(%d)", n)
		}
		assert.Equal(t, 3, p.Cap())
	})

	// Tune shrinking retires surplus idle workers at once.
	inBubble(t, "shrink retires idle workers", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(6))
		burst(t, p, 6)
		require.NoError(t, p.Tune(2))
		synctest.Wait()
		assert.Equal(t, tide.Stats{Capacity: 2, Workers: 2, Idle: 2, Submitted: 6, Completed: 6, Spawned: 6, Retired: 4},
			p.Stats(), "four idle workers retired")
		assert.Equal(t, 3, poolGoroutines(), "the workers left and the reaper")
	})
}
