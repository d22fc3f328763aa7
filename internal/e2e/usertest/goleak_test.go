package usertest_test

import (
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tidego/tide"
)

func TestGoleak(t *testing.T) {
	// After tide.Go, goleak.VerifyNone passes with no option.
	t.Run("after go", func(t *testing.T) {
		var wg sync.WaitGroup
		for range 100 {
			wg.Add(1)
			tide.Go(wg.Done)
		}
		wg.Wait()
		start := time.Now()
		goleak.VerifyNone(t)
		t.Logf("goleak.VerifyNone took %v after the tasks (it gives up after about 0.43 s)", time.Since(start))
	})

	// After the zero Group's Wait, goleak.VerifyNone passes with no option.
	t.Run("after zero group wait", func(t *testing.T) {
		var g tide.Group
		g.SetLimit(4)
		want := errors.New("third")
		for i := range 20 {
			g.Go(func() error {
				if i == 3 {
					return want
				}
				return nil
			})
		}
		assert.Equal(t, want, g.Wait())
		goleak.VerifyNone(t)
	})

	// A panic in a task given to tide.Go does not crash the test binary.
	t.Run("panic in go task", func(t *testing.T) {
		var buf syncBuffer
		old := slog.Default()
		slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
		defer slog.SetDefault(old)
		done := make(chan struct{})
		tide.Go(func() { defer close(done); panic("a user's bug") })
		<-done
		var g tide.Group
		g.Go(func() error { panic("another") })
		require.ErrorIs(t, g.Wait(), tide.ErrPanic)
		goleak.VerifyNone(t)
		assert.Contains(t, buf.String(), "a user's bug", "logged through slog.Default")
	})
}

func TestZeroGroupLimit(t *testing.T) {
	// The zero Group's SetLimit and TryGo hold on the default pool.
	t.Run("limit and trygo hold", func(t *testing.T) {
		var g tide.Group
		g.SetLimit(2)
		started := make(chan struct{})
		hold := make(chan struct{})
		for range 2 {
			require.True(t, g.TryGo(func() error { started <- struct{}{}; <-hold; return nil }))
		}
		<-started
		<-started
		assert.False(t, g.TryGo(func() error { return errors.New("ran past the limit") }))
		close(hold)
		require.NoError(t, g.Wait())
		assert.True(t, g.TryGo(func() error { return nil }), "room again once the tasks ended")
		require.NoError(t, g.Wait())
	})
}
