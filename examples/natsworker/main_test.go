package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// childArgs, when set, makes the test binary run the program itself with
// these arguments (separated by spaces) instead of the tests: the worker
// processes of the tests.
const childArgs = "NATSWORKER_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(childArgs); ok {
		os.Args = append([]string{os.Args[0]}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// cluster is an embedded server and a JetStream client of it, both closed
// when the test ends.
type cluster struct {
	url string
	js  jetstream.JetStream
}

func newCluster(t *testing.T, cfg config) *cluster {
	t.Helper()
	ns, err := startEmbedded(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() {
		ns.Shutdown()
		ns.WaitForShutdown()
	})
	nc, err := nats.Connect(ns.ClientURL())
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	require.NoError(t, setup(t.Context(), js, cfg))
	return &cluster{url: ns.ClientURL(), js: js}
}

// consumerInfo returns the state of the shared work consumer.
func (c *cluster) consumerInfo(t *testing.T) *jetstream.ConsumerInfo {
	t.Helper()
	info, err := c.tryConsumerInfo(t.Context())
	require.NoError(t, err)
	return info
}

// tryConsumerInfo is consumerInfo for a goroutine other than the test's.
func (c *cluster) tryConsumerInfo(ctx context.Context) (*jetstream.ConsumerInfo, error) {
	cons, err := c.js.Consumer(ctx, jobsStream, workConsumer)
	if err != nil {
		return nil, err
	}
	return cons.Info(ctx)
}

// waitEmpty waits until no job is pending or unacknowledged.
func (c *cluster) waitEmpty(t *testing.T, within time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	require.NoError(t, waitEmpty(ctx, c.js), "jobs left after %v: %+v", within, c.consumerInfo(t))
}

// workerProc is a worker process: the test binary running the program.
type workerProc struct {
	name string
	cmd  *exec.Cmd
	out  *lockedBuffer
}

// lockedBuffer is a bytes.Buffer safe for a process to write while the
// test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startWorker starts a worker process with args; it is killed, if still
// running, when the test ends.
func startWorker(t *testing.T, name string, args ...string) *workerProc {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	p := &workerProc{name: name, cmd: exec.Command(exe), out: &lockedBuffer{}}
	p.cmd.Env = append(os.Environ(), childArgs+"="+strings.Join(append([]string{"-name", name}, args...), " "))
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	require.NoError(t, p.cmd.Start())
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *workerProc) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, p.cmd.Wait(), "%s exits cleanly; its output:\n%s", p.name, p.out)
}

var tallyField = regexp.MustCompile(`(\w+)=(\S+)`)

// tally returns the fields of the process's final tally line.
func (p *workerProc) tally(t *testing.T) map[string]int64 {
	t.Helper()
	return parseTally(t, p.name, p.out.String())
}

// parseTally returns the fields of the last tally line in a worker's output.
func parseTally(t *testing.T, name, out string) map[string]int64 {
	t.Helper()
	i := strings.LastIndex(out, "tally: ")
	require.GreaterOrEqual(t, i, 0, "%s printed no tally:\n%s", name, out)
	line, _, _ := strings.Cut(out[i:], "\n")
	fields := map[string]int64{}
	for _, m := range tallyField.FindAllStringSubmatch(line, -1) {
		if v, err := strconv.ParseFloat(m[2], 64); err == nil {
			fields[m[1]] = int64(v)
		}
	}
	return fields
}

// doneRecords reads every record of the done stream: for each job ID, the
// names of the workers that recorded it.
func (c *cluster) doneRecords(t *testing.T) map[string][]string {
	t.Helper()
	records := map[string][]string{}
	for _, msg := range c.readStream(t, doneStream) {
		id := strings.TrimPrefix(msg.Subject(), donePrefix)
		records[id] = append(records[id], string(msg.Data()))
	}
	return records
}

// readStream reads every message the stream holds now.
func (c *cluster) readStream(t *testing.T, name string) []jetstream.Msg {
	t.Helper()
	ctx := t.Context()
	stream, err := c.js.Stream(ctx, name)
	require.NoError(t, err)
	info, err := stream.Info(ctx)
	require.NoError(t, err)
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	require.NoError(t, err)
	var msgs []jetstream.Msg
	for uint64(len(msgs)) < info.State.Msgs {
		// Asking for no more than is left, the fetch returns once it has them.
		batch, err := cons.Fetch(int(min(1000, info.State.Msgs-uint64(len(msgs)))), jetstream.FetchMaxWait(5*time.Second))
		require.NoError(t, err)
		for msg := range batch.Messages() {
			msgs = append(msgs, msg)
		}
		require.NoError(t, batch.Error())
	}
	return msgs
}

