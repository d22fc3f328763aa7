package tideotel

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"go.opentelemetry.io/otel/metric"

	"github.com/tidego/tide"
)

// ScopeName is the instrumentation scope name of the meter the instruments
// are created on.
const ScopeName = "github.com/tidego/tide/contrib/tideotel"

// Errors returned by [Metrics.Add].
var (
	// ErrDuplicateName is returned when a pool is added under a name already
	// taken.
	ErrDuplicateName = errors.New("tideotel: pool name already added")

	// ErrNilPool is returned when the pool to add is nil.
	ErrNilPool = errors.New("tideotel: nil pool")

	// ErrClosed is returned by Add after Close.
	ErrClosed = errors.New("tideotel: metrics closed")
)

// namedPool is a pool and the attributes it is reported with.
type namedPool struct {
	name  string
	attrs poolAttrs
	stats func() tide.Stats // the pool's Stats
}

// Metrics reports a set of named pools through the instruments created by
// [Register]. Its methods are safe for concurrent use, also while a
// collection is in progress, which sees the set of pools as it was when the
// collection began. It must be made with Register.
type Metrics struct {
	in  *instruments
	reg metric.Registration

	mu     sync.Mutex
	pools  []*namedPool // guarded by mu; in the order added
	closed bool         // guarded by mu
}

// Register creates the instruments on the meter named [ScopeName], with
// version [Version], of the provider chosen by the options (the global one
// by default), and registers the callback that observes them. Call Close to
// unregister it. It returns the meter provider's errors, if any.
func Register(opts ...Option) (*Metrics, error) {
	cfg := newConfig(opts)
	meter := cfg.provider.Meter(ScopeName, metric.WithInstrumentationVersion(Version()))
	in, observables, err := newInstruments(meter)
	if err != nil {
		return nil, fmt.Errorf("tideotel: instruments: %w", err)
	}
	m := &Metrics{in: in}
	reg, err := meter.RegisterCallback(m.observe, observables...)
	if err != nil {
		return nil, fmt.Errorf("tideotel: register callback: %w", err)
	}
	m.reg = reg
	return m, nil
}

// observe is the callback: one Stats snapshot per pool, every instrument
// observed from it.
func (m *Metrics) observe(_ context.Context, o metric.Observer) error {
	m.mu.Lock()
	pools := slices.Clone(m.pools)
	m.mu.Unlock()
	for _, np := range pools {
		m.in.observe(o, np.stats(), &np.attrs)
	}
	return nil
}

// Add reports p with the attribute tide.pool.name=name from the next
// collection on. It returns ErrNilPool for a nil pool, ErrDuplicateName if
// name is taken and ErrClosed after Close. A released pool may stay added:
// its counters keep their last values.
func (m *Metrics) Add(name string, p *tide.Pool) error {
	if p == nil {
		return ErrNilPool
	}
	return m.add(name, p.Stats)
}

// add reports the figures stats returns under name.
func (m *Metrics) add(name string, stats func() tide.Stats) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if slices.ContainsFunc(m.pools, func(np *namedPool) bool { return np.name == name }) {
		return fmt.Errorf("%w: %q", ErrDuplicateName, name)
	}
	m.pools = append(m.pools, &namedPool{name: name, attrs: newPoolAttrs(name), stats: stats})
	return nil
}

// Remove stops reporting the pool added under name, from the next
// collection on. It reports whether such a pool was there.
func (m *Metrics) Remove(name string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := len(m.pools)
	m.pools = slices.DeleteFunc(m.pools, func(np *namedPool) bool { return np.name == name })
	return len(m.pools) < n
}

// Close unregisters the callback, so later collections report nothing for
// these pools, and forgets the pools. It is safe to call more than once;
// only the first call unregisters, and returns the provider's error if any.
func (m *Metrics) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	m.pools = nil
	m.mu.Unlock()
	if err := m.reg.Unregister(); err != nil {
		return fmt.Errorf("tideotel: unregister: %w", err)
	}
	return nil
}
