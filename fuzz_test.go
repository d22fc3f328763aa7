package tide_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"slices"
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
// setup picks the options (see fuzzSetup); each byte of ops is one operation
// (see the op constants and fuzzHarness.step). The committed seeds under
// testdata/fuzz/FuzzPool are named after what they exercise.
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
				h.step(b)
				synctest.Wait()
				h.m.cascade()
				if testing.Verbose() {
					t.Log(h.last)
				}
				h.check(fmt.Sprintf("after op %d (%s)", i, h.last))
			}
			h.finish()
		})
	})
}

// fuzzSetup decodes the options from setup: bits 0-2 the capacity (0:
// unlimited, else 1-4 as 1+(v-1)%4), bits 3-4 the queue size (0, 1, 2 or
// unbounded), bits 5-6 the minimum workers (clamped to the capacity), bit 7
// nonblocking, bit 8 a panic handler that itself panics, bit 9 a 1 ns expiry
// instead of 1 s, bit 10 GOMAXPROCS 1 while the input runs (the pool then
// wakes one worker at a time).
func fuzzSetup(setup uint16) (capacity, queueSize, minWorkers int, nonblocking, handlerPanics bool, expiry time.Duration) {
	capacity = math.MaxInt
	if v := int(setup & 7); v > 0 {
		capacity = 1 + (v-1)%4
	}
	queueSize = []int{0, 1, 2, math.MaxInt}[setup>>3&3]
	minWorkers = min(int(setup>>5&3), capacity)
	nonblocking = setup&(1<<7) != 0
	handlerPanics = setup&(1<<8) != 0
	expiry = time.Second
	if setup&(1<<9) != 0 {
		expiry = time.Nanosecond
	}
	return
}

// taskKind is how a fuzzed task ends.
type taskKind int

const (
	gatedReturn   taskKind = iota // waits for its gate, then returns
	gatedPanic                    // waits for its gate, then panics
	gatedPanicNil                 // waits for its gate, then panic(nil)
	gatedGoexit                   // waits for its gate, then runtime.Goexit
	instantReturn                 // returns at once
	instantPanic                  // panics at once
	taskKinds
)

func (k taskKind) gated() bool  { return k < instantReturn }
func (k taskKind) panics() bool { return k == gatedPanic || k == gatedPanicNil || k == instantPanic }
func (k taskKind) String() string {
	return [...]string{"gated", "panic", "panic(nil)", "Goexit", "instant", "instant panic"}[k]
}

// fuzzTask is one task handed to the pool; it records each time it runs.
type fuzzTask struct {
	id    int
	kind  taskKind
	gate  chan struct{} // nil for an instant task
	open  bool          // gate closed by the test
	runs  atomic.Int32  // times the task started
	ended atomic.Bool   // the task finished (returned, panicked or Goexited)
}

func (ft *fuzzTask) run() {
	ft.runs.Add(1)
	if ft.gate != nil {
		<-ft.gate
	}
	ft.ended.Store(true)
	switch ft.kind {
	case gatedPanic, instantPanic:
		panic(fmt.Sprintf("task %d", ft.id))
	case gatedPanicNil:
		panic(nil)
	case gatedGoexit:
		runtime.Goexit()
	}
}

func (ft *fuzzTask) openGate() {
	if ft.gate != nil && !ft.open {
		ft.open = true
		close(ft.gate)
	}
}

// submitKind is the call a fuzzed submitter makes.
type submitKind int

const (
	viaSubmit submitKind = iota
	viaGo
	viaSubmitContext
)

// fuzzSubmitter is one call of Submit, Go or SubmitContext on its own
// goroutine.
type fuzzSubmitter struct {
	task    *fuzzTask
	how     submitKind
	cancel  context.CancelFunc // SubmitContext only
	result  chan error         // receives what the call returned (Go: the error it panicked with)
	decided bool               // the model knows the outcome
	want    error              // the outcome, once decided
	got     bool               // the outcome was received and checked
}

// fuzzWaiter is one call of Wait on its own goroutine. mustEnd are the tasks
// accepted before it was called: each must have ended when it returns.
type fuzzWaiter struct {
	mustEnd  []*fuzzTask
	returned chan bool // receives whether every task of mustEnd had ended
	got      bool
}

