// Package tideotel reports the gauges and counters of tide pools through
// OpenTelemetry asynchronous instruments.
//
// [Register] creates the instruments on a meter of the user's
// [metric.MeterProvider] and registers one callback for all of them; pools
// are then added by name, which becomes the value of the tide.pool.name
// attribute:
//
//	m, err := tideotel.Register(provider)
//	if err != nil { ... }
//	defer m.Close()
//	if err := m.Add("http", pool); err != nil { ... }
//
// Each collection takes one [tide.Pool.Stats] snapshot per pool, so the
// figures of one pool in one collection belong together.
//
// The instruments (names in the OpenTelemetry semantic-convention style; a
// multi-word component uses an underscore so that no metric name is also a
// namespace of another):
//
//	tide.pool.capacity            up-down counter  {worker}     max live workers; no data point when unlimited
//	tide.pool.workers             up-down counter  {worker}     live worker goroutines
//	tide.pool.idle_workers        up-down counter  {worker}     workers parked, waiting for a task
//	tide.pool.running_tasks       up-down counter  {task}       tasks executing now
//	tide.pool.waiting_tasks       up-down counter  {task}       tasks queued, not yet started
//	tide.pool.blocked_submitters  up-down counter  {submitter}  submitters waiting for room
//	tide.pool.submitted_tasks     counter          {task}       tasks accepted
//	tide.pool.completed_tasks     counter          {task}       tasks finished, panicked ones included
//	tide.pool.panicked_tasks      counter          {task}       tasks that panicked
//	tide.pool.spawned_workers     counter          {worker}     workers created
//	tide.pool.retired_workers     counter          {worker}     workers ended
//
// The current-value figures are up-down counters rather than gauges because
// they add up across pools (workers of all pools is a meaningful sum), which
// is how the semantic conventions treat pool sizes such as
// db.client.connection.count. An unlimited pool (capacity -1 in [tide.Stats])
// reports no capacity data point: an integer instrument cannot say infinity,
// and -1 would corrupt every sum and ratio built on it.
package tideotel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/tidego/tide"
)

// ScopeName is the instrumentation scope name of the meter the instruments
// are created on.
const ScopeName = "github.com/tidego/tide/contrib/tideotel"

// PoolNameKey is the attribute naming the pool on every data point.
const PoolNameKey = attribute.Key("tide.pool.name")

// Errors returned by [Metrics.Add].
var (
	// ErrDuplicateName is returned when a pool is added under a name already
	// taken.
	ErrDuplicateName = errors.New("tideotel: pool name already added")

	// ErrNilPool is returned when the pool to add is nil.
	ErrNilPool = errors.New("tideotel: nil pool")

	// ErrClosed is returned by Add after Close.
	ErrClosed = errors.New("tideotel: metrics closed")
)

// instrument is one reported figure: how to create it and read it.
type instrument struct {
	name, unit, desc string
	counter          bool // monotonic; else an up-down counter
	value            func(s tide.Stats) (v int64, ok bool)
}

func current(name, unit, desc string, value func(s tide.Stats) int) instrument {
	return instrument{name: name, unit: unit, desc: desc,
		value: func(s tide.Stats) (int64, bool) { return int64(value(s)), true }}
}

func total(name, unit, desc string, value func(s tide.Stats) uint64) instrument {
	return instrument{name: name, unit: unit, desc: desc, counter: true,
		value: func(s tide.Stats) (int64, bool) { return int64(min(value(s), math.MaxInt64)), true }}
}

// instruments lists what Register creates.
var instruments = []instrument{
	{name: "tide.pool.capacity", unit: "{worker}",
		desc: "Maximum number of live workers; no data point when the capacity is unlimited.",
		value: func(s tide.Stats) (int64, bool) {
			return int64(s.Capacity), s.Capacity >= 0
		}},
	current("tide.pool.workers", "{worker}", "Live worker goroutines, running or idle.",
		func(s tide.Stats) int { return s.Workers }),
	current("tide.pool.idle_workers", "{worker}", "Workers parked, waiting for a task.",
		func(s tide.Stats) int { return s.Idle }),
	current("tide.pool.running_tasks", "{task}", "Tasks executing now.",
		func(s tide.Stats) int { return s.Running }),
	current("tide.pool.waiting_tasks", "{task}", "Tasks queued, not yet started.",
		func(s tide.Stats) int { return s.Waiting }),
	current("tide.pool.blocked_submitters", "{submitter}", "Submitters waiting for room in the pool.",
		func(s tide.Stats) int { return s.Blocked }),
	total("tide.pool.submitted_tasks", "{task}", "Tasks accepted by the pool.",
		func(s tide.Stats) uint64 { return s.Submitted }),
	total("tide.pool.completed_tasks", "{task}", "Tasks finished, panicked ones included.",
		func(s tide.Stats) uint64 { return s.Completed }),
	total("tide.pool.panicked_tasks", "{task}", "Tasks that panicked.",
		func(s tide.Stats) uint64 { return s.Panicked }),
	total("tide.pool.spawned_workers", "{worker}", "Workers created.",
		func(s tide.Stats) uint64 { return s.Spawned }),
	total("tide.pool.retired_workers", "{worker}", "Workers ended (expired, shrunk, released, or counted out before they started).",
		func(s tide.Stats) uint64 { return s.Retired }),
}

