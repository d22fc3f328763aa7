// Command httpserver is a net/http service that bounds its work with a tide
// pool: a fixed number of workers, a bounded queue, and a fast 503 with
// Retry-After when both are full, instead of a pile-up of goroutines.
//
//	go run ./httpserver -addr 127.0.0.1:8080 -workers 16 -queue 64
//	curl -i localhost:8080/work
//	curl localhost:8080/metrics | grep tide_
//
// GET /work runs one unit of work (a simulated call of -work duration) on
// the pool. The task honours the request's context: a client that gives up
// stops its work. /metrics serves the pool's figures through the
// contrib/tideprom collector; the 503s are the pool's own count of refusals
// (Stats.Overloaded), not a counter of the handler's. SIGINT or SIGTERM shut the service down
// gracefully, within one -shutdown-timeout for the whole: the listener
// closes, every request already accepted runs to its response
// (http.Server.Shutdown), then the pool's workers exit (Pool.Shutdown). A
// second signal during the shutdown ends the process at once.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tidego/tide"
	"github.com/tidego/tide/contrib/tideprom"
)

// config is what the flags set.
type config struct {
	addr            string
	workers         int           // pool capacity
	queue           int           // pool queue size
	retryAfter      time.Duration // advertised in the Retry-After header of a 503
	shutdownTimeout time.Duration // bound on the graceful shutdown
	// work is one unit of work; it must return promptly once ctx is done.
	work func(ctx context.Context) error
}

func main() {
	cfg := config{}
	var work time.Duration
	flag.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "listen address")
	flag.IntVar(&cfg.workers, "workers", 16, "tasks running at once (pool capacity)")
	flag.IntVar(&cfg.queue, "queue", 64, "tasks waiting for a worker before requests are refused with 503")
	flag.DurationVar(&work, "work", 20*time.Millisecond, "duration of the simulated work per request")
	flag.DurationVar(&cfg.retryAfter, "retry-after", time.Second, "Retry-After advertised on 503")
	flag.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", 30*time.Second, "bound on the graceful shutdown")
	flag.Parse()
	cfg.work = simulatedWork(work)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first signal starts the graceful shutdown. Calling stop then gives
	// the signals back to their default handling, as Go's os/signal example
	// does, so a second Ctrl-C or SIGTERM ends the process at once instead of
	// being swallowed while the shutdown waits for slow requests.
	context.AfterFunc(ctx, func() {
		stop()
		log.Printf("shutting down within %v; a second signal exits at once", cfg.shutdownTimeout)
	})
	t, err := run(ctx, cfg, func(addr net.Addr) { log.Printf("listening on http://%s", addr) })
	log.Printf("accepted %d, served %d, overloaded (503) %d, abandoned by the client %d",
		t.Accepted, t.Served, t.Overloaded, t.Abandoned)
	if err != nil {
		log.Fatal(err)
	}
}

// simulatedWork returns work that takes d, as a call to a slow backend
// would, or less if ctx is done first.
func simulatedWork(d time.Duration) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// tally counts what happened to the requests for /work. The pool counts
// what it accepted and what it refused; the handlers count the outcomes.
type tally struct {
	Accepted   uint64 // submitted to the pool: the pool's Stats.Submitted
	Overloaded uint64 // answered 503 because the pool and its queue were full: the pool's Stats.Overloaded
	Served     int64  // accepted and answered 200
	Abandoned  int64  // accepted, but the client went away before the work was done
}

// server is the service: its pool and the handlers' counters.
type server struct {
	cfg  config
	pool *tide.Pool

	served, abandoned atomic.Int64
}

// run listens on cfg.addr, calls ready, if not nil, with the listening
// address once requests can connect, then serves until ctx is done (see
// serve).
func run(ctx context.Context, cfg config, ready func(net.Addr)) (tally, error) {
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return tally{}, err
	}
	if ready != nil {
		ready(ln.Addr())
	}
	return serve(ctx, cfg, ln)
}

// serve serves on ln until ctx is done, then shuts down gracefully within
// cfg.shutdownTimeout: no accepted request is dropped unless that deadline
// passes first. It returns what happened to the requests for /work.
func serve(ctx context.Context, cfg config, ln net.Listener) (tally, error) {
	pool, err := tide.New(tide.WithCapacity(cfg.workers), tide.WithQueueSize(cfg.queue), tide.WithNonblocking())
	if err != nil {
		ln.Close()
		return tally{}, err
	}
	s := &server{cfg: cfg, pool: pool}
	registry := prometheus.NewRegistry()
	if err := registry.Register(tideprom.NewCollector(pool, "work")); err != nil {
		ln.Close()
		pool.Release()
		return tally{}, err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /work", s.handleWork)
	mux.Handle("GET /metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var serveErr error
	select {
	case serveErr = <-served: // the listener failed
	case <-ctx.Done():
	}
	// One deadline bounds the whole shutdown, not one per step: the server
	// stops accepting connections and waits for every handler, each of which
	// waits for its task; then the pool's workers exit. Whatever time the
	// server used is gone for the pool.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		err = fmt.Errorf("server shutdown: %w", err)
		serveErr = errors.Join(serveErr, err)
	}
	if serveErr == nil {
		serveErr = <-served // returns at once after Shutdown
	}
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	if err := pool.Shutdown(shutdownCtx); err != nil {
		serveErr = errors.Join(serveErr, fmt.Errorf("pool shutdown: %w", err))
	}
	return s.tally(), serveErr
}

// tally reads the pool's counters and the handlers'.
func (s *server) tally() tally {
	st := s.pool.Stats()
	return tally{
		Accepted:   st.Submitted,
		Overloaded: st.Overloaded,
		Served:     s.served.Load(),
		Abandoned:  s.abandoned.Load(),
	}
}

// handleWork runs one unit of work on the pool and answers 200 when it is
// done, or 503 with Retry-After at once when the pool has no room. The task
// honours the request's context; the handler waits for its task, so a
// handler that has returned has no work left running.
func (s *server) handleWork(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	done := make(chan error, 1)
	err := s.pool.SubmitContext(ctx, func() {
		if err := ctx.Err(); err != nil { // the client left while the task was queued
			done <- err
			return
		}
		done <- s.cfg.work(ctx)
	})
	if err != nil {
		// The pool counts the refusals for overload (Stats.Overloaded, which
		// contrib/tideprom exports). The only other error here is
		// ErrPoolClosed, for a request that reached its handler as the shutdown
		// deadline passed and serve released the pool: either way, come back.
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(s.cfg.retryAfter.Round(time.Second)/time.Second))))
		http.Error(w, "busy, retry later", http.StatusServiceUnavailable)
		return
	}
	if err := <-done; err != nil {
		s.abandoned.Add(1) // nobody is listening for the answer
		return
	}
	s.served.Add(1)
	fmt.Fprintln(w, "done")
}
