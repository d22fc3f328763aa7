package tide

// SchedState reports p's engine's count of workers starting or searching
// (waking) and its pending hands, for FuzzPool's check of invariant 9 of
// doc/scheduler.md.
func SchedState(p *Pool) (waking, pending int) {
	return p.s.(interface{ schedState() (int, int) }).schedState()
}
