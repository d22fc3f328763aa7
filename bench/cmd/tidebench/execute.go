package main

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/tidego/tide/bench/contender"
	"github.com/tidego/tide/bench/report"
	"github.com/tidego/tide/bench/workload"
)

// execute calibrates the tiny task, then runs every planned job and
// collects the results.
func execute(cfg config, bar progress) (*results, error) {
	start := time.Now()
	res := newResults()
	res.Machine = report.ThisMachine(start)
	res.Command = strings.TrimSpace("go -C bench run ./cmd/tidebench " + strings.Join(cfg.args, " "))
	res.Tide = tideRevision()
	res.Profile, res.Size, res.Sizes, res.Runs = cfg.profile, cfg.size, cfg.sizes, cfg.runs
	res.Rounds = workload.Calibrate(workload.TinyWork)
	task := workload.CPUTask(res.Rounds)
	res.TaskCost = workload.TaskCost(task, 100_000)

	jobs := plan(cfg)
	bar.start(len(jobs))
	defer bar.finish()
	for _, j := range jobs {
		bar.step(j.String())
		if err := runJob(cfg, res, j, task); err != nil {
			return nil, fmt.Errorf("%s: %w", j, err)
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// runJob measures j and records its result in res. Sleepy and burst run in
// a child process; the others here, after a collection so that no earlier
// job's garbage is swept on this one's time.
func runJob(cfg config, res *results, j job, task func()) error {
	c, ok := contender.Find(j.Contender)
	if !ok {
		return fmt.Errorf("unknown contender %q", j.Contender)
	}
	s := cfg.sizes
	runtime.GC()
	switch j.Workload {
	case wTiny:
		res.Tiny[j.key()] = append(res.Tiny[j.key()], workload.MeasureTiny(c, j.Cap, s.TinyTasks, task))
	case wParallel:
		cost := workload.MeasureParallel(c, j.Cap, s.ParallelTasks, runtime.GOMAXPROCS(0))
		res.Parallel[j.key()] = append(res.Parallel[j.key()], cost)
	case wLatency:
		lat := workload.Latency(c, j.Cap, s.LatencyTasks, s.LatencyRate, task)
		res.Latency[j.key()] = append(res.Latency[j.key()], lat)
	case wSleepy:
		var run sleepyRun
		if err := inChild(j, s, &run.SleepyResult, &run.PeakRSS); err != nil {
			return err
		}
		res.Sleepy[j.key()] = append(res.Sleepy[j.key()], run)
	case wBurst:
		var run burstRun
		if err := inChild(j, s, &run.BurstResult, &run.PeakRSS); err != nil {
			return err
		}
		res.Burst[j.key()] = append(res.Burst[j.key()], run)
	default:
		return fmt.Errorf("unknown workload %q", j.Workload)
	}
	return nil
}
