package workload_test

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide/bench/contender"
	"github.com/tidego/tide/bench/workload"
)

// some returns a few contenders of different kinds for the workload tests;
// every adapter is checked on its own in package contender.
func some(t *testing.T) []contender.Contender {
	t.Helper()
	var cs []contender.Contender
	for _, name := range []string{contender.Baseline, "tide", "ants", "conc"} {
		c, ok := contender.Find(name)
		require.True(t, ok, name)
		cs = append(cs, c)
	}
	return cs
}

func TestTinyRunsEveryTaskBeforeReturning(t *testing.T) {
	for _, c := range some(t) {
		t.Run(c.Name, func(t *testing.T) {
			var n atomic.Int64
			r := c.Start(4)
			defer r.Close()
			workload.Tiny(r, 1000, func() { n.Add(1) })
			assert.EqualValues(t, 1000, n.Load())
		})
	}
}

func TestParallelSharesTasksAmongSubmitters(t *testing.T) {
	for _, c := range some(t) {
		t.Run(c.Name, func(t *testing.T) {
			r := c.Start(16)
			defer r.Close()
			workload.Parallel(r, 1003, 4) // not a multiple of 4 on purpose
			cost := workload.MeasureParallel(c, 16, 1003, 4)
			assert.Positive(t, cost.NsPerTask)
		})
	}
}

func TestMeasureTinyReportsPerTaskCosts(t *testing.T) {
	task := workload.CPUTask(workload.Calibrate(workload.TinyWork))
	cost := workload.MeasureTiny(some(t)[1], 4, 2000, task)
	assert.Positive(t, cost.NsPerTask)
	assert.GreaterOrEqual(t, cost.AllocsPerTask, 0.0)
}

// A pool that runs each task as it is submitted is never serial; one that
// holds every task until Wait always is.
func TestMeasureTinyTellsSerialFromParallel(t *testing.T) {
	task := func() {}
	inline := contender.Contender{Name: "inline", Start: func(int) contender.Runner { return &inlineRunner{} }}
	deferred := contender.Contender{Name: "deferred", Start: func(int) contender.Runner { return &deferredRunner{} }}
	assert.False(t, workload.MeasureTiny(inline, 4, 100, task).Serial, "tasks run inside Submit")
	assert.True(t, workload.MeasureTiny(deferred, 4, 100, task).Serial, "tasks run in Wait")
}

// inlineRunner runs each task inside Submit.
type inlineRunner struct{}

func (*inlineRunner) Submit(task func()) { task() }
func (*inlineRunner) Wait()              {}
func (*inlineRunner) Close()             {}

// deferredRunner keeps the tasks until Wait, then runs them.
type deferredRunner struct{ held []func() }

func (d *deferredRunner) Submit(task func()) { d.held = append(d.held, task) }
func (d *deferredRunner) Wait() {
	for _, f := range d.held {
		f()
	}
	d.held = nil
}
func (*deferredRunner) Close() {}

func TestCalibrateFindsAPositiveRoundCount(t *testing.T) {
	rounds := workload.Calibrate(workload.TinyWork)
	assert.Positive(t, rounds)
	assert.Positive(t, workload.TaskCost(workload.CPUTask(rounds), 100))
}

func TestSleepyRecordsWhatTheRunAdded(t *testing.T) {
	res := workload.Sleepy(some(t)[1], 20, 200, time.Millisecond)
	assert.Positive(t, res.Wall)
	assert.Positive(t, res.Peak.Goroutines)
	assert.LessOrEqual(t, res.Peak.Goroutines, 20+2, "20 workers, the pool's reaper and the sampler")
}

func TestBurstSamplesAtEveryOffset(t *testing.T) {
	at := []time.Duration{0, 5 * time.Millisecond, 20 * time.Millisecond}
	res := workload.Burst(some(t)[1], 50, 500, 100*time.Microsecond, at)
	assert.Equal(t, at, res.At)
	assert.Len(t, res.Samples, len(at))
}

// assertQuantiles checks that each series of quantiles is ordered, and that
// the latency from the due time is never below submit-to-start: every task's
// due time is at or before its submission.
func assertQuantiles(t *testing.T, res workload.LatencyResult) {
	t.Helper()
	for _, q := range [][4]time.Duration{{res.P50, res.P99, res.P999, res.Max}, {res.DueP50, res.DueP99, res.DueP999, res.DueMax}} {
		assert.LessOrEqual(t, q[0], q[1])
		assert.LessOrEqual(t, q[1], q[2])
		assert.LessOrEqual(t, q[2], q[3])
	}
	assert.Positive(t, res.DueMax)
	assert.GreaterOrEqual(t, res.DueP50, res.P50)
	assert.GreaterOrEqual(t, res.DueP99, res.P99)
	assert.GreaterOrEqual(t, res.DueP999, res.P999)
	assert.GreaterOrEqual(t, res.DueMax, res.Max)
}

func TestLatencyQuantilesAreOrdered(t *testing.T) {
	for _, c := range some(t) {
		t.Run(c.Name, func(t *testing.T) {
			res := workload.Latency(c, 100, 2000, 100_000, func() {})
			assertQuantiles(t, res)
			assert.Positive(t, res.Rate)
		})
	}
}

func TestLatencyFromTheDueTimeCountsABlockedSubmitter(t *testing.T) {
	// At capacity 1, tasks of 1 ms offered every 100 µs make a blocking
	// Submit late, and the later tasks start ever further behind their due
	// times: the last of 100 is due at 9.9 ms but cannot start before the
	// 99 before it have slept 1 ms each, so at least 89 ms after its due
	// time; and the submitter offered no more than about 1,000 tasks/s.
	c, ok := contender.Find("ants") // ants' Submit blocks at capacity
	require.True(t, ok)
	res := workload.Latency(c, 1, 100, 10_000, func() { time.Sleep(time.Millisecond) })
	assertQuantiles(t, res)
	assert.GreaterOrEqual(t, res.DueMax, 89*time.Millisecond)
	assert.Less(t, res.Rate, 5_000.0, "the blocked submitter fell behind the offered 10,000/s")
}

