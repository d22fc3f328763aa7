package main

import (
	"time"

	"github.com/tidego/tide/bench/report"
	"github.com/tidego/tide/bench/workload"
)

// results holds every measurement of one tidebench run, keyed by
// "contender/cap=N", and what is needed to read them. It is also written
// out as results.json.
type results struct {
	Machine  report.Machine
	Command  string
	Tide     string // the tide commit measured
	Profile  string
	Size     float64
	Sizes    workload.Sizes
	Runs     map[string]int
	Rounds   int           // Spin rounds of the tiny task
	TaskCost time.Duration // what one tiny task costs, run serially
	Elapsed  time.Duration

	Tiny     map[string][]workload.Cost
	Parallel map[string][]workload.Cost
	Sleepy   map[string][]sleepyRun
	Burst    map[string][]burstRun
	Latency  map[string][]workload.LatencyResult
}

// sleepyRun is a sleepy result with the peak RSS of its child process.
type sleepyRun struct {
	workload.SleepyResult
	PeakRSS uint64 // bytes
}

// burstRun is a burst result with the peak RSS of its child process.
type burstRun struct {
	workload.BurstResult
	PeakRSS uint64 // bytes
}

func newResults() *results {
	return &results{
		Tiny:     map[string][]workload.Cost{},
		Parallel: map[string][]workload.Cost{},
		Sleepy:   map[string][]sleepyRun{},
		Burst:    map[string][]burstRun{},
		Latency:  map[string][]workload.LatencyResult{},
	}
}
