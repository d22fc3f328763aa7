package tide_test

import (
	"bytes"
	"log/slog"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// bubblePoolGoroutines counts the goroutines running a pool's own code
// (workers and reapers) in the caller's synctest bubble, so that pools
// outside it, such as a default pool an example warmed, are not counted.
func bubblePoolGoroutines() int {
	self := make([]byte, 256)
	self = self[:runtime.Stack(self, false)]
	bubble := bubbleOf.Find(self)
	if bubble == nil {
		panic("bubblePoolGoroutines called outside a synctest bubble")
	}
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		header, body, _ := bytes.Cut(g, []byte("\n"))
		if !bytes.Equal(bubbleOf.Find(header), bubble) {
			continue
		}
		if s := string(body); strings.Contains(s, "tide.(*worker[") || strings.Contains(s, "tide.(*engine[") {
			n++
		}
	}
	return n
}

// bubbleOf finds the bubble in a goroutine's header line.
var bubbleOf = regexp.MustCompile(`synctest bubble \d+\]`)

// useDefaultPool makes the default pool unbuilt for the rest of the calling
// synctest bubble, so that the next Go builds it there as it would in a
// program. It returns a func reporting the pools built since; the default
// pool is released, and the one it replaced put back, when the test ends.
func useDefaultPool(t *testing.T) (built func() []*tide.Pool) {
	t.Helper()
	var mu sync.Mutex
	var pools []*tide.Pool
	restore := tide.SwapDefaultPool(func() *tide.Pool {
		p := tide.NewDefaultPool()
		mu.Lock()
		defer mu.Unlock()
		pools = append(pools, p)
		return p
	})
	built = func() []*tide.Pool {
		mu.Lock()
		defer mu.Unlock()
		return append([]*tide.Pool(nil), pools...)
	}
	t.Cleanup(func() {
		restore()
		for _, p := range built() {
			require.NoError(t, p.ReleaseTimeout(10*time.Second))
		}
	})
	return built
}

func TestDefault(t *testing.T) {
	// An example of an earlier -count round may have built the test binary's
	// default pool: release it so that no test sees its workers.
	require.NoError(t, tide.ResetDefaultPool())

	t.Run("the default pool is built by the first Go, once", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			built := useDefaultPool(t)
			assert.Empty(t, built(), "nothing before the first Go")
			assert.Zero(t, bubblePoolGoroutines())
			var wg sync.WaitGroup
			for range 3 {
				wg.Add(1)
				tide.Go(wg.Done)
			}
			wg.Wait()
			assert.Len(t, built(), 1)
		})
	})

	t.Run("the default pool has unlimited capacity", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			built := useDefaultPool(t)
			gt := newGate()
			const n = 1000
			for range n {
				tide.Go(gt.task())
			}
			synctest.Wait()
			p := built()[0]
			assert.Equal(t, -1, p.Cap())
			assert.Equal(t, n, p.Running(), "every task runs at once, none queued")
			gt.open()
			p.Wait()
		})
	})

	t.Run("the default pool leaves no goroutine once idle past its expiry", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			useDefaultPool(t)
			gt := newGate()
			var wg sync.WaitGroup
			for range 10 {
				wg.Add(1)
				tide.Go(func() { defer wg.Done(); <-gt })
			}
			synctest.Wait()
			gt.open()
			wg.Wait()
			synctest.Wait()
			assert.Equal(t, 11, bubblePoolGoroutines(), "ten parked workers and the reaper")
			time.Sleep(tide.DefaultPoolExpiry - time.Nanosecond)
			synctest.Wait()
			assert.Equal(t, 11, bubblePoolGoroutines(), "one nanosecond before the expiry")
			time.Sleep(time.Nanosecond)
			synctest.Wait()
			assert.Zero(t, bubblePoolGoroutines())
		})
	})

	t.Run("a panicking task is logged with its stack and the default pool goes on", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var buf syncBuffer
			old := slog.Default()
			slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
			defer slog.SetDefault(old)
			built := useDefaultPool(t)
			tide.Go(func() { panic("kaboom") })
			done := make(chan struct{})
			tide.Go(func() { close(done) })
			<-done
			built()[0].Wait()
			assert.Contains(t, buf.String(), "kaboom")
			assert.Contains(t, buf.String(), "default_test.go")
			assert.Equal(t, uint64(1), built()[0].Stats().Panicked)
		})
	})
}
