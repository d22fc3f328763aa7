package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// childArgs, when set, makes the test binary run the program itself with
// these arguments (separated by spaces) instead of the tests.
const childArgs = "HTTPSERVER_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(childArgs); ok {
		os.Args = append([]string{os.Args[0]}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// service is a running instance of run on 127.0.0.1:0.
type service struct {
	url    string
	client *http.Client
	cancel context.CancelFunc
	result chan result
}

type result struct {
	tally tally
	err   error
}

// start runs the service with cfg on a random port of 127.0.0.1 and returns
// once it accepts connections. The test fails if the service is still
// running when it ends.
func start(t *testing.T, cfg config) *service {
	t.Helper()
	cfg.addr = "127.0.0.1:0"
	if cfg.retryAfter == 0 {
		cfg.retryAfter = time.Second
	}
	cfg.shutdownTimeout = 30 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan net.Addr, 1)
	s := &service{cancel: cancel, result: make(chan result, 1)}
	go func() {
		tl, err := run(ctx, cfg, func(a net.Addr) { addrs <- a })
		s.result <- result{tl, err}
	}()
	select {
	case a := <-addrs:
		s.url = "http://" + a.String()
	case r := <-s.result:
		require.FailNow(t, "the service did not start", "%v", r.err)
	}
	transport := &http.Transport{MaxIdleConnsPerHost: 128}
	s.client = &http.Client{Transport: transport, Timeout: 30 * time.Second}
	t.Cleanup(func() {
		cancel()
		transport.CloseIdleConnections()
	})
	return s
}

// stop shuts the service down as SIGTERM would and returns its tally.
func (s *service) stop(t *testing.T) tally {
	t.Helper()
	s.cancel()
	r := <-s.result
	require.NoError(t, r.err)
	s.client.CloseIdleConnections()
	return r.tally
}

// get returns the status code, the Retry-After header and the body of GET
// path, or an error.
func (s *service) get(path string) (int, string, string, error) {
	resp, err := s.client.Get(s.url + path)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(body), err
}

// assertOverloaded checks that the service's tally, read from the pool's
// Stats, counts want requests refused with 503 for overload.
func assertOverloaded(t *testing.T, want int, tl tally) {
	t.Helper()
	assert.Equal(t, uint64(want), tl.Overloaded, "every 503 is counted in the pool's Stats.Overloaded")
}

