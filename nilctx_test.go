package tide_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide"
)

// TestNilContext checks the one rule for a nil context: a function that
// returns an error returns one matching ErrNilContext and does nothing else;
// GroupContext, which returns none, panics with one.
func TestNilContext(t *testing.T) {
	var nilCtx context.Context

	t.Run("SubmitContext refuses a nil context without running the task", func(t *testing.T) {
		p := newPool(t)
		ran := false
		err := p.SubmitContext(nilCtx, func() { ran = true })
		require.ErrorIs(t, err, tide.ErrNilContext)
		assert.Equal(t, "tide: SubmitContext: nil context", err.Error())
		p.Wait()
		assert.False(t, ran)
		assert.Zero(t, p.Stats().Submitted)
	})

	t.Run("InvokeContext refuses a nil context without invoking", func(t *testing.T) {
		fp, err := tide.NewFuncPool(func(int) { t.Error("fn ran") })
		require.NoError(t, err)
		defer func() { require.NoError(t, fp.Pool().ReleaseTimeout(10*time.Second)) }()
		err = fp.InvokeContext(nilCtx, 1)
		require.ErrorIs(t, err, tide.ErrNilContext)
		assert.Equal(t, "tide: InvokeContext: nil context", err.Error())
		assert.Zero(t, fp.Pool().Stats().Submitted)
	})

	t.Run("WaitContext refuses a nil context, even on a ready Future", func(t *testing.T) {
		p := newPool(t)
		f := tide.SubmitFuture(p, func() (int, error) { return 7, nil })
		_, err := f.Wait()
		require.NoError(t, err)
		v, err := f.WaitContext(nilCtx)
		require.ErrorIs(t, err, tide.ErrNilContext)
		assert.Equal(t, "tide: Future.WaitContext: nil context", err.Error())
		assert.Zero(t, v)
	})

	t.Run("Shutdown refuses a nil context and leaves the pool open", func(t *testing.T) {
		p := newPool(t)
		err := p.Shutdown(nilCtx)
		require.ErrorIs(t, err, tide.ErrNilContext)
		assert.Equal(t, "tide: Shutdown: nil context", err.Error())
		assert.False(t, p.IsClosed())
		assert.NoError(t, p.Submit(func() {}))
	})

	t.Run("GroupContext panics on a nil context with an error matching ErrNilContext", func(t *testing.T) {
		p := newPool(t)
		err := panicValue(t, func() { p.GroupContext(nilCtx) })
		assert.ErrorIs(t, err, tide.ErrNilContext)
		assert.Equal(t, "tide: GroupContext: nil context", err.Error())
	})
}
