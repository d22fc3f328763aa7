package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProgressOffATerminalIsALinePerJob(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, &out)
	l, ok := p.(*lines)
	require.True(t, ok, "a buffer is not a terminal: plain lines, not a bar")
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	l.now = func() time.Time { return clock }

	p.start(12, "/tmp/tidebench-1")
	p.step("tiny raw cap=4 (run 1)")
	clock = clock.Add(65 * time.Second)
	p.step("server tide cap=1000 (run 1)")
	clock = clock.Add(2 * time.Second)
	p.finish(false)

	assert.Equal(t, []string{
		"tidebench: 12 jobs, each in a child process; files go to /tmp/tidebench-1",
		"tidebench: [ 1/12 0m00s] tiny raw cap=4 (run 1)",
		"tidebench: [ 2/12 1m05s] server tide cap=1000 (run 1)",
		"tidebench: 2 jobs done in 1m07s",
	}, strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"))

	out.Reset()
	p.start(3, "/tmp/tidebench-2")
	p.step("idle ants cap=1000 (run 1)")
	p.finish(true)
	assert.Contains(t, out.String(), "tidebench: job 1 of 3 failed after 0m00s\n")
}
