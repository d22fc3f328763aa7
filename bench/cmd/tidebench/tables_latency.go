package main

import (
	"fmt"
	"time"

	"github.com/tidego/tide/bench/contender"
	"github.com/tidego/tide/bench/report"
)

// The tables of the two latency workloads, which share their columns:
// latency (one submitter at a steady rate) and server (many submitters at
// random intervals). Each has two tables: latency from the due time, and
// from Submit, to the task's first line.

// dueNote explains the latency from the due time.
const dueNote = "Due-to-start latency runs from a task's due time (when the arrival schedule says it is offered) to its first line: " +
	"what the task's user waits. It is never below submit-to-start and includes any time the submitter was late, so a pool " +
	"cannot improve it by making its caller wait: a Submit that blocks moves the delay before the next Submit, where " +
	"submit-to-start does not see it but this does. A late timer wake-up (server) is in it too, the same for every contender; " +
	"raw's row shows that floor."

// submitNote explains submit-to-start latency.
const submitNote = "Submit-to-start latency runs from just before Submit to the task's first line: the pool's own hand-off, " +
	"but blind to a submitter kept waiting before it could call Submit."

func latencyTables(cfg config, res *results) []report.Table {
	s := cfg.sizes
	return quantileTables(cfg, res.Latency, s.LatencyCap,
		fmt.Sprintf("latency: %s tasks offered at %s/s, cap %s (%s)",
			count(s.LatencyTasks), count(int(s.LatencyRate)), count(s.LatencyCap), medianOf(cfg.runs[wLatency])),
		"One submitter offers each task at its due time (every 1/rate), yielding the processor (runtime.Gosched) while early, "+
			"so it keeps one of the cores busy (and its CPU time is in CPU µs/task); when Submit blocks, it offers the next "+
			"task late, at once. Each task does the tiny CPU work.")
}

func serverTables(cfg config, res *results) []report.Table {
	s := cfg.sizes
	return quantileTables(cfg, res.Server, s.ServerCap,
		fmt.Sprintf("server: %s tasks arriving at %s/s from %d submitters, cap %s (%s)",
			count(s.ServerTasks), count(int(s.ServerRate)), s.ServerSubmitters, count(s.ServerCap), medianOf(cfg.runs[wServer])),
		fmt.Sprintf("Requests as they reach a service: %d goroutines each sleep exponentially distributed intervals "+
			"(time.Sleep on a timer, towards due times drawn in advance, so a late wake-up submits at once rather than lowering the rate) "+
			"and submit; together a Poisson stream of %s tasks/s. Each task does the tiny CPU work. Every contender in a run sees the same "+
			"arrival times. CPU µs/task includes the submitters' timer wake-ups, the same for every contender.",
			s.ServerSubmitters, count(int(s.ServerRate))))
}

// quantiles picks one of a run's two latency series.
type quantiles struct {
	p50, p99, p999, max func(latencyRun) time.Duration
}

var (
	fromDue = quantiles{
		p50:  func(r latencyRun) time.Duration { return r.DueP50 },
		p99:  func(r latencyRun) time.Duration { return r.DueP99 },
		p999: func(r latencyRun) time.Duration { return r.DueP999 },
		max:  func(r latencyRun) time.Duration { return r.DueMax },
	}
	fromSubmit = quantiles{
		p50:  func(r latencyRun) time.Duration { return r.P50 },
		p99:  func(r latencyRun) time.Duration { return r.P99 },
		p999: func(r latencyRun) time.Duration { return r.P999 },
		max:  func(r latencyRun) time.Duration { return r.Max },
	}
)

// quantileTables are the tables of a latency workload: quantiles of the
// latency from the due time with the rate achieved, then quantiles of
// submit-to-start with the CPU time.
func quantileTables(cfg config, runs map[string][]latencyRun, capacity int, title, note string) []report.Table {
	due := report.Table{
		Title:  title + ": due-to-start latency",
		Header: []string{"contender", "p50", "p99", "min–max p99", "× raw p99", "p99.9", "max", "tasks/s offered"},
		Notes:  []string{note, dueNote},
	}
	submit := report.Table{
		Title:  title + ": submit-to-start latency",
		Header: []string{"contender", "p50", "p99", "min–max p99", "× raw p99", "p99.9", "max", "CPU µs/task", "× raw"},
		Notes:  []string{submitNote, cpuNote},
	}
	baseRuns := runs[key(contender.Baseline, capacity)]
	for _, c := range cfg.contenders {
		rs := runs[key(c.Name, capacity)]
		rate := summarize(rs, func(r latencyRun) float64 { return r.Rate }).Median
		due.Rows = append(due.Rows, append(quantileCells(c.Name, rs, baseRuns, fromDue), count(int(rate))))
		cpu := cpuCells(rs, baseRuns, func(r latencyRun) float64 { return r.CPUPerTask })
		submit.Rows = append(submit.Rows, append(quantileCells(c.Name, rs, baseRuns, fromSubmit), cpu...))
	}
	return []report.Table{due, submit}
}

// quantileCells are the name, p50, p99 with its range and ratio to the
// baseline's, p99.9 and max of one contender's runs, medians over runs.
func quantileCells(name string, rs, baseRuns []latencyRun, q quantiles) []string {
	ns := func(f func(latencyRun) time.Duration) func(latencyRun) float64 {
		return func(r latencyRun) float64 { return float64(f(r)) }
	}
	p99 := summarize(rs, ns(q.p99))
	return []string{name,
		duration(summarize(rs, ns(q.p50)).Median),
		duration(p99.Median), p99.Range(duration), p99.Ratio(summarize(baseRuns, ns(q.p99))),
		duration(summarize(rs, ns(q.p999)).Median),
		duration(summarize(rs, ns(q.max)).Median),
	}
}
