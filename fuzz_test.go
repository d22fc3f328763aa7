package tide_test

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// FuzzPool drives a pool with a random sequence of operations inside a
// synctest bubble and, after each one, once the bubble is quiescent, checks
// the pool against fuzzModel: which submitters have returned and with what,
// which tasks are running, every gauge and counter, and the invariants that
// hold whatever the model says. At the end every gate opens and
// ReleaseTimeout must leave a pool with no goroutine and all gauges at zero,
// every accepted task having run exactly once and no refused one.
//
// setup picks the options (see newFuzzHarness); each byte of ops is one
// operation (see fuzzOps). The committed seeds under testdata/fuzz/FuzzPool
// are named after what they exercise.
func FuzzPool(f *testing.F) {
	f.Add(uint16(0x0012), []byte{0, 0, 0, 2, 3, 4, 16, 4, 9, 10})
	f.Fuzz(func(t *testing.T, setup uint16, ops []byte) {
		if len(ops) > 256 {
			ops = ops[:256]
		}
		if setup&(1<<10) != 0 { // one processor: one woken worker at a time
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		}
		synctest.Test(t, func(t *testing.T) {
			h := newFuzzHarness(t, setup)
			for i, b := range ops {
				h.last = fuzzOps[int(b)%len(fuzzOps)](h, int(b)/len(fuzzOps))
				synctest.Wait()
				h.m.cascade()
				if testing.Verbose() {
					t.Log(h.last)
				}
				h.check(fmt.Sprintf("after op %d (%s)", i, h.last))
			}
		})
	})
}

// fuzzOps are the operations: a byte b of input is fuzzOps[b%len(fuzzOps)]
// with argument b/len(fuzzOps), so their order is the corpus's encoding.
// Each returns what it did, for failure messages.
var fuzzOps = [...]func(h *fuzzHarness, arg int) string{
	func(h *fuzzHarness, arg int) string { return h.submit(viaSubmit, arg) },
	func(h *fuzzHarness, arg int) string { return h.submit(viaGo, arg) },
	func(h *fuzzHarness, arg int) string { return h.submit(viaSubmitContext, arg) },
	(*fuzzHarness).end, // twice: tasks end about as often as they are submitted
	(*fuzzHarness).end,
	func(h *fuzzHarness, arg int) string {
		n := 1 + arg%5
		if err := h.p.Tune(n); h.m.closed {
			require.ErrorIs(h.t, err, tide.ErrPoolClosed, "Tune after Release")
		} else {
			require.NoError(h.t, err)
			h.m.tune(n, time.Now())
		}
		return fmt.Sprintf("Tune(%d)", n)
	},
	func(h *fuzzHarness, arg int) string {
		d := time.Duration(arg+1) * 250 * time.Millisecond
		before := h.p.Stats().Retired
		time.Sleep(d)
		synctest.Wait()
		h.m.expire(h.t, int(h.p.Stats().Retired-before), time.Now())
		return fmt.Sprintf("advance %v", d)
	},
	func(h *fuzzHarness, arg int) string {
		s, ok := pick(h.m.waiters, arg, func(s *fuzzSubmitter) bool { return s.how == viaSubmitContext })
		if !ok {
			return "cancel: no SubmitContext waits"
		}
		s.cancel()
		h.m.waiters = slices.DeleteFunc(h.m.waiters, func(w *fuzzSubmitter) bool { return w == s })
		s.decide(context.Canceled)
		return fmt.Sprintf("cancel the SubmitContext of task %d", s.task.id)
	},
	func(h *fuzzHarness, _ int) string {
		h.p.Release()
		h.m.release()
		return "Release"
	},
	func(h *fuzzHarness, _ int) string {
		err := h.p.ReleaseTimeout(time.Second)
		h.m.release()
		if len(h.m.running) > 0 {
			require.ErrorIs(h.t, err, tide.ErrTimeout, "tasks are still running")
		} else {
			require.NoError(h.t, err)
			h.checkReleased()
		}
		return "ReleaseTimeout"
	},
	func(h *fuzzHarness, _ int) string { // Wait must not return before the tasks accepted so far end
		mustEnd := slices.Clone(h.m.accepted)
		returned := make(chan bool, 1)
		h.waits = append(h.waits, returned)
		go func() {
			h.p.Wait()
			returned <- !slices.ContainsFunc(mustEnd, func(ft *fuzzTask) bool { return !ft.ended.Load() })
		}()
		return "Wait"
	},
}

