package tide_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

func TestConcurrentSubmitters(t *testing.T) {
	t.Run("every accepted task runs exactly once and the cap holds", func(t *testing.T) {
		const capacity, submitters, each = 8, 16, 500
		p := newPool(t, tide.WithCapacity(capacity), tide.WithQueueSize(4))
		var hw highWater
		var runs [submitters * each]atomic.Int32
		var accepted atomic.Int64
		var wg sync.WaitGroup
		for s := range submitters {
			wg.Go(func() {
				for i := range each {
					id := s*each + i
					task := func() { hw.enter(); runs[id].Add(1); hw.exit() }
					var err error
					if i%3 == 0 {
						ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rand.IntN(50))*time.Microsecond)
						err = p.SubmitContext(ctx, task)
						cancel()
					} else {
						err = p.Submit(task)
					}
					if err == nil {
						accepted.Add(1)
					} else if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("unexpected error %v", err)
					}
				}
			})
		}
		wg.Wait()
		p.Wait()
		var ran int64
		for i := range runs {
			n := runs[i].Load()
			require.LessOrEqual(t, n, int32(1), "task %d ran twice", i)
			ran += int64(n)
		}
		assert.Equal(t, accepted.Load(), ran)
		assert.LessOrEqual(t, hw.peak.Load(), int64(capacity))
		st := p.Stats()
		assert.Equal(t, uint64(accepted.Load()), st.Submitted)
		assert.Equal(t, st.Submitted, st.Completed)
		assert.LessOrEqual(t, st.Workers, capacity)
	})

	t.Run("the cap holds while Tune shrinks and grows", func(t *testing.T) {
		const maxCap = 6
		p := newPool(t, tide.WithCapacity(maxCap))
		var hw highWater
		var ran atomic.Int64
		stop := make(chan struct{})
		var tuner sync.WaitGroup
		tuner.Go(func() {
			for n := 1; ; n = n%maxCap + 1 {
				select {
				case <-stop:
					return
				default:
				}
				require.NoError(t, p.Tune(n))
				time.Sleep(10 * time.Microsecond)
			}
		})
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 2000 {
					p.Go(func() { hw.enter(); ran.Add(1); hw.exit() })
				}
			})
		}
		wg.Wait()
		close(stop)
		tuner.Wait()
		p.Wait()
		assert.Equal(t, int64(8000), ran.Load())
		assert.LessOrEqual(t, hw.peak.Load(), int64(maxCap))
		require.NoError(t, p.Tune(2))
		require.Eventually(t, func() bool { return p.Stats().Workers <= 2 }, 5*time.Second, time.Millisecond)
	})
}

func TestConcurrentRelease(t *testing.T) {
	t.Run("submitters racing Release get nil or ErrPoolClosed, and accepted tasks run once", func(t *testing.T) {
		const n = 10000
		p, err := tide.New(tide.WithCapacity(16), tide.WithQueueSize(64))
		require.NoError(t, err)
		var runs [n]atomic.Int32
		var accepted [n]atomic.Bool
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				err := p.Submit(func() { runs[i].Add(1) })
				switch {
				case err == nil:
					accepted[i].Store(true)
				case !errors.Is(err, tide.ErrPoolClosed):
					t.Errorf("submit %d: %v", i, err)
				}
			})
		}
		close(start)
		time.Sleep(time.Duration(rand.IntN(200)) * time.Microsecond) // let some submissions in; any outcome is valid
		p.Release()
		wg.Wait()
		require.NoError(t, p.ReleaseTimeout(10*time.Second))
		for i := range n {
			want := int32(0)
			if accepted[i].Load() {
				want = 1
			}
			require.Equal(t, want, runs[i].Load(), "task %d", i)
		}
		st := p.Stats()
		assert.Equal(t, st.Submitted, st.Completed)
		assert.Zero(t, st.Workers)
	})
}
