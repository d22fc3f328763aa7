package tideotel

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/tidego/tide"
)

// Every figure of Stats reaches its instrument unchanged, the wait duration
// in seconds: a snapshot with a distinct value in every field, including the
// wait figures that only a pool under load fills in.
func TestObserveMapsEveryField(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { require.NoError(t, provider.Shutdown(context.Background())) })
	m, err := Register(WithMeterProvider(provider))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	stats := tide.Stats{
		Capacity: 9, Workers: 8, Idle: 3, Running: 5, Waiting: 7, Blocked: 2,
		Submitted: 101, Completed: 89, Panicked: 4, Spawned: 12, Retired: 4,
		WaitCount: 6, WaitDuration: 2500 * time.Millisecond, Overloaded: 11,
	}
	require.NoError(t, m.add("p", func() tide.Stats { return stats }))

	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	require.Len(t, rm.ScopeMetrics, 1)
	got := map[string]float64{} // name, then the attributes other than the pool's
	for _, mt := range rm.ScopeMetrics[0].Metrics {
		switch data := mt.Data.(type) {
		case metricdata.Sum[int64]:
			for _, dp := range data.DataPoints {
				got[key(mt.Name, dp.Attributes)] = float64(dp.Value)
			}
		case metricdata.Sum[float64]:
			for _, dp := range data.DataPoints {
				got[key(mt.Name, dp.Attributes)] = dp.Value
			}
		}
	}
	assert.Equal(t, map[string]float64{
		"tide.pool.worker.count tide.pool.worker.state=idle": 3,
		"tide.pool.worker.count tide.pool.worker.state=busy": 5,
		"tide.pool.worker.max":                               9,
		"tide.pool.task.count tide.pool.task.state=running":  5,
		"tide.pool.task.count tide.pool.task.state=queued":   7,
		"tide.pool.submitter.count":                          2,
		"tide.pool.task.submitted":                           101,
		"tide.pool.task.completed":                           85,
		"tide.pool.task.completed error.type=panic":          4,
		"tide.pool.task.rejected":                            11,
		"tide.pool.worker.spawned":                           12,
		"tide.pool.worker.retired":                           4,
		"tide.pool.wait.count":                               6,
		"tide.pool.wait.time":                                2.5,
	}, got)
}

// key names a data point: the instrument, then its attributes other than
// tide.pool.name, which must be p.
func key(name string, attrs attribute.Set) string {
	for _, kv := range attrs.ToSlice() {
		if kv.Key == PoolNameKey {
			if kv.Value.AsString() != "p" {
				return "wrong pool: " + kv.Value.Emit()
			}
			continue
		}
		name += " " + string(kv.Key) + "=" + kv.Value.Emit()
	}
	return name
}
