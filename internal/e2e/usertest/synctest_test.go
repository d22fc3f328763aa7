package usertest_test

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

func TestSynctest(t *testing.T) {
	// The zero Group: go, wait, return inside a bubble.
	t.Run("zero group in bubble", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var g tide.Group
			results := make([]int, 10)
			for i := range results {
				g.Go(func() error { results[i] = i * i; return nil })
			}
			require.NoError(t, g.Wait())
			assert.Equal(t, 81, results[9])
		})
	})

	// The zero Group's tasks live on the bubble's clock.
	t.Run("zero group on bubble clock", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var g tide.Group
			start := time.Now()
			g.Go(func() error { time.Sleep(time.Hour); return nil })
			g.Go(func() error { time.Sleep(2 * time.Hour); return errors.New("late") })
			assert.EqualError(t, g.Wait(), "late")
			assert.Equal(t, 2*time.Hour, time.Since(start), "fake time, no real wait")
		})
	})

	// A panic in the zero Group's task inside a bubble comes back from Wait.
	t.Run("zero group panic in bubble", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var g tide.Group
			g.Go(func() error { panic("boom") })
			var pe *tide.PanicError
			require.ErrorAs(t, g.Wait(), &pe)
			assert.Equal(t, "boom", pe.Value)
		})
	})

	// tide.Go inside a bubble: synctest.Wait waits for the task, which may
	// use the bubble's channels and WaitGroups.
	t.Run("go in bubble", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ch := make(chan int)
			var wg sync.WaitGroup
			wg.Add(1)
			tide.Go(func() { defer wg.Done(); ch <- 1 })
			assert.Equal(t, 1, <-ch)
			wg.Wait()
			done := false
			tide.Go(func() { time.Sleep(time.Minute); done = true })
			time.Sleep(time.Minute)
			synctest.Wait()
			assert.True(t, done)
		})
	})

	// The default pool warmed outside a bubble serves tide.Go before, inside
	// and after one.
	t.Run("warmed outside bubble", func(t *testing.T) {
		var wg sync.WaitGroup
		wg.Add(1)
		tide.Go(wg.Done)
		wg.Wait()
		synctest.Test(t, func(t *testing.T) {
			ch := make(chan int)
			tide.Go(func() { ch <- 2 })
			assert.Equal(t, 2, <-ch)
			var g tide.Group
			g.Go(func() error { ch <- 3; return nil })
			assert.Equal(t, 3, <-ch)
			require.NoError(t, g.Wait())
		})
		wg.Add(1)
		tide.Go(wg.Done)
		wg.Wait()
	})

	// A panic in tide.Go's task inside a bubble is logged with its stack, and
	// the bubble ends.
	t.Run("go panic in bubble", func(t *testing.T) {
		var buf syncBuffer
		old := slog.Default()
		slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
		defer slog.SetDefault(old)
		synctest.Test(t, func(t *testing.T) {
			tide.Go(func() { panic("in the bubble") })
			synctest.Wait()
		})
		assert.Contains(t, buf.String(), "in the bubble")
		assert.Contains(t, buf.String(), "synctest_test.go")
	})

	// A test binary whose first tide.Go is inside a bubble uses the default
	// pool outside later.
	t.Run("first use in bubble", func(t *testing.T) {
		if os.Getenv(helperEnv) != "" {
			t.Skip("this is the helper process")
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestFirstUseInBubble$", "-test.v")
		cmd.Env = append(os.Environ(), helperEnv+"=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "the helper binary failed:\n%s", out)
		assert.Contains(t, string(out), "--- PASS: TestFirstUseInBubble")
		assert.NotContains(t, string(out), "synctest")
	})
}

// helperEnv makes TestFirstUseInBubble run, in a process of its own started
// by TestSynctest, so that nothing used the default pool before it.
const helperEnv = "TIDE_USERTEST_FIRST_USE_IN_BUBBLE"

func TestFirstUseInBubble(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("run by TestSynctest in a process of its own")
	}
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan int)
		tide.Go(func() { ch <- 1 })
		<-ch
		var g tide.Group
		g.Go(func() error { return nil })
		require.NoError(t, g.Wait())
	})
	// Outside every bubble now, with the bubble gone.
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		tide.Go(wg.Done)
	}
	wg.Wait()
	var g tide.Group
	g.Go(func() error { return nil })
	require.NoError(t, g.Wait())
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