func TestScaleOut(t *testing.T) {
	// killed worker: with one of three worker processes killed mid-stream, every
	// job is processed at least once and acked exactly once.
	t.Run("killed worker", func(t *testing.T) {
		const jobs = 20000
		cfg := config{ackWait: 5 * time.Second, maxDeliver: 5, record: true}
		c := newCluster(t, cfg)
		require.NoError(t, publishJobs(t.Context(), c.js, "kill", jobs))

		args := []string{"-url", c.url, "-workers", "8", "-fetch", "32", "-record", "-ack-wait", "5s",
			"-fail-every", "1000", "-nak-delay", "50ms", "-progress", "50ms"}
		victim := startWorker(t, "w1", args...)
		survivors := []*workerProc{startWorker(t, "w2", args...), startWorker(t, "w3", args...)}

		// Kill w1 once it is in the thick of it: acking, with the stream far
		// from done.
		require.Eventually(t, func() bool {
			info, err := c.tryConsumerInfo(t.Context())
			return err == nil && info.AckFloor.Stream >= jobs/4 && strings.Contains(victim.out.String(), "acked")
		}, 60*time.Second, 5*time.Millisecond, "w1 never got going")
		require.NoError(t, victim.cmd.Process.Kill()) // SIGKILL: no drain, no acks
		_ = victim.cmd.Wait()
		killedAt := c.consumerInfo(t)

		c.waitEmpty(t, 60*time.Second) // w1's unacked jobs come back after AckWait
		for _, p := range survivors {
			p.stop(t)
		}

		// The work queue is empty and its consumer acked every message, in
		// order, up to the last.
		info := c.consumerInfo(t)
		stream, err := c.js.Stream(t.Context(), jobsStream)
		require.NoError(t, err)
		sinfo, err := stream.Info(t.Context())
		require.NoError(t, err)
		assert.Zero(t, sinfo.State.Msgs, "the work queue is empty")
		assert.Equal(t, uint64(jobs), sinfo.State.LastSeq)
		assert.Equal(t, uint64(jobs), info.AckFloor.Stream, "the ack floor is the last job")
		assert.Zero(t, info.NumPending)
		assert.Zero(t, info.NumAckPending)

		// Every job has a done record; a job recorded twice was in w1's hands
		// when it died, and redelivered.
		records := c.doneRecords(t)
		total, twice, byWorker, onlyVictim := 0, 0, map[string]int{}, 0
		for i := range jobs {
			names := records["kill."+strconv.Itoa(i)]
			if !assert.NotEmpty(t, names, "job %d has no done record", i) {
				continue
			}
			total += len(names)
			if len(names) > 1 {
				twice++
			}
			for _, n := range names {
				byWorker[n]++
			}
			if len(names) == 1 && names[0] == "w1" {
				onlyVictim++
			}
		}
		assert.Len(t, records, jobs, "no record of a job that was never published")

		// Acked exactly once: a job recorded by w1 alone was acked by w1 (else
		// it would have been redelivered and recorded again); every other job
		// was acked by the survivor that recorded it, whose tally counts
		// server-confirmed acks.
		var survivorsAcked, ackErrors, naked int64
		for _, p := range survivors {
			tl := p.tally(t)
			survivorsAcked += tl["acked"]
			ackErrors += tl["ack_errors"]
			naked += tl["naked"]
			t.Logf("%s tally: %v", p.name, tl)
		}
		t.Logf("%d jobs; w1 killed at ack floor %d with %d unacked; %d done records (by worker %v), %d jobs processed twice; "+
			"acked: %d by w1 (recorded by it alone), %d by w2+w3 (server-confirmed), %d ack errors; %d failures naked by w2+w3",
			jobs, killedAt.AckFloor.Stream, killedAt.NumAckPending, total, byWorker, twice,
			onlyVictim, survivorsAcked, ackErrors, naked)
		assert.Equal(t, int64(jobs), int64(onlyVictim)+survivorsAcked, "every job acked exactly once")
		assert.Zero(t, ackErrors)
		assert.Equal(t, jobs+twice, total)
	})
}

func TestThroughput(t *testing.T) {
	if testing.Short() {
		t.Skip("measures throughput with 1, 2 and 3 worker processes")
	}
	jobs := 10000
	if raceEnabled {
		jobs = 4000 // the figures mean little under the race detector; keep the run short
	}
	cfg := config{ackWait: 30 * time.Second, maxDeliver: 5}
	c := newCluster(t, cfg)
	for k := 1; k <= 3; k++ {
		batch := fmt.Sprintf("tput%d", k)
		require.NoError(t, publishJobs(t.Context(), c.js, batch, jobs))
		start := time.Now()
		procs := make([]*workerProc, k)
		for i := range procs {
			procs[i] = startWorker(t, fmt.Sprintf("%s-w%d", batch, i+1),
				"-url", c.url, "-workers", "8", "-fetch", "64", "-fail-every", "0", "-progress", "0")
		}
		c.waitEmpty(t, 120*time.Second)
		elapsed := time.Since(start)
		var acked int64
		for _, p := range procs {
			p.stop(t)
			acked += p.tally(t)["acked"]
		}
		assert.Equal(t, int64(jobs), acked)
		t.Logf("%d worker process(es) × 8 workers: %d jobs in %v, %.0f jobs/s (process start-up included; race detector on: %v)",
			k, jobs, elapsed.Round(time.Millisecond), float64(jobs)/elapsed.Seconds(), raceEnabled)
	}
}
