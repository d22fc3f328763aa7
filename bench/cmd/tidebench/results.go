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

	Tiny     map[string][]costRun
	Parallel map[string][]costRun
	Sleepy   map[string][]sleepyRun
	Burst    map[string][]burstRun
	Latency  map[string][]latencyRun
	Server   map[string][]latencyRun
	Idle     map[string][]idleRun
	// Hammering has only the contenders with a nonblocking mode.
	Hammering  map[string][]hammerRun
	Downstream map[string][]downstreamRun
}

// proc is what the parent learns of the child process that ran a job.
type proc struct {
	PeakRSS uint64 // bytes: the child's own high-water mark
	// ChildCPU is the user and system time of the whole child process, as
	// its rusage tells the parent: start-up, warm-up and Close included.
	// The tables use the workloads' own CPUPerTask instead, measured around
	// the op alone; this is kept to show the difference.
	ChildCPU time.Duration
}

// setProc stores q; every run type below has it through its embedded proc.
func (p *proc) setProc(q proc) { *p = q }

// One run of each workload, with its child process.
type (
	costRun struct {
		workload.Cost
		proc
	}
	sleepyRun struct {
		workload.SleepyResult
		proc
	}
	burstRun struct {
		workload.BurstResult
		proc
	}
	latencyRun struct {
		workload.LatencyResult
		proc
	}
	idleRun struct {
		workload.IdleResult
		proc
	}
	hammerRun struct {
		workload.HammerResult
		proc
	}
)

func newResults() *results {
	return &results{
		Tiny:       map[string][]costRun{},
		Parallel:   map[string][]costRun{},
		Sleepy:     map[string][]sleepyRun{},
		Burst:      map[string][]burstRun{},
		Latency:    map[string][]latencyRun{},
		Server:     map[string][]latencyRun{},
		Idle:       map[string][]idleRun{},
		Hammering:  map[string][]hammerRun{},
		Downstream: map[string][]downstreamRun{},
	}
}
