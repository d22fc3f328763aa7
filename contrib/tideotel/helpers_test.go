package tideotel_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/tidego/tide"
	"github.com/tidego/tide/contrib/tideotel"
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

// setup returns a manual reader on a fresh meter provider, with tideotel
// registered on it; both are shut down when the test ends.
func setup(t *testing.T) (*sdkmetric.ManualReader, *tideotel.Metrics) {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { require.NoError(t, provider.Shutdown(context.Background())) })
	m, err := tideotel.Register(tideotel.WithMeterProvider(provider))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	return reader, m
}

// collect returns the metrics of tideotel's scope, by name, and requires the
// scope to carry the module's version.
func collect(t *testing.T, reader *sdkmetric.ManualReader) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	got := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != tideotel.ScopeName {
			continue
		}
		require.Equal(t, tideotel.Version(), sm.Scope.Version, "the meter's instrumentation version")
		for _, m := range sm.Metrics {
			got[m.Name] = m
		}
	}
	return got
}
