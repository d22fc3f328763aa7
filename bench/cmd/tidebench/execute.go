package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/tidego/tide/bench/report"
	"github.com/tidego/tide/bench/workload"
)

// execute calibrates the tiny task, then runs every planned job and
// collects the results, telling bar what it does and that the files will go
// to dir.
func execute(cfg config, dir string, bar progress) (*results, error) {
	start := time.Now()
	res := newResults()
	res.Machine = report.ThisMachine(start)
	res.Command = strings.TrimSpace("go -C bench run ./cmd/tidebench " + strings.Join(cfg.args, " "))
	res.Tide = tideRevision()
	res.Profile, res.Size, res.Sizes, res.Runs = cfg.profile, cfg.size, cfg.sizes, cfg.runs
	res.Rounds = workload.Calibrate(workload.TinyWork)
	res.TaskCost = workload.TaskCost(workload.CPUTask(res.Rounds), 100_000)

	jobs := plan(cfg)
	bar.start(len(jobs), dir)
	for _, j := range jobs {
		bar.step(j.String())
		if err := runJob(cfg, res, j); err != nil {
			bar.finish(true)
			return nil, fmt.Errorf("%s: %w", j, err)
		}
	}
	bar.finish(false)
	res.Elapsed = time.Since(start)
	return res, nil
}

// runJob measures j in a child process and records its result in res.
func runJob(cfg config, res *results, j job) error {
	spec := childSpec{Job: j, Sizes: cfg.sizes, Rounds: res.Rounds, Seed: uint64(cfg.seed) + uint64(j.Run)}
	k := j.key()
	switch j.Workload {
	case wTiny:
		return runIn(spec, res.Tiny, k)
	case wParallel:
		return runIn(spec, res.Parallel, k)
	case wSleepy:
		return runIn(spec, res.Sleepy, k)
	case wBurst:
		return runIn(spec, res.Burst, k)
	case wLatency:
		return runIn(spec, res.Latency, k)
	case wServer:
		return runIn(spec, res.Server, k)
	case wIdle:
		return runIn(spec, res.Idle, k)
	case wHammering:
		return runIn(spec, res.Hammering, k)
	case wDownstream:
		return runIn(spec, res.Downstream, k)
	}
	return fmt.Errorf("unknown workload %q", j.Workload)
}

// runPtr is a pointer to one run of a workload: the workload's result and,
// embedded, its proc.
type runPtr[R any] interface {
	*R
	setProc(proc)
}

// runIn runs spec in a child, decodes its result into a new R and appends
// it, with what was learned of the child, to into[k].
func runIn[R any, P runPtr[R]](spec childSpec, into map[string][]R, k string) error {
	var r R
	p, err := inChild(spec, &r)
	if err != nil {
		return err
	}
	P(&r).setProc(p)
	into[k] = append(into[k], r)
	return nil
}
