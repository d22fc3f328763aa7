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

	"github.com/tidego/tide"
)

// FuzzPool drives a pool with random operations inside a synctest bubble
// and, after each one, checks the quiescent pool against a model (see check),
// and at the end what ReleaseTimeout leaves (see finish). setup picks the
// options (see newFuzzHarness), each byte of ops one operation (see fuzzOps);
// the seeds under testdata/fuzz/FuzzPool are named after what they exercise.
func FuzzPool(f *testing.F) {
	f.Add(uint16(0x0012), []byte{0, 0, 0, 2, 3, 4, 16, 4, 9, 10})
	// Capacity 1, unbounded queue, futures: two queued futures helped by their Wait, one panics.
	f.Add(uint16(0x0819), []byte{0, 0, 55, 10, 21, 3, 3, 3, 10})
	f.Fuzz(func(t *testing.T, setup uint16, ops []byte) {
		if setup&(1<<10) != 0 { // one processor: one woken worker at a time
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		}
		synctest.Test(t, func(t *testing.T) {
			h := newFuzzHarness(t, setup)
			for i, b := range ops[:min(len(ops), 256)] {
				did := fuzzOps[int(b)%len(fuzzOps)](h, int(b)/len(fuzzOps))
				synctest.Wait()
				h.cascade()
				if testing.Verbose() {
					t.Log(did)
				}
				h.check(fmt.Sprintf("after op %d (%s)", i, did))
			}
		})
	})
}

// fuzzOps act on the pool and the model, and say what they did. A byte b of
// input is fuzzOps[b%len(fuzzOps)](h, b/len(fuzzOps)): their order is the corpus's encoding.
var fuzzOps = [...]func(h *fuzzHarness, arg int) string{
	func(h *fuzzHarness, arg int) string { return h.submit(viaSubmit, arg) },
	func(h *fuzzHarness, arg int) string { return h.submit(viaGo, arg) },
	func(h *fuzzHarness, arg int) string { return h.submit(viaSubmitContext, arg) },
	(*fuzzHarness).endTask, // twice: tasks end about as often as they are submitted
	(*fuzzHarness).endTask,
	func(h *fuzzHarness, arg int) string {
		n := 1 + arg%5
		if err := h.p.Tune(n); h.closed {
			require.ErrorIs(h.t, err, tide.ErrPoolClosed, "Tune after Release")
		} else {
			require.NoError(h.t, err)
			h.capacity = n // surplus parked workers retire at once, busy ones as they finish
			h.retireBottom(min(max(h.n.Workers-n, 0), len(h.idle)))
			h.refill()
		}
		return fmt.Sprintf("Tune(%d)", n)
	},
	(*fuzzHarness).advance,
	func(h *fuzzHarness, arg int) string {
		waiting := those(h.waiters, func(ft *fuzzTask) bool { return ft.how == viaSubmitContext })
		if len(waiting) == 0 {
			return "cancel: no SubmitContext waits"
		}
		ft := waiting[arg%len(waiting)]
		ft.cancel()
		h.waiters = slices.DeleteFunc(h.waiters, func(w *fuzzTask) bool { return w == ft })
		ft.decide(context.Canceled)
		h.waitEnded(ft)
		return fmt.Sprintf("cancel the SubmitContext of task %d", ft.id)
	},
	func(h *fuzzHarness, _ int) string {
		h.p.Release()
		h.release()
		return "Release"
	},
	func(h *fuzzHarness, _ int) string {
		released := time.Now() // ReleaseTimeout may wait a second more, on the bubble's clock
		err := h.p.ReleaseTimeout(time.Second)
		h.releaseAt(released)
		if len(h.running) > 0 {
			require.ErrorIs(h.t, err, tide.ErrTimeout, "tasks are still running, on workers or on goroutines lent by their waiters")
		} else {
			require.NoError(h.t, err)
			h.checkReleased()
		}
		return "ReleaseTimeout"
	},
	func(h *fuzzHarness, arg int) string { // Wait must not return before the tasks accepted so far end
		if s := h.help(arg); s != "" {
			return s
		}
		accepted := those(h.tasks, func(ft *fuzzTask) bool { return ft.decided && ft.want == nil })
		returned := make(chan bool, 1)
		h.waits = append(h.waits, returned)
		go func() {
			h.p.Wait()
			returned <- !slices.ContainsFunc(accepted, func(ft *fuzzTask) bool { return !ft.ended.Load() })
		}()
		return "Wait"
	},
}

