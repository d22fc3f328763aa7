package tideprom_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// newPool returns a pool made with opts that is released, and its goroutines
// awaited, when the test ends.
func newPool(t *testing.T, opts ...tide.Option) *tide.Pool {
	t.Helper()
	p, err := tide.New(opts...)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, p.ReleaseTimeout(10*time.Second)) })
	return p
}

// busyPool returns, inside a synctest bubble, a pool of capacity 2 and queue
// size 1 that has run one task that panicked and now holds two running
// tasks, one queued task and one blocked submitter, so that its figures
// differ from one another and from a fresh pool's. The held tasks finish
// when the test ends.
func busyPool(t *testing.T) *tide.Pool {
	t.Helper()
	p := newPool(t, tide.WithCapacity(2), tide.WithQueueSize(1), tide.WithExpiry(time.Hour),
		tide.WithPanicHandler(func(any) {}))
	require.NoError(t, p.Submit(func() { panic("boom") }))
	p.Wait()
	gate := make(chan struct{})
	held := func() { <-gate }
	for range 3 { // two run, one is queued
		require.NoError(t, p.Submit(held))
	}
	submitted := make(chan error, 1)
	go func() { submitted <- p.Submit(held) }()
	synctest.Wait() // the fourth submitter is blocked
	require.Equal(t, 1, p.Blocked(), "the fourth submitter waits for room")
	t.Cleanup(func() {
		close(gate)
		require.NoError(t, <-submitted, "the blocked Submit")
		p.Wait()
	})
	return p
}

// gather returns the value of every sample reg gathers, by metric name; each
// metric must have one sample (one pool per registry).
func gather(t *testing.T, reg prometheus.Gatherer) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, f := range families {
		require.Len(t, f.GetMetric(), 1, f.GetName())
		m := f.GetMetric()[0]
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			got[f.GetName()] = m.GetCounter().GetValue()
		case dto.MetricType_GAUGE:
			got[f.GetName()] = m.GetGauge().GetValue()
		default:
			require.Failf(t, "unexpected metric type", "%s is a %s", f.GetName(), f.GetType())
		}
	}
	return got
}

// registry returns a pedantic registry holding c.
func registry(t *testing.T, c prometheus.Collector) *prometheus.Registry {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(c))
	return reg
}
