package tide_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tidego/tide"
)

// sink keeps the CPU task's result alive so it is not optimised away.
var sink atomic.Uint64

// cpuTask is a small CPU-bound task, about 150 ns on a current core.
func cpuTask() {
	x := uint64(0x9E3779B97F4A7C15)
	for i := range 100 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		x += uint64(i)
	}
	if x == 0 {
		sink.Add(x)
	}
}

func emptyTask() {}

// runTasks submits b.N copies of task from one goroutine and waits.
func runTasks(b *testing.B, submit func(func()), wait func(), task func()) {
	b.ReportAllocs()
	for b.Loop() {
		submit(task)
	}
	wait()
}

func benchPool(b *testing.B, task func(), opts ...tide.Option) {
	p, err := tide.New(opts...)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Release()
	// Warm the pool: workers, queue and stack at their working size.
	for range 1000 {
		p.Go(task)
	}
	p.Wait()
	b.ResetTimer()
	runTasks(b, p.Go, p.Wait, task)
}

func benchRaw(b *testing.B, task func()) {
	var wg sync.WaitGroup
	runTasks(b, func(f func()) { wg.Go(f) }, wg.Wait, task)
}

func BenchmarkEmptyTask(b *testing.B) {
	b.Run("c=raw", func(b *testing.B) { benchRaw(b, emptyTask) })
	b.Run("c=tide/cap=unlimited", func(b *testing.B) { benchPool(b, emptyTask) })
	b.Run("c=tide/cap=4", func(b *testing.B) { benchPool(b, emptyTask, tide.WithCapacity(4)) })
}

func BenchmarkCPUTask(b *testing.B) {
	b.Run("c=raw", func(b *testing.B) { benchRaw(b, cpuTask) })
	b.Run("c=tide/cap=4", func(b *testing.B) { benchPool(b, cpuTask, tide.WithCapacity(4)) })
	b.Run("c=tide/cap=1000", func(b *testing.B) { benchPool(b, cpuTask, tide.WithCapacity(1000)) })
}

func BenchmarkParallelSubmitters(b *testing.B) {
	b.Run("c=raw", func(b *testing.B) {
		var wg sync.WaitGroup
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				wg.Go(emptyTask)
			}
		})
		wg.Wait()
	})
	b.Run("c=tide/cap=GOMAXPROCS", func(b *testing.B) {
		p, err := tide.New(tide.WithCapacity(runtime.GOMAXPROCS(0)))
		if err != nil {
			b.Fatal(err)
		}
		defer p.Release()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				p.Go(emptyTask)
			}
		})
		p.Wait()
	})
}