// taskKind is how a fuzzed task ends once its gate opens (an instant task's is open from the start).
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

// fuzzTask is one task, which records each time it runs, and the call of
// Submit, Go or SubmitContext that handed it to the pool on its own goroutine.
type fuzzTask struct {
	id      int
	kind    *taskKind
	gate    chan struct{}
	open    sync.Once
	runs    atomic.Int32 // times the task started
	ended   atomic.Bool  // the task finished (returned, panicked or Goexited)
	how     int
	cancel  context.CancelFunc // cancels the context of a SubmitContext
	result  chan error         // receives what the call returned (Go: the error it panicked with)
	decided bool               // the model knows the outcome
	want    error              // the outcome, once decided
	got     bool               // the outcome was received and checked
	waiting bool               // its submitter waited for room (from since)
	since   time.Time
	futc    chan *tide.Future[int] // with setup bit 11, Submit is SubmitFuture: its Future
	helped  bool                   // a Future.Wait runs it, on a goroutine of its own
	left    bool                   // a leftover: the queued item of a helped task, no task
}

func (ft *fuzzTask) openGate() { ft.open.Do(func() { close(ft.gate) }) }

func (ft *fuzzTask) run() {
	ft.runs.Add(1)
	<-ft.gate
	ft.ended.Store(true)
	ft.kind.end()
}

func (ft *fuzzTask) decide(err error) { ft.decided, ft.want = true, err }

const viaSubmit, viaGo, viaSubmitContext = 0, 1, 2 // fuzzTask.how, as submitBy numbers them

// fuzzHarness runs the operations on a pool and on a model of what it should
// look like at a quiescent point, as doc/scheduler.md describes placement,
// the worker loop, Tune, Release and expiry.
type fuzzHarness struct {
	t     *testing.T
	p     *tide.Pool
	tasks []*fuzzTask
	waits []chan bool // Wait calls not yet returned; each sends whether its tasks had ended

	capacity, queueSize, minWorkers int // the model from here on
	nonblocking, closed             bool
	expiry                          time.Duration
	n                               tide.Stats  // Workers and the counters; the other gauges are the lengths below
	idle                            []time.Time // idle-since times, bottom (longest idle) first, as the LIFO stack
	running                         map[*fuzzTask]bool
	queue                           []*fuzzTask
	waiters                         []*fuzzTask
	instants                        []*fuzzTask // started instant tasks whose end is still to be applied
	raced                           bool        // instant tasks ran in the last operation: see resync
	futures                         bool        // setup bit 11: Submit is SubmitFuture, and Wait may be Future.Wait
}

// help, with setup bit 11, calls Wait on the Future of the queued task that
// arg picks, on a goroutine of its own: it runs the task, which leaves the
// queue for running, and leaves a leftover in its place, which the worker
// that reaches it skips. It returns "" when no such Future is queued.
func (h *fuzzHarness) help(arg int) string {
	queued := those(h.queue, func(ft *fuzzTask) bool { return ft.futc != nil && !ft.left })
	if !h.futures || len(queued) == 0 {
		return ""
	}
	ft := queued[arg%len(queued)]
	f := <-ft.futc
	go func() { _, _ = f.Wait() }()
	synctest.Wait()
	i := slices.Index(h.queue, ft)
	h.queue[i] = &fuzzTask{id: -1, kind: &taskKinds[4], left: true} // instant, and counted nowhere
	ft.helped = true
	h.running[ft] = true
	if !ft.kind.gated {
		h.instants = append(h.instants, ft)
	}
	return fmt.Sprintf("Future.Wait helps task %d (%s)", ft.id, ft.kind.name)
}

// leftovers counts the model's queued leftovers.
func (h *fuzzHarness) leftovers() int {
	return len(those(h.queue, func(ft *fuzzTask) bool { return ft.left }))
}

