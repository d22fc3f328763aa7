package tideprom_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tidego/tide"
	"github.com/tidego/tide/contrib/tideprom"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// The text every collector's pool exports, with the figures of the pools
// named busy (made by busyPool) and fresh (no options, nothing submitted).
// The busy pool's wait figures are filled in from its Stats.
const twoPools = `
# HELP tide_capacity Maximum number of live workers; +Inf when the capacity is unlimited.
# TYPE tide_capacity gauge
tide_capacity{pool="busy"} 2
tide_capacity{pool="fresh"} +Inf
# HELP tide_submitters_blocked Submitters waiting for room in the pool now.
# TYPE tide_submitters_blocked gauge
tide_submitters_blocked{pool="busy"} 1
tide_submitters_blocked{pool="fresh"} 0
# HELP tide_tasks_completed_total Tasks finished, panicked ones included.
# TYPE tide_tasks_completed_total counter
tide_tasks_completed_total{pool="busy"} 1
tide_tasks_completed_total{pool="fresh"} 0
# HELP tide_tasks_panicked_total Tasks that panicked.
# TYPE tide_tasks_panicked_total counter
tide_tasks_panicked_total{pool="busy"} 1
tide_tasks_panicked_total{pool="fresh"} 0
# HELP tide_tasks_rejected_total Submissions refused with ErrPoolOverload because the pool and its queue were full.
# TYPE tide_tasks_rejected_total counter
tide_tasks_rejected_total{pool="busy"} %[1]d
tide_tasks_rejected_total{pool="fresh"} 0
# HELP tide_tasks_running Tasks executing now.
# TYPE tide_tasks_running gauge
tide_tasks_running{pool="busy"} 2
tide_tasks_running{pool="fresh"} 0
# HELP tide_tasks_submitted_total Tasks accepted by the pool.
# TYPE tide_tasks_submitted_total counter
tide_tasks_submitted_total{pool="busy"} 4
tide_tasks_submitted_total{pool="fresh"} 0
# HELP tide_tasks_waiting Tasks queued, not yet started.
# TYPE tide_tasks_waiting gauge
tide_tasks_waiting{pool="busy"} 1
tide_tasks_waiting{pool="fresh"} 0
# HELP tide_wait_count_total Submissions that had to wait for room, each counted once.
# TYPE tide_wait_count_total counter
tide_wait_count_total{pool="busy"} %[2]d
tide_wait_count_total{pool="fresh"} 0
# HELP tide_wait_duration_seconds_total Total time submissions spent waiting for room, counted as each wait ends.
# TYPE tide_wait_duration_seconds_total counter
tide_wait_duration_seconds_total{pool="busy"} %[3]g
tide_wait_duration_seconds_total{pool="fresh"} 0
# HELP tide_workers Live worker goroutines, running or idle.
# TYPE tide_workers gauge
tide_workers{pool="busy"} 2
tide_workers{pool="fresh"} 0
# HELP tide_workers_idle Workers parked, waiting for a task.
# TYPE tide_workers_idle gauge
tide_workers_idle{pool="busy"} 0
tide_workers_idle{pool="fresh"} 0
# HELP tide_workers_retired_total Workers ended (expired, shrunk, released, or counted out before they started).
# TYPE tide_workers_retired_total counter
tide_workers_retired_total{pool="busy"} 0
tide_workers_retired_total{pool="fresh"} 0
# HELP tide_workers_spawned_total Workers created.
# TYPE tide_workers_spawned_total counter
tide_workers_spawned_total{pool="busy"} 2
tide_workers_spawned_total{pool="fresh"} 0
`

