// Command natsworker scales tide out across processes: jobs wait on a NATS
// JetStream work-queue stream, and each worker process pulls a bounded number
// of them at a time and runs them on a tide pool of -workers goroutines. A
// job is acknowledged once its task has succeeded and negatively
// acknowledged, with an exponential delay, when it fails; the jobs of a
// process that dies unacknowledged are redelivered to the others after
// -ack-wait. A job that fails on each of its -max-deliver deliveries goes to
// the dead-letter stream DEAD instead of being retried for ever. tide is the
// in-process executor; JetStream is the queue between machines.
//
// With no flags it starts an embedded nats-server with JetStream (file store
// in a temporary directory, on 127.0.0.1 and a random port), publishes -jobs
// jobs, works them off with a progress line, prints a tally and exits:
//
//	go run ./natsworker
//
// Pointed at a real deployment it is one worker among many, running until
// SIGINT or SIGTERM, after which it finishes and acknowledges what it has
// fetched (a second signal exits at once):
//
//	go run ./natsworker -url nats://nats.internal:4222 -workers 32
//	go run ./natsworker -url nats://nats.internal:4222 -jobs 100000 -exit-when-empty   # publish, then help
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// config is what the flags set.
type config struct {
	url           string        // "" starts an embedded server
	name          string        // this worker's name, in done records and the tally
	workers       int           // tide pool capacity: jobs run at once
	fetch         int           // messages buffered from the server at most (PullMaxMessages); 0: see fetchSize
	jobs          int           // jobs to publish before working; -1: 10,000 with the embedded server, else 0
	rounds        int           // SHA-256 rounds per job: the job's CPU cost
	jobTime       time.Duration // time each job waits, as for a slow backend, before its rounds
	ackWait       time.Duration // consumer AckWait: when an unacknowledged job is redelivered
	maxDeliver    int           // consumer MaxDeliver: deliveries of a job before it is a dead letter
	nakDelay      time.Duration // first redelivery delay of a failed job; doubled on each further failure
	failEvery     int           // every n-th job fails its first attempt, to show the retry path; 0: never
	poisonEvery   int           // every n-th job fails every attempt, to show the dead-letter path; 0: never
	record        bool          // publish a done record per job (subject done.<job>) before acking it
	exitWhenEmpty bool          // exit once no job is left pending or unacknowledged
	progress      time.Duration // interval of the progress line; 0: none
}

func parseFlags(args []string) (config, error) {
	cfg := config{}
	host, _ := os.Hostname()
	fs := flag.NewFlagSet("natsworker", flag.ContinueOnError)
	fs.StringVar(&cfg.url, "url", "", "NATS server URL; empty starts an embedded server with JetStream")
	fs.StringVar(&cfg.name, "name", fmt.Sprintf("%s-%d", host, os.Getpid()), "this worker's name")
	fs.IntVar(&cfg.workers, "workers", 4*runtime.GOMAXPROCS(0), "jobs run at once (tide pool capacity)")
	fs.IntVar(&cfg.fetch, "fetch", 0, "messages buffered from the server at most (0: 1 with -job-time, else 64)")
	fs.IntVar(&cfg.jobs, "jobs", -1, "jobs to publish first (-1: 10000 with the embedded server, else 0)")
	fs.IntVar(&cfg.rounds, "rounds", 100, "SHA-256 rounds per job")
	fs.DurationVar(&cfg.jobTime, "job-time", 0, "time each job waits, as for a slow backend")
	fs.DurationVar(&cfg.ackWait, "ack-wait", 30*time.Second, "redeliver a job not acknowledged within this time")
	fs.IntVar(&cfg.maxDeliver, "max-deliver", 5, "deliveries of a failing job before it goes to the dead-letter stream")
	fs.DurationVar(&cfg.nakDelay, "nak-delay", 100*time.Millisecond, "retry delay after a job's first failure; doubles per failure")
	fs.IntVar(&cfg.failEvery, "fail-every", 500, "every n-th job fails its first attempt (0: never)")
	fs.IntVar(&cfg.poisonEvery, "poison-every", 0, "every n-th job fails every attempt and ends as a dead letter (0: never)")
	fs.BoolVar(&cfg.record, "record", false, "publish a done record per job before acking it (stream DONE)")
	exitWhenEmpty := fs.Bool("exit-when-empty", false, "exit once no job is left (default with the embedded server)")
	fs.DurationVar(&cfg.progress, "progress", 500*time.Millisecond, "interval of the progress line (0: none)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if cfg.workers < 1 || cfg.rounds < 1 || cfg.maxDeliver < 1 || cfg.ackWait <= 0 || cfg.nakDelay <= 0 {
		return config{}, errors.New("-workers, -rounds, -max-deliver, -ack-wait and -nak-delay must be positive")
	}
	if cfg.fetch < 0 || cfg.jobTime < 0 || cfg.failEvery < 0 || cfg.poisonEvery < 0 {
		return config{}, errors.New("-fetch, -job-time, -fail-every and -poison-every must not be negative")
	}
	cfg.fetch = fetchSize(cfg.fetch, cfg.jobTime)
	cfg.exitWhenEmpty = *exitWhenEmpty || cfg.url == ""
	if cfg.jobs < 0 {
		cfg.jobs = 0
		if cfg.url == "" {
			cfg.jobs = 10000
		}
	}
	return cfg, nil
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "natsworker:", err)
		}
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first signal starts the shutdown. Calling stop then gives the
	// signals back to their default handling, as Go's os/signal example
	// does, so a second Ctrl-C or SIGTERM ends the process at once instead of
	// being swallowed while slow jobs finish. (A job cut off so is not lost:
	// JetStream redelivers it after -ack-wait.)
	stopNotice := context.AfterFunc(ctx, func() {
		stop()
		fmt.Fprintln(os.Stderr, "natsworker: finishing the fetched jobs; a second signal exits at once")
	})
	defer stopNotice() // runs before stop: no notice when the work ended by itself
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "natsworker:", err)
		os.Exit(1)
	}
}

