package main

import (
	"bufio"
	"context"
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
	t.Run("thousands of concurrent requests each get 200 or 503, and every accepted one gets its 200", func(t *testing.T) {
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
		t.Logf("%d requests from %d clients: %d × 200, %d × 503; server: accepted %d, served %d, refused %d, abandoned %d",
			requests, clients, codes[http.StatusOK], codes[http.StatusServiceUnavailable],
			tl.Accepted, tl.Served, tl.Refused, tl.Abandoned)
		require.Empty(t, failures, "every request gets an answer")
		assert.Equal(t, requests, codes[http.StatusOK]+codes[http.StatusServiceUnavailable], "only 200 and 503: %v", codes)
		assert.Zero(t, noRetry, "every 503 carries Retry-After: 1")
		assert.Equal(t, int64(codes[http.StatusOK]), tl.Accepted, "every accepted request is answered 200")
		assert.Equal(t, tl.Accepted, tl.Served)
		assert.Equal(t, int64(codes[http.StatusServiceUnavailable]), tl.Refused)
		assert.Zero(t, tl.Abandoned)
	})

	t.Run("a full pool and queue answer 503 with Retry-After at once", func(t *testing.T) {
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
		assert.Equal(t, tally{Accepted: 2, Served: 2, Refused: 1, Overloaded: 1}, tl)
	})

	t.Run("shutdown closes the listener but lets every accepted request finish with 200", func(t *testing.T) {
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

	t.Run("a client that gives up stops its work, and the service counts it abandoned", func(t *testing.T) {
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

func TestProgram(t *testing.T) {
	t.Run("on SIGTERM the program answers every accepted request with 200, then exits cleanly", func(t *testing.T) {
		const inFlight = 4
		exe, err := os.Executable()
		require.NoError(t, err)
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), childArgs+"=-addr 127.0.0.1:0 -workers 4 -queue 0 -work 2s")
		stderr, err := cmd.StderrPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		t.Cleanup(func() {
			if cmd.ProcessState == nil {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
			}
		})

		// The program logs its address, then its tally when it exits.
		addr := make(chan string, 1)
		logged := make(chan string, 1)
		go func() {
			var all strings.Builder
			scanner := bufio.NewScanner(stderr)
			for scanner.Scan() {
				line := scanner.Text()
				all.WriteString(line + "\n")
				if _, a, ok := strings.Cut(line, "listening on http://"); ok {
					addr <- a
				}
			}
			logged <- all.String()
		}()
		var url string
		select {
		case a := <-addr:
			url = "http://" + a
		case out := <-logged:
			require.FailNow(t, "the program did not start", "%s", out)
		}
		transport := &http.Transport{}
		defer transport.CloseIdleConnections()
		client := &http.Client{Transport: transport, Timeout: 30 * time.Second}

		answers := make(chan int, inFlight)
		for range inFlight {
			go func() {
				resp, err := client.Get(url + "/work")
				if !assert.NoError(t, err) {
					answers <- 0
					return
				}
				resp.Body.Close()
				answers <- resp.StatusCode
			}()
		}
		require.Eventually(t, func() bool { // every request is running on the pool
			resp, err := client.Get(url + "/metrics")
			if err != nil {
				return false
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			return err == nil && strings.Contains(string(body), `tide_tasks_running{pool="work"} 4`)
		}, 10*time.Second, 5*time.Millisecond)

		require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
		for range inFlight {
			assert.Equal(t, http.StatusOK, <-answers)
		}
		out := <-logged
		require.NoError(t, cmd.Wait(), "the program exits cleanly:\n%s", out)
		assert.Contains(t, out, "accepted 4, served 4, refused 0")
	})
}
