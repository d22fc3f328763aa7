package main

import (
	"encoding/binary"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeadLetter(t *testing.T) {
	// 100 jobs on one worker: every 25th is poison (fails on each delivery),
	// every other 10th fails its first delivery only. The consumer delivers a
	// job at most 3 times.
	// poison: a poison job ends in the dead-letter stream after max-deliver
	// tries, and every other job is done.
	t.Run("poison", func(t *testing.T) {
		const jobs, maxDeliver, poisonEvery, failEvery = 100, 3, 25, 10
		cfg := config{name: "w", workers: 4, fetch: 8, rounds: 1, ackWait: 30 * time.Second, maxDeliver: maxDeliver,
			nakDelay: 10 * time.Millisecond, failEvery: failEvery, poisonEvery: poisonEvery, record: true, exitWhenEmpty: true}
		c := newCluster(t, cfg)
		require.NoError(t, publishJobs(t.Context(), c.js, "dl", jobs))
		cfg.url = c.url
		out := &lockedBuffer{}
		require.NoError(t, run(t.Context(), cfg, out), "%s", out)

		poison, retried := map[string]bool{}, 0
		for n := range jobs {
			switch {
			case n%poisonEvery == 0:
				poison["dl."+strconv.Itoa(n)] = true
			case n%failEvery == 0:
				retried++
			}
		}
		letters := c.readStream(t, deadStream)
		require.Len(t, letters, len(poison), "one dead letter per poison job, and nothing else")
		for _, l := range letters {
			id, ok := strings.CutPrefix(l.Subject(), deadPrefix)
			require.True(t, ok, "a dead letter, not an advisory: %s", l.Subject())
			assert.True(t, poison[id], "%s is not a poison job", id)
			assert.Equal(t, strconv.Itoa(maxDeliver), l.Headers().Get(headerDeliveries), "%s failed on each delivery", id)
			assert.Equal(t, errPoison.Error(), l.Headers().Get(headerError))
			assert.Equal(t, "w", l.Headers().Get(headerWorker))
			_, n, err := jobID(jobsPrefix + id)
			require.NoError(t, err)
			require.Len(t, l.Data(), 256, "the job's payload")
			assert.Equal(t, uint64(n), binary.BigEndian.Uint64(l.Data()))
		}

		records := c.doneRecords(t)
		for n := range jobs {
			id := "dl." + strconv.Itoa(n)
			if poison[id] {
				assert.Empty(t, records[id], "poison job %s is never done", id)
			} else {
				assert.Equal(t, []string{"w"}, records[id], "job %s is done once", id)
			}
		}

		stream, err := c.js.Stream(t.Context(), jobsStream)
		require.NoError(t, err)
		sinfo, err := stream.Info(t.Context())
		require.NoError(t, err)
		assert.Zero(t, sinfo.State.Msgs, "the work queue is empty: dead letters are acked off it")

		tl := parseTally(t, "w", out.String())
		t.Logf("tally: %v", tl)
		assert.Equal(t, int64(jobs-len(poison)), tl["acked"])
		assert.Equal(t, int64(len(poison)), tl["dead_lettered"])
		assert.Equal(t, int64(len(poison)*(maxDeliver-1)+retried), tl["naked"], "a poison job is naked on each delivery but its last")
		assert.Equal(t, int64(len(poison)*maxDeliver+retried), tl["failed"])
		assert.Zero(t, tl["dead_letter_errors"])
		assert.Zero(t, tl["ack_errors"])
	})

	// A job whose last delivery goes unanswered (here naked, as a worker's
	// death leaves it once AckWait passes) is beyond the worker's reach; the
	// server's advisory about it lands in the dead-letter stream.
	// unanswered: a job whose last delivery gets no answer is announced in the
	// dead-letter stream by the server.
	t.Run("unanswered", func(t *testing.T) {
		const maxDeliver = 2
		c := newCluster(t, config{ackWait: 30 * time.Second, maxDeliver: maxDeliver})
		require.NoError(t, publishJobs(t.Context(), c.js, "adv", 1))
		cons, err := c.js.Consumer(t.Context(), jobsStream, workConsumer)
		require.NoError(t, err)
		for d := range maxDeliver {
			msg, err := cons.Next(jetstream.FetchMaxWait(30 * time.Second))
			require.NoError(t, err)
			meta, err := msg.Metadata()
			require.NoError(t, err)
			require.Equal(t, uint64(d+1), meta.NumDelivered)
			require.NoError(t, msg.Nak())
		}
		// A pull that finds the job past its last delivery gets nothing, and
		// the server announces the job. The naks are not confirmed, so pull
		// until the announcement is stored.
		stream, err := c.js.Stream(t.Context(), deadStream)
		require.NoError(t, err)
		delivered := 0
		require.Eventually(t, func() bool {
			batch, err := cons.Fetch(1, jetstream.FetchMaxWait(100*time.Millisecond))
			if err != nil {
				return false
			}
			for range batch.Messages() {
				delivered++
			}
			info, err := stream.Info(t.Context())
			return err == nil && info.State.Msgs > 0
		}, 30*time.Second, time.Millisecond, "no advisory in the dead-letter stream")
		assert.Zero(t, delivered, "delivered past MaxDeliver")

		ordered, err := stream.OrderedConsumer(t.Context(), jetstream.OrderedConsumerConfig{})
		require.NoError(t, err)
		msg, err := ordered.Next(jetstream.FetchMaxWait(30 * time.Second))
		require.NoError(t, err)
		assert.Equal(t, maxDeliveriesAdvisory, msg.Subject())
		var adv server.JSConsumerDeliveryExceededAdvisory
		require.NoError(t, json.Unmarshal(msg.Data(), &adv))
		assert.Equal(t, uint64(1), adv.StreamSeq, "it names the job by its sequence in the work queue")
		assert.Equal(t, uint64(maxDeliver), adv.Deliveries)

		sinfo, err := c.js.Stream(t.Context(), jobsStream)
		require.NoError(t, err)
		info, err := sinfo.Info(t.Context())
		require.NoError(t, err)
		assert.Equal(t, uint64(1), info.State.Msgs, "the job stays in the work queue for an operator to fetch")
	})
}
