package main

import (
	"fmt"
	"time"

	"github.com/tidego/tide/bench/contender"
	"github.com/tidego/tide/bench/report"
	"github.com/tidego/tide/bench/workload"
)

var (
	nsFixed = report.Fixed(0)
	oneDec  = report.Fixed(1)
	twoDec  = report.Fixed(2)
)

// cpuNote explains the CPU columns of every table.
const cpuNote = "CPU µs/task is the child process's CPU time, user and system, every thread's (the runtime's and the pool's included), " +
	"over the measured op, divided among its tasks. It is read with getrusage(RUSAGE_SELF) inside the child just before and " +
	"just after the op, not from the whole child's rusage, so that process start-up, warm-up and Close are left out " +
	"(results.json keeps the whole child's as ChildCPU). A pool that spins while it waits shows it here."

// cpuCells are the CPU columns of a row: CPU µs per task (the median over
// runs of cpu, in ns) and its ratio to the baseline's.
func cpuCells[T any](runs, base []T, cpu func(T) float64) []string {
	s := summarize(runs, cpu)
	return []string{twoDec(s.Median / 1e3), s.Ratio(summarize(base, cpu))}
}

// costRows are the rows of a cost table at one capacity, with the raw
// baseline as the ratio's denominator.
func costRows(cfg config, runs map[string][]costRun, capacity int, withCap bool) [][]string {
	ns := func(r costRun) float64 { return r.NsPerTask }
	cpu := func(r costRun) float64 { return r.CPUPerTask }
	baseRuns := runs[key(contender.Baseline, capacity)]
	base := summarize(baseRuns, ns)
	var rows [][]string
	for _, c := range cfg.contenders {
		rs := runs[key(c.Name, capacity)]
		s := summarize(rs, ns)
		row := []string{c.Name}
		if withCap {
			row = append(row, fmt.Sprint(capacity))
		}
		row = append(row, nsFixed(s.Median), s.Range(nsFixed), s.Ratio(base))
		row = append(row, cpuCells(rs, baseRuns, cpu)...)
		row = append(row,
			oneDec(summarize(rs, func(r costRun) float64 { return r.BytesPerTask }).Median),
			twoDec(summarize(rs, func(r costRun) float64 { return r.AllocsPerTask }).Median))
		rows = append(rows, row)
	}
	return rows
}

func tinyTable(cfg config, res *results) report.Table {
	s := cfg.sizes
	t := report.Table{
		Title:  fmt.Sprintf("tiny: %s tasks of ~%v CPU work per op (%s)", count(s.TinyTasks), workload.TinyWork, medianOf(cfg.runs[wTiny])),
		Header: []string{"contender", "cap", "ns/task", "min–max", "× raw", "CPU µs/task", "× raw", "B/task", "allocs/task", "serial ops"},
		Notes: []string{fmt.Sprintf("One op submits %s copies of the task and waits for them, on a pool warmed by one such op. "+
			"The task is %d xorshift rounds, %v when run serially. B and allocs are the heap's, submitter and pool together.",
			count(s.TinyTasks), res.Rounds, res.TaskCost), cpuNote,
			"Serial ops: of the measured ops, those in which no task started before the last submission returned " +
				"(the submitter ran alone, then the workers did). They cost far less per task than ops in which the " +
				"submitter and the workers share the processors, so a median moves with how many there were."},
	}
	for _, capacity := range s.TinyCaps {
		rows := costRows(cfg, res.Tiny, capacity, true) // one row per contender, in cfg.contenders' order
		for i, c := range cfg.contenders {
			rows[i] = append(rows[i], serialOps(res.Tiny[key(c.Name, capacity)]))
		}
		t.Rows = append(t.Rows, rows...)
	}
	return t
}

// serialOps counts the runs whose measured op ran serially, as "k of n".
func serialOps(runs []costRun) string {
	k := 0
	for _, r := range runs {
		if r.Serial {
			k++
		}
	}
	return fmt.Sprintf("%d of %d", k, len(runs))
}

func parallelTable(cfg config, res *results) report.Table {
	s := cfg.sizes
	return report.Table{
		Title:  fmt.Sprintf("parallel submitters: empty tasks, cap %s (%s)", count(s.ParallelCap), medianOf(cfg.runs[wParallel])),
		Header: []string{"contender", "ns/task", "min–max", "× raw", "CPU µs/task", "× raw", "B/task", "allocs/task"},
		Rows:   costRows(cfg, res.Parallel, s.ParallelCap, false),
		Notes: []string{fmt.Sprintf("GOMAXPROCS (%d) goroutines submit %s empty tasks between them, then wait: pure overhead under contention.",
			res.Machine.GOMAXPROCS, count(s.ParallelTasks)), cpuNote},
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
		Header: []string{"contender", "wall s", "min–max", "× raw", "peak RSS MiB", "min–max", "× raw", "peak goroutines", "peak stacks MiB",
			"CPU µs/task", "× raw"},
		Notes: []string{fmt.Sprintf("At the cap, the ideal wall time is %.2f s. Peak RSS is the child process's own high-water mark (VmHWM); "+
			"peak goroutines and stack memory are sampled every 5 ms, the process's baseline subtracted.",
			float64(s.SleepyTasks)/float64(max(1, s.SleepyCap))*s.SleepyFor.Seconds()),
			cpuNote, "CPU µs/task here counts from the pool's start to the end of Wait, the 5 ms sampler included."},
	}
	for _, c := range cfg.contenders {
		rs := res.Sleepy[key(c.Name, s.SleepyCap)]
		w, m := summarize(rs, wall), summarize(rs, rss)
		row := []string{c.Name,
			twoDec(w.Median), w.Range(twoDec), w.Ratio(baseWall),
			nsFixed(m.Median), m.Range(nsFixed), m.Ratio(baseRSS),
			nsFixed(summarize(rs, func(r sleepyRun) float64 { return float64(r.Peak.Goroutines) }).Median),
			oneDec(summarize(rs, func(r sleepyRun) float64 { return mib(float64(r.Peak.StackBytes)) }).Median),
		}
		t.Rows = append(t.Rows, append(row, cpuCells(rs, baseRuns, func(r sleepyRun) float64 { return r.CPUPerTask })...))
	}
	return t
}

