package main

import (
	"fmt"

	"github.com/tidego/tide/bench/contender"
	"github.com/tidego/tide/bench/report"
	"github.com/tidego/tide/bench/workload"
)

var (
	nsFixed = report.Fixed(0)
	oneDec  = report.Fixed(1)
	twoDec  = report.Fixed(2)
)

// costRows are the rows of a cost table at one capacity, with the raw
// baseline as the ratio's denominator.
func costRows(cfg config, runs map[string][]workload.Cost, capacity int, withCap bool) [][]string {
	ns := func(c workload.Cost) float64 { return c.NsPerTask }
	base := summarize(runs[key(contender.Baseline, capacity)], ns)
	var rows [][]string
	for _, c := range cfg.contenders {
		rs := runs[key(c.Name, capacity)]
		s := summarize(rs, ns)
		row := []string{c.Name}
		if withCap {
			row = append(row, fmt.Sprint(capacity))
		}
		row = append(row, nsFixed(s.Median), s.Range(nsFixed), s.Ratio(base),
			oneDec(summarize(rs, func(c workload.Cost) float64 { return c.BytesPerTask }).Median),
			twoDec(summarize(rs, func(c workload.Cost) float64 { return c.AllocsPerTask }).Median))
		rows = append(rows, row)
	}
	return rows
}

func tinyTable(cfg config, res *results) report.Table {
	s := cfg.sizes
	t := report.Table{
		Title:  fmt.Sprintf("tiny: %s tasks of ~%v CPU work per op (%s)", count(s.TinyTasks), workload.TinyWork, medianOf(cfg.runs[wTiny])),
		Header: []string{"contender", "cap", "ns/task", "min–max", "× raw", "B/task", "allocs/task"},
		Notes: []string{fmt.Sprintf("One op submits %s copies of the task and waits for them, on a pool warmed by one such op. "+
			"The task is %d xorshift rounds, %v when run serially. B and allocs are the heap's, submitter and pool together.",
			count(s.TinyTasks), res.Rounds, res.TaskCost)},
	}
	for _, capacity := range s.TinyCaps {
		t.Rows = append(t.Rows, costRows(cfg, res.Tiny, capacity, true)...)
	}
	return t
}

func parallelTable(cfg config, res *results) report.Table {
	s := cfg.sizes
	return report.Table{
		Title:  fmt.Sprintf("parallel submitters: empty tasks, cap %s (%s)", count(s.ParallelCap), medianOf(cfg.runs[wParallel])),
		Header: []string{"contender", "ns/task", "min–max", "× raw", "B/task", "allocs/task"},
		Rows:   costRows(cfg, res.Parallel, s.ParallelCap, false),
		Notes: []string{fmt.Sprintf("GOMAXPROCS (%d) goroutines submit %s empty tasks between them, then wait: pure overhead under contention.",
			res.Machine.GOMAXPROCS, count(s.ParallelTasks))},
	}
}

func sleepyTable(cfg config, res *results) report.Table {
	s := cfg.sizes
	wall := func(r sleepyRun) float64 { return r.Wall.Seconds() }
	rss := func(r sleepyRun) float64 { return mib(float64(r.PeakRSS)) }
	baseRuns := res.Sleepy[key(contender.Baseline, s.SleepyCap)]
	baseWall, baseRSS := summarize(baseRuns, wall), summarize(baseRuns, rss)
	t := report.Table{
		Title: fmt.Sprintf("sleepy: %s tasks of Sleep(%v), cap %s (%s, each in a fresh process)",
			count(s.SleepyTasks), s.SleepyFor, count(s.SleepyCap), medianOf(cfg.runs[wSleepy])),
		Header: []string{"contender", "wall s", "min–max", "× raw", "peak RSS MiB", "min–max", "× raw", "peak goroutines", "peak stacks MiB"},
		Notes: []string{fmt.Sprintf("At the cap, the ideal wall time is %.2f s. Peak RSS is the child process's own high-water mark (VmHWM); "+
			"peak goroutines and stack memory are sampled every 5 ms, the process's baseline subtracted.",
			float64(s.SleepyTasks)/float64(max(1, s.SleepyCap))*s.SleepyFor.Seconds())},
	}
	for _, c := range cfg.contenders {
		rs := res.Sleepy[key(c.Name, s.SleepyCap)]
		w, m := summarize(rs, wall), summarize(rs, rss)
		t.Rows = append(t.Rows, []string{c.Name,
			twoDec(w.Median), w.Range(twoDec), w.Ratio(baseWall),
			nsFixed(m.Median), m.Range(nsFixed), m.Ratio(baseRSS),
			nsFixed(summarize(rs, func(r sleepyRun) float64 { return float64(r.Peak.Goroutines) }).Median),
			oneDec(summarize(rs, func(r sleepyRun) float64 { return mib(float64(r.Peak.StackBytes)) }).Median),
		})
	}
	return t
}

