package main

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignals(t *testing.T) {
	// TestScaleOut and TestThroughput stop their workers with one SIGTERM
	// and require a clean exit.
	// second signal: a second SIGTERM while the worker finishes its jobs ends it
	// at once.
	t.Run("second signal", func(t *testing.T) {
		// The one job takes an hour, and so may the shutdown: only the second
		// signal can end the worker before then.
		c := newCluster(t, config{ackWait: time.Hour, maxDeliver: 5})
		require.NoError(t, publishJobs(t.Context(), c.js, "sig", 1))
		p := startWorker(t, "w", "-url", c.url, "-workers", "1", "-job-time", "1h", "-ack-wait", "1h",
			"-fail-every", "0", "-progress", "10ms")
		require.Eventually(t, func() bool { return strings.Contains(p.out.String(), "w: running 1,") },
			60*time.Second, 5*time.Millisecond, "the job never started:\n%s", p.out)

		require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
		require.Eventually(t, func() bool { return strings.Contains(p.out.String(), "a second signal exits at once") },
			60*time.Second, time.Millisecond, "the shutdown did not begin:\n%s", p.out)
		require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
		exited := make(chan error, 1)
		go func() { exited <- p.cmd.Wait() }()
		var err error
		select {
		case err = <-exited:
		case <-time.After(time.Minute): // a liveness bound, not a measurement: the job has an hour to go
			_ = p.cmd.Process.Kill()
			<-exited
			require.FailNow(t, "the worker ignored the second signal", "%s", p.out)
		}
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "the worker must die of the signal, not exit cleanly:\n%s", p.out)
		status, ok := exit.Sys().(syscall.WaitStatus)
		require.True(t, ok)
		assert.True(t, status.Signaled(), "killed by a signal: %v", exit)
		assert.Equal(t, syscall.SIGTERM, status.Signal())
		assert.NotContains(t, p.out.String(), "tally:", "no tally: the worker did not finish its shutdown")
		assert.Equal(t, 1, c.consumerInfo(t).NumAckPending, "the job cut off is not acked: JetStream redelivers it")
	})
}