// burstTables are the reclamation curve as two tables: goroutines, and
// stack memory, at each sampling time after the burst.
func burstTables(cfg config, res *results) []report.Table {
	s := cfg.sizes
	title := fmt.Sprintf("burst then idle: %s tasks of Sleep(%v), cap %s, then idle (%s, each in a fresh process)",
		count(s.BurstTasks), s.BurstFor, count(s.BurstCap), medianOf(cfg.runs[wBurst]))
	g := report.Table{Title: title + ": live goroutines", Header: []string{"contender", "burst s", "peak RSS MiB", "CPU µs/task", "× raw"},
		Notes: []string{"Goroutines beyond the process's own before the pool started, at each time after the burst's Wait returned; " +
			"then once more after a forced GC.", cpuNote, "CPU µs/task here counts the burst: from the first Submit to the end of Wait."}}
	m := report.Table{Title: title + ": goroutine stack memory (MiB)", Header: []string{"contender"},
		Notes: []string{"Stack memory (runtime/metrics /memory/classes/heap/stacks:bytes) beyond the baseline. The runtime keeps the stacks of " +
			"exited goroutines until the next GC, which an idle program may not run for minutes: the last column forces one."}}
	for _, at := range s.BurstAt {
		g.Header = append(g.Header, "t="+seconds(at))
		m.Header = append(m.Header, "t="+seconds(at))
	}
	g.Header, m.Header = append(g.Header, "then GC"), append(m.Header, "then GC")
	baseRuns := res.Burst[key(contender.Baseline, s.BurstCap)]
	for _, c := range cfg.contenders {
		rs := res.Burst[key(c.Name, s.BurstCap)]
		grow := []string{c.Name,
			twoDec(summarize(rs, func(r burstRun) float64 { return r.Burst.Seconds() }).Median),
			nsFixed(summarize(rs, func(r burstRun) float64 { return mib(float64(r.PeakRSS)) }).Median)}
		grow = append(grow, cpuCells(rs, baseRuns, func(r burstRun) float64 { return r.CPUPerTask })...)
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

func idleTable(cfg config, res *results) report.Table {
	s := cfg.sizes
	t := report.Table{
		Title: fmt.Sprintf("idle: CPU of a warm pool with nothing to do, cap %s, %s window (%s, each in a fresh process)",
			count(s.IdleCap), seconds(s.IdleFor), medianOf(cfg.runs[wIdle])),
		Header: []string{"contender", "goroutines parked", "idle CPU ms/s", "min–max", "goroutines left"},
		Notes: []string{fmt.Sprintf("Just before the window the contender ran %s tasks at cap %s that each waited until all had started "+
			"(at most %v), so that a pool starts up to that many workers, which then park; then a GC ran and freed memory went back to "+
			"the OS. Idle CPU is the process's CPU time, user and system, over the window (getrusage(RUSAGE_SELF) inside the child "+
			"before and after it), per second of window. Raw goroutines are gone by then, so raw's row is the Go runtime's own "+
			"background work (sysmon); what a pool adds beyond it is its reaper's wake-ups and whatever its parked workers do; a pool that "+
			"retires idle workers within the window (fewer goroutines left than parked) counts their exits too. "+
			"Goroutines are counted beyond the process's own before the contender started, when the window began and when it ended.",
			count(s.IdleTasks), count(s.IdleCap), time.Second)},
	}
	cpu := func(r idleRun) float64 { return r.CPUPerSecond() }
	for _, c := range cfg.contenders {
		rs := res.Idle[key(c.Name, s.IdleCap)]
		m := summarize(rs, cpu)
		t.Rows = append(t.Rows, []string{c.Name,
			nsFixed(summarize(rs, func(r idleRun) float64 { return float64(r.Parked) }).Median),
			twoDec(m.Median), m.Range(twoDec),
			nsFixed(summarize(rs, func(r idleRun) float64 { return float64(r.Left) }).Median),
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
			out[w] = latencyTables(cfg, res)
		case wServer:
			out[w] = serverTables(cfg, res)
		case wIdle:
			out[w] = []report.Table{idleTable(cfg, res)}
		case wHammering:
			out[w] = []report.Table{hammeringTable(cfg, res)}
		case wDownstream:
			out[w] = []report.Table{downstreamTable(cfg, res)}
		}
	}
	return out
}