// burstTables are the reclamation curve as two tables: goroutines, and
// stack memory, at each sampling time after the burst.
func burstTables(cfg config, res *results) []report.Table {
	s := cfg.sizes
	title := fmt.Sprintf("burst then idle: %s tasks of Sleep(%v), cap %s, then idle (%s, each in a fresh process)",
		count(s.BurstTasks), s.BurstFor, count(s.BurstCap), medianOf(cfg.runs[wBurst]))
	g := report.Table{Title: title + ": live goroutines", Header: []string{"contender", "burst s", "peak RSS MiB"},
		Notes: []string{"Goroutines beyond the process's own before the pool started, at each time after the burst's Wait returned; " +
			"then once more after a forced GC."}}
	m := report.Table{Title: title + ": goroutine stack memory (MiB)", Header: []string{"contender"},
		Notes: []string{"Stack memory (runtime/metrics /memory/classes/heap/stacks:bytes) beyond the baseline. The runtime keeps the stacks of " +
			"exited goroutines until the next GC, which an idle program may not run for minutes: the last column forces one."}}
	for _, at := range s.BurstAt {
		g.Header = append(g.Header, "t="+seconds(at))
		m.Header = append(m.Header, "t="+seconds(at))
	}
	g.Header, m.Header = append(g.Header, "then GC"), append(m.Header, "then GC")
	for _, c := range cfg.contenders {
		rs := res.Burst[key(c.Name, s.BurstCap)]
		grow := []string{c.Name,
			twoDec(summarize(rs, func(r burstRun) float64 { return r.Burst.Seconds() }).Median),
			nsFixed(summarize(rs, func(r burstRun) float64 { return mib(float64(r.PeakRSS)) }).Median)}
		mrow := []string{c.Name}
		goroutines := func(x workload.Sample) float64 { return float64(x.Goroutines) }
		stacks := func(x workload.Sample) float64 { return mib(float64(x.StackBytes)) }
		for i := range len(s.BurstAt) + 1 {
			grow = append(grow, nsFixed(burstAt(rs, i, goroutines)))
			mrow = append(mrow, oneDec(burstAt(rs, i, stacks)))
		}
		g.Rows, m.Rows = append(g.Rows, grow), append(m.Rows, mrow)
	}
	return []report.Table{g, m}
}

// burstAt is the median over runs of f applied to each run's i-th sample;
// one past the last sample is the sample after GC.
func burstAt(rs []burstRun, i int, f func(workload.Sample) float64) float64 {
	return summarize(rs, func(r burstRun) float64 {
		switch {
		case i < len(r.Samples):
			return f(r.Samples[i])
		case i == len(r.Samples):
			return f(r.AfterGC)
		}
		return 0
	}).Median
}

func latencyTable(cfg config, res *results) report.Table {
	s := cfg.sizes
	p99 := func(r workload.LatencyResult) float64 { return float64(r.P99) }
	base := summarize(res.Latency[key(contender.Baseline, s.LatencyCap)], p99)
	t := report.Table{
		Title: fmt.Sprintf("latency: %s tasks offered at %s/s, cap %s (%s)",
			count(s.LatencyTasks), count(int(s.LatencyRate)), count(s.LatencyCap), medianOf(cfg.runs[wLatency])),
		Header: []string{"contender", "p50", "p99", "min–max p99", "× raw p99", "p99.9", "max", "tasks/s offered"},
		Notes: []string{"Submit-to-start latency: from just before Submit to the task's first line; each task then does the tiny CPU work. " +
			"One submitter offers each task at its due time, yielding the processor (runtime.Gosched) while early, so it keeps one of the " +
			"cores busy; a blocking Submit lowers the offered rate."},
	}
	for _, c := range cfg.contenders {
		rs := res.Latency[key(c.Name, s.LatencyCap)]
		q := func(f func(workload.LatencyResult) float64) float64 { return summarize(rs, f).Median }
		p := summarize(rs, p99)
		t.Rows = append(t.Rows, []string{c.Name,
			duration(q(func(r workload.LatencyResult) float64 { return float64(r.P50) })),
			duration(p.Median), p.Range(duration), p.Ratio(base),
			duration(q(func(r workload.LatencyResult) float64 { return float64(r.P999) })),
			duration(q(func(r workload.LatencyResult) float64 { return float64(r.Max) })),
			count(int(q(func(r workload.LatencyResult) float64 { return r.Rate }))),
		})
	}
	return t
}

// tables returns the tables of the workloads that ran, by workload name.
func tables(cfg config, res *results) map[string][]report.Table {
	out := map[string][]report.Table{}
	for _, w := range cfg.workloads {
		switch w {
		case wTiny:
			out[w] = []report.Table{tinyTable(cfg, res)}
		case wParallel:
			out[w] = []report.Table{parallelTable(cfg, res)}
		case wSleepy:
			out[w] = []report.Table{sleepyTable(cfg, res)}
		case wBurst:
			out[w] = burstTables(cfg, res)
		case wLatency:
			out[w] = []report.Table{latencyTable(cfg, res)}
		}
	}
	return out
}
