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
	workConsumer = "workers" // the durable pull consumer every worker pulls from
)

// errInjected is the failure -fail-every injects.
var errInjected = errors.New("injected failure")

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
	if _, err := js.CreateOrUpdateConsumer(ctx, jobsStream, jetstream.ConsumerConfig{
		Durable:       workConsumer,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cfg.ackWait,
		MaxDeliver:    -1,
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

// process is the job: rounds of SHA-256 over its payload. Job n fails its
// first delivery when failEvery divides n.
func process(payload []byte, rounds, n, failEvery int, delivered uint64) ([sha256.Size]byte, error) {
	if failEvery > 0 && n%failEvery == 0 && delivered == 1 {
		return [sha256.Size]byte{}, errInjected
	}
	sum := sha256.Sum256(payload)
	for range rounds - 1 {
		sum = sha256.Sum256(sum[:])
	}
	return sum, nil
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
