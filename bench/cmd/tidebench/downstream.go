package main

import (
	"time"

	"fmt"

	"github.com/tidego/tide/bench/report"
	"github.com/tidego/tide/bench/workload"
)

// The downstream workload (issue 18) compares capacities rather than
// libraries: tide at a fixed capacity too low, right and too high for a
// simulated downstream of workload.DownstreamSlots slots, and tide with
// WithAdaptiveCapacity up to the highest of them. It runs its own jobs,
// whatever contenders -only names.

// downstreamConfigs are the jobs of one run of the downstream workload, in
// table order: contender and capacity (the upper bound, for tide-adaptive).
var downstreamConfigs = []struct {
	contender string
	cap       int
	label     string
}{
	{"tide", workload.DownstreamSlots / 2, "too low"},
	{"tide", workload.DownstreamSlots, "right"},
	{"tide", 4 * workload.DownstreamSlots, "too high"},
	{"tide-adaptive", 4 * workload.DownstreamSlots, "adaptive, up to"},
}

// downstreamJobs are the jobs of workload w in run run: the downstream
// workload's own, none for the others (which run every contender).
func downstreamJobs(w string, run int) []job {
	if w != wDownstream {
		return nil
	}
	var jobs []job
	for _, c := range downstreamConfigs {
		jobs = append(jobs, job{Workload: w, Contender: c.contender, Cap: c.cap, Run: run})
	}
	return jobs
}

type downstreamRun struct {
	workload.DownstreamResult
	proc
}

func downstreamTable(cfg config, res *results) report.Table {
	t := report.Table{
		Title: fmt.Sprintf("downstream: a service of %d slots × %v, offered more than it takes for %s (%s)",
			workload.DownstreamSlots, workload.DownstreamService, seconds(cfg.sizes.DownstreamFor), medianOf(cfg.runs[wDownstream])),
		Header: []string{"pool", "capacity", "tasks/s", "min–max", "p50 task", "p99 task", "min–max p99", "final capacity", "CPU µs/task"},
		Notes: []string{fmt.Sprintf("Each task calls a simulated downstream that serves %d calls at once for %v each and queues the rest "+
			"in arrival order, so it takes at most %s calls a second; a task's time is its call, the downstream's queue included. "+
			"One submitter keeps %d tasks submitted and not finished, more than any capacity, so every pool runs at its capacity. "+
			"The capacity over time is in downstream.svg.",
			workload.DownstreamSlots, workload.DownstreamService,
			count(int(float64(workload.DownstreamSlots)/workload.DownstreamService.Seconds())), workload.DownstreamClients), cpuNote},
	}
	for _, c := range downstreamConfigs {
		rs := res.Downstream[key(c.contender, c.cap)]
		rate := summarize(rs, func(r downstreamRun) float64 { return r.Rate })
		p99 := summarize(rs, func(r downstreamRun) float64 { return float64(r.P99) })
		final := summarize(rs, func(r downstreamRun) float64 {
			if len(r.Caps) == 0 {
				return 0
			}
			return float64(r.Caps[len(r.Caps)-1])
		})
		t.Rows = append(t.Rows, []string{c.contender, fmt.Sprintf("%s %d", c.label, c.cap),
			count(int(rate.Median)), rate.Range(func(x float64) string { return count(int(x)) }),
			duration(summarize(rs, func(r downstreamRun) float64 { return float64(r.P50) }).Median),
			duration(p99.Median), p99.Range(duration), nsFixed(final.Median),
			twoDec(summarize(rs, func(r downstreamRun) float64 { return r.CPUPerTask }).Median / 1e3),
		})
	}
	return t
}

// downstreamChart: the capacity over time of each pool, the median over
// runs at each sample.
func downstreamChart(cfg config, res *results) report.Lines {
	c := report.Lines{
		Title: fmt.Sprintf("downstream: capacity over time against %d slots × %v (median of runs)",
			workload.DownstreamSlots, workload.DownstreamService),
		XLabel: "seconds", YLabel: "capacity",
	}
	samples := int(cfg.sizes.DownstreamFor / workload.DownstreamEvery)
	for _, d := range downstreamConfigs {
		rs := res.Downstream[key(d.contender, d.cap)]
		for _, r := range rs {
			samples = min(samples, len(r.Caps))
		}
	}
	for i := range samples {
		c.X = append(c.X, (workload.DownstreamEvery * time.Duration(i+1)).Seconds())
	}
	for _, d := range downstreamConfigs {
		rs := res.Downstream[key(d.contender, d.cap)]
		s := report.Series{Name: fmt.Sprintf("%s %s %d", d.contender, d.label, d.cap)}
		for i := range samples {
			s.Values = append(s.Values, summarize(rs, func(r downstreamRun) float64 { return float64(r.Caps[i]) }).Median)
		}
		c.Series = append(c.Series, s)
	}
	return c
}