// fuzzModel is what the pool should look like at a quiescent point, as the
// design describes the submit decision, the worker loop, Tune, Release and
// expiry. Idle workers are kept as their idle-since times, bottom (longest
// idle) first, as the pool's LIFO stack keeps them.
type fuzzModel struct {
	capacity, queueSize, minWorkers int
	nonblocking, closed             bool
	expiry                          time.Duration

	workers  int
	idle     []time.Time
	running  map[*fuzzTask]bool
	queue    []*fuzzTask
	waiters  []*fuzzSubmitter
	accepted []*fuzzTask
	instants []*fuzzTask // started instant tasks whose end is still to be applied
	raced    bool        // instant tasks ran in the last operation: see resync

	submitted, completed, panicked, spawned, retired uint64
}

func (m *fuzzModel) floor() int { return min(m.minWorkers, m.capacity) }

// place is the documented decision for a task: an idle worker (the most
// recently parked, handed the oldest queued task if any), else a new worker
// below capacity, else the queue if it has room; false when there is none.
// How the engine gets a task to the worker is its own business: at a
// quiescent point the outcome is this one.
func (m *fuzzModel) place(ft *fuzzTask) bool {
	switch {
	case len(m.idle) > 0:
		m.idle = m.idle[:len(m.idle)-1]
		if len(m.queue) > 0 { // the oldest queued task goes first
			ft, m.queue = m.queue[0], append(m.queue[1:], ft)
		}
		m.start(ft)
	case m.workers < m.capacity:
		m.spawn()
		m.start(ft)
	case len(m.queue) < m.queueSize:
		m.queue = append(m.queue, ft)
	default:
		return false
	}
	return true
}

func (m *fuzzModel) spawn() { m.workers++; m.spawned++ }

// start runs ft on a worker already taken off the stack or spawned.
func (m *fuzzModel) start(ft *fuzzTask) {
	m.running[ft] = true
	if !ft.kind.gated() {
		m.instants = append(m.instants, ft)
	}
}

func (m *fuzzModel) accept(ft *fuzzTask) {
	m.submitted++
	m.accepted = append(m.accepted, ft)
}

// submit is a call of Submit, Go or SubmitContext: decided at once, or a
// waiter until admitted, refused or withdrawn.
func (m *fuzzModel) submit(s *fuzzSubmitter) {
	switch {
	case m.closed:
		s.decide(tide.ErrPoolClosed)
	case len(m.waiters) == 0 && m.place(s.task):
		m.accept(s.task)
		s.decide(nil)
	case m.nonblocking && s.how != viaGo:
		s.decide(tide.ErrPoolOverload)
	default:
		m.waiters = append(m.waiters, s)
	}
}

func (s *fuzzSubmitter) decide(err error) { s.decided, s.want = true, err }

// admit accepts waiting submitters, oldest first, while there is room.
func (m *fuzzModel) admit() {
	for len(m.waiters) > 0 && m.place(m.waiters[0].task) {
		s := m.waiters[0]
		m.waiters = m.waiters[1:]
		m.accept(s.task)
		s.decide(nil)
	}
}

// refill is what the pool owes once it gained room or lost a worker:
// workers for queued tasks up to capacity, the minimum of parked workers
// unless released, then waiting submitters.
func (m *fuzzModel) refill(now time.Time) {
	for m.workers < m.capacity && len(m.queue) > 0 {
		ft := m.queue[0]
		m.queue = m.queue[1:]
		if len(m.idle) > 0 {
			m.idle = m.idle[:len(m.idle)-1]
		} else {
			m.spawn()
		}
		m.start(ft)
	}
	if !m.closed {
		for m.workers < m.floor() {
			m.spawn()
			m.idle = append(m.idle, now)
		}
	}
	m.admit()
}

// retireBottom retires the n longest-idle workers.
func (m *fuzzModel) retireBottom(n int) {
	m.idle = slices.Delete(m.idle, 0, n)
	m.workers -= n
	m.retired += uint64(n)
}

// end applies the end of the running task ft: its worker takes the next
// queued task, parks, or exits.
func (m *fuzzModel) end(ft *fuzzTask, now time.Time) {
	delete(m.running, ft)
	m.completed++
	if ft.kind.panics() {
		m.panicked++
	}
	if ft.kind == gatedGoexit { // the worker exits; a replacement may take over
		m.workers--
		m.retired++
		m.refill(now)
		return
	}
	switch {
	case m.workers > m.capacity:
		m.workers--
		m.retired++
	case len(m.queue) > 0:
		next := m.queue[0]
		m.queue = m.queue[1:]
		m.start(next)
		m.admit()
	case m.closed:
		m.workers--
		m.retired++
	default:
		m.idle = append(m.idle, now)
		m.admit()
	}
}

