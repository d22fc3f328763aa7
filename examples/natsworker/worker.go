package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/tidego/tide"
)

// worker pulls jobs from the shared consumer and runs them on a tide pool.
type worker struct {
	cfg config
	js  jetstream.JetStream
	out io.Writer

	started                                 time.Time
	processed, acked, naked, failed, ackErr atomic.Int64
}

// ackTimeout bounds the wait for the server to confirm an ack or a record.
const ackTimeout = 10 * time.Second

// run pulls jobs, at most cfg.fetch buffered and cfg.workers running, until
// ctx is done; it then stops pulling, runs what it has fetched and returns
// once every fetched job has been acked or naked.
func (w *worker) run(ctx context.Context) error {
	w.started = time.Now()
	cons, err := w.js.Consumer(ctx, jobsStream, workConsumer)
	if err != nil {
		return err
	}
	// Queue size 0: Go waits for a free worker, so the pool, not a queue,
	// holds back the pull loop; what waits sits in the fetch buffer.
	pool, err := tide.New(tide.WithCapacity(w.cfg.workers), tide.WithQueueSize(0))
	if err != nil {
		return err
	}
	msgs, err := cons.Messages(jetstream.PullMaxMessages(w.cfg.fetch))
	if err != nil {
		pool.Release()
		return err
	}
	stopDrain := context.AfterFunc(ctx, msgs.Drain) // deliver what is buffered, then close
	defer stopDrain()
	stopProgress := w.startProgress()
	defer stopProgress()

	var pullErr, lastErr error
	for {
		msg, err := msgs.Next()
		if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
			if ctx.Err() == nil { // not drained by us: the connection or the consumer is gone
				pullErr = fmt.Errorf("pulling stopped: %w", errors.Join(lastErr, err))
			}
			break
		}
		if err != nil { // a missed heartbeat, say; after a terminal error the iterator closes
			fmt.Fprintln(w.out, "pull:", err)
			lastErr = err
			continue
		}
		lastErr = nil
		pool.Go(func() { w.handle(msg) })
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), w.cfg.ackWait+ackTimeout)
	defer cancel()
	return errors.Join(pullErr, pool.Shutdown(shutdownCtx)) // every fetched job acked or naked
}

// handle runs one job; on success it records it (with cfg.record) and acks
// it, waiting for the server's confirmation; on failure it naks it with
// a delay that doubles per delivery.
func (w *worker) handle(msg jetstream.Msg) {
	meta, err := msg.Metadata()
	if err != nil {
		w.failed.Add(1)
		_ = msg.Term() // not a JetStream job message: never redeliver
		return
	}
	id, n, err := jobID(msg.Subject())
	if err == nil {
		_, err = process(msg.Data(), w.cfg.rounds, n, w.cfg.failEvery, meta.NumDelivered)
	}
	if err == nil && w.cfg.record {
		ctx, cancel := context.WithTimeout(context.Background(), ackTimeout)
		_, err = w.js.Publish(ctx, donePrefix+id, []byte(w.cfg.name))
		cancel()
	}
	if err != nil {
		w.failed.Add(1)
		if msg.NakWithDelay(backoff(w.cfg.nakDelay, meta.NumDelivered)) == nil {
			w.naked.Add(1)
		}
		return
	}
	w.processed.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), ackTimeout)
	defer cancel()
	if err := msg.DoubleAck(ctx); err != nil {
		w.ackErr.Add(1) // the server redelivers it after AckWait
		return
	}
	w.acked.Add(1)
}

// startProgress prints a progress line every cfg.progress until the
// returned function is called.
func (w *worker) startProgress() (stop func()) {
	if w.cfg.progress <= 0 {
		return func() {}
	}
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		tick := time.NewTicker(w.cfg.progress)
		defer tick.Stop()
		last, lastAt := int64(0), time.Now()
		for {
			select {
			case <-done:
				return
			case now := <-tick.C:
				acked := w.acked.Load()
				rate := float64(acked-last) / now.Sub(lastAt).Seconds()
				last, lastAt = acked, now
				of := ""
				if w.cfg.jobs > 0 {
					of = fmt.Sprintf("/%d", w.cfg.jobs)
				}
				fmt.Fprintf(w.out, "%s: acked %d%s (%.0f jobs/s), failed and naked %d\n", w.cfg.name, acked, of, rate, w.naked.Load())
			}
		}
	}()
	return func() {
		close(done)
		<-exited
	}
}

// printTally prints the final counts as one line of key=value pairs.
func (w *worker) printTally() {
	elapsed := time.Since(w.started)
	fmt.Fprintf(w.out, "tally: worker=%s processed=%d acked=%d naked=%d failed=%d ack_errors=%d seconds=%.2f jobs_per_second=%.0f\n",
		w.cfg.name, w.processed.Load(), w.acked.Load(), w.naked.Load(), w.failed.Load(), w.ackErr.Load(),
		elapsed.Seconds(), float64(w.acked.Load())/elapsed.Seconds())
}
