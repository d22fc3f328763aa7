package tide

import (
	"testing"
	"time"
)

// capacities records what a limiter sets.
type capacities []int

func (c *capacities) setCapacity(n int) error {
	*c = append(*c, n)
	return nil
}

// TestLimiterJudgesACutAfterTheBacklog: after a cut, the tasks in flight
// under the old capacity still queue in the downstream for about one of their
// run times. A task started in that time waits behind them; were it sampled,
// the window that judges the cut would see run times that did not fall, take
// the downstream for slower for good and raise the no-load time, and the
// capacity would settle too high (seen as a 1-in-100 failure of
// TestAdaptiveCapacityFindsTheDownstream before the limiter skipped them).
func TestLimiterJudgesACutAfterTheBacklog(t *testing.T) {
	const base = 100 * time.Millisecond
	l := newLimiter(1, 1000)
	l.limit, l.base, l.hasBase = 55, base, true // settled on 55 slots
	var set capacities
	now := time.Unix(0, 0)
	// window offers one window's worth of tasks that start at from and run
	// for d, and returns when the last of them ended.
	window := func(from time.Time, d time.Duration) time.Time {
		for range l.windowSize() {
			l.observe(&set, from, from.Add(d))
		}
		return from.Add(d)
	}
	now = window(now, 275*time.Millisecond) // the slots fall to 20: 55 tasks queue
	now = window(now, 275*time.Millisecond) // a second window agrees: cut
	if len(set) != 1 || set[0] >= 55 {
		t.Fatalf("capacities set: %v, want one cut below 55", set)
	}
	// Behind the backlog: these tasks wait for the 55 still in the downstream.
	window(now.Add(10*time.Millisecond), 250*time.Millisecond)
	if l.win.n != 0 {
		t.Errorf("%d tasks started behind the backlog were sampled", l.win.n)
	}
	// Past it: 27 tasks on 20 slots.
	window(now.Add(300*time.Millisecond), 135*time.Millisecond)
	if l.base != base {
		t.Errorf("no-load run time after the cut: %v, want %v", l.base, base)
	}
}
