package tideotel_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"
	"go.uber.org/goleak"

	"github.com/tidego/tide"
	"github.com/tidego/tide/contrib/tideotel"
	"github.com/tidego/tide/internal/pooltest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// setup returns a manual reader on a fresh meter provider, with tideotel
// registered on it; both are shut down when the test ends.
func setup(t *testing.T) (*sdkmetric.ManualReader, *tideotel.Metrics) {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { require.NoError(t, provider.Shutdown(context.Background())) })
	m, err := tideotel.Register(provider)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	return reader, m
}

// collect returns the metrics of tideotel's scope, by name.
func collect(t *testing.T, reader *sdkmetric.ManualReader) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	got := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != tideotel.ScopeName {
			continue
		}
		for _, m := range sm.Metrics {
			got[m.Name] = m
		}
	}
	return got
}

// point is one expected data point: a pool's name and the value.
type point struct {
	pool  string
	value int64
}

func sum(name, unit string, monotonic bool, points ...point) metricdata.Metrics {
	dps := make([]metricdata.DataPoint[int64], len(points))
	for i, p := range points {
		dps[i] = metricdata.DataPoint[int64]{
			Attributes: attribute.NewSet(tideotel.PoolNameKey.String(p.pool)),
			Value:      p.value,
		}
	}
	return metricdata.Metrics{Name: name, Unit: unit, Data: metricdata.Sum[int64]{
		DataPoints:  dps,
		Temporality: metricdata.CumulativeTemporality,
		IsMonotonic: monotonic,
	}}
}

func TestMetrics(t *testing.T) {
	t.Run("every figure of a live pool is observed under its name, no capacity for an unlimited pool", func(t *testing.T) {
		reader, m := setup(t)
		busy, gate := pooltest.Busy(t)
		defer close(gate)
		require.NoError(t, m.Add("busy", busy))
		require.NoError(t, m.Add("fresh", pooltest.New(t)))

		want := []metricdata.Metrics{
			sum("tide.pool.capacity", "{worker}", false, point{"busy", 2}),
			sum("tide.pool.workers", "{worker}", false, point{"busy", 2}, point{"fresh", 0}),
			sum("tide.pool.idle_workers", "{worker}", false, point{"busy", 0}, point{"fresh", 0}),
			sum("tide.pool.running_tasks", "{task}", false, point{"busy", 2}, point{"fresh", 0}),
			sum("tide.pool.waiting_tasks", "{task}", false, point{"busy", 1}, point{"fresh", 0}),
			sum("tide.pool.blocked_submitters", "{submitter}", false, point{"busy", 1}, point{"fresh", 0}),
			sum("tide.pool.submitted_tasks", "{task}", true, point{"busy", 4}, point{"fresh", 0}),
			sum("tide.pool.completed_tasks", "{task}", true, point{"busy", 1}, point{"fresh", 0}),
			sum("tide.pool.panicked_tasks", "{task}", true, point{"busy", 1}, point{"fresh", 0}),
			sum("tide.pool.spawned_workers", "{worker}", true, point{"busy", 2}, point{"fresh", 0}),
			sum("tide.pool.retired_workers", "{worker}", true, point{"busy", 0}, point{"fresh", 0}),
		}
		got := collect(t, reader)
		assert.Len(t, got, len(want))
		for _, w := range want {
			g, ok := got[w.Name]
			if !assert.True(t, ok, "%s not reported", w.Name) {
				continue
			}
			assert.NotEmpty(t, g.Description, w.Name)
			g.Description = ""
			metricdatatest.AssertEqual(t, w, g, metricdatatest.IgnoreTimestamp())
		}
	})

	t.Run("counters follow the pool from one collection to the next", func(t *testing.T) {
		reader, m := setup(t)
		p := pooltest.New(t, tide.WithCapacity(4))
		require.NoError(t, m.Add("work", p))
		for range 100 {
			require.NoError(t, p.Submit(func() {}))
		}
		p.Wait()
		metricdatatest.AssertEqual(t,
			sum("tide.pool.completed_tasks", "{task}", true, point{"work", 100}),
			withoutDescription(collect(t, reader)["tide.pool.completed_tasks"]),
			metricdatatest.IgnoreTimestamp())

		for range 50 {
			require.NoError(t, p.Submit(func() {}))
		}
		p.Wait()
		metricdatatest.AssertEqual(t,
			sum("tide.pool.completed_tasks", "{task}", true, point{"work", 150}),
			withoutDescription(collect(t, reader)["tide.pool.completed_tasks"]),
			metricdatatest.IgnoreTimestamp())
	})

	t.Run("a removed pool is no longer observed", func(t *testing.T) {
		reader, m := setup(t)
		require.NoError(t, m.Add("a", pooltest.New(t)))
		require.NoError(t, m.Add("b", pooltest.New(t)))
		assert.True(t, m.Remove("a"))
		assert.False(t, m.Remove("a"), "a second Remove finds nothing")
		metricdatatest.AssertEqual(t,
			sum("tide.pool.workers", "{worker}", false, point{"b", 0}),
			withoutDescription(collect(t, reader)["tide.pool.workers"]),
			metricdatatest.IgnoreTimestamp())
	})

	t.Run("a taken name and a nil pool are refused", func(t *testing.T) {
		_, m := setup(t)
		require.NoError(t, m.Add("a", pooltest.New(t)))
		assert.ErrorIs(t, m.Add("a", pooltest.New(t)), tideotel.ErrDuplicateName)
		assert.ErrorIs(t, m.Add("b", nil), tideotel.ErrNilPool)
	})

	t.Run("after Close nothing is observed and nothing can be added", func(t *testing.T) {
		reader, m := setup(t)
		require.NoError(t, m.Add("a", pooltest.New(t)))
		require.NotEmpty(t, collect(t, reader))

		require.NoError(t, m.Close())
		assert.NoError(t, m.Close(), "a second Close does nothing")
		assert.ErrorIs(t, m.Add("b", pooltest.New(t)), tideotel.ErrClosed)
		for name, got := range collect(t, reader) {
			assert.Empty(t, got.Data.(metricdata.Sum[int64]).DataPoints, name)
		}
	})
}

func withoutDescription(m metricdata.Metrics) metricdata.Metrics {
	m.Description = ""
	return m
}
