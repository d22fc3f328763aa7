package workload

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// Sample is the process's goroutine count and goroutine stack memory at one
// moment, read from runtime/metrics (no stop-the-world).
type Sample struct {
	Goroutines int
	StackBytes uint64
}

// metricNames are the two runtime metrics that make a Sample.
var metricNames = []string{"/sched/goroutines:goroutines", "/memory/classes/heap/stacks:bytes"}

// Read returns a Sample of the process now.
func Read() Sample {
	m := make([]metrics.Sample, len(metricNames))
	for i, name := range metricNames {
		m[i].Name = name
	}
	metrics.Read(m)
	return Sample{Goroutines: int(m[0].Value.Uint64()), StackBytes: m[1].Value.Uint64()}
}

// baseline collects garbage, which also starts the runtime's background
// mark workers in a fresh process, then samples: what a run is measured
// against.
func baseline() Sample {
	runtime.GC()
	return Read()
}

// Minus returns s less the baseline b, never below zero: what a run added.
func (s Sample) Minus(b Sample) Sample {
	d := Sample{Goroutines: max(0, s.Goroutines-b.Goroutines)}
	if s.StackBytes > b.StackBytes {
		d.StackBytes = s.StackBytes - b.StackBytes
	}
	return d
}

// Peaks samples the process every interval on a goroutine of its own until
// Stop, keeping the highest goroutine count and stack memory seen.
type Peaks struct {
	stop chan struct{}
	done sync.WaitGroup
	peak Sample // written by the sampling goroutine, read after done
}

// WatchPeaks starts sampling every interval.
func WatchPeaks(interval time.Duration) *Peaks {
	p := &Peaks{stop: make(chan struct{})}
	p.take(Read())
	p.done.Go(func() { p.loop(interval) })
	return p
}

func (p *Peaks) loop(interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			p.take(Read())
			return
		case <-tick.C:
			p.take(Read())
		}
	}
}

func (p *Peaks) take(s Sample) {
	p.peak.Goroutines = max(p.peak.Goroutines, s.Goroutines)
	p.peak.StackBytes = max(p.peak.StackBytes, s.StackBytes)
}

// Stop ends the sampling and returns the peaks.
func (p *Peaks) Stop() Sample {
	close(p.stop)
	p.done.Wait()
	return p.peak
}
