package tideprom_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tidego/tide"
	"github.com/tidego/tide/contrib/tideprom"
	"github.com/tidego/tide/internal/pooltest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestCollector(t *testing.T) {
	t.Run("a live pool's figures are exported under its name, an unlimited capacity as +Inf", func(t *testing.T) {
		busy, gate := pooltest.Busy(t)
		defer close(gate)
		c := tideprom.NewCollector()
		require.NoError(t, c.Add("busy", busy))
		require.NoError(t, c.Add("fresh", pooltest.New(t)))

		want := `
# HELP tide_capacity Maximum number of live workers; +Inf when the capacity is unlimited.
# TYPE tide_capacity gauge
tide_capacity{pool="busy"} 2
tide_capacity{pool="fresh"} +Inf
# HELP tide_submitters_blocked Submitters waiting for room in the pool.
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
		assert.NoError(t, testutil.CollectAndCompare(c, strings.NewReader(want)))
	})

	t.Run("the metrics pass the Prometheus linter", func(t *testing.T) {
		busy, gate := pooltest.Busy(t)
		defer close(gate)
		c := tideprom.NewCollector()
		require.NoError(t, c.Add("busy", busy))
		require.NoError(t, c.Add("unlimited", pooltest.New(t)))

		problems, err := testutil.CollectAndLint(c)
		require.NoError(t, err)
		assert.Empty(t, problems)
	})

	t.Run("a pedantic registry accepts the collector, empty or not", func(t *testing.T) {
		c := tideprom.NewCollector()
		reg := prometheus.NewPedanticRegistry()
		require.NoError(t, reg.Register(c))
		_, err := reg.Gather()
		require.NoError(t, err)

		require.NoError(t, c.Add("a", pooltest.New(t)))
		require.NoError(t, c.Add("b", pooltest.New(t, tide.WithCapacity(3))))
		families, err := reg.Gather()
		require.NoError(t, err)
		assert.Len(t, families, 11)
		for _, f := range families {
			assert.Len(t, f.GetMetric(), 2, f.GetName())
		}
	})

	t.Run("counters follow the pool as it works", func(t *testing.T) {
		p := pooltest.New(t, tide.WithCapacity(4))
		c := tideprom.NewCollector()
		require.NoError(t, c.Add("work", p))
		for range 100 {
			require.NoError(t, p.Submit(func() {}))
		}
		p.Wait()

		assert.Equal(t, 1, testutil.CollectAndCount(c, "tide_tasks_completed_total"))
		assert.InDelta(t, 100, counterValue(t, c, "tide_tasks_completed_total"), 0)
		assert.InDelta(t, 100, counterValue(t, c, "tide_tasks_submitted_total"), 0)
		assert.InDelta(t, 0, counterValue(t, c, "tide_tasks_panicked_total"), 0)
	})

	t.Run("a removed pool is no longer exported", func(t *testing.T) {
		c := tideprom.NewCollector()
		require.NoError(t, c.Add("a", pooltest.New(t)))
		require.NoError(t, c.Add("b", pooltest.New(t)))
		assert.True(t, c.Remove("a"))
		assert.False(t, c.Remove("a"), "a second Remove finds nothing")
		assert.Equal(t, 1, testutil.CollectAndCount(c, "tide_workers"))
	})

	t.Run("a taken name and a nil pool are refused", func(t *testing.T) {
		c := tideprom.NewCollector()
		require.NoError(t, c.Add("a", pooltest.New(t)))
		assert.ErrorIs(t, c.Add("a", pooltest.New(t)), tideprom.ErrDuplicateName)
		assert.ErrorIs(t, c.Add("b", nil), tideprom.ErrNilPool)
		assert.Equal(t, 1, testutil.CollectAndCount(c, "tide_workers"))
	})
}

// counterValue returns the value of the single sample of the metric name
// that c collects.
func counterValue(t *testing.T, c prometheus.Collector, name string) float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(c))
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() == name {
			require.Len(t, f.GetMetric(), 1)
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	require.Failf(t, "metric not found", "%s", name)
	return 0
}
