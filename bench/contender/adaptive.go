package contender

import "github.com/tidego/tide"

// Tuned returns the contenders that only the downstream workload runs, where
// the capacity is the question: tide with WithAdaptiveCapacity, its
// capacity the upper bound.
func Tuned() []Contender {
	return []Contender{
		{Name: "tide-adaptive", Idiom: "tide WithAdaptiveCapacity(1, cap) Pool.Go + Pool.Wait", Start: startTideAdaptive},
	}
}

func startTideAdaptive(capacity int) Runner {
	p, err := tide.New(tide.WithAdaptiveCapacity(1, capacity))
	must(err)
	return &tidePool{p: p}
}

// Cap is the pool's capacity now: fixed for tide, moving for tide-adaptive.
func (t *tidePool) Cap() int { return t.p.Cap() }