// taskKind is how a fuzzed task ends once its gate opens (an instant task's
// is open from the start).
type taskKind struct {
	name          string
	gated, panics bool
	end           func()
}

var taskKinds = [...]taskKind{
	{"gated", true, false, func() {}},
	{"panic", true, true, func() { panic("task") }},
	{"panic(nil)", true, true, func() { panic(nil) }},
	{"Goexit", true, false, runtime.Goexit},
	{"instant", false, false, func() {}},
	{"instant panic", false, true, func() { panic("task") }},
}

// fuzzTask is one task handed to the pool; it records each time it runs.
type fuzzTask struct {
	id    int
	kind  *taskKind
	gate  chan struct{}
	open  sync.Once
	runs  atomic.Int32 // times the task started
	ended atomic.Bool  // the task finished (returned, panicked or Goexited)
}

func (ft *fuzzTask) openGate() { ft.open.Do(func() { close(ft.gate) }) }

func (ft *fuzzTask) run() {
	ft.runs.Add(1)
	<-ft.gate
	ft.ended.Store(true)
	ft.kind.end()
}

const viaSubmit, viaGo, viaSubmitContext = 0, 1, 2 // as submitBy numbers them

// fuzzSubmitter is one call of Submit, Go or SubmitContext on its own
// goroutine.
type fuzzSubmitter struct {
	task    *fuzzTask
	how     int
	cancel  context.CancelFunc // cancels the context of a SubmitContext
	result  chan error         // receives what the call returned (Go: the error it panicked with)
	decided bool               // the model knows the outcome
	want    error              // the outcome, once decided
	got     bool               // the outcome was received and checked
}

func (s *fuzzSubmitter) decide(err error) { s.decided, s.want = true, err }

// fuzzModel is what the pool should look like at a quiescent point, as the
// design describes the submit decision, the worker loop, Tune, Release and
// expiry. Idle workers are kept as their idle-since times, bottom (longest
// idle) first, as the pool's LIFO stack keeps them.
type fuzzModel struct {
	capacity, queueSize, minWorkers int
	nonblocking, closed             bool
	expiry                          time.Duration

	n        tide.Stats // Workers and the counters; the other gauges are the lengths below
	idle     []time.Time
	running  map[*fuzzTask]bool
	queue    []*fuzzTask
	waiters  []*fuzzSubmitter
	accepted []*fuzzTask
	instants []*fuzzTask // started instant tasks whose end is still to be applied
	raced    bool        // instant tasks ran in the last operation: see resync
}

func (m *fuzzModel) floor() int { return min(m.minWorkers, m.capacity) }

// place is the documented decision for a task: an idle worker, else a new
// worker below capacity, else the queue if it has room; false when there is
// none. How the engine gets a task to the worker is its own business: at a
// quiescent point the outcome is this one.
func (m *fuzzModel) place(ft *fuzzTask) bool {
	switch {
	case len(m.idle) > 0 || m.n.Workers < m.capacity:
		m.hand(ft)
	case len(m.queue) < m.queueSize:
		m.queue = append(m.queue, ft)
	default:
		return false
	}
	return true
}

// hand runs ft on the most recently parked worker, or on a new one.
func (m *fuzzModel) hand(ft *fuzzTask) {
	if len(m.idle) > 0 {
		m.idle = m.idle[:len(m.idle)-1]
	} else {
		m.n.Workers++
		m.n.Spawned++
	}
	m.running[ft] = true
	if !ft.kind.gated {
		m.instants = append(m.instants, ft)
	}
}

// submit is a call of Submit, Go or SubmitContext: it queues up behind any
// waiting submitter, and is refused if it must wait on a nonblocking pool
// (Go never is).
func (m *fuzzModel) submit(s *fuzzSubmitter) {
	if m.closed {
		s.decide(tide.ErrPoolClosed)
		return
	}
	m.waiters = append(m.waiters, s)
	m.admit()
	if !s.decided && m.nonblocking && s.how != viaGo {
		m.waiters = m.waiters[:len(m.waiters)-1]
		s.decide(tide.ErrPoolOverload)
	}
}

// admit accepts waiting submitters, oldest first, while there is room.
func (m *fuzzModel) admit() {
	for len(m.waiters) > 0 && m.place(m.waiters[0].task) {
		m.n.Submitted++
		m.accepted = append(m.accepted, m.waiters[0].task)
		m.waiters[0].decide(nil)
		m.waiters = m.waiters[1:]
	}
}