// helping counts the model's tasks running on their waiters.
func (h *fuzzHarness) helping() (n int) {
	for ft := range h.running {
		if ft.helped {
			n++
		}
	}
	return n
}

// newFuzzHarness makes the pool that setup describes, and its model: bits
// 0-2 the capacity (0: unlimited, else 1-4 as 1+(v-1)%4), bits 3-4 the queue
// size (0, 1, 2 or unbounded), bits 5-6 the minimum workers (clamped to the
// capacity), bit 7 nonblocking, bit 8 a panic handler that itself panics,
// bit 9 a 1 ns expiry instead of 1 s, bit 11 Submit by SubmitFuture and
// Wait sometimes by Future.Wait, which helps (see help). (Bit 10 is
// FuzzPool's: GOMAXPROCS 1.)
func newFuzzHarness(t *testing.T, setup uint16) *fuzzHarness {
	t.Helper()
	h := &fuzzHarness{
		t:           t,
		capacity:    []int{math.MaxInt, 1, 2, 3, 4, 1, 2, 3}[setup&7],
		queueSize:   []int{0, 1, 2, math.MaxInt}[setup>>3&3],
		nonblocking: setup&(1<<7) != 0,
		expiry:      []time.Duration{time.Second, time.Nanosecond}[setup>>9&1],
		running:     map[*fuzzTask]bool{},
		futures:     setup&(1<<11) != 0,
	}
	h.minWorkers = min(int(setup>>5&3), h.capacity)
	opts := []tide.Option{
		tide.WithCapacity(h.capacity), // math.MaxInt: unlimited, as by default
		tide.WithQueueSize(h.queueSize),
		tide.WithMinWorkers(h.minWorkers),
		tide.WithExpiry(h.expiry),
		tide.WithPanicHandler([]func(any){func(any) {}, func(any) { panic("the handler too") }}[setup>>8&1]),
		discardLogs(),
	}
	if h.nonblocking {
		opts = append(opts, tide.WithNonblocking())
	}
	var err error
	h.p, err = tide.New(opts...)
	require.NoError(t, err)
	t.Cleanup(h.finish)
	h.refill()
	synctest.Wait()
	h.check("after New")
	return h
}

// submit calls Submit, Go or SubmitContext (as how says) with a task of the
// kind arg picks. In the model it lines up behind any waiting submitter, and
// is refused if it must wait on a nonblocking pool (Go waits all the same).
func (h *fuzzHarness) submit(how, arg int) string {
	ctx, cancel := context.WithCancel(context.Background())
	ft := &fuzzTask{id: len(h.tasks), kind: &taskKinds[arg%len(taskKinds)], how: how, cancel: cancel,
		gate: make(chan struct{}), result: make(chan error, 1)}
	if !ft.kind.gated {
		ft.openGate()
	}
	h.tasks = append(h.tasks, ft)
	call := func() error { return submitBy(h.p, how, ft.run) }
	if how == viaSubmit && h.futures {
		ft.futc = make(chan *tide.Future[int], 1)
		call = func() error {
			f := tide.SubmitFuture(h.p, func() (int, error) { ft.run(); return 0, nil })
			ft.futc <- f
			select {
			case <-f.Done():
				if ft.runs.Load() == 0 { // refused
					_, err := f.Wait()
					return err
				}
			default:
			}
			return nil
		}
	}
	if how == viaSubmitContext {
		call = func() error { return h.p.SubmitContext(ctx, ft.run) }
	}
	go func() { ft.result <- call() }()
	synctest.Wait()
	if h.closed {
		ft.decide(tide.ErrPoolClosed)
	} else {
		h.waiters = append(h.waiters, ft)
		h.refill()
	}
	if !ft.decided && h.nonblocking && how != viaGo {
		h.waiters = h.waiters[:len(h.waiters)-1]
		ft.decide(tide.ErrPoolOverload)
		h.n.Overloaded++
	}
	if !ft.decided { // the wait figures: counted as the wait begins, its time as it ends
		ft.waiting, ft.since = true, time.Now()
		h.n.WaitCount++
	}
	return fmt.Sprintf("%s task %d (%s)", [...]string{"Submit", "Go", "SubmitContext"}[how], ft.id, ft.kind.name)
}