// namedPool is a pool and the attributes it is reported with.
type namedPool struct {
	name  string
	attrs metric.MeasurementOption // tide.pool.name=name, built once
	pool  *tide.Pool
}

// Metrics reports a set of named pools through the instruments created by
// [Register]. Its methods are safe for concurrent use, also while a
// collection is in progress, which sees the set of pools as it was when the
// collection began. It must be made with Register.
type Metrics struct {
	observables []metric.Int64Observable // in the order of instruments
	reg         metric.Registration

	mu     sync.Mutex
	pools  []namedPool // guarded by mu; in the order added
	closed bool        // guarded by mu
}

// Register creates the instruments on the meter named [ScopeName] of mp and
// registers the callback that observes them. Call Close to unregister it.
// It returns the first error of the meter provider, if any.
func Register(mp metric.MeterProvider) (*Metrics, error) {
	meter := mp.Meter(ScopeName)
	m := &Metrics{}
	for _, in := range instruments {
		var (
			o   metric.Int64Observable
			err error
		)
		if in.counter {
			o, err = meter.Int64ObservableCounter(in.name, metric.WithUnit(in.unit), metric.WithDescription(in.desc))
		} else {
			o, err = meter.Int64ObservableUpDownCounter(in.name, metric.WithUnit(in.unit), metric.WithDescription(in.desc))
		}
		if err != nil {
			return nil, fmt.Errorf("tideotel: instrument %s: %w", in.name, err)
		}
		m.observables = append(m.observables, o)
	}
	observables := make([]metric.Observable, len(m.observables))
	for i, o := range m.observables {
		observables[i] = o
	}
	reg, err := meter.RegisterCallback(m.observe, observables...)
	if err != nil {
		return nil, fmt.Errorf("tideotel: register callback: %w", err)
	}
	m.reg = reg
	return m, nil
}

// observe is the callback: one Stats snapshot per pool, every instrument
// observed from it.
func (m *Metrics) observe(_ context.Context, o metric.Observer) error {
	m.mu.Lock()
	pools := slices.Clone(m.pools)
	m.mu.Unlock()
	for _, np := range pools {
		s := np.pool.Stats()
		for i, in := range instruments {
			if v, ok := in.value(s); ok {
				o.ObserveInt64(m.observables[i], v, np.attrs)
			}
		}
	}
	return nil
}

// Add reports p with the attribute tide.pool.name=name from the next
// collection on. It returns ErrNilPool for a nil pool, ErrDuplicateName if
// name is taken and ErrClosed after Close. A released pool may stay added:
// its counters keep their last values.
func (m *Metrics) Add(name string, p *tide.Pool) error {
	if p == nil {
		return ErrNilPool
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if slices.ContainsFunc(m.pools, func(np namedPool) bool { return np.name == name }) {
		return fmt.Errorf("%w: %q", ErrDuplicateName, name)
	}
	attrs := metric.WithAttributeSet(attribute.NewSet(PoolNameKey.String(name)))
	m.pools = append(m.pools, namedPool{name: name, attrs: attrs, pool: p})
	return nil
}

// Remove stops reporting the pool added under name, from the next
// collection on. It reports whether such a pool was there.
func (m *Metrics) Remove(name string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := len(m.pools)
	m.pools = slices.DeleteFunc(m.pools, func(np namedPool) bool { return np.name == name })
	return len(m.pools) < n
}

// Close unregisters the callback, so later collections report nothing for
// these pools, and forgets the pools. It is safe to call more than once;
// only the first call unregisters, and returns the provider's error if any.
func (m *Metrics) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	m.pools = nil
	m.mu.Unlock()
	if err := m.reg.Unregister(); err != nil {
		return fmt.Errorf("tideotel: unregister: %w", err)
	}
	return nil
}
