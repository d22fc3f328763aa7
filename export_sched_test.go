package tide

// SchedState reports p's engine's count of workers starting or searching
// (waking) and its pending hands, for FuzzPool's check of invariant 9 of
// doc/scheduler.md.
func SchedState(p *Pool) (waking, pending int) {
	return p.s.(interface{ schedState() (int, int) }).schedState()
}

// RefusingHolds reports whether p's refusing flag mirrors its room
// (invariant 10 of doc/scheduler.md), for FuzzPool.
func RefusingHolds(p *Pool) bool {
	return p.s.(interface{ refusingHolds() bool }).refusingHolds()
}

// AdaptiveSamples reports how many run times p's limiter has taken into the
// window now open (doc/adaptive.md), for the test that a leftover's no-op is
// not one of them.
func AdaptiveSamples(p *Pool) int {
	l := p.s.(interface{ limiter() *limiter }).limiter()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.win.n
}