// endTask lets the running gated task that arg picks, oldest first, end.
func (h *fuzzHarness) endTask(arg int) string {
	running := those(h.tasks, func(ft *fuzzTask) bool { return h.running[ft] && ft.kind.gated })
	if len(running) == 0 {
		return "end: nothing running"
	}
	ft := running[arg%len(running)]
	ft.openGate()
	synctest.Wait()
	h.end(ft)
	return fmt.Sprintf("end task %d (%s)", ft.id, ft.kind.name)
}

// advance moves the clock on, and checks that the reaper retired only the
// longest idle workers, none idle for less than the expiry, all those idle
// for two (an expiry and an interval), never going below the minimum.
func (h *fuzzHarness) advance(arg int) string {
	d := time.Duration(arg+1) * 250 * time.Millisecond
	before := h.p.Stats().Retired
	time.Sleep(d)
	synctest.Wait()
	retired := int(h.p.Stats().Retired - before)
	idleFor := func(age time.Duration) (n int) { // how many may retire, having been idle for age
		for _, since := range h.idle {
			if time.Since(since) >= age {
				n++
			}
		}
		return min(n, max(0, h.n.Workers-h.floor()))
	}
	require.GreaterOrEqual(h.t, retired, idleFor(2*h.expiry), "a worker idle for two expiries is still parked")
	require.LessOrEqual(h.t, retired, idleFor(h.expiry), "a worker was retired before its expiry, or below the minimum")
	h.retireBottom(retired)
	return fmt.Sprintf("advance %v", d)
}

// those returns, in order, the tasks of fts that keep accepts.
func those(fts []*fuzzTask, keep func(*fuzzTask) bool) []*fuzzTask {
	return slices.DeleteFunc(slices.Clone(fts), func(ft *fuzzTask) bool { return !keep(ft) })
}

func (h *fuzzHarness) floor() int { return min(h.minWorkers, h.capacity) }

// hand runs ft on the most recently parked worker, else on a new one below
// capacity, else (if mayQueue) queues it if there is room, as placeLocked
// does; false if there is none. How the engine gets a task to a worker is its
// own business: at a quiescent point the outcome is this one.
func (h *fuzzHarness) hand(ft *fuzzTask, mayQueue bool) bool {
	switch {
	case len(h.idle) > 0:
		h.idle = h.idle[:len(h.idle)-1]
	case h.n.Workers < h.capacity:
		h.n.Workers++
		h.n.Spawned++
	case mayQueue && len(h.queue) < h.queueSize:
		h.queue = append(h.queue, ft)
		return true
	default:
		return false
	}
	h.running[ft] = true
	if !ft.kind.gated {
		h.instants = append(h.instants, ft)
	}
	return true
}

// refill is what the pool owes once it gained room or lost a worker:
// workers for queued tasks, the minimum of parked workers unless released,
// then waiting submitters, oldest first, while there is room.
func (h *fuzzHarness) refill() {
	for len(h.queue) > 0 && h.hand(h.queue[0], false) {
		h.queue = h.queue[1:]
	}
	for !h.closed && h.n.Workers < h.floor() {
		h.n.Workers++
		h.n.Spawned++
		h.idle = append(h.idle, time.Now())
	}
	for len(h.waiters) > 0 && h.hand(h.waiters[0], true) {
		h.n.Submitted++
		h.waiters[0].decide(nil)
		h.waitEnded(h.waiters[0])
		h.waiters = h.waiters[1:]
	}
}

// end applies the end of the running task ft: its worker exits (Goexit, over
// capacity, or released with the queue empty), or parks, which refill turns
// into taking the oldest queued task if there is one.
func (h *fuzzHarness) end(ft *fuzzTask) {
	delete(h.running, ft)
	if !ft.left {
		h.n.Completed++
		if ft.kind.panics {
			h.n.Panicked++
		}
	}
	if ft.helped { // it ran on its waiter's goroutine: no worker to free
		return
	}
	if ft.kind.name == "Goexit" || h.n.Workers > h.capacity || h.closed && len(h.queue) == 0 {
		h.n.Workers--
		h.n.Retired++
	} else {
		h.idle = append(h.idle, time.Now())
	}
	h.refill()
}