// refill is what the pool owes once it gained room or lost a worker:
// workers for queued tasks, the minimum of parked workers unless released,
// then waiting submitters.
func (m *fuzzModel) refill(now time.Time) {
	for len(m.queue) > 0 && (len(m.idle) > 0 || m.n.Workers < m.capacity) {
		m.hand(m.queue[0])
		m.queue = m.queue[1:]
	}
	for !m.closed && m.n.Workers < m.floor() {
		m.n.Workers++
		m.n.Spawned++
		m.idle = append(m.idle, now)
	}
	m.admit()
}

// end applies the end of the running task ft: its worker exits (Goexit, over
// capacity, or released with the queue empty), or parks, which refill turns
// into taking the oldest queued task if there is one.
func (m *fuzzModel) end(ft *fuzzTask, now time.Time) {
	delete(m.running, ft)
	m.n.Completed++
	if ft.kind.panics {
		m.n.Panicked++
	}
	if ft.kind.name == "Goexit" || m.n.Workers > m.capacity || m.closed && len(m.queue) == 0 {
		m.n.Workers--
		m.n.Retired++
	} else {
		m.idle = append(m.idle, now)
	}
	m.refill(now)
}

// cascade applies the end of every instant task started so far, and of
// those they start in turn.
func (m *fuzzModel) cascade() {
	m.raced = len(m.instants) > 0
	for len(m.instants) > 0 {
		ft := m.instants[0]
		m.instants = m.instants[1:]
		m.end(ft, time.Now())
	}
}

// retireBottom retires the n longest-idle workers.
func (m *fuzzModel) retireBottom(n int) {
	m.idle = slices.Delete(m.idle, 0, n)
	m.n.Workers -= n
	m.n.Retired += uint64(n)
}

func (m *fuzzModel) tune(n int, now time.Time) {
	m.capacity = n
	m.retireBottom(min(max(m.n.Workers-n, 0), len(m.idle)))
	m.refill(now)
}

func (m *fuzzModel) release() {
	m.closed = true
	m.retireBottom(len(m.idle))
	for _, s := range m.waiters {
		s.decide(tide.ErrPoolClosed)
	}
	m.waiters = nil
}

// expire checks that the reaper retired, while time moved on to now, the
// right number of idle workers: only the longest idle, none idle for less
// than the expiry, every one idle for two expiries or more (one expiry and
// one interval), never going below the minimum.
func (m *fuzzModel) expire(t *testing.T, retired int, now time.Time) {
	t.Helper()
	mayRetire, mustRetire := 0, 0
	for _, since := range m.idle {
		if now.Sub(since) >= m.expiry {
			mayRetire++
		}
		if now.Sub(since) >= 2*m.expiry {
			mustRetire++
		}
	}
	room := max(0, m.n.Workers-m.floor())
	require.GreaterOrEqual(t, retired, min(mustRetire, room), "a worker idle for two expiries is still parked")
	require.LessOrEqual(t, retired, min(mayRetire, room), "a worker was retired before its expiry, or below the minimum")
	m.retireBottom(retired)
}

// resync adopts the pool's worker counts after an operation in which
// instant tasks ran at once. Whether a task queued meanwhile was taken by a
// worker that had just finished one, or by a worker spawned for it, depends
// on which ran first (the engine may hand a task over through the queue): so
// the number of workers spawned may differ from the model's, though not the
// tasks, and only among the workers that parked during the operation.
func (m *fuzzModel) resync(t *testing.T, st tide.Stats, where string) {
	t.Helper()
	now := time.Now()
	for len(m.idle) > st.Idle {
		require.True(t, m.idle[len(m.idle)-1].Equal(now), "%s: a worker parked before this operation is gone", where)
		m.idle = m.idle[:len(m.idle)-1]
	}
	for len(m.idle) < st.Idle {
		m.idle = append(m.idle, now)
	}
	m.n.Workers, m.n.Spawned, m.n.Retired = st.Workers, st.Spawned, st.Retired
}

func (m *fuzzModel) stats() tide.Stats {
	st := m.n
	if st.Capacity = m.capacity; m.capacity == math.MaxInt {
		st.Capacity = -1
	}
	st.Idle, st.Running, st.Waiting, st.Blocked = len(m.idle), len(m.running), len(m.queue), len(m.waiters)
	return st
}

// fuzzHarness runs the operations on a pool and on the model side by side.
type fuzzHarness struct {
	t          *testing.T
	p          *tide.Pool
	m          *fuzzModel
	submitters []*fuzzSubmitter // one per task
	waits      []chan bool      // Wait calls not yet returned; each sends whether its tasks had ended
	last       string           // the last operation, for failure messages
}