// cascade applies the end of every instant task started so far, and of
// those they start in turn.
func (m *fuzzModel) cascade() {
	now := time.Now()
	m.raced = len(m.instants) > 0
	for len(m.instants) > 0 {
		ft := m.instants[0]
		m.instants = m.instants[1:]
		m.end(ft, now)
	}
}

func (m *fuzzModel) tune(n int, now time.Time) {
	m.capacity = n
	if surplus := m.workers - n; surplus > 0 {
		m.retireBottom(min(surplus, len(m.idle)))
	}
	m.refill(now)
}

func (m *fuzzModel) release() {
	if m.closed {
		return
	}
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
// one interval), never going below the minimum. retired is how many the pool
// retired.
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
	room := max(0, m.workers-m.floor())
	mayRetire, mustRetire = min(mayRetire, room), min(mustRetire, room)
	require.GreaterOrEqual(t, retired, mustRetire, "a worker idle for two expiries is still parked")
	require.LessOrEqual(t, retired, mayRetire, "a worker was retired before its expiry, or below the minimum")
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
	m.workers, m.spawned, m.retired = st.Workers, st.Spawned, st.Retired
}

func (m *fuzzModel) stats() tide.Stats {
	capacity := m.capacity
	if capacity == math.MaxInt {
		capacity = -1
	}
	return tide.Stats{
		Capacity:  capacity,
		Workers:   m.workers,
		Idle:      len(m.idle),
		Running:   len(m.running),
		Waiting:   len(m.queue),
		Blocked:   len(m.waiters),
		Submitted: m.submitted,
		Completed: m.completed,
		Panicked:  m.panicked,
		Spawned:   m.spawned,
		Retired:   m.retired,
	}
}

// fuzzHarness runs the operations on a pool and on the model side by side.
type fuzzHarness struct {
	t          *testing.T
	p          *tide.Pool
	m          *fuzzModel
	tasks      []*fuzzTask
	submitters []*fuzzSubmitter
	waits      []*fuzzWaiter
	last       string // the last operation, for failure messages
}

func newFuzzHarness(t *testing.T, setup uint16) *fuzzHarness {
	t.Helper()
	capacity, queueSize, minWorkers, nonblocking, handlerPanics, expiry := fuzzSetup(setup)
	opts := []tide.Option{
		tide.WithQueueSize(queueSize),
		tide.WithMinWorkers(minWorkers),
		tide.WithExpiry(expiry),
		tide.WithLogger(slog.New(slog.DiscardHandler)),
		tide.WithPanicHandler(func(any) {
			if handlerPanics {
				panic("the handler too")
			}
		}),
	}
	if capacity != math.MaxInt {
		opts = append(opts, tide.WithCapacity(capacity))
	}
	if nonblocking {
		opts = append(opts, tide.WithNonblocking())
	}
	p, err := tide.New(opts...)
	require.NoError(t, err)
	m := &fuzzModel{
		capacity:    capacity,
		queueSize:   queueSize,
		minWorkers:  minWorkers,
		nonblocking: nonblocking,
		expiry:      expiry,
		running:     map[*fuzzTask]bool{},
	}
	m.refill(time.Now())
	h := &fuzzHarness{t: t, p: p, m: m}
	t.Cleanup(h.teardown)
	synctest.Wait()
	h.check("after New")
	return h
}

// The operations, one per byte of input: b%fuzzOps is the operation, b/fuzzOps
// its argument.
const (
	opSubmit = iota
	opGo
	opSubmitContext
	opEnd // the argument picks a running gated task
	opEndAgain
	opTune // to 1 + argument%5
	opAdvance
	opCancel // the argument picks a waiting SubmitContext
	opRelease
	opReleaseTimeout
	opWait
	fuzzOps
)