// cascade applies the end of every instant task started so far, and of those they start in turn.
func (h *fuzzHarness) cascade() {
	h.raced = len(h.instants) > 0
	for ; len(h.instants) > 0; h.instants = h.instants[1:] {
		h.end(h.instants[0])
	}
}

// waitEnded adds the wait of ft's submitter, if it waited, to the wait figures.
func (h *fuzzHarness) waitEnded(ft *fuzzTask) {
	if ft.waiting {
		h.n.WaitDuration += time.Since(ft.since)
	}
}

func (h *fuzzHarness) retireBottom(n int) {
	h.idle = slices.Delete(h.idle, 0, n)
	h.n.Workers -= n
	h.n.Retired += uint64(n)
}

func (h *fuzzHarness) release() { h.releaseAt(time.Now()) }

// releaseAt applies a Release made at the time at.
func (h *fuzzHarness) releaseAt(at time.Time) {
	h.closed = true
	h.retireBottom(len(h.idle))
	for _, ft := range h.waiters {
		ft.decide(tide.ErrPoolClosed)
		if ft.waiting {
			h.n.WaitDuration += at.Sub(ft.since)
		}
	}
	h.waiters = nil
}

// resync adopts the pool's worker counts after an operation in which
// instant tasks ran at once. Whether a task queued meanwhile was taken by a
// worker that had just finished one, or by a worker spawned for it, depends
// on which ran first (the engine may hand a task over through the queue): so
// the number of workers spawned may differ from the model's, though not the
// tasks, and only among the workers that parked during the operation.
func (h *fuzzHarness) resync(st tide.Stats, where string) {
	now := time.Now()
	for len(h.idle) > st.Idle {
		require.True(h.t, h.idle[len(h.idle)-1].Equal(now), "%s: a worker parked before this operation is gone", where)
		h.idle = h.idle[:len(h.idle)-1]
	}
	for len(h.idle) < st.Idle {
		h.idle = append(h.idle, now)
	}
	h.n.Workers, h.n.Spawned, h.n.Retired = st.Workers, st.Spawned, st.Retired
}

