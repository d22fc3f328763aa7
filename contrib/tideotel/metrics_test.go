package tideotel_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"
	"go.uber.org/goleak"

	"github.com/tidego/tide"
	"github.com/tidego/tide/contrib/tideotel"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// Attributes of the expected data points.
var (
	idle     = tideotel.WorkerStateKey.String("idle")
	busy     = tideotel.WorkerStateKey.String("busy")
	running  = tideotel.TaskStateKey.String("running")
	queued   = tideotel.TaskStateKey.String("queued")
	panicked = tideotel.ErrorTypeKey.String("panic")
)

// pt is an expected data point of the pool named pool.
func pt[N int64 | float64](pool string, v N, kvs ...attribute.KeyValue) metricdata.DataPoint[N] {
	return metricdata.DataPoint[N]{
		Attributes: attribute.NewSet(append(kvs, tideotel.PoolNameKey.String(pool))...),
		Value:      v,
	}
}

// sum is an expected cumulative sum: a counter if monotonic, else an
// up-down counter.
func sum[N int64 | float64](name, unit string, monotonic bool, dps ...metricdata.DataPoint[N]) metricdata.Metrics {
	return metricdata.Metrics{Name: name, Unit: unit, Data: metricdata.Sum[N]{
		DataPoints:  dps,
		Temporality: metricdata.CumulativeTemporality,
		IsMonotonic: monotonic,
	}}
}

// assertMetrics checks that got holds exactly want, every description
// non-empty; the order of data points does not matter.
func assertMetrics(t *testing.T, want []metricdata.Metrics, got map[string]metricdata.Metrics) {
	t.Helper()
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
}

