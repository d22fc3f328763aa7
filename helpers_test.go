package tide_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/check"
)

// require and assert are the root module's stdlib-only assertions (see
// internal/check): require stops the test at a failure, assert goes on.
var (
	require = check.Require
	assert  = check.Assert
)

// TestMain checks, after every test of package tide_test has passed, that
// no goroutine is left behind, as goleak.VerifyTestMain does (the root
// package's tests import only the standard library; the nested test module
// internal/e2e runs goleak itself).
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if left := leftBehind(); len(left) > 0 {
			fmt.Fprintln(os.Stderr, "found unexpected goroutines:")
			for _, g := range left {
				fmt.Fprintf(os.Stderr, "\n%s\n", g.text)
			}
			code = 1
		}
	}
	os.Exit(code)
}

// runtimeOwned names the frames of goroutines that the runtime and package
// testing keep, which no test can end.
var runtimeOwned = []string{"os/signal.signal_recv", "os/signal.loop", "runtime.ensureSigM", "testing.(*F).Fuzz",
	"testing.runFuzzing", "testing.runFuzzTests", "internal/fuzz."}

// leftBehind returns the goroutines, other than the caller and those of
// runtimeOwned, still alive after retrying for up to five seconds: one may
// still be unwinding past its last statement, and the runtime offers no
// signal for its end.
func leftBehind() []goroutine {
	var left []goroutine
	for wait := time.Microsecond; wait < 5*time.Second; wait *= 2 {
		left = left[:0]
		for _, g := range goroutines(true)[1:] {
			if !slices.ContainsFunc(runtimeOwned, func(frame string) bool { return strings.Contains(g.text, frame) }) {
				left = append(left, g)
			}
		}
		if len(left) == 0 {
			return nil
		}
		time.Sleep(wait)
	}
	return left
}

// virtualDeadline bounds every wait for an outcome in these tests. Inside a
// synctest bubble it costs nothing: time jumps to it only once every
// goroutine is blocked, that is, once the outcome can no longer come.
const virtualDeadline = time.Hour

// rounds is n, or a tenth of it (at least one) under -short, for the tests
// that repeat a racy scenario: CI runs them many times with -short instead.
func rounds(n int) int {
	if testing.Short() {
		return max(1, n/10)
	}
	return n
}

// inBubble runs f as subtest name inside its own synctest bubble: virtual
// time, and synctest.Wait to know that every goroutine of the test is
// blocked.
func inBubble(t *testing.T, name string, f func(t *testing.T)) {
	t.Helper()
	t.Run(name, func(t *testing.T) { synctest.Test(t, f) })
}

// requireErr requires err to match target and to read exactly text.
func requireErr(t *testing.T, err, target error, text string) {
	t.Helper()
	require.ErrorIs(t, err, target)
	require.EqualError(t, err, text)
}

// discardLogs is the option that silences the panic reports of a test.
func discardLogs() tide.Option { return tide.WithLogger(slog.New(slog.DiscardHandler)) }

// fakeClock is a tide.Clock that moves only when told to, for the tests
// that prove WithClock's clock, not the runtime's, measures expiry (the
// nested test module internal/e2e shows benbjohnson/clock's Mock doing it).
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer // guarded by mu
}

type fakeTimer struct {
	due time.Time
	c   chan time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := fakeTimer{due: c.now.Add(d), c: make(chan time.Time, 1)}
	if d <= 0 {
		t.c <- c.now
	} else {
		c.timers = append(c.timers, t)
	}
	return t.c
}

// Add moves the clock forward by d and fires every timer then due.
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.timers = slices.DeleteFunc(c.timers, func(t fakeTimer) bool {
		if t.due.After(c.now) {
			return false
		}
		t.c <- c.now
		return true
	})
}

// gate holds tasks until opened.
type gate chan struct{}

func newGate() gate         { return make(gate) }
func (g gate) open()        { close(g) }
func (g gate) task() func() { return func() { <-g } }

// burst runs n gated tasks at once on p, then lets them all finish, so that
// n workers park at the same instant. Caller is inside a synctest bubble.
func burst(t *testing.T, p *tide.Pool, n int) {
	t.Helper()
	g := newGate()
	for range n {
		p.Go(g.task())
	}
	synctest.Wait()
	g.open()
	p.Wait()
	synctest.Wait()
	require.Equal(t, n, p.Idle(), "every worker of the burst parked")
}

// submitAsync calls Submit on its own goroutine and returns where its error
// will arrive.
func submitAsync(p *tide.Pool, task func()) <-chan error {
	errc := make(chan error, 1)
	go func() { errc <- p.Submit(task) }()
	return errc
}

// pending reports whether nothing has arrived on c yet.
func pending[T any](c <-chan T) bool {
	select {
	case <-c:
		return false
	default:
		return true
	}
}

// goRecovered calls p.Go and returns the error it panicked with, if any.
func goRecovered(p *tide.Pool, task func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			var ok bool
			if err, ok = r.(error); !ok {
				err = fmt.Errorf("Go panicked with %v", r)
			}
		}
	}()
	p.Go(task)
	return nil
}

