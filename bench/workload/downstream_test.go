package workload_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide/bench/contender"
	"github.com/tidego/tide/bench/workload"
)

func TestDownstreamReportsRunTimesAndCapacity(t *testing.T) {
	for _, name := range []string{"tide", "tide-adaptive", contender.Baseline} {
		t.Run(name, func(t *testing.T) {
			c, ok := contender.Find(name)
			require.True(t, ok, name)
			r := workload.Downstream(c, 2*workload.DownstreamSlots, 3*workload.DownstreamEvery)
			assert.Positive(t, r.Rate)
			assert.GreaterOrEqual(t, r.P50, workload.DownstreamService, "a task's time includes the service time")
			assert.GreaterOrEqual(t, r.P99, r.P50)
			if name == contender.Baseline {
				assert.Nil(t, r.Caps, "raw goroutines have no capacity to sample")
				return
			}
			require.NotEmpty(t, r.Caps, "the capacity was sampled")
			if name == "tide" {
				assert.Equal(t, 2*workload.DownstreamSlots, r.Caps[0])
			}
		})
	}
}
