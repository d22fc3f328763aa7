// Package tideprom exports the gauges and counters of a tide pool as
// Prometheus metrics, one [Collector] per pool, the way client_golang's
// collectors.NewDBStatsCollector exports a *sql.DB:
//
//	prometheus.MustRegister(tideprom.NewCollector(pool, "jobs"))
//
// The pool's name becomes the constant label pool="jobs" on every metric, so
// any number of collectors, for pools of different names, can be registered
// in one registry, by one program or by several libraries in it. Registering
// a second collector under a name already taken fails with the registry's
// [prometheus.AlreadyRegisteredError]; unregistering a collector stops
// exporting its pool.
//
// Every scrape takes one [tide.Pool.Stats] snapshot, so the figures of one
// pool in one scrape belong together (Submitted equals Completed + Running +
// Waiting when the pool is at rest).
//
// The metrics, all with the constant label pool:
//
//	tide_capacity                     gauge    max live workers; +Inf when unlimited
//	tide_workers                      gauge    live worker goroutines
//	tide_workers_idle                 gauge    workers parked, waiting for a task
//	tide_tasks_running                gauge    tasks executing now
//	tide_tasks_waiting                gauge    tasks queued, not yet started
//	tide_submitters_blocked           gauge    submitters waiting for room now
//	tide_tasks_submitted_total        counter  tasks accepted
//	tide_tasks_completed_total        counter  tasks finished, panicked ones included
//	tide_tasks_panicked_total         counter  tasks that panicked
//	tide_tasks_rejected_total         counter  submissions refused with tide.ErrPoolOverload
//	tide_workers_spawned_total        counter  workers created
//	tide_workers_retired_total        counter  workers ended
//	tide_wait_count_total             counter  submissions that had to wait for room
//	tide_wait_duration_seconds_total  counter  their total time waiting, in seconds
//
// The wait figures have the meaning of database/sql's DBStats, which
// client_golang exports as go_sql_wait_count_total and
// go_sql_wait_duration_seconds_total: rate(tide_wait_duration_seconds_total)
// / rate(tide_wait_count_total) is the mean wait of the submissions that
// waited. A refused submission (tide_tasks_rejected_total) never waits.
//
// An unlimited pool (capacity -1 in [tide.Stats]) exports tide_capacity as
// +Inf rather than -1, so that ratios such as tide_workers / tide_capacity
// read 0 (no saturation) instead of a negative number, and alerts of the form
// "workers above 90% of capacity" never fire for it.
package tideprom