func TestMetrics(t *testing.T) {
	// Every instrument's name, unit, kind and attributes, for a busy pool
	// (made by busyPool) and a fresh unlimited one.
	t.Run("every instrument", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			reader, m := setup(t)
			p := busyPool(t)
			require.NoError(t, m.Add("busy", p))
			require.NoError(t, m.Add("fresh", newPool(t)))
			s := p.Stats()

			assertMetrics(t, []metricdata.Metrics{
				sum("tide.pool.worker.count", "{worker}", false,
					pt("busy", int64(0), idle), pt("busy", int64(2), busy),
					pt("fresh", int64(0), idle), pt("fresh", int64(0), busy)),
				sum("tide.pool.worker.max", "{worker}", false, pt("busy", int64(2))),
				sum("tide.pool.task.count", "{task}", false,
					pt("busy", int64(2), running), pt("busy", int64(1), queued),
					pt("fresh", int64(0), running), pt("fresh", int64(0), queued)),
				sum("tide.pool.submitter.count", "{submitter}", false, pt("busy", int64(1)), pt("fresh", int64(0))),
				sum("tide.pool.task.submitted", "{task}", true, pt("busy", int64(4)), pt("fresh", int64(0))),
				sum("tide.pool.task.completed", "{task}", true,
					pt("busy", int64(0)), pt("busy", int64(1), panicked),
					pt("fresh", int64(0)), pt("fresh", int64(0), panicked)),
				sum("tide.pool.task.rejected", "{task}", true, pt("busy", int64(s.Overloaded)), pt("fresh", int64(0))),
				sum("tide.pool.worker.spawned", "{worker}", true, pt("busy", int64(2)), pt("fresh", int64(0))),
				sum("tide.pool.worker.retired", "{worker}", true, pt("busy", int64(0)), pt("fresh", int64(0))),
				sum("tide.pool.wait.count", "{wait}", true, pt("busy", int64(s.WaitCount)), pt("fresh", int64(0))),
				sum("tide.pool.wait.time", "s", true, pt("busy", s.WaitDuration.Seconds()), pt("fresh", 0.0)),
			}, collect(t, reader))
		})
	})

	// Without WithMeterProvider, Register uses the global provider.
	t.Run("global provider", func(t *testing.T) {
		reader := sdkmetric.NewManualReader()
		provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
		t.Cleanup(func() { require.NoError(t, provider.Shutdown(context.Background())) })
		otel.SetMeterProvider(provider)

		m, err := tideotel.Register()
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, m.Close()) })
		require.NoError(t, m.Add("g", newPool(t, tide.WithCapacity(3))))
		metricdatatest.AssertEqual(t,
			sum("tide.pool.worker.max", "{worker}", false, pt("g", int64(3))),
			withoutDescription(collect(t, reader)["tide.pool.worker.max"]),
			metricdatatest.IgnoreTimestamp())
	})

	t.Run("counters follow the pool", func(t *testing.T) {
		reader, m := setup(t)
		p := newPool(t, tide.WithCapacity(4))
		require.NoError(t, m.Add("work", p))
		for range 100 {
			require.NoError(t, p.Submit(func() {}))
		}
		p.Wait()
		metricdatatest.AssertEqual(t,
			sum("tide.pool.task.completed", "{task}", true, pt("work", int64(100)), pt("work", int64(0), panicked)),
			withoutDescription(collect(t, reader)["tide.pool.task.completed"]),
			metricdatatest.IgnoreTimestamp())

		for range 50 {
			require.NoError(t, p.Submit(func() {}))
		}
		p.Wait()
		metricdatatest.AssertEqual(t,
			sum("tide.pool.task.completed", "{task}", true, pt("work", int64(150)), pt("work", int64(0), panicked)),
			withoutDescription(collect(t, reader)["tide.pool.task.completed"]),
			metricdatatest.IgnoreTimestamp())
	})

	// One submitter waits 5 s (virtual time) for room. The reported wait
	// figures are the pool's (Stats.WaitCount, Stats.WaitDuration):
	// exactly one wait of 5 s.
	t.Run("wait figures", func(t *testing.T) {
		var (
			s   tide.Stats
			got map[string]metricdata.Metrics
		)
		synctest.Test(t, func(t *testing.T) {
			reader, m := setup(t)
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0))
			require.NoError(t, m.Add("w", p))
			gate := make(chan struct{})
			require.NoError(t, p.Submit(func() { <-gate }))
			submitted := make(chan error, 1)
			go func() { submitted <- p.Submit(func() {}) }()
			synctest.Wait()
			require.Equal(t, 1, p.Blocked())
			time.Sleep(5 * time.Second)
			close(gate)
			require.NoError(t, <-submitted)
			p.Wait()

			s, got = p.Stats(), collect(t, reader)
		})
		assert.Equal(t, int64(s.WaitCount), intValue(t, got["tide.pool.wait.count"]))
		assert.InDelta(t, s.WaitDuration.Seconds(), floatValue(t, got["tide.pool.wait.time"]), 0)
		assert.Equal(t, int64(0), intValue(t, got["tide.pool.task.rejected"]))
		assert.Equal(t, int64(1), intValue(t, got["tide.pool.wait.count"]))
		assert.InDelta(t, 5, floatValue(t, got["tide.pool.wait.time"]), 0)
	})

	// Three Submits refused by a full nonblocking pool. The reported count
	// is the pool's (Stats.Overloaded):
	// exactly 3, and none of them waited.
	t.Run("rejected", func(t *testing.T) {
		var (
			s   tide.Stats
			got map[string]metricdata.Metrics
		)
		synctest.Test(t, func(t *testing.T) {
			reader, m := setup(t)
			p := newPool(t, tide.WithCapacity(1), tide.WithQueueSize(0), tide.WithNonblocking())
			require.NoError(t, m.Add("r", p))
			gate := make(chan struct{})
			require.NoError(t, p.Submit(func() { <-gate }))
			for range 3 {
				require.ErrorIs(t, p.Submit(func() {}), tide.ErrPoolOverload)
			}
			close(gate)
			p.Wait()

			s, got = p.Stats(), collect(t, reader)
		})
		assert.Equal(t, int64(s.Overloaded), intValue(t, got["tide.pool.task.rejected"]))
		assert.Equal(t, int64(0), intValue(t, got["tide.pool.wait.count"]))
		assert.Equal(t, int64(3), intValue(t, got["tide.pool.task.rejected"]))
	})

	t.Run("a removed pool", func(t *testing.T) {
		reader, m := setup(t)
		require.NoError(t, m.Add("a", newPool(t)))
		require.NoError(t, m.Add("b", newPool(t)))
		assert.True(t, m.Remove("a"))
		assert.False(t, m.Remove("a"), "a second Remove finds nothing")
		metricdatatest.AssertEqual(t,
			sum("tide.pool.submitter.count", "{submitter}", false, pt("b", int64(0))),
			withoutDescription(collect(t, reader)["tide.pool.submitter.count"]),
			metricdatatest.IgnoreTimestamp())
	})

	t.Run("bad additions", func(t *testing.T) {
		_, m := setup(t)
		require.NoError(t, m.Add("a", newPool(t)))
		assert.ErrorIs(t, m.Add("a", newPool(t)), tideotel.ErrDuplicateName)
		assert.ErrorIs(t, m.Add("b", nil), tideotel.ErrNilPool)
	})

	t.Run("after Close", func(t *testing.T) {
		reader, m := setup(t)
		require.NoError(t, m.Add("a", newPool(t)))
		require.NotEmpty(t, collect(t, reader))

		require.NoError(t, m.Close())
		assert.NoError(t, m.Close(), "a second Close does nothing")
		assert.ErrorIs(t, m.Add("b", newPool(t)), tideotel.ErrClosed)
		for name, got := range collect(t, reader) {
			switch data := got.Data.(type) {
			case metricdata.Sum[int64]:
				assert.Empty(t, data.DataPoints, name)
			case metricdata.Sum[float64]:
				assert.Empty(t, data.DataPoints, name)
			default:
				assert.Failf(t, "unexpected data", "%s: %T", name, got.Data)
			}
		}
	})
}

func withoutDescription(m metricdata.Metrics) metricdata.Metrics {
	m.Description = ""
	return m
}

// intValue returns the value of the single data point of an int64 sum.
func intValue(t *testing.T, m metricdata.Metrics) int64 {
	t.Helper()
	data, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s: %T", m.Name, m.Data)
	require.Len(t, data.DataPoints, 1, m.Name)
	return data.DataPoints[0].Value
}

// floatValue returns the value of the single data point of a float64 sum.
func floatValue(t *testing.T, m metricdata.Metrics) float64 {
	t.Helper()
	data, ok := m.Data.(metricdata.Sum[float64])
	require.True(t, ok, "%s: %T", m.Name, m.Data)
	require.Len(t, data.DataPoints, 1, m.Name)
	return data.DataPoints[0].Value
}
