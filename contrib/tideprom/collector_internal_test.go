package tideprom

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"

	"github.com/tidego/tide"
)

// Every figure of Stats reaches its metric unchanged, the wait duration in
// seconds: a snapshot with a distinct value in every field, including the
// wait figures that only a pool under load fills in.
func TestCollectorMapsEveryField(t *testing.T) {
	stats := tide.Stats{
		Capacity: 9, Workers: 8, Idle: 3, Running: 5, Waiting: 7, Blocked: 2,
		Submitted: 101, Completed: 89, Panicked: 4, Spawned: 12, Retired: 4,
		WaitCount: 6, WaitDuration: 2500 * time.Millisecond, Overloaded: 11,
	}
	c := newCollector(func() tide.Stats { return stats }, "p")
	want := `
# HELP tide_capacity Maximum number of live workers; +Inf when the capacity is unlimited.
# TYPE tide_capacity gauge
tide_capacity{pool="p"} 9
# HELP tide_submitters_blocked Submitters waiting for room in the pool now.
# TYPE tide_submitters_blocked gauge
tide_submitters_blocked{pool="p"} 2
# HELP tide_tasks_completed_total Tasks finished, panicked ones included.
# TYPE tide_tasks_completed_total counter
tide_tasks_completed_total{pool="p"} 89
# HELP tide_tasks_panicked_total Tasks that panicked.
# TYPE tide_tasks_panicked_total counter
tide_tasks_panicked_total{pool="p"} 4
# HELP tide_tasks_rejected_total Submissions refused with ErrPoolOverload because the pool and its queue were full.
# TYPE tide_tasks_rejected_total counter
tide_tasks_rejected_total{pool="p"} 11
# HELP tide_tasks_running Tasks executing now.
# TYPE tide_tasks_running gauge
tide_tasks_running{pool="p"} 5
# HELP tide_tasks_submitted_total Tasks accepted by the pool.
# TYPE tide_tasks_submitted_total counter
tide_tasks_submitted_total{pool="p"} 101
# HELP tide_tasks_waiting Tasks queued, not yet started.
# TYPE tide_tasks_waiting gauge
tide_tasks_waiting{pool="p"} 7
# HELP tide_wait_count_total Submissions that had to wait for room, each counted once.
# TYPE tide_wait_count_total counter
tide_wait_count_total{pool="p"} 6
# HELP tide_wait_duration_seconds_total Total time submissions spent waiting for room, counted as each wait ends.
# TYPE tide_wait_duration_seconds_total counter
tide_wait_duration_seconds_total{pool="p"} 2.5
# HELP tide_workers Live worker goroutines, running or idle.
# TYPE tide_workers gauge
tide_workers{pool="p"} 8
# HELP tide_workers_idle Workers parked, waiting for a task.
# TYPE tide_workers_idle gauge
tide_workers_idle{pool="p"} 3
# HELP tide_workers_retired_total Workers ended (expired, shrunk, released, or counted out before they started).
# TYPE tide_workers_retired_total counter
tide_workers_retired_total{pool="p"} 4
# HELP tide_workers_spawned_total Workers created.
# TYPE tide_workers_spawned_total counter
tide_workers_spawned_total{pool="p"} 12
`
	assert.NoError(t, testutil.CollectAndCompare(c, strings.NewReader(want)))
}
