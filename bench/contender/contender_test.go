package contender_test

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide/bench/contender"
)

const tasks = 10_000

// batch submits tasks that each bump their own slot, slowing every 1000th
// one down so that Wait has something to wait for, and returns the slots.
func batch(r contender.Runner) []atomic.Int32 {
	runs := make([]atomic.Int32, tasks)
	for i := range runs {
		r.Submit(func() {
			if i%1000 == 0 {
				time.Sleep(time.Millisecond)
			}
			runs[i].Add(1)
		})
	}
	return runs
}

// assertOnce checks that every slot was bumped exactly once.
func assertOnce(t *testing.T, runs []atomic.Int32) {
	t.Helper()
	bad := 0
	for i := range runs {
		if runs[i].Load() != 1 {
			bad++
		}
	}
	assert.Zero(t, bad, "tasks not run exactly once by the time Wait returned")
}

func TestEveryContenderRunsEachTaskOnce(t *testing.T) {
	for _, c := range contender.All() {
		t.Run(c.Name, func(t *testing.T) {
			r := c.Start(8)
			defer r.Close()
			for range 2 {
				runs := batch(r)
				r.Wait()
				assertOnce(t, runs)
			}
		})
	}
}

func TestContenderNamesAreUniqueAndFound(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range contender.Names() {
		require.False(t, seen[name], "duplicate contender %q", name)
		seen[name] = true
		c, ok := contender.Find(name)
		require.True(t, ok)
		assert.Equal(t, name, c.Name)
		assert.NotEmpty(t, c.Idiom)
	}
	assert.Equal(t, contender.Baseline, contender.Names()[0])
	_, ok := contender.Find("no-such-pool")
	assert.False(t, ok)
}

func TestEveryContenderHasANonblockingModeOrSaysWhyNot(t *testing.T) {
	for _, name := range contender.Names() {
		nb := contender.NonblockingOf(name)
		if nb.Start == nil {
			assert.NotEmpty(t, nb.Skip, name)
			continue
		}
		assert.Empty(t, nb.Skip, name)
		assert.NotEmpty(t, nb.Idiom, name)
	}
	assert.NotNil(t, contender.NonblockingOf("tide").Start)
	assert.NotNil(t, contender.NonblockingOf("ants").Start)
}

func TestNonblockingModesRefuseWhenFullAndRunWhatTheyAccept(t *testing.T) {
	for _, name := range contender.Names() {
		nb := contender.NonblockingOf(name)
		if nb.Start == nil {
			continue
		}
		t.Run(name, func(t *testing.T) {
			r := nb.Start(2)
			defer r.Close()
			release := make(chan struct{})
			var started, ran atomic.Int32
			hold := func() {
				started.Add(1)
				<-release
				ran.Add(1)
			}
			// Two tasks fill the pool: Submit waits for room rather than refusing.
			r.Submit(hold)
			r.Submit(hold)
			assert.False(t, r.TrySubmit(func() { ran.Add(100) }), "full, no queue: refused")
			close(release)
			r.Wait()
			assert.EqualValues(t, 2, ran.Load(), "the refused task never ran")

			// Room again: a TrySubmit is eventually accepted (workers may still
			// be on their way back), and Submit waits rather than refusing.
			for !r.TrySubmit(func() { ran.Add(1) }) {
				runtime.Gosched()
			}
			r.Submit(func() { ran.Add(1) })
			r.Wait()
			assert.EqualValues(t, 4, ran.Load())
		})
	}
}