func TestServerRunsEveryTaskFromManySubmitters(t *testing.T) {
	for _, c := range some(t) {
		t.Run(c.Name, func(t *testing.T) {
			var n atomic.Int64
			res := workload.Server(c, 100, 2003, 64, 50_000, 1, func() { n.Add(1) })
			assert.EqualValues(t, 2003, n.Load(), "every share submitted, 2003 not a multiple of 64 on purpose")
			assertQuantiles(t, res)
			assert.Positive(t, res.Rate)
			assert.GreaterOrEqual(t, res.CPUPerTask, 0.0)
		})
	}
}

func TestServerWithMoreSubmittersThanTasks(t *testing.T) {
	var n atomic.Int64
	workload.Server(some(t)[1], 4, 3, 256, 50_000, 1, func() { n.Add(1) })
	assert.EqualValues(t, 3, n.Load())
}

func TestIdleMeasuresAWindowAfterTheWarmUp(t *testing.T) {
	res := workload.Idle(some(t)[1], 50, 50, 20*time.Millisecond)
	assert.GreaterOrEqual(t, res.Window, 20*time.Millisecond)
	assert.Positive(t, res.Parked, "tide's workers park after the warm-up")
	assert.GreaterOrEqual(t, res.CPU, time.Duration(0))
	assert.GreaterOrEqual(t, res.CPUPerSecond(), 0.0)
}

func TestCPUPerSecondIsMillisecondsPerSecond(t *testing.T) {
	r := workload.IdleResult{Window: 2 * time.Second, CPU: 3 * time.Millisecond}
	assert.InDelta(t, 1.5, r.CPUPerSecond(), 1e-9)
	assert.Zero(t, workload.IdleResult{}.CPUPerSecond())
}

func TestCPUTimeGrowsWithWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("getrusage is Unix's")
	}
	before := workload.CPUTime()
	workload.Spin(1 << 24)
	assert.Greater(t, workload.CPUTime(), before, "CPU time grows while this goroutine spins")
}

func TestQuantileUsesNearestRank(t *testing.T) {
	sorted := make([]time.Duration, 1000)
	for i := range sorted {
		sorted[i] = time.Duration(i + 1)
	}
	assert.Equal(t, time.Duration(500), workload.Quantile(sorted, 0.5))
	assert.Equal(t, time.Duration(990), workload.Quantile(sorted, 0.99))
	assert.Equal(t, time.Duration(999), workload.Quantile(sorted, 0.999))
	assert.Equal(t, time.Duration(1000), workload.Quantile(sorted, 1))
	assert.Zero(t, workload.Quantile(nil, 0.5))
}

func TestScaleKeepsTheShape(t *testing.T) {
	full := workload.Full()
	s := full.Scale(0.01)
	assert.Equal(t, 1000, s.TinyTasks)
	assert.Equal(t, full.TinyCaps, s.TinyCaps)
	assert.Equal(t, full.SleepyTasks/full.SleepyCap, s.SleepyTasks/s.SleepyCap)
	assert.Equal(t, 100*time.Millisecond, s.BurstAt[len(s.BurstAt)-1])
	assert.Equal(t, full.BurstAt, full.Scale(2).BurstAt, "scaling up keeps real sampling times")
	assert.Equal(t, 2000, s.ServerTasks)
	assert.InDelta(t, full.ServerRate, s.ServerRate, 1e-9, "the rate stays, so a smaller run is shorter")
	assert.Equal(t, full.ServerSubmitters, s.ServerSubmitters)
	assert.Equal(t, 10, s.IdleTasks)
	assert.Equal(t, 50*time.Millisecond, s.IdleFor)
	assert.Equal(t, 20*time.Millisecond, s.HammerFor)
	assert.Equal(t, full.HammerSubmitters, s.HammerSubmitters)
	assert.Equal(t, full.HammerCap, s.HammerCap)
}

func TestSampleMinusNeverGoesNegative(t *testing.T) {
	a := workload.Sample{Goroutines: 3, StackBytes: 10}
	b := workload.Sample{Goroutines: 5, StackBytes: 20}
	assert.Equal(t, workload.Sample{}, a.Minus(b))
	assert.Equal(t, workload.Sample{Goroutines: 2, StackBytes: 10}, b.Minus(a))
	assert.Positive(t, workload.Read().Goroutines)
}

func TestHammeringRunsEveryAcceptedTaskOnce(t *testing.T) {
	for _, name := range []string{"tide", "ants", "pond", "errgroup"} {
		t.Run(name, func(t *testing.T) {
			nb := contender.NonblockingOf(name)
			require.NotNil(t, nb.Start)
			res := workload.Hammering(nb, 2, 8, 20*time.Millisecond)
			assert.GreaterOrEqual(t, res.Window, 20*time.Millisecond)
			assert.GreaterOrEqual(t, res.Accepted+res.Refused, uint64(8), "each looping submitter tried at least once")
			assert.Positive(t, res.Blocking, "the blocking submitter got in at least once")
			assert.Positive(t, res.BlockingWorst)
			assert.Equal(t, res.Accepted+res.Blocking, res.Ran, "every accepted task ran once, no refused one did")
			assert.LessOrEqual(t, res.Completed, res.Ran)
			assert.InDelta(t, float64(res.Completed)/res.Window.Seconds(), res.PerSecond, 1e-6)
		})
	}
}
