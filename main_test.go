package tide_test

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tidego/tide"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newPool returns a pool that is released, and its goroutines awaited, when
// the test ends.
func newPool(t *testing.T, opts ...tide.Option) *tide.Pool {
	t.Helper()
	p, err := tide.New(opts...)
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, p.ReleaseTimeout(10*time.Second))
	})
	return p
}

// gate holds tasks until opened.
type gate chan struct{}

func newGate() gate         { return make(gate) }
func (g gate) open()        { close(g) }
func (g gate) task() func() { return func() { <-g } }

// poolGoroutines counts the goroutines running the pool's own code: workers
// and the reaper.
func poolGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		s := string(g)
		if strings.Contains(s, "tide.(*worker[") || strings.Contains(s, "tide.(*engine[") {
			n++
		}
	}
	return n
}

// submitAsync calls Submit on its own goroutine and returns where its error
// will arrive.
func submitAsync(p *tide.Pool, task func()) <-chan error {
	errc := make(chan error, 1)
	go func() { errc <- p.Submit(task) }()
	return errc
}

// pending reports whether nothing has arrived on c yet.
func pending[T any](c <-chan T) bool {
	select {
	case <-c:
		return false
	default:
		return true
	}
}