// newFuzzHarness makes the pool that setup describes, and its model: bits
// 0-2 the capacity (0: unlimited, else 1-4 as 1+(v-1)%4), bits 3-4 the queue
// size (0, 1, 2 or unbounded), bits 5-6 the minimum workers (clamped to the
// capacity), bit 7 nonblocking, bit 8 a panic handler that itself panics,
// bit 9 a 1 ns expiry instead of 1 s. (Bit 10 is FuzzPool's: GOMAXPROCS 1.)
func newFuzzHarness(t *testing.T, setup uint16) *fuzzHarness {
	t.Helper()
	m := &fuzzModel{
		capacity:    []int{math.MaxInt, 1, 2, 3, 4, 1, 2, 3}[setup&7],
		queueSize:   []int{0, 1, 2, math.MaxInt}[setup>>3&3],
		nonblocking: setup&(1<<7) != 0,
		expiry:      []time.Duration{time.Second, time.Nanosecond}[setup>>9&1],
		running:     map[*fuzzTask]bool{},
	}
	m.minWorkers = min(int(setup>>5&3), m.capacity)
	handlerPanics := setup&(1<<8) != 0
	opts := []tide.Option{
		tide.WithCapacity(m.capacity), // math.MaxInt: unlimited, as by default
		tide.WithQueueSize(m.queueSize),
		tide.WithMinWorkers(m.minWorkers),
		tide.WithExpiry(m.expiry),
		tide.WithPanicHandler(func(any) {
			if handlerPanics {
				panic("the handler too")
			}
		}),
		discardLogs(),
	}
	if m.nonblocking {
		opts = append(opts, tide.WithNonblocking())
	}
	p, err := tide.New(opts...)
	require.NoError(t, err)
	m.refill(time.Now())
	h := &fuzzHarness{t: t, p: p, m: m}
	t.Cleanup(h.finish)
	synctest.Wait()
	h.check("after New")
	return h
}