func (h *fuzzHarness) step(b byte) {
	op, arg := int(b)%fuzzOps, int(b)/fuzzOps
	now := time.Now()
	switch op {
	case opSubmit, opGo, opSubmitContext:
		h.submit(submitKind(op-opSubmit), taskKind(arg%int(taskKinds)))
	case opEnd, opEndAgain:
		running := h.runningGated()
		if len(running) == 0 {
			h.last = "end: nothing running"
			return
		}
		ft := running[arg%len(running)]
		h.last = fmt.Sprintf("end task %d (%s)", ft.id, ft.kind)
		ft.openGate()
		synctest.Wait()
		h.m.end(ft, now)
	case opTune:
		n := 1 + arg%5
		h.last = fmt.Sprintf("Tune(%d)", n)
		if err := h.p.Tune(n); h.m.closed {
			require.ErrorIs(h.t, err, tide.ErrPoolClosed, "Tune after Release")
		} else {
			require.NoError(h.t, err)
			h.m.tune(n, now)
		}
	case opAdvance:
		d := time.Duration(arg+1) * 250 * time.Millisecond
		h.last = fmt.Sprintf("advance %v", d)
		before := h.p.Stats().Retired
		time.Sleep(d)
		synctest.Wait()
		h.m.expire(h.t, int(h.p.Stats().Retired-before), time.Now())
	case opCancel:
		var ctxWaiters []*fuzzSubmitter
		for _, s := range h.m.waiters {
			if s.how == viaSubmitContext {
				ctxWaiters = append(ctxWaiters, s)
			}
		}
		if len(ctxWaiters) == 0 {
			h.last = "cancel: no SubmitContext waits"
			return
		}
		s := ctxWaiters[arg%len(ctxWaiters)]
		h.last = fmt.Sprintf("cancel the SubmitContext of task %d", s.task.id)
		s.cancel()
		h.m.waiters = slices.DeleteFunc(h.m.waiters, func(w *fuzzSubmitter) bool { return w == s })
		s.decide(context.Canceled)
	case opRelease:
		h.last = "Release"
		h.p.Release()
		h.m.release()
	case opReleaseTimeout:
		h.last = "ReleaseTimeout"
		err := h.p.ReleaseTimeout(time.Second)
		h.m.release()
		if len(h.m.running) > 0 {
			require.ErrorIs(h.t, err, tide.ErrTimeout, "tasks are still running")
			return
		}
		require.NoError(h.t, err)
		h.checkReleased()
	case opWait:
		h.last = "Wait"
		w := &fuzzWaiter{returned: make(chan bool, 1)}
		for _, ft := range h.m.accepted {
			if !ft.ended.Load() {
				w.mustEnd = append(w.mustEnd, ft)
			}
		}
		h.waits = append(h.waits, w)
		go func() {
			h.p.Wait()
			all := true
			for _, ft := range w.mustEnd {
				all = all && ft.ended.Load()
			}
			w.returned <- all
		}()
	}
}

// runningGated returns the running tasks waiting on their gate, oldest first.
func (h *fuzzHarness) runningGated() []*fuzzTask {
	var running []*fuzzTask
	for _, ft := range h.tasks {
		if h.m.running[ft] && ft.kind.gated() {
			running = append(running, ft)
		}
	}
	return running
}

// submit starts a submitter goroutine and lets the model decide its outcome.
func (h *fuzzHarness) submit(how submitKind, kind taskKind) {
	ft := &fuzzTask{id: len(h.tasks), kind: kind}
	if kind.gated() {
		ft.gate = make(chan struct{})
	}
	h.tasks = append(h.tasks, ft)
	s := &fuzzSubmitter{task: ft, how: how, result: make(chan error, 1)}
	h.submitters = append(h.submitters, s)
	h.last = fmt.Sprintf("%s task %d (%s)", [...]string{"Submit", "Go", "SubmitContext"}[how], ft.id, kind)
	switch how {
	case viaSubmit:
		go func() { s.result <- h.p.Submit(ft.run) }()
	case viaGo:
		go func() {
			defer func() {
				if r := recover(); r != nil {
					err, _ := r.(error)
					s.result <- err
				}
			}()
			h.p.Go(ft.run)
			s.result <- nil
		}()
	case viaSubmitContext:
		ctx, cancel := context.WithCancel(context.Background())
		s.cancel = cancel
		go func() { s.result <- h.p.SubmitContext(ctx, ft.run) }()
	}
	synctest.Wait()
	h.m.submit(s)
}

