package main

import (
	"fmt"
	"math/rand/v2"

	"github.com/tidego/tide/bench/contender"
)

// job is one measurement: one contender on one workload at one capacity.
type job struct {
	Workload  string
	Contender string
	Cap       int
	Run       int
}

// key groups the runs of one contender at one capacity.
func (j job) key() string { return key(j.Contender, j.Cap) }

func key(contender string, capacity int) string { return fmt.Sprintf("%s/cap=%d", contender, capacity) }

// String describes the job for the progress bar.
func (j job) String() string {
	return fmt.Sprintf("%s %s cap=%d (run %d)", j.Workload, j.Contender, j.Cap, j.Run+1)
}

// plan lists the jobs in the order they run: run after run; within a run,
// workload after workload, each with its contenders in a new shuffled order,
// so that no contender always runs first, last or next to the same one.
func plan(cfg config) []job {
	rng := rand.New(rand.NewPCG(uint64(cfg.seed), 0))
	var jobs []job
	for run := 0; ; run++ {
		var batch []job
		for _, w := range cfg.workloads {
			if run >= cfg.runs[w] {
				continue
			}
			var round []job
			for _, c := range cfg.contenders {
				if !runsOn(c.Name, w) {
					continue
				}
				for _, capacity := range capacities(cfg, w) {
					round = append(round, job{Workload: w, Contender: c.Name, Cap: capacity, Run: run})
				}
			}
			round = append(round, downstreamJobs(w, run)...)
			rng.Shuffle(len(round), func(i, j int) { round[i], round[j] = round[j], round[i] })
			batch = append(batch, round...)
		}
		if len(batch) == 0 {
			return jobs
		}
		jobs = append(jobs, batch...)
	}
}

// runsOn reports whether contender c takes part in workload w: the
// hammering workload needs a nonblocking mode, which not every contender has.
func runsOn(c, w string) bool {
	return w != wHammering || contender.NonblockingOf(c).Start != nil
}

// capacities are the capacities workload w runs at.
func capacities(cfg config, w string) []int {
	s := cfg.sizes
	switch w {
	case wTiny:
		return s.TinyCaps
	case wParallel:
		return []int{s.ParallelCap}
	case wSleepy:
		return []int{s.SleepyCap}
	case wBurst:
		return []int{s.BurstCap}
	case wServer:
		return []int{s.ServerCap}
	case wIdle:
		return []int{s.IdleCap}
	case wHammering:
		return []int{s.HammerCap}
	case wDownstream:
		return nil // its own jobs: downstreamJobs
	default:
		return []int{s.LatencyCap}
	}
}
