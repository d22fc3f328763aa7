package workload_test

import (
	"flag"
	"fmt"
	"sync"
	"testing"

	"github.com/tidego/tide/bench/contender"
	"github.com/tidego/tide/bench/workload"
)

// size scales the task counts of every benchmark below, as the tidebench
// command's -size does: go test -bench Sleepy ./workload -args -size 0.1
var size = flag.Float64("size", 1, "scale the workloads' task counts by this factor")

// sizes are the full sizes, scaled by -size.
func sizes() workload.Sizes { return workload.Full().Scale(*size) }

// rounds is the calibrated length of the tiny task, measured once.
var rounds = sync.OnceValue(func() int { return workload.Calibrate(workload.TinyWork) })

// each runs bench as a sub-benchmark per contender and capacity, named
// c=NAME/cap=N so that benchstat can set contenders side by side.
func each(b *testing.B, caps []int, bench func(*testing.B, contender.Contender, int)) {
	for _, c := range contender.All() {
		for _, capacity := range caps {
			b.Run(fmt.Sprintf("c=%s/cap=%d", c.Name, capacity), func(b *testing.B) { bench(b, c, capacity) })
		}
	}
}

// perTask reports the benchmark's time per task when one op runs tasks tasks.
func perTask(b *testing.B, tasks int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(tasks), "ns/task")
}

// BenchmarkTiny: one op is 100,000 tasks of about 150 ns of CPU work.
func BenchmarkTiny(b *testing.B) {
	s := sizes()
	task := workload.CPUTask(rounds())
	each(b, s.TinyCaps, func(b *testing.B, c contender.Contender, capacity int) {
		r := c.Start(capacity)
		defer r.Close()
		b.ReportAllocs()
		for b.Loop() {
			workload.Tiny(r, s.TinyTasks, task)
		}
		perTask(b, s.TinyTasks)
	})
}

// BenchmarkParallel: GOMAXPROCS submitters, one empty task per op.
func BenchmarkParallel(b *testing.B) {
	s := sizes()
	each(b, []int{s.ParallelCap}, func(b *testing.B, c contender.Contender, capacity int) {
		r := c.Start(capacity)
		defer r.Close()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				r.Submit(func() {})
			}
		})
		r.Wait()
		perTask(b, 1)
	})
}

// BenchmarkSleepy: one op is 1,000,000 tasks of Sleep(10ms) at capacity
// 50,000 on a fresh runner. Peak RSS needs a fresh process: the tidebench
// command measures it.
func BenchmarkSleepy(b *testing.B) {
	s := sizes()
	each(b, []int{s.SleepyCap}, func(b *testing.B, c contender.Contender, capacity int) {
		var peak workload.Sample
		for b.Loop() {
			res := workload.Sleepy(c, capacity, s.SleepyTasks, s.SleepyFor)
			peak.Goroutines = max(peak.Goroutines, res.Peak.Goroutines)
			peak.StackBytes = max(peak.StackBytes, res.Peak.StackBytes)
		}
		b.ReportMetric(float64(peak.Goroutines), "peak-goroutines")
		b.ReportMetric(float64(peak.StackBytes)/(1<<20), "peak-stack-MiB")
	})
}

// BenchmarkBurst: one op is 100,000 tasks of Sleep(1ms) at capacity 10,000,
// then 10 s idle; it reports the goroutines and stack memory left at each
// sampling time.
func BenchmarkBurst(b *testing.B) {
	s := sizes()
	each(b, []int{s.BurstCap}, func(b *testing.B, c contender.Contender, capacity int) {
		var res workload.BurstResult
		for b.Loop() {
			res = workload.Burst(c, capacity, s.BurstTasks, s.BurstFor, s.BurstAt)
		}
		for i, at := range res.At {
			b.ReportMetric(float64(res.Samples[i].Goroutines), fmt.Sprintf("goroutines@%v", at))
			b.ReportMetric(float64(res.Samples[i].StackBytes)/(1<<20), fmt.Sprintf("stack-MiB@%v", at))
		}
	})
}

// BenchmarkLatency: one op offers 200,000 tasks at 100,000/s at capacity
// 1000 and reports the submit-to-start latency quantiles of the last op.
func BenchmarkLatency(b *testing.B) {
	s := sizes()
	task := workload.CPUTask(rounds())
	each(b, []int{s.LatencyCap}, func(b *testing.B, c contender.Contender, capacity int) {
		var res workload.LatencyResult
		for b.Loop() {
			res = workload.Latency(c, capacity, s.LatencyTasks, s.LatencyRate, task)
		}
		b.ReportMetric(float64(res.P50.Nanoseconds()), "p50-ns")
		b.ReportMetric(float64(res.P99.Nanoseconds()), "p99-ns")
		b.ReportMetric(float64(res.P999.Nanoseconds()), "p99.9-ns")
	})
}

// BenchmarkServer: one op offers 200,000 tasks at 50,000/s from 256
// submitters sleeping exponential intervals, at capacity 1000, and reports
// the submit-to-start latency quantiles and CPU time of the last op.
func BenchmarkServer(b *testing.B) {
	s := sizes()
	task := workload.CPUTask(rounds())
	each(b, []int{s.ServerCap}, func(b *testing.B, c contender.Contender, capacity int) {
		var res workload.LatencyResult
		for b.Loop() {
			res = workload.Server(c, capacity, s.ServerTasks, s.ServerSubmitters, s.ServerRate, 1, task)
		}
		b.ReportMetric(float64(res.P50.Nanoseconds()), "p50-ns")
		b.ReportMetric(float64(res.P99.Nanoseconds()), "p99-ns")
		b.ReportMetric(float64(res.P999.Nanoseconds()), "p99.9-ns")
		b.ReportMetric(res.CPUPerTask, "cpu-ns/task")
	})
}

// BenchmarkIdle: one op warms a pool with 1000 workers, then measures the
// process's CPU time over 5 s of idleness.
func BenchmarkIdle(b *testing.B) {
	s := sizes()
	each(b, []int{s.IdleCap}, func(b *testing.B, c contender.Contender, capacity int) {
		var res workload.IdleResult
		for b.Loop() {
			res = workload.Idle(c, capacity, s.IdleTasks, s.IdleFor)
		}
		b.ReportMetric(res.CPUPerSecond(), "idle-cpu-ms/s")
		b.ReportMetric(float64(res.Parked), "parked-goroutines")
	})
}

// BenchmarkHammering: one op is 16 goroutines looping on a nonblocking
// Submit at capacity 2 with no queue, beside one blocking submitter, for
// 2 s; it reports the tasks completed per second and the blocking
// submitter's worst wait. Contenders without a nonblocking mode are left out.
func BenchmarkHammering(b *testing.B) {
	s := sizes()
	for _, c := range contender.All() {
		nb := contender.NonblockingOf(c.Name)
		if nb.Start == nil {
			continue
		}
		b.Run(fmt.Sprintf("c=%s/cap=%d", c.Name, s.HammerCap), func(b *testing.B) {
			var res workload.HammerResult
			for b.Loop() {
				res = workload.Hammering(nb, s.HammerCap, s.HammerSubmitters, s.HammerFor)
			}
			b.ReportMetric(res.PerSecond, "tasks/s")
			b.ReportMetric(float64(res.BlockingWorst.Nanoseconds())/1e6, "worst-blocking-wait-ms")
		})
	}
}