// submit calls Submit, Go or SubmitContext, as how says, on its own
// goroutine with a task of the kind arg picks, and lets the model decide
// its outcome.
func (h *fuzzHarness) submit(how, arg int) string {
	ft := &fuzzTask{id: len(h.submitters), kind: &taskKinds[arg%len(taskKinds)], gate: make(chan struct{})}
	if !ft.kind.gated {
		ft.openGate()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &fuzzSubmitter{task: ft, how: how, cancel: cancel, result: make(chan error, 1)}
	h.submitters = append(h.submitters, s)
	go func() {
		if how == viaSubmitContext {
			s.result <- h.p.SubmitContext(ctx, ft.run)
		} else {
			s.result <- submitBy(h.p, how, ft.run)
		}
	}()
	synctest.Wait()
	h.m.submit(s)
	return fmt.Sprintf("%s task %d (%s)", [...]string{"Submit", "Go", "SubmitContext"}[how], ft.id, ft.kind.name)
}

// end lets the running gated task that arg picks, oldest first, end.
func (h *fuzzHarness) end(arg int) string {
	s, ok := pick(h.submitters, arg, func(s *fuzzSubmitter) bool { return h.m.running[s.task] && s.task.kind.gated })
	if !ok {
		return "end: nothing running"
	}
	now := time.Now()
	s.task.openGate()
	synctest.Wait()
	h.m.end(s.task, now)
	return fmt.Sprintf("end task %d (%s)", s.task.id, s.task.kind.name)
}

// pick returns the element that arg picks among those of xs that keep, or
// false if there are none.
func pick[T any](xs []T, arg int, keep func(T) bool) (T, bool) {
	kept := slices.DeleteFunc(slices.Clone(xs), func(x T) bool { return !keep(x) })
	if len(kept) == 0 {
		var zero T
		return zero, false
	}
	return kept[arg%len(kept)], true
}

// check compares the quiescent pool with the model.
func (h *fuzzHarness) check(where string) {
	t := h.t
	for _, s := range h.submitters {
		switch {
		case s.got:
		case !s.decided:
			require.Empty(t, s.result, "%s: the submitter of task %d returned while it should wait", where, s.task.id)
		default:
			require.NotEmpty(t, s.result, "%s: the submitter of task %d should have returned %v", where, s.task.id, s.want)
			s.got = true
			require.ErrorIs(t, <-s.result, s.want, "%s: task %d", where, s.task.id) // a nil want: no error
		}
		runs := s.task.runs.Load()
		require.LessOrEqual(t, runs, int32(1), "%s: task %d ran twice", where, s.task.id)
		if s.task.kind.gated {
			running := runs == 1 && !s.task.ended.Load()
			require.Equal(t, h.m.running[s.task], running, "%s: is task %d running", where, s.task.id)
		}
	}
	st := h.p.Stats()
	checkInvariants(t, st, h.m.queueSize, where)
	if h.m.raced {
		h.m.resync(t, st, where)
	}
	require.Equal(t, h.m.stats(), st, "%s: stats", where)
	h.waits = slices.DeleteFunc(h.waits, func(returned chan bool) bool {
		if len(returned) == 0 {
			require.NotEqual(t, st.Submitted, st.Completed, "%s: Wait did not return with every task ended", where)
			return false
		}
		require.True(t, <-returned, "%s: Wait returned before every task accepted before it had ended", where)
		return true
	})
}

// checkInvariants checks what holds at every quiescent point, whatever the
// history: the counters add up, and the invariants of doc/scheduler.md that
// Stats can show.
func checkInvariants(t *testing.T, st tide.Stats, queueSize int, where string) {
	t.Helper()
	full := st.Capacity != -1 && st.Workers >= st.Capacity && st.Idle == 0
	require.LessOrEqual(t, st.Waiting, queueSize, "%s: invariant 4, the queue bound", where)
	if st.Waiting > 0 {
		require.True(t, full, "%s: invariant 3, a task is queued while a worker is idle or the pool is below capacity", where)
	}
	if st.Blocked > 0 {
		require.True(t, full && st.Waiting == queueSize, "%s: invariant 6, a submitter waits while there is room", where)
	}
	require.Equal(t, st.Workers, st.Running+st.Idle, "%s: invariant 7, every worker runs a task or is parked", where)
	require.GreaterOrEqual(t, min(st.Running, st.Idle, st.Waiting, st.Blocked), 0, "%s: a negative gauge", where)
	require.LessOrEqual(t, max(st.Idle, st.Running), st.Workers, "%s: Idle or Running > Workers", where)
	require.Equal(t, uint64(st.Workers), st.Spawned-st.Retired, "%s: Workers == Spawned - Retired", where)
	require.Equal(t, st.Submitted, st.Completed+uint64(st.Running)+uint64(st.Waiting), "%s: Submitted == Completed + Running + Waiting", where)
	require.LessOrEqual(t, st.Panicked, st.Completed, "%s: Panicked <= Completed", where)
}

// checkReleased checks a pool whose ReleaseTimeout returned nil: no worker,
// task or submitter left, every task completed, every worker retired, and no
// goroutine of the pool.
func (h *fuzzHarness) checkReleased() {
	st := h.p.Stats()
	want := st
	want.Workers, want.Idle, want.Running, want.Waiting, want.Blocked = 0, 0, 0, 0, 0
	want.Completed, want.Retired = st.Submitted, st.Spawned
	assert.Equal(h.t, want, st, "Stats after ReleaseTimeout")
	synctest.Wait()
	require.Zero(h.t, poolGoroutines(), "no goroutine of the pool after ReleaseTimeout")
}

// finish, at cleanup, opens every gate and releases the pool. Unless a check
// failed already (then it only lets every goroutine end, so that the failure
// is reported as itself rather than as a deadlocked bubble), it checks the
// released pool, that every accepted task ran exactly once and every refused
// one never, and that every Wait returned after its tasks ended.
func (h *fuzzHarness) finish() {
	t := h.t
	for _, s := range h.submitters {
		s.task.openGate()
		if t.Failed() {
			s.cancel()
		}
	}
	synctest.Wait()
	err := h.p.ReleaseTimeout(time.Minute)
	if t.Failed() {
		return
	}
	require.NoError(t, err)
	checkInvariants(t, h.p.Stats(), h.m.queueSize, "at the end")
	h.checkReleased()
	accepted := 0
	for _, s := range h.submitters {
		if !s.got {
			s.want = <-s.result // every submitter has returned
		}
		s.cancel()
		runs := int32(0)
		if s.want == nil {
			runs = 1
			accepted++
		}
		assert.Equal(t, runs, s.task.runs.Load(), "task %d (submit returned %v) runs", s.task.id, s.want)
	}
	assert.Equal(t, uint64(accepted), h.p.Stats().Submitted)
	for _, returned := range h.waits {
		assert.True(t, <-returned, "a Wait returned before its tasks ended")
	}
}
