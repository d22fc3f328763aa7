package tide

import (
	"sync"
	"sync/atomic"
	"time"
)

// limiter moves the capacity of a pool made WithAdaptiveCapacity between its
// bounds from the run times of finished tasks. It has no goroutine: the
// worker that finishes the last task of a window makes the decision. The
// algorithm and the argument for it are in doc/adaptive.md; in short, it
// estimates how many of its tasks wait inside the downstream (Little's law:
// limit × (1 − no-load run time / run time)) and keeps that between alpha and
// beta, cutting straight to the estimate when two windows in a row find it
// above.
type limiter struct {
	lo, hi int   // the bounds, 1 <= lo <= hi
	clock  Clock // the pool's clock, set by config.validate
	fixed  atomic.Bool

	mu sync.Mutex
	// limit is the capacity, fractional so that small steps add up. Guarded
	// by mu; the pool's capacity is int(limit) once applied.
	limit float64
	// base is the no-load run time: the lowest window average seen, or,
	// after a cut that the run times did not follow, that window's average.
	// Guarded by mu; valid once hasBase.
	base    time.Duration
	hasBase bool
	// changed is when the capacity last changed, or, after a cut, when the
	// tasks that ran under the old capacity have left the downstream: a task
	// started before it ran under the old capacity, or queued behind its
	// tasks, and is not sampled. Guarded by mu.
	changed time.Time
	win     window // guarded by mu
	// ramp is how many windows in a row saw next to no task wait: the
	// capacity grows by 2^ramp. Guarded by mu.
	ramp int
	// over is the average run time of the last window when it saw too many
	// tasks wait and did not cut; zero otherwise. Guarded by mu.
	over time.Duration
	// cut is the window that made the last decision, when that decision cut
	// the capacity; zero otherwise. Guarded by mu.
	cut struct {
		avg   time.Duration
		limit float64
	}
}

// window accumulates the run times of the tasks sampled since it opened.
type window struct {
	n    int
	sum  time.Duration
	from time.Time // the earliest start of a sampled task
}

func newLimiter(lo, hi int) *limiter {
	return &limiter{lo: lo, hi: hi, limit: float64(lo)}
}

// capacitySetter is the engine, whatever its argument type, as the limiter
// sees it.
type capacitySetter interface {
	setCapacity(n int) error
}

// runTimed runs a task of a pool made WithAdaptiveCapacity between two reads
// of the pool's clock, and hands the run time to the limiter. A task that
// panics or calls runtime.Goexit is not sampled.
func (w *worker[T]) runTimed(l *limiter, it item[T]) {
	start, reached := l.clock.Now(), w.e.reached.Load()
	if it.f != nil {
		it.f()
	} else {
		w.e.fn(it.arg)
	}
	if w.e.reached.Load() != reached {
		// A leftover's no-op (a waiter ran the task) is no run time, or
		// another worker's leftover overlapped this task: one sample fewer
		// either way, never a sample of nothing.
		return
	}
	l.observe(w.e, start, l.clock.Now())
}

// stop fixes the capacity where a user's Tune put it: the limiter makes no
// more decisions. Once stop returns, no decision of the limiter is being
// applied, so the Tune that follows has the last word. Nil-safe.
func (l *limiter) stop() {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.fixed.Store(true)
	l.mu.Unlock()
}

// windowSize is how many sampled tasks close a window: about one run of
// every worker, and at least a few when the capacity is small.
// Caller holds l.mu.
func (l *limiter) windowSize() int { return max(8, 2*int(l.limit)) }

// observe records the run time of a task that ran from start to end and, if
// that closes a window, decides the capacity and applies it through e.
func (l *limiter) observe(e capacitySetter, start, end time.Time) {
	if l.fixed.Load() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if start.Before(l.changed) || l.fixed.Load() {
		return
	}
	d := end.Sub(start)
	if l.win.n == 0 || start.Before(l.win.from) {
		l.win.from = start
	}
	l.win.n++
	l.win.sum += d
	if l.win.n < l.windowSize() {
		return
	}
	next := l.decide(end)
	if int(next) != int(l.limit) {
		l.changed = end
		if next < l.limit {
			// The tasks in flight at the cut still hold the downstream's
			// queue for about one run time: a task started before they
			// leave waits behind them, and would make the window that
			// judges the cut see the old capacity's run times.
			l.changed = end.Add(l.win.sum / time.Duration(l.win.n))
		}
		_ = e.setCapacity(int(next)) // ErrPoolClosed after Release: nothing to adapt
	} else {
		l.cut.limit = 0
	}
	l.win = window{}
	l.limit = next
}

// decide returns the capacity for the window that closes at end.
// Caller holds l.mu.
func (l *limiter) decide(end time.Time) float64 {
	w, limit := l.win, l.limit
	avg := w.sum / time.Duration(w.n)
	if l.cut.limit > 0 {
		// The last decision cut the capacity. Had the whole excess over the
		// no-load time been tasks waiting in the downstream, the run time
		// would have fallen in proportion (not below base). If it kept less
		// than half that fall, the downstream itself got slower: its no-load
		// time is now this window's average. If it rose by more than
		// a tenth, the downstream changed while the window that cut was
		// open: that window proves nothing, and this one decides as usual.
		expect := max(l.base, time.Duration(float64(l.cut.avg)*limit/l.cut.limit))
		if avg > (l.cut.avg+expect)/2 && avg <= l.cut.avg+l.cut.avg/10 {
			l.base = avg
		}
		l.cut.limit = 0
	}
	if !l.hasBase || avg < l.base {
		l.base, l.hasBase = avg, true
	}
	queued := 0.0 // tasks estimated to wait inside the downstream
	if avg > l.base {
		queued = limit * (1 - float64(l.base)/float64(avg))
	}
	alpha := 1 + limit/20
	beta := 2 * alpha
	busy := true // the pool used at least half its capacity over the window
	if elapsed := end.Sub(w.from); elapsed > 0 {
		busy = float64(w.sum)/float64(elapsed) >= limit/2
	}
	// The window before saw too many wait too, at about the same run time.
	agrees := l.over > 0 && avg <= l.over+l.over/4 && l.over <= avg+avg/4
	next, ramp, over := limit, 0, time.Duration(0)
	switch {
	case queued > beta && !agrees:
		// Too many wait, but one window (a pause of the process, a hiccup
		// of the downstream, a change of the downstream still under way)
		// is not enough to cut: wait for the next to agree. A cut judged
		// on a window that straddled a change would misjudge what the
		// cut did (above), and take fewer slots for a slower service.
		over = avg
	case queued > beta:
		// Back to the Little's-law estimate of what the downstream serves
		// at once, plus alpha, cutting at most half in one window.
		next = max(limit/2, limit-queued+alpha)
		l.cut.avg, l.cut.limit = avg, limit
	case !busy:
		// The submitters, not the downstream, limit the pool: a larger
		// capacity would go unused and prove nothing.
	case queued < alpha/2:
		// Next to nothing waits: probe upward, faster with each such
		// window, by at most half.
		ramp = l.ramp + 1
		next = limit + min(float64(int(1)<<min(l.ramp, 30)), max(1, limit/2))
	case queued < alpha:
		next = limit + 1
	}
	l.ramp, l.over = ramp, over
	return min(max(next, float64(l.lo)), float64(l.hi))
}
