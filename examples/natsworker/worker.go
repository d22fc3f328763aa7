package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/tidego/tide"
)

// worker pulls jobs from the shared consumer and runs them on a tide pool.
type worker struct {
	cfg config
	js  jetstream.JetStream
	out io.Writer

	pool                                    *tide.Pool // set by run before the progress line starts
	started                                 time.Time
	processed, acked, naked, failed, ackErr atomic.Int64
	deadLettered, deadLetterErr             atomic.Int64
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
	w.pool = pool
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
// it, waiting for the server's confirmation. On failure it naks it with a
// delay that doubles per delivery, or, on its last delivery, moves it to the
// dead-letter stream.
func (w *worker) handle(msg jetstream.Msg) {
	meta, err := msg.Metadata()
	if err != nil {
		w.failed.Add(1)
		_ = msg.Term() // not a JetStream job message: never redeliver
		return
	}
	id, n, err := jobID(msg.Subject())
	if err == nil {
		err = w.cfg.injectedFailure(n, meta.NumDelivered)
	}
	if err == nil {
		process(msg.Data(), w.cfg.rounds, w.cfg.jobTime)
	}
	if err == nil && w.cfg.record {
		ctx, cancel := context.WithTimeout(context.Background(), ackTimeout)
		_, err = w.js.Publish(ctx, donePrefix+id, []byte(w.cfg.name))
		cancel()
	}
	if err != nil {
		w.failed.Add(1)
		if meta.NumDelivered >= uint64(w.cfg.maxDeliver) {
			w.deadLetter(msg, meta.NumDelivered, err)
			return
		}
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

// deadLetter moves a job that failed on its last delivery to the
// dead-letter stream: it publishes the job's payload there, with the error
// and the delivery count in headers, and once the server has stored it, acks
// the job off the work queue.
//
// The worker does this itself, rather than leaving it to the server's
// MAX_DELIVERIES advisory, because it knows on the last delivery
// (NumDelivered == MaxDeliver) and has what an operator needs: the payload
// and the reason it failed. The advisory carries neither, is a plain NATS
// message that is lost if nothing stores it, and leaves the job in the work
// queue. Publishing before acking, each confirmed by the server, keeps the job
// in one stream or the other at every moment; the message ID makes a repeated
// dead letter (an ack lost after the publish) a duplicate the stream drops.
// What the worker cannot cover is a last delivery that ends without an
// answer (its worker died, or the dead letter could not be stored): for
// that the DEAD stream also stores the server's advisory (see
// maxDeliveriesAdvisory).
func (w *worker) deadLetter(msg jetstream.Msg, delivered uint64, cause error) {
	id := strings.TrimPrefix(msg.Subject(), jobsPrefix)
	letter := nats.NewMsg(deadPrefix + id)
	letter.Data = msg.Data()
	letter.Header.Set(headerError, cause.Error())
	letter.Header.Set(headerDeliveries, strconv.FormatUint(delivered, 10))
	letter.Header.Set(headerWorker, w.cfg.name)
	ctx, cancel := context.WithTimeout(context.Background(), ackTimeout)
	defer cancel()
	if _, err := w.js.PublishMsg(ctx, letter, jetstream.WithMsgID(deadPrefix+id)); err != nil {
		// Not acked: the server announces it on maxDeliveriesAdvisory once
		// its AckWait passes, and the DEAD stream stores that.
		w.deadLetterErr.Add(1)
		fmt.Fprintf(w.out, "dead letter %s: %v\n", id, err)
		return
	}
	if err := msg.DoubleAck(ctx); err != nil {
		w.ackErr.Add(1)
		return
	}
	w.deadLettered.Add(1)
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
				fmt.Fprintf(w.out, "%s: running %d, acked %d%s (%.0f jobs/s), failed and naked %d, dead letters %d\n",
					w.cfg.name, w.pool.Running(), acked, of, rate, w.naked.Load(), w.deadLettered.Load())
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
	fmt.Fprintf(w.out, "tally: worker=%s processed=%d acked=%d naked=%d failed=%d dead_lettered=%d "+
		"dead_letter_errors=%d ack_errors=%d seconds=%.2f jobs_per_second=%.0f\n",
		w.cfg.name, w.processed.Load(), w.acked.Load(), w.naked.Load(), w.failed.Load(), w.deadLettered.Load(),
		w.deadLetterErr.Load(), w.ackErr.Load(), elapsed.Seconds(), float64(w.acked.Load())/elapsed.Seconds())
}
