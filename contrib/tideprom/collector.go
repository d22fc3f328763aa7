package tideprom

import (
	"errors"
	"math"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tidego/tide"
)

// Errors reported by [prometheus.Registerer.Register] (and so by
// MustRegister) for a collector made with bad input; match them with
// errors.Is.
var (
	// ErrNilPool is reported for a collector made with a nil pool.
	ErrNilPool = errors.New("tideprom: nil pool")

	// ErrEmptyName is reported for a collector made with an empty pool
	// name, which Prometheus would read as no pool label at all.
	ErrEmptyName = errors.New("tideprom: empty pool name")
)

// poolLabel is the constant label naming the pool on every metric.
const poolLabel = "pool"

// metric describes one exported figure and how to read it from a snapshot.
type metric struct {
	name, help string
	kind       prometheus.ValueType
	value      func(s tide.Stats) float64
}

func gauge(name, help string, value func(s tide.Stats) int) metric {
	return metric{name: name, help: help, kind: prometheus.GaugeValue,
		value: func(s tide.Stats) float64 { return float64(value(s)) }}
}

func counter(name, help string, value func(s tide.Stats) uint64) metric {
	return metric{name: name, help: help, kind: prometheus.CounterValue,
		value: func(s tide.Stats) float64 { return float64(value(s)) }}
}

// metrics lists what a Collector exports, in the order it exports them.
var metrics = []metric{
	{name: "tide_capacity", help: "Maximum number of live workers; +Inf when the capacity is unlimited.",
		kind: prometheus.GaugeValue,
		value: func(s tide.Stats) float64 {
			if s.Capacity < 0 {
				return math.Inf(1)
			}
			return float64(s.Capacity)
		}},
	gauge("tide_workers", "Live worker goroutines, running or idle.",
		func(s tide.Stats) int { return s.Workers }),
	gauge("tide_workers_idle", "Workers parked, waiting for a task.",
		func(s tide.Stats) int { return s.Idle }),
	gauge("tide_tasks_running", "Tasks executing now.",
		func(s tide.Stats) int { return s.Running }),
	gauge("tide_tasks_waiting", "Tasks queued, not yet started.",
		func(s tide.Stats) int { return s.Waiting }),
	gauge("tide_submitters_blocked", "Submitters waiting for room in the pool now.",
		func(s tide.Stats) int { return s.Blocked }),
	counter("tide_tasks_submitted_total", "Tasks accepted by the pool.",
		func(s tide.Stats) uint64 { return s.Submitted }),
	counter("tide_tasks_completed_total", "Tasks finished, panicked ones included.",
		func(s tide.Stats) uint64 { return s.Completed }),
	counter("tide_tasks_panicked_total", "Tasks that panicked.",
		func(s tide.Stats) uint64 { return s.Panicked }),
	counter("tide_tasks_rejected_total", "Submissions refused with ErrPoolOverload because the pool and its queue were full.",
		func(s tide.Stats) uint64 { return s.Overloaded }),
	counter("tide_workers_spawned_total", "Workers created.",
		func(s tide.Stats) uint64 { return s.Spawned }),
	counter("tide_workers_retired_total", "Workers ended (expired, shrunk, released, or counted out before they started).",
		func(s tide.Stats) uint64 { return s.Retired }),
	counter("tide_wait_count_total", "Submissions that had to wait for room, each counted once.",
		func(s tide.Stats) uint64 { return s.WaitCount }),
	{name: "tide_wait_duration_seconds_total", help: "Total time submissions spent waiting for room, counted as each wait ends.",
		kind:  prometheus.CounterValue,
		value: func(s tide.Stats) float64 { return s.WaitDuration.Seconds() }},
}

// Collector is a [prometheus.Collector] for one tide pool. It must be made
// with [NewCollector]. Its methods are safe for concurrent use; it holds no
// state beyond the pool, its name and the metric descriptions.
type Collector struct {
	stats func() tide.Stats  // the pool's Stats
	descs []*prometheus.Desc // in the order of metrics
	err   error              // why the collector cannot work; nil if it can
}

// NewCollector returns a collector exporting p's figures with the constant
// label pool=name. A nil p or an empty name makes a collector whose
// registration fails with ErrNilPool or ErrEmptyName; a name that is not
// valid UTF-8 makes registration fail with Prometheus' own error.
func NewCollector(p *tide.Pool, name string) *Collector {
	switch {
	case p == nil:
		return &Collector{err: ErrNilPool}
	case name == "":
		return &Collector{err: ErrEmptyName}
	}
	return newCollector(p.Stats, name)
}

// newCollector returns a collector of the figures stats returns.
func newCollector(stats func() tide.Stats, name string) *Collector {
	c := &Collector{stats: stats, descs: make([]*prometheus.Desc, len(metrics))}
	labels := prometheus.Labels{poolLabel: name}
	for i, m := range metrics {
		c.descs[i] = prometheus.NewDesc(m.name, m.help, nil, labels)
	}
	return c
}

// Describe sends the description of every metric the collector exports, or,
// for a collector made with bad input, one invalid description carrying the
// reason, which makes its registration fail.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	if c.err != nil {
		ch <- prometheus.NewInvalidDesc(c.err)
		return
	}
	for _, d := range c.descs {
		ch <- d
	}
}

// Collect sends every metric of the pool from one Stats snapshot, or, for a
// collector made with bad input, one invalid metric carrying the reason.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	if c.err != nil {
		ch <- prometheus.NewInvalidMetric(prometheus.NewInvalidDesc(c.err), c.err)
		return
	}
	s := c.stats()
	for i, m := range metrics {
		mt, err := prometheus.NewConstMetric(c.descs[i], m.kind, m.value(s))
		if err != nil { // the description is invalid: a name that is not UTF-8
			mt = prometheus.NewInvalidMetric(c.descs[i], err)
		}
		ch <- mt
	}
}

var _ prometheus.Collector = (*Collector)(nil)
