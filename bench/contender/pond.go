package contender

import "github.com/alitto/pond/v2"

// pondPool runs tasks with pond v2's fire-and-forget Pool.Go.
type pondPool struct {
	counted
	p pond.Pool
}

func startPond(capacity int) Runner { return &pondPool{p: pond.NewPool(capacity)} }

// Submit wraps task for the WaitGroup and hands it to Pool.Go.
func (p *pondPool) Submit(task func()) { must(p.p.Go(p.wrap(task))) }

// Close stops the pool and waits for it.
func (p *pondPool) Close() { p.p.StopAndWait() }
