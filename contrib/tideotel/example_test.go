package tideotel_test

import (
	"context"
	"fmt"
	"log"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/tidego/tide"
	"github.com/tidego/tide/contrib/tideotel"
)

// Reporting one pool on a meter provider; a manual reader stands in for an
// exporter here.
func ExampleRegister() {
	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer provider.Shutdown(context.Background()) //nolint:errcheck // an example

	pool, err := tide.New(tide.WithCapacity(8))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Release()

	m, err := tideotel.Register(tideotel.WithMeterProvider(provider))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	if err := m.Add("jobs", pool); err != nil {
		log.Fatal(err)
	}

	pool.Go(func() {})
	pool.Wait()

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		log.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, mt := range sm.Metrics {
			if mt.Name != "tide.pool.task.completed" {
				continue
			}
			for _, dp := range mt.Data.(metricdata.Sum[int64]).DataPoints {
				if _, panicked := dp.Attributes.Value(tideotel.ErrorTypeKey); !panicked {
					name, _ := dp.Attributes.Value(tideotel.PoolNameKey)
					fmt.Println(mt.Name, mt.Unit, name.AsString(), dp.Value)
				}
			}
		}
	}
	// Output:
	// tide.pool.task.completed {task} jobs 1
}
