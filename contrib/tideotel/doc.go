// Package tideotel reports the gauges and counters of tide pools through
// OpenTelemetry asynchronous instruments, named and shaped after the
// semantic conventions for connection pools (db.client.connection.count with
// a state attribute, db.client.connection.max).
//
// [Register] creates the instruments on a meter of the global
// [metric.MeterProvider], or of the one given by [WithMeterProvider], and
// registers one callback for all of them; pools are then added by name,
// which becomes the value of the tide.pool.name attribute:
//
//	m, err := tideotel.Register(tideotel.WithMeterProvider(provider))
//	if err != nil { ... }
//	defer m.Close()
//	if err := m.Add("http", pool); err != nil { ... }
//
// The meter is named [ScopeName] and carries the module's [Version]. Each
// collection takes one [tide.Pool.Stats] snapshot per pool, so the figures
// of one pool in one collection belong together.
//
// The instruments (every data point also has tide.pool.name):
//
//	name                       instrument      unit         attributes
//	tide.pool.worker.count     up-down counter {worker}     tide.pool.worker.state = idle | busy
//	tide.pool.worker.max       up-down counter {worker}     none; no data point when the capacity is unlimited
//	tide.pool.task.count       up-down counter {task}       tide.pool.task.state = running | queued
//	tide.pool.submitter.count  up-down counter {submitter}  none: submitters waiting for room now
//	tide.pool.task.submitted   counter         {task}       none: tasks accepted
//	tide.pool.task.completed   counter         {task}       error.type = panic for the tasks that panicked, absent for the others
//	tide.pool.task.rejected    counter         {task}       none: submissions refused with tide.ErrPoolOverload
//	tide.pool.worker.spawned   counter         {worker}     none: workers created
//	tide.pool.worker.retired   counter         {worker}     none: workers ended
//	tide.pool.wait.count       counter         {wait}       none: submissions that had to wait for room
//	tide.pool.wait.time        counter (float) s            none: their total time waiting
//
// The names follow the conventions' naming rules: an up-down counter is
// named .count, not pluralised, and splits its total by a state attribute
// (the busy and idle workers add up to the live workers; running and queued
// tasks to the tasks in the pool); a counter of events is named after the
// thing and what happened to it, as system.network.packet.dropped is; an
// instrument that accumulates time is named .time, as process.cpu.time is
// (.duration names histograms of single operations). Refusals are
// tide.pool.task.rejected, as the conventions' kestrel.rejected_connections
// counts connections refused at the server's limit. The wait figures have the
// meaning of database/sql's DBStats.WaitCount and WaitDuration:
// rate(tide.pool.wait.time) / rate(tide.pool.wait.count) is the mean wait of
// the submissions that waited.
//
// The current-value figures are up-down counters rather than gauges because
// they add up across pools (the workers of all pools is a meaningful sum),
// as db.client.connection.count does. An unlimited pool (capacity -1 in
// [tide.Stats]) reports no tide.pool.worker.max data point: an integer
// instrument cannot say infinity, and -1 would corrupt every sum and ratio
// built on it.
package tideotel
