// Package tide is a goroutine pool that grows with load and shrinks when
// idle: a drop-in replacement for the statement `go f()` that caps
// concurrency, reuses goroutines, queues work once the cap is reached, and
// retires workers that sat idle longer than the expiry.
//
// Make a pool with [New], run tasks with [Pool.Go] or [Pool.Submit], wait for
// them with [Pool.Wait], and shut the pool down with [Pool.Release] or
// [Pool.ReleaseTimeout]:
//
//	p, err := tide.New(tide.WithCapacity(100))
//	if err != nil {
//		return err
//	}
//	defer p.Release()
//	for _, x := range items {
//		p.Go(func() { handle(x) })
//	}
//	p.Wait()
//
// Where a task goes is decided under one lock, in this order: after Release
// it is refused with [ErrPoolClosed]; a parked worker takes it if there is
// one (the most recently parked first); else a new worker starts for it while
// the pool is below its capacity; else it joins the queue if the queue has
// room; else the submitter waits for room, or gets [ErrPoolOverload] from a
// pool made [WithNonblocking].
//
// A worker that finishes a task takes the next queued one without parking.
// Parked workers idle for longer than the expiry ([WithExpiry], default
// [DefaultExpiry]) are retired by a reaper goroutine that runs only while
// there is something to retire, so a pool left idle holds no goroutine beyond
// [WithMinWorkers]. Nothing starts at import time.
//
// A panicking task does not kill its worker or the process: the panic goes to
// the handler set by [WithPanicHandler], or is logged with its stack through
// [WithLogger]. A [Group] (errgroup's Go, Wait, SetLimit and TryGo on a pool)
// and a [Future] report their task's panic as a [*PanicError] instead; every
// panic counts once in [Stats].Panicked.
//
// Errors are sentinel values matched with [errors.Is] through any wrapping;
// a message names the failing call once: "tide: Group.Go: pool closed". A
// nil context or a nil (or zero) pool is a programming error: a function that
// returns an error reports it as [ErrNilContext] or [ErrNilPool], one that
// does not panics with such an error.
//
// # In tests
//
// [Go] and the zero [Group] are safe in a user's tests. The default pool
// retires its idle workers within about an eighth of a second, so
// goleak.VerifyTestMain passes without an option for tide; and inside a
// [testing/synctest] bubble they run tasks on new goroutines of the bubble
// rather than on the default pool, whose workers live outside it. A pool made
// with [New] belongs where it was made: make it inside the bubble (and
// release it there) to use it in one. Used across a bubble's boundary, its
// Wait, Group and SubmitFuture report [ErrSynctestBubble] instead of letting
// the runtime crash the test binary.
package tide
