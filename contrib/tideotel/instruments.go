package tideotel

import (
	"errors"
	"math"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/tidego/tide"
)

// Attribute keys of the data points.
const (
	// PoolNameKey names the pool, on every data point.
	PoolNameKey = attribute.Key("tide.pool.name")

	// WorkerStateKey splits tide.pool.worker.count into "idle" and "busy".
	WorkerStateKey = attribute.Key("tide.pool.worker.state")

	// TaskStateKey splits tide.pool.task.count into "running" and "queued".
	TaskStateKey = attribute.Key("tide.pool.task.state")

	// ErrorTypeKey is the semantic conventions' error.type; it is "panic"
	// on the tide.pool.task.completed data point of the tasks that panicked.
	ErrorTypeKey = attribute.Key("error.type")
)

// instruments are the instruments Register creates, one per reported name.
type instruments struct {
	workerCount, workerMax, taskCount, submitterCount metric.Int64ObservableUpDownCounter

	taskSubmitted, taskCompleted, taskRejected metric.Int64ObservableCounter
	workerSpawned, workerRetired, waitCount    metric.Int64ObservableCounter

	waitTime metric.Float64ObservableCounter
}

// newInstruments creates the instruments on meter; it returns them also as
// the list a callback registers for, and the errors of the meter, joined.
func newInstruments(meter metric.Meter) (*instruments, []metric.Observable, error) {
	var (
		in   instruments
		errs []error
		all  []metric.Observable
	)
	upDown := func(name, unit, desc string) metric.Int64ObservableUpDownCounter {
		o, err := meter.Int64ObservableUpDownCounter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		errs, all = append(errs, err), append(all, o)
		return o
	}
	counter := func(name, unit, desc string) metric.Int64ObservableCounter {
		o, err := meter.Int64ObservableCounter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		errs, all = append(errs, err), append(all, o)
		return o
	}
	in.workerCount = upDown("tide.pool.worker.count", "{worker}",
		"Live worker goroutines, by state: busy running a task, or idle waiting for one.")
	in.workerMax = upDown("tide.pool.worker.max", "{worker}",
		"Maximum number of live workers (the capacity); no data point when it is unlimited.")
	in.taskCount = upDown("tide.pool.task.count", "{task}",
		"Tasks accepted and not finished, by state: running, or queued waiting for a worker.")
	in.submitterCount = upDown("tide.pool.submitter.count", "{submitter}",
		"Submitters waiting for room in the pool now.")
	in.taskSubmitted = counter("tide.pool.task.submitted", "{task}",
		"Tasks accepted by the pool.")
	in.taskCompleted = counter("tide.pool.task.completed", "{task}",
		"Tasks finished; error.type is panic for those that panicked.")
	in.taskRejected = counter("tide.pool.task.rejected", "{task}",
		"Submissions refused with ErrPoolOverload because the pool and its queue were full.")
	in.workerSpawned = counter("tide.pool.worker.spawned", "{worker}",
		"Workers created.")
	in.workerRetired = counter("tide.pool.worker.retired", "{worker}",
		"Workers ended (expired, shrunk, released, or counted out before they started).")
	in.waitCount = counter("tide.pool.wait.count", "{wait}",
		"Submissions that had to wait for room, each counted once.")
	waitTime, err := meter.Float64ObservableCounter("tide.pool.wait.time", metric.WithUnit("s"),
		metric.WithDescription("Total time submissions spent waiting for room, counted as each wait ends."))
	in.waitTime, errs, all = waitTime, append(errs, err), append(all, waitTime)
	return &in, all, errors.Join(errs...)
}

// poolAttrs are the attribute sets of one pool's data points, built once.
type poolAttrs struct {
	pool, idle, busy, running, queued, panicked metric.MeasurementOption
}

func newPoolAttrs(name string) poolAttrs {
	with := func(kvs ...attribute.KeyValue) metric.MeasurementOption {
		return metric.WithAttributeSet(attribute.NewSet(append(kvs, PoolNameKey.String(name))...))
	}
	return poolAttrs{
		pool:     with(),
		idle:     with(WorkerStateKey.String("idle")),
		busy:     with(WorkerStateKey.String("busy")),
		running:  with(TaskStateKey.String("running")),
		queued:   with(TaskStateKey.String("queued")),
		panicked: with(ErrorTypeKey.String("panic")),
	}
}

// observe reports one pool's snapshot s on o.
func (in *instruments) observe(o metric.Observer, s tide.Stats, a *poolAttrs) {
	o.ObserveInt64(in.workerCount, int64(s.Idle), a.idle)
	o.ObserveInt64(in.workerCount, int64(max(s.Workers-s.Idle, 0)), a.busy)
	if s.Capacity >= 0 {
		o.ObserveInt64(in.workerMax, int64(s.Capacity), a.pool)
	}
	o.ObserveInt64(in.taskCount, int64(s.Running), a.running)
	o.ObserveInt64(in.taskCount, int64(s.Waiting), a.queued)
	o.ObserveInt64(in.submitterCount, int64(s.Blocked), a.pool)

	o.ObserveInt64(in.taskSubmitted, count(s.Submitted), a.pool)
	panicked := min(s.Panicked, s.Completed) // the two points add up to Completed
	o.ObserveInt64(in.taskCompleted, count(s.Completed-panicked), a.pool)
	o.ObserveInt64(in.taskCompleted, count(panicked), a.panicked)
	o.ObserveInt64(in.taskRejected, count(s.Overloaded), a.pool)
	o.ObserveInt64(in.workerSpawned, count(s.Spawned), a.pool)
	o.ObserveInt64(in.workerRetired, count(s.Retired), a.pool)
	o.ObserveInt64(in.waitCount, count(s.WaitCount), a.pool)
	o.ObserveFloat64(in.waitTime, s.WaitDuration.Seconds(), a.pool)
}

// count converts a counter for an int64 instrument, saturating.
func count(n uint64) int64 { return int64(min(n, math.MaxInt64)) }
