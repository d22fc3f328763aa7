package workload

import (
	"math"
	"time"
)

// Sizes are the parameters of every workload. Full returns the sizes of
// issue 3; Quick and Scale derive smaller ones with the same shape.
type Sizes struct {
	TinyTasks int   // tasks per op of the tiny workload
	TinyCaps  []int // capacities the tiny workload runs at

	ParallelTasks int // empty tasks per op, shared among GOMAXPROCS submitters
	ParallelCap   int

	SleepyTasks int
	SleepyCap   int
	SleepyFor   time.Duration // each sleepy task sleeps this long

	BurstTasks int
	BurstCap   int
	BurstFor   time.Duration   // each burst task sleeps this long
	BurstAt    []time.Duration // when, after the burst, the process is sampled

	LatencyTasks int
	LatencyCap   int
	LatencyRate  float64 // tasks offered per second

	ServerTasks      int
	ServerCap        int
	ServerRate       float64 // tasks offered per second, by all submitters together
	ServerSubmitters int     // goroutines submitting at exponential intervals

	IdleTasks int // warm-up tasks, each holding a worker until all have started
	IdleCap   int
	IdleFor   time.Duration // the idle window whose CPU time is measured

	HammerSubmitters int // goroutines looping on a nonblocking Submit, beside one blocking submitter
	HammerCap        int
	HammerFor        time.Duration // how long they all submit
	DownstreamFor    time.Duration // how long the downstream workload offers load
}

// Full returns the sizes of issue 3.
func Full() Sizes {
	return Sizes{
		TinyTasks: 100_000, TinyCaps: []int{4, 1000},
		ParallelTasks: 100_000, ParallelCap: 1000,
		SleepyTasks: 1_000_000, SleepyCap: 50_000, SleepyFor: 10 * time.Millisecond,
		BurstTasks: 100_000, BurstCap: 10_000, BurstFor: time.Millisecond,
		BurstAt:      seconds(0, 0.5, 1, 2, 3, 5, 10),
		LatencyTasks: 200_000, LatencyCap: 1000, LatencyRate: 100_000,
		ServerTasks: 200_000, ServerCap: 1000, ServerRate: 50_000, ServerSubmitters: 256,
		IdleTasks: 1000, IdleCap: 1000, IdleFor: 5 * time.Second,
		HammerSubmitters: 16, HammerCap: 2, HammerFor: 2 * time.Second,
		DownstreamFor: 20 * time.Second,
	}
}

// Quick returns the default profile of the tidebench command, small enough
// to finish in a few minutes on two cores: sleepy at a tenth (100,000
// tasks, capacity 5,000), the burst sampled for 3 s instead of 10 s, a
// quarter of the latency and server tasks, an idle window of 2 s instead of
// 5 s; tiny, parallel and hammering at full size.
func Quick() Sizes {
	s := Full()
	s.SleepyTasks, s.SleepyCap = 100_000, 5_000
	s.BurstAt = seconds(0, 0.5, 1, 2, 3)
	s.LatencyTasks = 50_000
	s.ServerTasks = 50_000
	s.IdleFor = 2 * time.Second
	s.DownstreamFor = 10 * time.Second
	return s
}

// Scale multiplies every task count by f, and the capacities of sleepy,
// burst and idle with them so that each still runs the same number of
// rounds. Rates and the numbers of submitters stay. Below f = 1 the
// burst's sampling offsets, the idle window and the hammering's duration
// shrink by f too, so that a smoke run stays short; its curve then no
// longer shows real expiry times.
func (s Sizes) Scale(f float64) Sizes {
	n := func(x int) int { return max(1, int(math.Round(float64(x)*f))) }
	s.TinyTasks, s.ParallelTasks, s.LatencyTasks = n(s.TinyTasks), n(s.ParallelTasks), n(s.LatencyTasks)
	s.SleepyTasks, s.SleepyCap = n(s.SleepyTasks), n(s.SleepyCap)
	s.BurstTasks, s.BurstCap = n(s.BurstTasks), n(s.BurstCap)
	s.ServerTasks = n(s.ServerTasks)
	s.IdleTasks, s.IdleCap = n(s.IdleTasks), n(s.IdleCap)
	if f < 1 {
		s.IdleFor = time.Duration(float64(s.IdleFor) * f)
		s.HammerFor = time.Duration(float64(s.HammerFor) * f)
		s.DownstreamFor = time.Duration(float64(s.DownstreamFor) * f)
		at := make([]time.Duration, len(s.BurstAt))
		for i, d := range s.BurstAt {
			at[i] = time.Duration(float64(d) * f)
		}
		s.BurstAt = at
	}
	return s
}

func seconds(xs ...float64) []time.Duration {
	ds := make([]time.Duration, len(xs))
	for i, x := range xs {
		ds[i] = time.Duration(x * float64(time.Second))
	}
	return ds
}
