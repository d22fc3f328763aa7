// Package tideprom exports the gauges and counters of tide pools as
// Prometheus metrics.
//
// A [Collector] holds any number of pools, each under a name that becomes the
// value of the "pool" label:
//
//	c := tideprom.NewCollector()
//	if err := c.Add("http", pool); err != nil { ... }
//	prometheus.MustRegister(c)
//
// Every scrape takes one [tide.Pool.Stats] snapshot per pool, so the figures
// of one pool in one scrape belong together (Submitted equals Completed +
// Running + Waiting when the pool is at rest).
//
// The metrics, all labelled by pool:
//
//	tide_capacity                  gauge    max live workers; +Inf when unlimited
//	tide_workers                   gauge    live worker goroutines
//	tide_workers_idle              gauge    workers parked, waiting for a task
//	tide_tasks_running             gauge    tasks executing now
//	tide_tasks_waiting             gauge    tasks queued, not yet started
//	tide_submitters_blocked        gauge    submitters waiting for room
//	tide_tasks_submitted_total     counter  tasks accepted
//	tide_tasks_completed_total     counter  tasks finished, panicked ones included
//	tide_tasks_panicked_total      counter  tasks that panicked
//	tide_workers_spawned_total     counter  workers created
//	tide_workers_retired_total     counter  workers ended
//
// An unlimited pool (capacity -1 in [tide.Stats]) exports tide_capacity as
// +Inf rather than -1, so that ratios such as tide_workers / tide_capacity
// read 0 (no saturation) instead of a negative number, and alerts of the form
// "workers above 90% of capacity" never fire for it.
package tideprom

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tidego/tide"
)

// Errors returned by [Collector.Add].
var (
	// ErrDuplicateName is returned when a pool is added under a name the
	// collector already holds.
	ErrDuplicateName = errors.New("tideprom: pool name already added")

	// ErrNilPool is returned when the pool to add is nil.
	ErrNilPool = errors.New("tideprom: nil pool")
)

// poolLabel is the variable label naming the pool on every metric.
const poolLabel = "pool"

// metric describes one exported figure and how to read it from a snapshot.
type metric struct {
	desc  *prometheus.Desc
	kind  prometheus.ValueType
	value func(s tide.Stats) float64
}

func gauge(name, help string, value func(s tide.Stats) float64) metric {
	return metric{
		desc:  prometheus.NewDesc(name, help, []string{poolLabel}, nil),
		kind:  prometheus.GaugeValue,
		value: value,
	}
}

func counter(name, help string, value func(s tide.Stats) uint64) metric {
	return metric{
		desc:  prometheus.NewDesc(name, help, []string{poolLabel}, nil),
		kind:  prometheus.CounterValue,
		value: func(s tide.Stats) float64 { return float64(value(s)) },
	}
}

// metrics lists what a Collector exports, in the order it exports them.
var metrics = []metric{
	gauge("tide_capacity", "Maximum number of live workers; +Inf when the capacity is unlimited.",
		func(s tide.Stats) float64 {
			if s.Capacity < 0 {
				return math.Inf(1)
			}
			return float64(s.Capacity)
		}),
	gauge("tide_workers", "Live worker goroutines, running or idle.",
		func(s tide.Stats) float64 { return float64(s.Workers) }),
	gauge("tide_workers_idle", "Workers parked, waiting for a task.",
		func(s tide.Stats) float64 { return float64(s.Idle) }),
	gauge("tide_tasks_running", "Tasks executing now.",
		func(s tide.Stats) float64 { return float64(s.Running) }),
	gauge("tide_tasks_waiting", "Tasks queued, not yet started.",
		func(s tide.Stats) float64 { return float64(s.Waiting) }),
	gauge("tide_submitters_blocked", "Submitters waiting for room in the pool.",
		func(s tide.Stats) float64 { return float64(s.Blocked) }),
	counter("tide_tasks_submitted_total", "Tasks accepted by the pool.",
		func(s tide.Stats) uint64 { return s.Submitted }),
	counter("tide_tasks_completed_total", "Tasks finished, panicked ones included.",
		func(s tide.Stats) uint64 { return s.Completed }),
	counter("tide_tasks_panicked_total", "Tasks that panicked.",
		func(s tide.Stats) uint64 { return s.Panicked }),
	counter("tide_workers_spawned_total", "Workers created.",
		func(s tide.Stats) uint64 { return s.Spawned }),
	counter("tide_workers_retired_total", "Workers ended (expired, shrunk, released, or counted out before they started).",
		func(s tide.Stats) uint64 { return s.Retired }),
}

// namedPool is a pool and the label value it is exported under.
type namedPool struct {
	name string
	pool *tide.Pool
}

// Collector is a [prometheus.Collector] for a set of named tide pools. The
// zero value is an empty collector ready to use; a Collector must not be
// copied after first use. Its methods are safe for concurrent use, and Add
// and Remove may be called while a scrape is in progress: the scrape sees
// the set of pools as it was when the scrape began.
type Collector struct {
	mu    sync.Mutex
	pools []namedPool // guarded by mu; in the order added
}

// NewCollector returns an empty collector. Register it once, then Add pools.
func NewCollector() *Collector { return &Collector{} }

// Add exports p under the label pool=name from the next scrape on. It
// returns ErrNilPool for a nil pool and ErrDuplicateName if name is taken.
// A released pool may stay added: its counters keep their last values.
func (c *Collector) Add(name string, p *tide.Pool) error {
	if p == nil {
		return ErrNilPool
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if slices.ContainsFunc(c.pools, func(np namedPool) bool { return np.name == name }) {
		return fmt.Errorf("%w: %q", ErrDuplicateName, name)
	}
	c.pools = append(c.pools, namedPool{name: name, pool: p})
	return nil
}

// Remove stops exporting the pool added under name, from the next scrape on.
// It reports whether such a pool was there.
func (c *Collector) Remove(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.pools)
	c.pools = slices.DeleteFunc(c.pools, func(np namedPool) bool { return np.name == name })
	return len(c.pools) < n
}

// Describe sends the descriptions of every metric the collector exports,
// whatever pools it holds.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range metrics {
		ch <- m.desc
	}
}

// Collect sends every metric of every pool, from one Stats snapshot per
// pool. It does not hold the collector's lock while sending.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	pools := slices.Clone(c.pools)
	c.mu.Unlock()
	for _, np := range pools {
		s := np.pool.Stats()
		for _, m := range metrics {
			ch <- prometheus.MustNewConstMetric(m.desc, m.kind, m.value(s), np.name)
		}
	}
}

var _ prometheus.Collector = (*Collector)(nil)
