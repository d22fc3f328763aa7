package main

import (
	"fmt"

	"github.com/tidego/tide/bench/contender"
	"github.com/tidego/tide/bench/report"
)

// The tables of the two latency workloads, which share their columns:
// latency (one submitter at a steady rate) and server (many submitters at
// random intervals).

func latencyTable(cfg config, res *results) report.Table {
	s := cfg.sizes
	return quantileTable(cfg, res.Latency, s.LatencyCap,
		fmt.Sprintf("latency: %s tasks offered at %s/s, cap %s (%s)",
			count(s.LatencyTasks), count(int(s.LatencyRate)), count(s.LatencyCap), medianOf(cfg.runs[wLatency])),
		"Submit-to-start latency: from just before Submit to the task's first line; each task then does the tiny CPU work. "+
			"One submitter offers each task at its due time, yielding the processor (runtime.Gosched) while early, so it keeps one of the "+
			"cores busy (and its CPU time is in CPU µs/task); a blocking Submit lowers the offered rate.")
}

func serverTable(cfg config, res *results) report.Table {
	s := cfg.sizes
	return quantileTable(cfg, res.Server, s.ServerCap,
		fmt.Sprintf("server: %s tasks arriving at %s/s from %d submitters, cap %s (%s)",
			count(s.ServerTasks), count(int(s.ServerRate)), s.ServerSubmitters, count(s.ServerCap), medianOf(cfg.runs[wServer])),
		fmt.Sprintf("Submit-to-start latency as requests reach a service: %d goroutines each sleep exponentially distributed intervals "+
			"(time.Sleep on a timer, towards due times drawn in advance, so a late wake-up submits at once rather than lowering the rate) "+
			"and submit; together a Poisson stream of %s tasks/s. Each task does the tiny CPU work. Every contender in a run sees the same "+
			"arrival times. CPU µs/task includes the submitters' timer wake-ups, the same for every contender.",
			s.ServerSubmitters, count(int(s.ServerRate))))
}

// quantileTable is the table of a latency workload: quantiles of
// submit-to-start latency, CPU time, and the rate achieved.
func quantileTable(cfg config, runs map[string][]latencyRun, capacity int, title, note string) report.Table {
	p99 := func(r latencyRun) float64 { return float64(r.P99) }
	baseRuns := runs[key(contender.Baseline, capacity)]
	base := summarize(baseRuns, p99)
	t := report.Table{
		Title:  title,
		Header: []string{"contender", "p50", "p99", "min–max p99", "× raw p99", "p99.9", "max", "CPU µs/task", "× raw", "tasks/s offered"},
		Notes:  []string{note, cpuNote},
	}
	for _, c := range cfg.contenders {
		rs := runs[key(c.Name, capacity)]
		q := func(f func(latencyRun) float64) float64 { return summarize(rs, f).Median }
		p := summarize(rs, p99)
		row := []string{c.Name,
			duration(q(func(r latencyRun) float64 { return float64(r.P50) })),
			duration(p.Median), p.Range(duration), p.Ratio(base),
			duration(q(func(r latencyRun) float64 { return float64(r.P999) })),
			duration(q(func(r latencyRun) float64 { return float64(r.Max) })),
		}
		row = append(row, cpuCells(rs, baseRuns, func(r latencyRun) float64 { return r.CPUPerTask })...)
		t.Rows = append(t.Rows, append(row, count(int(q(func(r latencyRun) float64 { return r.Rate })))))
	}
	return t
}
