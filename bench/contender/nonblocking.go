package contender

import (
	"errors"
	"runtime"

	"github.com/alitto/pond/v2"
	"github.com/panjf2000/ants/v2"

	"github.com/tidego/tide"
)

// NonblockingRunner is a contender started in its nonblocking mode with no
// queue: TrySubmit hands task over only if a worker can take it now, and
// otherwise refuses it at once. Submit, as Runner's, waits for room and
// then hands task over; Wait and Close are Runner's.
type NonblockingRunner interface {
	Runner
	// TrySubmit reports whether task was accepted; a refused task never runs.
	TrySubmit(task func()) bool
}

// Nonblocking is how a contender runs in its nonblocking mode, or why it
// has none.
type Nonblocking struct {
	// Start returns a NonblockingRunner that runs at most capacity tasks
	// at once and queues none; nil when the contender has no such mode.
	Start func(capacity int) NonblockingRunner
	// Idiom is the calls that are measured, for the tables' footnotes.
	Idiom string
	// Skip says why Start is nil.
	Skip string
}

// NonblockingOf returns contender name's nonblocking mode. Every contender
// of All has either a Start or a Skip.
func NonblockingOf(name string) Nonblocking {
	switch name {
	case "tide":
		return Nonblocking{Start: startTideNonblocking,
			Idiom: "New(WithCapacity(n), WithQueueSize(0), WithNonblocking()): Submit (ErrPoolOverload when full), and Go, which waits for room"}
	case "ants":
		return Nonblocking{Start: startAntsNonblocking,
			Idiom: "NewPool(n, WithNonblocking(true)): Submit (ErrPoolOverload when full); ants has no call that waits on such a pool, " +
				"so the blocking submitter retries Submit, yielding (runtime.Gosched) between tries"}
	case "pond":
		return Nonblocking{Start: startPondNonblocking,
			Idiom: "NewPool(n, WithQueueSize(0)): TrySubmit (false when full), and Go, which waits for room"}
	case "errgroup":
		return Nonblocking{Start: startErrgroupNonblocking,
			Idiom: "Group.SetLimit(n): TryGo (false at the limit), and Go, which waits for room"}
	case Baseline:
		return Nonblocking{Skip: "no capacity: nothing is ever refused"}
	case "workerpool":
		return Nonblocking{Skip: "Submit never refuses: tasks beyond the workers wait in an unbounded queue"}
	case "conc":
		return Nonblocking{Skip: "no nonblocking submit: Go waits for room"}
	case "gopool":
		return Nonblocking{Skip: "Go never refuses: tasks beyond the workers wait in an unbounded list"}
	case "tide-func", "ants-func", "ants-generic":
		return Nonblocking{Skip: "a func-pool variant: its plain pool stands for it"}
	}
	return Nonblocking{Skip: "no nonblocking mode known to the suite"}
}

func startTideNonblocking(capacity int) NonblockingRunner {
	p, err := tide.New(tide.WithCapacity(capacity), tide.WithQueueSize(0), tide.WithNonblocking())
	must(err)
	return &tidePool{p: p}
}

// TrySubmit is Pool.Submit on a nonblocking pool.
func (t *tidePool) TrySubmit(task func()) bool {
	return accepted(t.p.Submit(task), tide.ErrPoolOverload)
}

func startAntsNonblocking(capacity int) NonblockingRunner {
	p, err := ants.NewPool(capacity, ants.WithNonblocking(true))
	must(err)
	return &antsNonblocking{antsPool{p: p}}
}

// antsNonblocking is ants' Pool in its nonblocking mode.
type antsNonblocking struct {
	antsPool
}

// TrySubmit is Pool.Submit on a nonblocking pool.
func (a *antsNonblocking) TrySubmit(task func()) bool {
	if accepted(a.p.Submit(a.wrap(task)), ants.ErrPoolOverload) {
		return true
	}
	a.wg.Done() // the refused task was counted in by wrap
	return false
}

// Submit retries TrySubmit until it is accepted, yielding between tries.
func (a *antsNonblocking) Submit(task func()) {
	for !a.TrySubmit(task) {
		runtime.Gosched()
	}
}

func startPondNonblocking(capacity int) NonblockingRunner {
	return &pondPool{p: pond.NewPool(capacity, pond.WithQueueSize(0))}
}

// TrySubmit is Pool.TrySubmit, which never waits.
func (p *pondPool) TrySubmit(task func()) bool {
	if _, ok := p.p.TrySubmit(p.wrap(task)); ok {
		return true
	}
	p.wg.Done() // the refused task was counted in by wrap
	return false
}

func startErrgroupNonblocking(capacity int) NonblockingRunner {
	e := &errGroup{}
	e.g.SetLimit(capacity)
	return e
}

// TrySubmit is the group's TryGo.
func (e *errGroup) TrySubmit(task func()) bool {
	return e.g.TryGo(func() error {
		task()
		return nil
	})
}

// accepted reports whether a submission's err says it was accepted (nil)
// or refused (overload); any other error is a setup error and panics.
func accepted(err, overload error) bool {
	if errors.Is(err, overload) {
		return false
	}
	must(err)
	return true
}