// submitBy calls, as kind modulo 3 says, Submit, Go or SubmitContext with
// task, and returns what the call returned, or for Go the error it panicked
// with.
func submitBy(p *tide.Pool, kind int, task func()) error {
	switch kind % 3 {
	case 0:
		return p.Submit(task)
	case 1:
		return goRecovered(p, task)
	default:
		return p.SubmitContext(context.Background(), task)
	}
}

// parkSubmitters starts k submitters, each on its own goroutine, calling in
// turn Submit, Go and SubmitContext with task (see submitBy), and returns
// the channels where they report. Caller is inside a synctest bubble; the
// submitters park in turn, so that they are admitted in this order.
func parkSubmitters(p *tide.Pool, k int, task func()) []<-chan error {
	errcs := make([]<-chan error, k)
	for i := range k {
		errc := make(chan error, 1)
		errcs[i] = errc
		go func() { errc <- submitBy(p, i, task) }()
		synctest.Wait()
	}
	return errcs
}

// requireReturnWithin waits for every submitter of errcs, failing the test
// if one has not returned by the virtual deadline d, and returns what they
// returned.
func requireReturnWithin(t *testing.T, d time.Duration, errcs []<-chan error) []error {
	t.Helper()
	deadline := time.After(d)
	errs := make([]error, len(errcs))
	for i, errc := range errcs {
		select {
		case errs[i] = <-errc:
		case <-deadline:
			require.FailNowf(t, "stranded submitter", "submitter %d of %d has not returned after %v", i, len(errcs), d)
		}
	}
	return errs
}

// highWater records the most tasks seen running at once.
type highWater struct{ live, peak atomic.Int64 }

func (h *highWater) enter() {
	n := h.live.Add(1)
	for old := h.peak.Load(); n > old && !h.peak.CompareAndSwap(old, n); old = h.peak.Load() {
	}
}

func (h *highWater) exit() { h.live.Add(-1) }

// syncBuffer is a bytes.Buffer safe for a logger shared with workers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The goroutine inspector: one parser of runtime.Stack's dump.

// goroutine is one goroutine of the dump.
type goroutine struct {
	id     uint64
	bubble string // its synctest bubble, "" if none
	ofPool bool   // a pool started it: a worker or a reaper, whatever it runs now
	worker bool   // it is a pool's worker
	text   string // its stack, for failure messages
}

// goroutines parses the stacks of every goroutine, or of the caller's alone.
func goroutines(all bool) []goroutine {
	buf := make([]byte, 1<<16)
	n := runtime.Stack(buf, all)
	for n == len(buf) {
		buf = make([]byte, 2*len(buf))
		n = runtime.Stack(buf, all)
	}
	var gs []goroutine
	for _, text := range strings.Split(string(buf[:n]), "\n\n") {
		g := goroutine{text: text}
		header, stack, _ := strings.Cut(text, "\n")
		if _, err := fmt.Sscanf(header, "goroutine %d ", &g.id); err != nil {
			continue
		}
		if _, b, ok := strings.Cut(header, "synctest bubble "); ok {
			g.bubble, _, _ = strings.Cut(b, "]")
		}
		g.ofPool = strings.Contains(stack, "\ncreated by github.com/tidego/tide.")
		g.worker = g.ofPool && strings.Contains(stack, "tide.(*worker[")
		gs = append(gs, g)
	}
	return gs
}

// goid returns the calling goroutine's id, to tell workers apart.
func goid() uint64 { return goroutines(false)[0].id }

// ofPools returns the goroutines that pools started: those of the caller's
// synctest bubble when it is in one, so that pools outside it (a default
// pool an example warmed) do not count, and every one otherwise.
func ofPools() []goroutine {
	bubble := goroutines(false)[0].bubble
	var gs []goroutine
	for _, g := range goroutines(true) {
		if g.ofPool && (bubble == "" || g.bubble == bubble) {
			gs = append(gs, g)
		}
	}
	return gs
}

// poolGoroutines counts the goroutines that pools started (workers and
// reapers; of the caller's bubble, if it is in one).
func poolGoroutines() int { return len(ofPools()) }

// liveWorkers returns the goroutine ids of the pool workers alive now (of
// the caller's bubble, if it is in one).
func liveWorkers() []uint64 {
	var ids []uint64
	for _, g := range ofPools() {
		if g.worker {
			ids = append(ids, g.id)
		}
	}
	return ids
}

// requireNoPoolGoroutines fails the test unless, soon, no goroutine that a
// pool started is left. ReleaseTimeout returns once every goroutine of the
// pool has run its last statement; the runtime may list such a goroutine for
// a moment longer while it unwinds, and offers no signal for its end, so this
// retries as goleak does, for up to five seconds. In a synctest bubble,
// synctest.Wait is the signal: use poolGoroutines.
func requireNoPoolGoroutines(t *testing.T, msgAndArgs ...any) {
	t.Helper()
	var left []goroutine
	for wait := time.Microsecond; wait < 5*time.Second; wait *= 2 {
		if left = ofPools(); len(left) == 0 {
			return
		}
		time.Sleep(wait)
	}
	require.Empty(t, left, msgAndArgs...) // with their stacks
}
