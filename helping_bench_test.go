package tide_test

import (
	"testing"

	"github.com/tidego/tide"
)

// BenchmarkGroupGo is the cost of a group's task: Go of an empty task on a
// warm pool of capacity 4, then Wait every 1000 tasks (the price of the
// per-task claim that lets Wait help).
func BenchmarkGroupGo(b *testing.B) {
	p, err := tide.New(tide.WithCapacity(4))
	if err != nil {
		b.Fatal(err)
	}
	defer p.Release()
	b.ReportAllocs()
	g := p.Group()
	i := 0
	for b.Loop() {
		g.Go(func() error { return nil })
		if i++; i%1000 == 0 {
			_ = g.Wait()
			g = p.Group()
		}
	}
	_ = g.Wait()
}

// BenchmarkFutureWait is the cost of a future: SubmitFuture of an empty
// function on a warm pool of capacity 4, then Wait.
func BenchmarkFutureWait(b *testing.B) {
	p, err := tide.New(tide.WithCapacity(4))
	if err != nil {
		b.Fatal(err)
	}
	defer p.Release()
	b.ReportAllocs()
	for b.Loop() {
		_, _ = tide.SubmitFuture(p, func() (int, error) { return 1, nil }).Wait()
	}
}
