package contender

import (
	"math"

	"github.com/bytedance/gopkg/util/gopool"
)

// goPool runs tasks with bytedance's gopool: an unbounded task list and at
// most capacity workers, which exit as soon as the list is empty.
type goPool struct {
	counted
	p gopool.Pool
}

func startGopool(capacity int) Runner {
	return &goPool{p: gopool.NewPool("tidebench", int32(min(capacity, math.MaxInt32)), gopool.NewConfig())}
}

// Submit wraps task for the WaitGroup and hands it to Go.
func (g *goPool) Submit(task func()) { g.p.Go(g.wrap(task)) }

// Close does nothing: gopool has no release, its workers end when idle.
func (g *goPool) Close() {}
