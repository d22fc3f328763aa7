package usertest_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
	"github.com/tidego/tide/internal/pooltest"
)

// TestBubbleBoundary checks that a pool used on the wrong side of a synctest
// bubble's boundary says so, with advice, instead of crashing the binary.
func TestBubbleBoundary(t *testing.T) {
	// A pool made outside a bubble refuses Wait, Group.Go, Group.TryGo and
	// SubmitFuture inside one.
	t.Run("made outside, used inside", func(t *testing.T) {
		p, err := tide.New(tide.WithCapacity(1))
		require.NoError(t, err)
		defer func() { require.NoError(t, p.ReleaseTimeout(10*time.Second)) }()
		synctest.Test(t, func(t *testing.T) {
			var ran atomic.Bool
			g := p.Group()
			g.Go(func() error { ran.Store(true); return nil })
			assert.False(t, g.TryGo(func() error { ran.Store(true); return nil }))
			err := g.Wait()
			require.ErrorIs(t, err, tide.ErrSynctestBubble)
			assert.Contains(t, err.Error(), "tide: Group.Go: pool used across a synctest bubble boundary; make the pool inside the bubble")

			_, err = tide.SubmitFuture(p, func() (int, error) { ran.Store(true); return 1, nil }).Wait()
			require.ErrorIs(t, err, tide.ErrSynctestBubble)

			perr := pooltest.PanicValue(t, p.Wait)
			require.ErrorIs(t, perr, tide.ErrSynctestBubble)
			assert.Contains(t, perr.Error(), "use tide.Go or a zero tide.Group there")
			assert.False(t, ran.Load())
		})
		// Outside again, the pool serves as before.
		g := p.Group()
		g.Go(func() error { return errors.New("ran") })
		assert.EqualError(t, g.Wait(), "ran")
		p.Wait()
	})

	// A pool made inside a bubble refuses Wait, Group.Go and SubmitFuture
	// outside it.
	t.Run("made inside, used outside", func(t *testing.T) {
		var p *tide.Pool
		synctest.Test(t, func(t *testing.T) {
			var err error
			p, err = tide.New()
			require.NoError(t, err)
			require.NoError(t, p.Submit(func() {}))
			p.Wait()
			time.Sleep(2 * tide.DefaultExpiry) // let the worker retire, so the bubble can end
		})
		g := p.Group()
		g.Go(func() error { return nil })
		assert.ErrorIs(t, g.Wait(), tide.ErrSynctestBubble)
		_, err := tide.SubmitFuture(p, func() (int, error) { return 1, nil }).Wait()
		assert.ErrorIs(t, err, tide.ErrSynctestBubble)
		assert.ErrorIs(t, pooltest.PanicValue(t, p.Wait), tide.ErrSynctestBubble)
	})

	// A pool made and used inside a bubble works there.
	t.Run("made and used inside", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p, err := tide.New(tide.WithCapacity(2))
			require.NoError(t, err)
			g := p.Group()
			g.Go(func() error { time.Sleep(time.Hour); return nil })
			_, err = tide.SubmitFuture(p, func() (int, error) { return 1, nil }).Wait()
			require.NoError(t, err)
			require.NoError(t, g.Wait())
			p.Wait()
			require.NoError(t, p.ReleaseTimeout(time.Second))
		})
	})
}