func TestCollector(t *testing.T) {
	// Two collectors in one registry, one per pool, each with its pool's
	// name as the constant label: the way client_golang's DBStats collector
	// lets two databases share a registry.
	t.Run("two pools", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			busy := busyPool(t)
			reg := prometheus.NewPedanticRegistry()
			require.NoError(t, reg.Register(tideprom.NewCollector(busy, "busy")))
			require.NoError(t, reg.Register(tideprom.NewCollector(newPool(t), "fresh")))

			s := busy.Stats()
			want := fmt.Sprintf(twoPools, s.Overloaded, s.WaitCount, s.WaitDuration.Seconds())
			assert.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want)))
		})
	})

	t.Run("lint", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			for _, c := range []*tideprom.Collector{
				tideprom.NewCollector(busyPool(t), "busy"),
				tideprom.NewCollector(newPool(t), "unlimited"),
			} {
				problems, err := testutil.CollectAndLint(c)
				require.NoError(t, err)
				assert.Empty(t, problems)
			}
		})
	})

	t.Run("counters follow the pool", func(t *testing.T) {
		p := newPool(t, tide.WithCapacity(4))
		reg := registry(t, tideprom.NewCollector(p, "work"))
		for range 100 {
			require.NoError(t, p.Submit(func() {}))
		}
		p.Wait()
		got := gather(t, reg)
		assert.InDelta(t, 100, got["tide_tasks_submitted_total"], 0)
		assert.InDelta(t, 100, got["tide_tasks_completed_total"], 0)
		assert.InDelta(t, 0, got["tide_tasks_panicked_total"], 0)

		for range 50 {
			require.NoError(t, p.Submit(func() {}))
		}
		p.Wait()
		assert.InDelta(t, 150, gather(t, reg)["tide_tasks_completed_total"], 0)
	})

	// One submitter waits 5 s (virtual time) for room. The exported wait
	// figures are the pool's (Stats.WaitCount, Stats.WaitDuration):
	// exactly one wait of 5 s.
	t.Run("wait figures", func(t *testing.T) {
		var (
			s   tide.Stats
			got map[string]float64
		)
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0))
			reg := registry(t, tideprom.NewCollector(p, "w"))
			gate := make(chan struct{})
			require.NoError(t, p.Submit(func() { <-gate }))
			submitted := make(chan error, 1)
			go func() { submitted <- p.Submit(func() {}) }()
			synctest.Wait()
			require.Equal(t, 1, p.Blocked())
			time.Sleep(5 * time.Second)
			close(gate)
			require.NoError(t, <-submitted)
			p.Wait()

			s, got = p.Stats(), gather(t, reg)
		})
		assert.InDelta(t, float64(s.WaitCount), got["tide_wait_count_total"], 0)
		assert.InDelta(t, s.WaitDuration.Seconds(), got["tide_wait_duration_seconds_total"], 0)
		assert.InDelta(t, 0, got["tide_tasks_rejected_total"], 0)
		assert.InDelta(t, 1, got["tide_wait_count_total"], 0)
		assert.InDelta(t, 5, got["tide_wait_duration_seconds_total"], 0)
	})

	// Three Submits refused by a full nonblocking pool. The exported count
	// is the pool's (Stats.Overloaded):
	// exactly 3, and none of them waited.
	t.Run("rejected", func(t *testing.T) {
		var (
			s   tide.Stats
			got map[string]float64
		)
		synctest.Test(t, func(t *testing.T) {
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0), tide.WithNonblocking())
			reg := registry(t, tideprom.NewCollector(p, "r"))
			gate := make(chan struct{})
			require.NoError(t, p.Submit(func() { <-gate }))
			for range 3 {
				require.ErrorIs(t, p.Submit(func() {}), tide.ErrPoolOverload)
			}
			close(gate)
			p.Wait()

			s, got = p.Stats(), gather(t, reg)
		})
		assert.InDelta(t, float64(s.Overloaded), got["tide_tasks_rejected_total"], 0)
		assert.InDelta(t, 0, got["tide_wait_count_total"], 0)
		assert.InDelta(t, 3, got["tide_tasks_rejected_total"], 0)
	})

	t.Run("unregistered", func(t *testing.T) {
		reg := prometheus.NewPedanticRegistry()
		a := tideprom.NewCollector(newPool(t), "a")
		require.NoError(t, reg.Register(a))
		require.NoError(t, reg.Register(tideprom.NewCollector(newPool(t), "b")))
		require.True(t, reg.Unregister(a))
		assert.Equal(t, 1, testutil.CollectAndCount(reg, "tide_workers"), "only b is left")
	})

	// A second collector under a taken name is the registry's duplicate;
	// a nil pool or an empty name fails registration with this package's
	// error, which MustRegister panics with.
	t.Run("bad registrations", func(t *testing.T) {
		reg := prometheus.NewPedanticRegistry()
		p := newPool(t)
		require.NoError(t, reg.Register(tideprom.NewCollector(p, "a")))

		var dup prometheus.AlreadyRegisteredError
		require.ErrorAs(t, reg.Register(tideprom.NewCollector(newPool(t), "a")), &dup)
		assert.ErrorIs(t, reg.Register(tideprom.NewCollector(nil, "b")), tideprom.ErrNilPool)
		assert.ErrorIs(t, reg.Register(tideprom.NewCollector(p, "")), tideprom.ErrEmptyName)
		assert.ErrorContains(t, reg.Register(tideprom.NewCollector(p, "\xff")), "UTF-8")
		assert.Equal(t, 1, testutil.CollectAndCount(reg, "tide_workers"), "only a is registered")
	})
}