// check compares the quiescent pool with the model.
func (h *fuzzHarness) check(where string) {
	t := h.t
	for _, s := range h.submitters {
		if s.got {
			continue
		}
		if !s.decided {
			require.True(t, pending(s.result), "%s: the submitter of task %d returned while it should wait", where, s.task.id)
			continue
		}
		select {
		case err := <-s.result:
			s.got = true
			if s.want == nil {
				require.NoError(t, err, "%s: task %d", where, s.task.id)
			} else {
				require.ErrorIs(t, err, s.want, "%s: task %d", where, s.task.id)
			}
			if s.cancel != nil {
				s.cancel()
			}
		default:
			require.Failf(t, "submitter stranded", "%s: the submitter of task %d should have returned %v", where, s.task.id, s.want)
		}
	}
	for _, ft := range h.tasks {
		runs := ft.runs.Load()
		require.LessOrEqual(t, runs, int32(1), "%s: task %d ran twice", where, ft.id)
		running := runs == 1 && !ft.ended.Load()
		if ft.kind.gated() {
			require.Equal(t, h.m.running[ft], running, "%s: is task %d running", where, ft.id)
		}
	}
	st := h.p.Stats()
	checkInvariants(t, st, h.m.queueSize, where)
	if h.m.raced {
		h.m.resync(t, st, where)
	}
	require.Equal(t, h.m.stats(), st, "%s: stats", where)
	for _, w := range h.waits {
		if w.got {
			continue
		}
		select {
		case all := <-w.returned:
			w.got = true
			require.True(t, all, "%s: Wait returned before every task accepted before it had ended", where)
		default:
			require.NotEqual(t, st.Submitted, st.Completed, "%s: Wait did not return with every task ended", where)
		}
	}
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
	require.GreaterOrEqual(t, st.Running, 0, "%s: Running", where)
	require.GreaterOrEqual(t, st.Idle, 0, "%s: Idle", where)
	require.GreaterOrEqual(t, st.Waiting, 0, "%s: Waiting", where)
	require.LessOrEqual(t, st.Idle, st.Workers, "%s: Idle <= Workers", where)
	require.LessOrEqual(t, st.Running, st.Workers, "%s: Running <= Workers", where)
	require.Equal(t, uint64(st.Workers), st.Spawned-st.Retired, "%s: Workers == Spawned - Retired", where)
	require.Equal(t, st.Submitted, st.Completed+uint64(st.Running)+uint64(st.Waiting), "%s: Submitted == Completed + Running + Waiting", where)
	require.LessOrEqual(t, st.Panicked, st.Completed, "%s: Panicked <= Completed", where)
}

// checkReleased checks a pool whose ReleaseTimeout returned nil.
func (h *fuzzHarness) checkReleased() {
	t := h.t
	st := h.p.Stats()
	assert.Zero(t, st.Workers, "Workers after ReleaseTimeout")
	assert.Zero(t, st.Idle, "Idle after ReleaseTimeout")
	assert.Zero(t, st.Running, "Running after ReleaseTimeout")
	assert.Zero(t, st.Waiting, "Waiting after ReleaseTimeout")
	assert.Equal(t, st.Spawned, st.Retired, "Spawned == Retired after ReleaseTimeout")
	assert.Equal(t, st.Submitted, st.Completed, "Submitted == Completed after ReleaseTimeout")
	synctest.Wait()
	require.Zero(t, poolGoroutines(), "no goroutine of the pool after ReleaseTimeout")
}

// teardown lets every goroutine of the test end, whatever happened, so that
// a failed check is reported as itself rather than as a deadlocked bubble.
func (h *fuzzHarness) teardown() {
	for _, ft := range h.tasks {
		ft.openGate()
	}
	for _, s := range h.submitters {
		if s.cancel != nil {
			s.cancel()
		}
	}
	_ = h.p.ReleaseTimeout(time.Minute)
}

// finish opens every gate, releases the pool and checks that every accepted
// task ran exactly once and every refused one never.
func (h *fuzzHarness) finish() {
	t := h.t
	for _, ft := range h.tasks {
		ft.openGate()
	}
	synctest.Wait()
	require.NoError(t, h.p.ReleaseTimeout(time.Minute))
	checkInvariants(t, h.p.Stats(), h.m.queueSize, "at the end")
	h.checkReleased()
	accepted := 0
	for _, s := range h.submitters {
		err := s.want
		if !s.got {
			err = <-s.result // every submitter has returned
		}
		if s.cancel != nil {
			s.cancel()
		}
		want := int32(0)
		if err == nil {
			want = 1
			accepted++
		}
		assert.Equal(t, want, s.task.runs.Load(), "task %d (submit returned %v) runs", s.task.id, err)
	}
	assert.Equal(t, uint64(accepted), h.p.Stats().Submitted)
	for _, w := range h.waits {
		if !w.got {
			assert.True(t, <-w.returned, "a Wait returned before its tasks ended")
		}
	}
}
