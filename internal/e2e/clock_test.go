package e2e_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// TestMockClockDrivesExpiry shows a user's fake clock, benbjohnson/clock's
// *Mock, driving expiry through WithClock: the runtime's time passing
// retires nothing, the mock's time does, to the nanosecond.
func TestMockClockDrivesExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mock := clock.NewMock()
		p, err := tide.New(tide.WithClock(mock), tide.WithExpiry(time.Minute))
		require.NoError(t, err)
		defer func() { require.NoError(t, p.ReleaseTimeout(time.Second)) }()

		require.NoError(t, p.Submit(func() {}))
		p.Wait()
		synctest.Wait()
		require.Equal(t, 1, p.Idle(), "the worker parked")

		time.Sleep(24 * time.Hour) // the runtime's (virtual) time
		synctest.Wait()
		assert.Equal(t, 1, p.Idle(), "the runtime's clock retired the worker")

		mock.Add(time.Minute - time.Nanosecond)
		synctest.Wait()
		assert.Equal(t, 1, p.Idle(), "retired a nanosecond before the expiry")

		mock.Add(time.Nanosecond)
		synctest.Wait()
		assert.Equal(t, tide.Stats{Capacity: -1, Submitted: 1, Completed: 1, Spawned: 1, Retired: 1}, p.Stats())
	})
}
