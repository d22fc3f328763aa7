package bench_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/panjf2000/ants/v2"

	"github.com/tidego/tide"
)

// job is the argument of both typed pools: a value to work on and the
// WaitGroup of the submitter that invoked it.
type job struct {
	n  int
	wg *sync.WaitGroup
}

// runJob is the function of both typed pools.
func runJob(j job) {
	typedWork(j.n)
	j.wg.Done()
}

// typedPool is what BenchmarkFuncPool needs of a typed func pool.
type typedPool interface {
	Invoke(j job) error
	Close()
}

// tideTyped is tide's FuncPool[job].
type tideTyped struct{ fp *tide.FuncPool[job] }

func (t tideTyped) Invoke(j job) error { return t.fp.Invoke(j) }
func (t tideTyped) Close()             { must(t.fp.Pool().ReleaseTimeout(10 * time.Second)) }

// antsTyped is ants' PoolWithFuncGeneric[job].
type antsTyped struct {
	p *ants.PoolWithFuncGeneric[job]
}

func (a antsTyped) Invoke(j job) error { return a.p.Invoke(j) }
func (a antsTyped) Close()             { must(a.p.ReleaseTimeout(10 * time.Second)) }

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// funcPools are the contenders, each started with its default options but
// the capacity.
var funcPools = []struct {
	name  string
	start func(capacity int) typedPool
}{
	{"tide", func(capacity int) typedPool {
		fp, err := tide.NewFuncPool(runJob, tide.WithCapacity(capacity))
		must(err)
		return tideTyped{fp}
	}},
	{"ants-generic", func(capacity int) typedPool {
		p, err := ants.NewPoolWithFuncGeneric(capacity, runJob)
		must(err)
		return antsTyped{p}
	}},
}

// typedSink keeps the work's result alive.
var typedSink atomic.Uint64

// typedWork is a few nanoseconds of CPU work on n, so that what is measured
// is the pool's own cost per Invoke.
func typedWork(n int) {
	x := uint64(n) | 1
	for range 8 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	if x == 0 {
		typedSink.Add(x)
	}
}

// batch is how many Invokes a submitter makes before it waits for them, so
// that what a pool holds, and so its memory, stays at its warm size.
const batch = 256

// submitter invokes jobs on p, waiting for its own every batch Invokes.
type submitter struct {
	p  typedPool
	wg sync.WaitGroup
	n  int
}

func (s *submitter) invoke() {
	s.wg.Add(1)
	must(s.p.Invoke(job{n: s.n, wg: &s.wg}))
	if s.n++; s.n%batch == 0 {
		s.wg.Wait()
	}
}

// BenchmarkFuncPool: one op is one Invoke of a 16-byte struct argument (no
// closure), from one submitter or from GOMAXPROCS submitters, each waiting
// for its own Invokes every 256. Both contenders run the same function and
// keep their default options but the capacity; each pool is warmed first, so
// allocs/op is the steady state.
func BenchmarkFuncPool(b *testing.B) {
	for _, c := range funcPools {
		for _, capacity := range []int{4, 1000} {
			for _, submit := range []string{"serial", "parallel"} {
				name := fmt.Sprintf("c=%s/cap=%d/submit=%s", c.name, capacity, submit)
				b.Run(name, func(b *testing.B) {
					p := c.start(capacity)
					defer p.Close()
					warm := &submitter{p: p}
					for range 4 * batch {
						warm.invoke()
					}
					warm.wg.Wait()
					b.ReportAllocs()
					b.ResetTimer()
					if submit == "parallel" {
						b.RunParallel(func(pb *testing.PB) {
							s := &submitter{p: p}
							for pb.Next() {
								s.invoke()
							}
							s.wg.Wait()
						})
						return
					}
					s := &submitter{p: p}
					for b.Loop() {
						s.invoke()
					}
					s.wg.Wait()
				})
			}
		}
	}
}