// gatedWork returns work that signals started, then waits for gate to be
// closed (or its context).
func gatedWork(started chan<- struct{}, gate <-chan struct{}) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		started <- struct{}{}
		select {
		case <-gate:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func TestService(t *testing.T) {
	// flood: thousands of concurrent requests each get 200 or 503, and every
	// accepted one gets its 200.
	t.Run("flood", func(t *testing.T) {
		const requests, clients = 3000, 64
		s := start(t, config{workers: 8, queue: 16, work: simulatedWork(time.Millisecond)})

		var (
			mu          sync.Mutex
			codes       = map[int]int{}
			noRetry     int
			failures    []error
			wg          sync.WaitGroup
			next        = make(chan struct{}, requests)
			countResult = func(code int, retryAfter string, err error) {
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failures = append(failures, err)
					return
				}
				codes[code]++
				if code == http.StatusServiceUnavailable && retryAfter != "1" {
					noRetry++
				}
			}
		)
		for range requests {
			next <- struct{}{}
		}
		close(next)
		for range clients {
			wg.Go(func() {
				for range next {
					code, retryAfter, _, err := s.get("/work")
					countResult(code, retryAfter, err)
				}
			})
		}
		wg.Wait()

		code, _, metrics, err := s.get("/metrics")
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, code)
		assert.Contains(t, metrics, `tide_tasks_submitted_total{pool="work"}`)

		tl := s.stop(t)
		t.Logf("%d requests from %d clients: %d × 200, %d × 503; server: accepted %d, served %d, overloaded %d, abandoned %d",
			requests, clients, codes[http.StatusOK], codes[http.StatusServiceUnavailable],
			tl.Accepted, tl.Served, tl.Overloaded, tl.Abandoned)
		require.Empty(t, failures, "every request gets an answer")
		assert.Equal(t, requests, codes[http.StatusOK]+codes[http.StatusServiceUnavailable], "only 200 and 503: %v", codes)
		assert.Zero(t, noRetry, "every 503 carries Retry-After: 1")
		assert.Equal(t, uint64(codes[http.StatusOK]), tl.Accepted, "every accepted request is answered 200")
		assert.Equal(t, int64(tl.Accepted), tl.Served)
		assertOverloaded(t, codes[http.StatusServiceUnavailable], tl)
		assert.Zero(t, tl.Abandoned)
	})

	// full: a full pool and queue answer 503 with Retry-After at once.
	t.Run("full", func(t *testing.T) {
		started, gate := make(chan struct{}), make(chan struct{})
		s := start(t, config{workers: 2, queue: 0, retryAfter: 3 * time.Second, work: gatedWork(started, gate)})

		answers := make(chan int, 2)
		for range 2 {
			go func() {
				code, _, _, err := s.get("/work")
				assert.NoError(t, err)
				answers <- code
			}()
		}
		<-started
		<-started // both workers are busy; there is no queue

		code, retryAfter, body, err := s.get("/work")
		require.NoError(t, err)
		assert.Equal(t, http.StatusServiceUnavailable, code)
		assert.Equal(t, "3", retryAfter)
		assert.Contains(t, body, "retry later")

		close(gate)
		assert.Equal(t, http.StatusOK, <-answers)
		assert.Equal(t, http.StatusOK, <-answers)
		tl := s.stop(t)
		assertOverloaded(t, 1, tl)
		tl.Overloaded = 0
		assert.Equal(t, tally{Accepted: 2, Served: 2}, tl)
	})

	// drain: shutdown closes the listener but lets every accepted request finish
	// with 200.
	t.Run("drain", func(t *testing.T) {
		const inFlight = 6
		started, gate := make(chan struct{}), make(chan struct{})
		s := start(t, config{workers: inFlight, queue: 0, work: gatedWork(started, gate)})

		answers := make(chan int, inFlight)
		for range inFlight {
			go func() {
				code, _, body, err := s.get("/work")
				assert.NoError(t, err)
				assert.Equal(t, "done\n", body)
				answers <- code
			}()
		}
		for range inFlight {
			<-started
		}

		s.cancel() // as SIGTERM does
		host := strings.TrimPrefix(s.url, "http://")
		require.Eventually(t, func() bool {
			conn, err := net.Dial("tcp", host)
			if err != nil {
				return true
			}
			conn.Close()
			return false
		}, 10*time.Second, time.Millisecond, "the listener closes")
		select {
		case r := <-s.result:
			require.FailNow(t, "run returned while requests were in flight", "%+v", r)
		default:
		}

		close(gate)
		for range inFlight {
			assert.Equal(t, http.StatusOK, <-answers)
		}
		tl := s.stop(t)
		assert.Equal(t, tally{Accepted: inFlight, Served: inFlight}, tl)
	})

	// abandoned: a client that gives up stops its work, and the service counts
	// it abandoned.
	t.Run("abandoned", func(t *testing.T) {
		started := make(chan struct{}, 1)
		never := make(chan struct{})
		s := start(t, config{workers: 1, queue: 0, work: gatedWork(started, never)})

		ctx, cancel := context.WithCancel(context.Background())
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/work", nil)
		require.NoError(t, err)
		failed := make(chan error, 1)
		go func() {
			resp, err := s.client.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			failed <- err
		}()
		<-started
		cancel()
		assert.ErrorIs(t, <-failed, context.Canceled)

		tl := s.stop(t)
		assert.Equal(t, tally{Accepted: 1, Abandoned: 1}, tl)
	})
}

// program is the program itself, the test binary re-executed, listening on
// a random port of 127.0.0.1.
type program struct {
	cmd    *exec.Cmd
	url    string
	client *http.Client
	log    *logWatch // its standard error
}

// startProgram runs the program with args and returns once it listens. It
// is killed, if still running, when the test ends.
func startProgram(t *testing.T, args string) *program {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	p := &program{cmd: exec.Command(exe), log: newLogWatch()}
	p.cmd.Env = append(os.Environ(), childArgs+"="+args)
	stderr, err := p.cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, p.cmd.Start())
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	go func() {
		scanner := bufio.NewScanner(stderr)
		for scanner.Scan() {
			p.log.add(scanner.Text())
		}
		p.log.end()
	}()
	const listening = "listening on http://"
	require.True(t, p.log.waitFor(listening), "the program did not start:\n%s", p.log)
	_, addr, _ := strings.Cut(p.log.String(), listening)
	addr, _, _ = strings.Cut(addr, "\n")
	p.url = "http://" + addr
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	p.client = &http.Client{Transport: transport, Timeout: 30 * time.Second}
	return p
}

