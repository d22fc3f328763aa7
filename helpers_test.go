package tide_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tidego/tide"
)

// The helpers every test file of package tide_test shares: pools that clean
// up after themselves, gates and bursts, parked submitters, a high-water
// mark, and one goroutine inspector.

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
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

// newPool returns a pool that is released, and its goroutines awaited, when
// the test ends.
func newPool(t *testing.T, opts ...tide.Option) *tide.Pool {
	t.Helper()
	p, err := tide.New(opts...)
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, p.ReleaseTimeout(10*time.Second))
	})
	return p
}

// discardLogs is the option that silences the panic reports of a test.
func discardLogs() tide.Option { return tide.WithLogger(slog.New(slog.DiscardHandler)) }

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

// parkSubmitters starts k submitters, each on its own goroutine, calling in
// turn Submit, Go and SubmitContext with task. Each reports on its channel
// what its call returned, or for Go the error it panicked with. Caller is
// inside a synctest bubble; the submitters park in turn, so that they are
// admitted in this order.
func parkSubmitters(p *tide.Pool, k int, task func()) []<-chan error {
	errcs := make([]<-chan error, k)
	for i := range k {
		errc := make(chan error, 1)
		errcs[i] = errc
		switch i % 3 {
		case 0:
			go func() { errc <- p.Submit(task) }()
		case 1:
			go func() { errc <- goRecovered(p, task) }()
		case 2:
			go func() { errc <- p.SubmitContext(context.Background(), task) }()
		}
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

// The goroutine inspector: one parser of runtime.Stack's dump, and the
// questions the tests ask of it.

// goroutine is one goroutine of a dump of every stack.
type goroutine struct {
	id     uint64
	header string // "goroutine 7 [chan receive, synctest bubble 3]:"
	stack  string // the frames, "created by" included
}

// bubble is the synctest bubble the goroutine is in, "" if none.
func (g goroutine) bubble() string {
	_, b, ok := strings.Cut(g.header, "synctest bubble ")
	if !ok {
		return ""
	}
	b, _, _ = strings.Cut(b, "]")
	return b
}

// ofPool reports whether a pool started the goroutine: a worker or a reaper,
// whatever it runs now. A submitter inside a pool method is not one.
func (g goroutine) ofPool() bool {
	return strings.Contains(g.stack, "\ncreated by github.com/tidego/tide.")
}

// isWorker reports whether the goroutine is one of a pool's workers.
func (g goroutine) isWorker() bool {
	return g.ofPool() && strings.Contains(g.stack, "tide.(*worker[")
}

// dump parses the stacks of every goroutine, or of the caller's alone.
func dump(all bool) []goroutine {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, all)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var gs []goroutine
	for _, text := range bytes.Split(buf, []byte("\n\n")) {
		header, stack, _ := bytes.Cut(text, []byte("\n"))
		idText, _, _ := bytes.Cut(bytes.TrimPrefix(header, []byte("goroutine ")), []byte(" "))
		id, err := strconv.ParseUint(string(idText), 10, 64)
		if err != nil {
			continue
		}
		gs = append(gs, goroutine{id: id, header: string(header), stack: "\n" + string(stack)})
	}
	return gs
}

// self is the calling goroutine.
func self() goroutine { return dump(false)[0] }

// goid returns the calling goroutine's id, to tell workers apart.
func goid() uint64 { return self().id }

// poolStacks returns the goroutines that pools started (workers and reapers)
// and that match keep: those of the caller's synctest bubble when it is in
// one, so that pools outside it (a default pool an example warmed) do not
// count, and every one otherwise.
func poolStacks(keep func(goroutine) bool) []goroutine {
	bubble := self().bubble()
	var gs []goroutine
	for _, g := range dump(true) {
		if g.ofPool() && keep(g) && (bubble == "" || g.bubble() == bubble) {
			gs = append(gs, g)
		}
	}
	return gs
}

// poolGoroutines counts the goroutines that pools started: workers and
// reapers (of the caller's bubble, if it is in one).
func poolGoroutines() int {
	return len(poolStacks(func(goroutine) bool { return true }))
}

// liveWorkers returns the goroutine ids of the pool workers alive now (of
// the caller's bubble, if it is in one).
func liveWorkers() []uint64 {
	var ids []uint64
	for _, g := range poolStacks(goroutine.isWorker) {
		ids = append(ids, g.id)
	}
	return ids
}

// requireNoPoolGoroutines fails the test unless, soon, no goroutine that a
// pool started is left. ReleaseTimeout returns once every goroutine of the
// pool has run its last statement; the runtime may list such a goroutine for
// a moment longer while it unwinds, and offers no signal for its end, so this
// retries as goleak does, for up to five seconds. Not for a synctest bubble,
// where synctest.Wait is the signal.
func requireNoPoolGoroutines(t *testing.T, msgAndArgs ...any) {
	t.Helper()
	var left []goroutine
	for wait := time.Microsecond; wait < 5*time.Second; wait *= 2 {
		if left = poolStacks(func(goroutine) bool { return true }); len(left) == 0 {
			return
		}
		time.Sleep(wait)
	}
	require.Empty(t, left, msgAndArgs...)
}
