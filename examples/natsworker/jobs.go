package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
)

// The streams and the consumer the workers share.
const (
	jobsStream   = "JOBS"    // work queue: a job is removed once acknowledged
	jobsPrefix   = "jobs."   // a job's subject: jobs.<batch>.<n>
	doneStream   = "DONE"    // done records, with -record
	donePrefix   = "done."   // a record's subject: done.<batch>.<n>; payload: the worker's name
	deadStream   = "DEAD"    // dead letters: jobs that failed on every one of their deliveries
	deadPrefix   = "dead."   // a dead letter's subject: dead.<batch>.<n>; payload: the job's
	workConsumer = "workers" // the durable pull consumer every worker pulls from

	// maxDeliveriesAdvisory is the subject on which the server announces a
	// job of the work consumer that reached its last delivery without an
	// answer (its worker died, or its ack was lost). The dead-letter stream
	// stores these announcements too; the job itself stays in the work
	// queue, at the advisory's stream_seq.
	maxDeliveriesAdvisory = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + jobsStream + "." + workConsumer
)

// Headers of a dead letter.
const (
	headerError      = "Natsworker-Error"      // the error of the last delivery
	headerDeliveries = "Natsworker-Deliveries" // how many deliveries failed
	headerWorker     = "Natsworker-Worker"     // the worker that gave up
)

// The failures -fail-every and -poison-every inject.
var (
	errInjected = errors.New("injected failure")
	errPoison   = errors.New("poison job: fails on every delivery")
)

// startEmbedded starts a nats-server with JetStream that stores in dir and
// listens on 127.0.0.1 on a random port. The caller shuts it down.
func startEmbedded(dir string) (*server.Server, error) {
	ns, err := server.NewServer(&server.Options{
		ServerName: "natsworker-embedded",
		Host:       "127.0.0.1",
		Port:       server.RANDOM_PORT,
		NoSigs:     true,
		NoLog:      true,
		JetStream:  true,
		StoreDir:   dir,
	})
	if err != nil {
		return nil, err
	}
	ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, errors.New("embedded nats-server not ready in 10s")
	}
	return ns, nil
}

// setup creates the work-queue stream and the shared consumer (and the done
// stream with cfg.record), or updates them to cfg.
func setup(ctx context.Context, js jetstream.JetStream, cfg config) error {
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:      jobsStream,
		Subjects:  []string{jobsPrefix + ">"},
		Retention: jetstream.WorkQueuePolicy,
		Storage:   jetstream.FileStorage,
	}); err != nil {
		return fmt.Errorf("stream %s: %w", jobsStream, err)
	}
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:     deadStream,
		Subjects: []string{deadPrefix + ">", maxDeliveriesAdvisory},
		Storage:  jetstream.FileStorage,
	}); err != nil {
		return fmt.Errorf("stream %s: %w", deadStream, err)
	}
	if _, err := js.CreateOrUpdateConsumer(ctx, jobsStream, jetstream.ConsumerConfig{
		Durable:       workConsumer,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cfg.ackWait,
		MaxDeliver:    cfg.maxDeliver, // then the job is a dead letter (see worker.deadLetter)
		MaxAckPending: -1,
	}); err != nil {
		return fmt.Errorf("consumer %s: %w", workConsumer, err)
	}
	if cfg.record {
		if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
			Name:     doneStream,
			Subjects: []string{donePrefix + ">"},
			Storage:  jetstream.FileStorage,
		}); err != nil {
			return fmt.Errorf("stream %s: %w", doneStream, err)
		}
	}
	return nil
}

// publishJobs publishes n jobs, jobs.<batch>.0 to jobs.<batch>.<n-1>, each
// with its subject as message ID so that a retried publish is not stored
// twice, and returns once the server has stored them all.
func publishJobs(ctx context.Context, js jetstream.JetStream, batch string, n int) error {
	const chunk = 1000 // publishes awaited together
	for start := 0; start < n; start += chunk {
		futures := make([]jetstream.PubAckFuture, 0, chunk)
		for i := start; i < min(start+chunk, n); i++ {
			payload := make([]byte, 256)
			binary.BigEndian.PutUint64(payload, uint64(i))
			id := batch + "." + strconv.Itoa(i)
			f, err := js.PublishAsync(jobsPrefix+id, payload, jetstream.WithMsgID(id))
			if err != nil {
				return fmt.Errorf("publish job %s: %w", id, err)
			}
			futures = append(futures, f)
		}
		for _, f := range futures {
			select {
			case <-f.Ok():
			case err := <-f.Err():
				return fmt.Errorf("publish job %s: %w", f.Msg().Subject, err)
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}

// jobID returns the <batch>.<n> of a job's subject and its number n.
func jobID(subject string) (id string, n int, err error) {
	id, ok := strings.CutPrefix(subject, jobsPrefix)
	if !ok {
		return "", 0, fmt.Errorf("not a job: %q", subject)
	}
	_, num, _ := strings.Cut(id, ".")
	n, err = strconv.Atoi(num)
	if err != nil {
		return "", 0, fmt.Errorf("not a job: %q", subject)
	}
	return id, n, nil
}

// process is the job: wait, as for a slow backend, then rounds of SHA-256
// over its payload.
func process(payload []byte, rounds int, wait time.Duration) [sha256.Size]byte {
	if wait > 0 {
		time.Sleep(wait)
	}
	sum := sha256.Sum256(payload)
	for range rounds - 1 {
		sum = sha256.Sum256(sum[:])
	}
	return sum
}

// injectedFailure returns the failure cfg injects into the delivered-th
// delivery of job n, or nil: every poisonEvery-th job fails every delivery,
// every failEvery-th job its first one.
func (cfg config) injectedFailure(n int, delivered uint64) error {
	switch {
	case cfg.poisonEvery > 0 && n%cfg.poisonEvery == 0:
		return errPoison
	case cfg.failEvery > 0 && n%cfg.failEvery == 0 && delivered == 1:
		return errInjected
	}
	return nil
}

// backoff is the redelivery delay after a job's delivered-th failure: base,
// doubling per failure, at most a minute.
func backoff(base time.Duration, delivered uint64) time.Duration {
	d := base
	for i := uint64(1); i < delivered && d < time.Minute; i++ {
		d *= 2
	}
	return min(d, time.Minute)
}