// fetchSize returns how many messages a worker buffers from the server:
// fetch if set, else 64 for quick jobs and 1 for slow ones (jobTime > 0). A
// buffered job's AckWait runs while it waits for a free worker, so with slow
// jobs a big buffer gets jobs redelivered to other workers before they
// start; the JetStream client's documentation advises PullMaxMessages(1)
// for slow processing. The tide pool still runs -workers jobs at once: the
// pull loop hands each message to the pool as soon as a worker is free.
func fetchSize(fetch int, jobTime time.Duration) int {
	switch {
	case fetch > 0:
		return fetch
	case jobTime > 0:
		return 1
	}
	return 64
}

// run connects to cfg.url, or to an embedded server it starts when the URL
// is empty, sets up the streams, publishes cfg.jobs jobs and works until ctx
// is done (or, with cfg.exitWhenEmpty, until no job is left), then prints
// its tally to out.
func run(ctx context.Context, cfg config, out io.Writer) error {
	if cfg.url == "" {
		dir, err := os.MkdirTemp("", "natsworker-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		ns, err := startEmbedded(dir)
		if err != nil {
			return err
		}
		defer func() {
			ns.Shutdown()
			ns.WaitForShutdown()
		}()
		cfg.url = ns.ClientURL()
		fmt.Fprintf(out, "embedded nats-server with JetStream at %s (store %s)\n", cfg.url, dir)
	}

	nc, err := nats.Connect(cfg.url, nats.Name("natsworker "+cfg.name))
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	if err := setup(ctx, js, cfg); err != nil {
		return err
	}
	if cfg.jobs > 0 {
		batch := fmt.Sprintf("b%d", time.Now().UnixNano())
		start := time.Now()
		if err := publishJobs(ctx, js, batch, cfg.jobs); err != nil {
			return err
		}
		fmt.Fprintf(out, "published %d jobs (batch %s) in %v\n", cfg.jobs, batch, time.Since(start).Round(time.Millisecond))
	}

	w := &worker{cfg: cfg, js: js, out: out}
	workCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	watched := make(chan struct{})
	go func() { // with cfg.exitWhenEmpty, ends the work once no job is left
		defer close(watched)
		if cfg.exitWhenEmpty && waitEmpty(workCtx, js) == nil {
			cancel()
		}
	}()
	err = w.run(workCtx) // returns once every fetched job is acked or naked
	cancel()
	<-watched
	w.printTally()
	return err
}

// waitEmpty returns nil once the work consumer has no job pending or
// awaiting an acknowledgement, or ctx.Err() once ctx is done.
func waitEmpty(ctx context.Context, js jetstream.JetStream) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		cons, err := js.Consumer(ctx, jobsStream, workConsumer)
		if err != nil {
			continue
		}
		info, err := cons.Info(ctx)
		if err == nil && info.NumPending == 0 && info.NumAckPending == 0 {
			return nil
		}
	}
}