// check compares the quiescent pool with the model: which submitters have
// returned and with what, which tasks run, every gauge and counter, which
// Waits have returned, and the invariants that hold whatever the model says.
func (h *fuzzHarness) check(where string) {
	t := h.t
	for _, ft := range h.tasks {
		switch {
		case ft.got:
		case !ft.decided:
			require.Empty(t, ft.result, "%s: the submitter of task %d returned while it should wait", where, ft.id)
		default:
			require.NotEmpty(t, ft.result, "%s: the submitter of task %d should have returned %v", where, ft.id, ft.want)
			ft.got = true
			require.ErrorIs(t, <-ft.result, ft.want, "%s: task %d", where, ft.id) // a nil want: no error
		}
		runs := ft.runs.Load()
		require.LessOrEqual(t, runs, int32(1), "%s: task %d ran twice", where, ft.id)
		require.Equal(t, h.running[ft], runs == 1 && !ft.ended.Load(), "%s: is task %d running", where, ft.id)
	}
	st := h.p.Stats()
	checkInvariantsHelped(t, st, h.queueSize, h.helping(), h.leftovers(), where)
	waking, pending := tide.SchedState(h.p)
	require.Zero(t, waking, "%s: invariant 9, a worker still starting or searching", where)
	require.Zero(t, pending, "%s: invariant 9, a hand still pending", where)
	require.True(t, tide.RefusingHolds(h.p), "%s: invariant 10, refusing does not mirror the room", where)
	if h.raced {
		h.resync(st, where)
	}
	want := h.n
	if want.Capacity = h.capacity; h.capacity == math.MaxInt {
		want.Capacity = -1
	}
	want.Idle, want.Running, want.Waiting, want.Blocked = len(h.idle), len(h.running), len(h.queue)-h.leftovers(), len(h.waiters)
	require.Equal(t, want, st, "%s: stats", where)
	h.waits = slices.DeleteFunc(h.waits, func(returned chan bool) bool {
		if len(returned) == 0 {
			require.True(t, st.Submitted != st.Completed || h.leftovers() > 0,
				"%s: Wait did not return with every task ended and every leftover reached", where)
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
	checkInvariantsHelped(t, st, queueSize, 0, 0, where)
}

// checkInvariantsHelped is checkInvariants where helping tasks run on their
// waiters and leftovers of helped tasks hold queue slots.
func checkInvariantsHelped(t *testing.T, st tide.Stats, queueSize, helping, leftovers int, where string) {
	t.Helper()
	full := st.Capacity != -1 && st.Workers >= st.Capacity && st.Idle == 0
	require.LessOrEqual(t, st.Waiting+leftovers, queueSize, "%s: invariant 4, the queue bound", where)
	require.True(t, st.Waiting+leftovers == 0 || full, "%s: invariant 3, a task queued while there is a worker for it", where)
	require.True(t, st.Blocked == 0 || full && st.Waiting+leftovers == queueSize, "%s: invariant 6, waiting while there is room", where)
	require.Equal(t, st.Workers, st.Running-helping+st.Idle, "%s: invariant 7, every worker runs a task or is parked", where)
	require.GreaterOrEqual(t, min(st.Running, st.Idle, st.Waiting, st.Blocked), 0, "%s: a negative gauge", where)
	require.LessOrEqual(t, max(st.Idle, st.Running-helping), st.Workers, "%s: Idle or Running > Workers", where)
	require.Equal(t, uint64(st.Workers), st.Spawned-st.Retired, "%s: Workers == Spawned - Retired", where)
	require.Equal(t, st.Submitted, st.Completed+uint64(st.Running+st.Waiting), "%s: invariant 1, tasks add up", where)
	require.LessOrEqual(t, st.Panicked, st.Completed, "%s: Panicked <= Completed", where)
}

// checkReleased checks a pool whose ReleaseTimeout returned nil: no worker,
// task or submitter left, every task completed, every worker retired, no goroutine.
func (h *fuzzHarness) checkReleased() {
	st := h.p.Stats()
	want := st
	want.Workers, want.Idle, want.Running, want.Waiting, want.Blocked = 0, 0, 0, 0, 0
	want.Completed, want.Retired = st.Submitted, st.Spawned
	assert.Equal(h.t, want, st, "Stats after ReleaseTimeout")
	synctest.Wait()
	require.Zero(h.t, poolGoroutines(), "no goroutine of the pool after ReleaseTimeout")
}

// finish, at cleanup, opens every gate and releases the pool: after a failed
// check, only so that the failure is reported as itself rather than as a
// deadlocked bubble; else it checks the released pool, that every accepted
// task ran once and no refused one, and every Wait returned after its tasks.
func (h *fuzzHarness) finish() {
	t := h.t
	for _, ft := range h.tasks {
		ft.openGate()
		if t.Failed() {
			ft.cancel()
		}
	}
	synctest.Wait()
	err := h.p.ReleaseTimeout(time.Minute)
	if t.Failed() {
		return
	}
	require.NoError(t, err)
	checkInvariants(t, h.p.Stats(), h.queueSize, "at the end")
	h.checkReleased()
	for _, ft := range h.tasks {
		if !ft.got {
			ft.want = <-ft.result // every submitter has returned
		}
		assert.LessOrEqual(t, ft.runs.Load(), int32(1), "task %d ran twice", ft.id)
		assert.Equal(t, ft.want == nil, ft.runs.Load() == 1, "task %d (submit returned %v) ran", ft.id, ft.want)
	}
	accepted := those(h.tasks, func(ft *fuzzTask) bool { return ft.want == nil })
	assert.Equal(t, uint64(len(accepted)), h.p.Stats().Submitted)
	for _, returned := range h.waits {
		assert.True(t, <-returned, "a Wait returned before its tasks ended")
	}
}