// waitRunning returns once the program's pool runs n tasks, as its /metrics
// say.
func (p *program) waitRunning(t *testing.T, n int) {
	t.Helper()
	want := fmt.Sprintf(`tide_tasks_running{pool="work"} %d`, n)
	require.Eventually(t, func() bool {
		resp, err := p.client.Get(p.url + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return err == nil && strings.Contains(string(body), want)
	}, 10*time.Second, 5*time.Millisecond, "the pool never ran %d tasks", n)
}

// logWatch is a log written line by line that a test can wait on.
type logWatch struct {
	mu    sync.Mutex
	text  strings.Builder // guarded by mu
	ended bool            // guarded by mu
	more  chan struct{}   // guarded by mu; closed and replaced when text grows or the log ends
}

func newLogWatch() *logWatch { return &logWatch{more: make(chan struct{})} }

func (l *logWatch) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.text.WriteString(line + "\n")
	close(l.more)
	l.more = make(chan struct{})
}

func (l *logWatch) end() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ended = true
	close(l.more)
	l.more = make(chan struct{})
}

func (l *logWatch) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.text.String()
}

// waitFor reports whether the log contains s: it returns true once it does,
// or false once the log has ended without it.
func (l *logWatch) waitFor(s string) bool {
	for {
		l.mu.Lock()
		found, ended, more := strings.Contains(l.text.String(), s), l.ended, l.more
		l.mu.Unlock()
		switch {
		case found:
			return true
		case ended:
			return false
		}
		<-more
	}
}

// waitEnd returns once the log has ended.
func (l *logWatch) waitEnd() {
	for {
		l.mu.Lock()
		ended, more := l.ended, l.more
		l.mu.Unlock()
		if ended {
			return
		}
		<-more
	}
}

func TestProgram(t *testing.T) {
	// sigterm: on SIGTERM the program answers every accepted request with 200,
	// then exits cleanly.
	t.Run("sigterm", func(t *testing.T) {
		const inFlight = 4
		p := startProgram(t, "-addr 127.0.0.1:0 -workers 4 -queue 0 -work 2s")
		answers := make(chan int, inFlight)
		for range inFlight {
			go func() {
				resp, err := p.client.Get(p.url + "/work")
				if !assert.NoError(t, err) {
					answers <- 0
					return
				}
				resp.Body.Close()
				answers <- resp.StatusCode
			}()
		}
		p.waitRunning(t, inFlight)

		require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
		for range inFlight {
			assert.Equal(t, http.StatusOK, <-answers)
		}
		err := p.cmd.Wait()
		p.log.waitEnd()
		require.NoError(t, err, "the program exits cleanly:\n%s", p.log)
		assert.Contains(t, p.log.String(), "accepted 4, served 4, overloaded (503) 0")
	})

	// second signal: a second SIGTERM during the shutdown ends the program at
	// once.
	t.Run("second signal", func(t *testing.T) {
		// The one request runs for an hour and the shutdown may take an hour:
		// only the second signal can end the program before then.
		p := startProgram(t, "-addr 127.0.0.1:0 -workers 1 -queue 0 -work 1h -shutdown-timeout 1h")
		answered := make(chan error, 1)
		go func() {
			resp, err := p.client.Get(p.url + "/work")
			if err == nil {
				resp.Body.Close()
			}
			answered <- err
		}()
		p.waitRunning(t, 1)

		require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
		require.True(t, p.log.waitFor("a second signal exits at once"), "the shutdown did not begin:\n%s", p.log)
		require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
		exited := make(chan error, 1)
		go func() { exited <- p.cmd.Wait() }()
		var err error
		select {
		case err = <-exited:
		case <-time.After(time.Minute): // a liveness bound, not a measurement: the program has an hour to go
			_ = p.cmd.Process.Kill()
			<-exited
			require.FailNow(t, "the program ignored the second signal", "%s", p.log)
		}
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "the program must die of the signal, not exit cleanly:\n%s", p.log)
		status, ok := exit.Sys().(syscall.WaitStatus)
		require.True(t, ok)
		assert.True(t, status.Signaled(), "killed by a signal: %v", exit)
		assert.Equal(t, syscall.SIGTERM, status.Signal())
		assert.Error(t, <-answered, "the request in flight is cut off")
		assert.NotContains(t, p.log.String(), "accepted 1", "no tally: the program did not finish its shutdown")
	})
}
