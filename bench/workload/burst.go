package workload

import (
	"runtime"
	"time"

	"github.com/tidego/tide/bench/contender"
)

// BurstResult is the reclamation curve of one burst: what the contender
// still held (beyond the process's baseline) at each moment after its
// burst of tasks had finished.
type BurstResult struct {
	At      []time.Duration
	Samples []Sample
	AfterGC Sample        // after the last sample and a forced collection
	Burst   time.Duration // how long the burst itself took
	// CPUPerTask is the process's CPU time during the burst (from the first
	// submission to the end of Wait), in ns per task.
	CPUPerTask float64
}

// Burst starts c at capacity, runs tasks tasks that each sleep for d, waits
// for them, then leaves c idle and samples the process at each offset in at
// (counted from the end of the burst), once more after a forced collection
// (which frees the stacks of goroutines that have exited), and finally
// closes c.
func Burst(c contender.Contender, capacity, tasks int, d time.Duration, at []time.Duration) BurstResult {
	base := baseline()
	r := c.Start(capacity)
	defer r.Close()
	cpu := CPUTime()
	start := time.Now()
	sleep := func() { time.Sleep(d) }
	for range tasks {
		r.Submit(sleep)
	}
	r.Wait()
	idle := time.Now()
	res := BurstResult{At: at, Burst: idle.Sub(start), CPUPerTask: perTask(CPUTime()-cpu, tasks)}
	for _, offset := range at {
		time.Sleep(time.Until(idle.Add(offset)))
		res.Samples = append(res.Samples, Read().Minus(base))
	}
	runtime.GC()
	res.AfterGC = Read().Minus(base)
	return res
}
