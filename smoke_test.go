package tide_test

import (
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tidego/tide"
)

func TestSmoke(t *testing.T) {
	p := newPool(t, tide.WithCapacity(4))
	var n atomic.Int64
	for i := 0; i < 10000; i++ {
		p.Go(func() { n.Add(1) })
	}
	p.Wait()
	assert.Equal(t, int64(10000), n.Load())
	t.Logf("%+v", p.Stats())
}
