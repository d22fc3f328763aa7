package main

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pipeListener is a net.Listener whose connections are made by dial, each
// the server's end of a net.Pipe. Made of channels, it lets the service run
// in a synctest bubble, where the shutdown deadline passes in virtual time.
type pipeListener struct {
	conns     chan net.Conn
	closed    chan struct{}
	closeOnce sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

// dial returns the client's end of a new connection.
func (l *pipeListener) dial() net.Conn {
	client, server := net.Pipe()
	l.conns <- server
	return client
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// serveOne runs serve with cfg on a pipe listener and sends it one request
// for /work. It returns the client's connection, the cancel that stands for
// SIGTERM, and where serve's result arrives.
func serveOne(t *testing.T, cfg config) (net.Conn, context.CancelFunc, <-chan result) {
	t.Helper()
	ln := newPipeListener()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan result, 1)
	go func() {
		tl, err := serve(ctx, cfg, ln)
		done <- result{tl, err}
	}()
	conn := ln.dial()
	t.Cleanup(func() { conn.Close() })
	_, err := io.WriteString(conn, "GET /work HTTP/1.1\r\nHost: pipe\r\n\r\n")
	require.NoError(t, err)
	return conn, cancel, done
}

func TestShutdownDeadline(t *testing.T) {
	// stuck: the service gets 30 s to shut down and a request that will not
	// finish in time. The server's Shutdown waits for it until the deadline;
	// the pool's Shutdown then has no time left and returns at once: the
	// whole shutdown ends at that one deadline. With a deadline per step,
	// the pool would wait another 30 s.
	t.Run("stuck", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			const timeout = 30 * time.Second
			started, gate := make(chan struct{}), make(chan struct{})
			cfg := config{workers: 1, retryAfter: time.Second, shutdownTimeout: timeout, work: gatedWork(started, gate)}
			_, cancel, done := serveOne(t, cfg)
			<-started

			begun := time.Now()
			cancel() // as SIGTERM does
			r := <-done
			assert.Equal(t, timeout, time.Since(begun), "the shutdown took exactly its one deadline")
			require.ErrorIs(t, r.err, context.DeadlineExceeded)
			assert.ErrorContains(t, r.err, "server shutdown: context deadline exceeded")
			assert.ErrorContains(t, r.err, "pool shutdown: context deadline exceeded")
			assert.Equal(t, tally{Accepted: 1}, r.tally, "the stuck request was accepted and is not answered")

			close(gate) // let the stuck task and its handler end, inside the bubble
		})
	})

	// in time: a shutdown within the deadline returns no error and waits for
	// the request.
	t.Run("in time", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			const timeout, work = 30 * time.Second, 20 * time.Second
			cfg := config{workers: 1, retryAfter: time.Second, shutdownTimeout: timeout, work: simulatedWork(work)}
			conn, cancel, done := serveOne(t, cfg)
			synctest.Wait() // the request's work has begun

			begun := time.Now()
			cancel()
			response := make(chan string, 1)
			go func() {
				b, _ := io.ReadAll(conn) // the server closes the connection after its answer
				response <- string(b)
			}()
			r := <-done
			require.NoError(t, r.err)
			// http.Server.Shutdown polls for idle connections, so it ends a
			// little after the request does.
			elapsed := time.Since(begun)
			assert.GreaterOrEqual(t, elapsed, work, "the shutdown waited for the request")
			assert.Less(t, elapsed, timeout, "and ended before its deadline")
			assert.Equal(t, tally{Accepted: 1, Served: 1}, r.tally)
			assert.Contains(t, <-response, "200 OK")
		})
	})
}
