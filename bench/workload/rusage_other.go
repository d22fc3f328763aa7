//go:build !unix

package workload

import "time"

// CPUTime is not measured outside Unix: it returns 0, and the tables then
// show no CPU cost.
func CPUTime() time.Duration { return 0 }
