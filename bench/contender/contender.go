// Package contender puts every way of running tasks that the suite compares
// behind one small interface, so that each workload drives them all alike.
//
// Each adapter uses its library's defaults and documented idiom. Libraries
// without a Wait of their own are waited on with a sync.WaitGroup around each
// task, as their READMEs show.
package contender

import "slices"

// Baseline is the name of the contender every other one is compared with:
// a plain `go f()` per task.
const Baseline = "raw"

// Runner is a started contender. Submit runs task exactly once, blocking
// while the contender is at capacity if that is its idiom. Wait returns once
// every task submitted so far has finished; the Runner accepts more tasks
// after it. Close releases the Runner's goroutines; call it after Wait.
// A Runner is not meant for concurrent Wait and Submit calls.
type Runner interface {
	Submit(task func())
	Wait()
	Close()
}

// Contender names one way of running tasks.
type Contender struct {
	// Name is short and has no spaces: it appears as c=Name in benchmark
	// names and as a row in the tables.
	Name string
	// Idiom is the call that is measured, for the tables' footnotes.
	Idiom string
	// Start returns a Runner that runs at most capacity tasks at once
	// (the raw baseline ignores capacity).
	Start func(capacity int) Runner
}

// All returns every contender, the baseline first.
func All() []Contender {
	return []Contender{
		{Name: Baseline, Idiom: "`go f()` via sync.WaitGroup.Go", Start: startRaw},
		{Name: "tide", Idiom: "tide Pool.Go + Pool.Wait", Start: startTide},
		{Name: "tide-func", Idiom: "tide FuncPool[func()].Invoke + Pool().Wait", Start: startTideFunc},
		{Name: "ants", Idiom: "ants/v2 Pool.Submit + WaitGroup", Start: startAnts},
		{Name: "ants-func", Idiom: "ants/v2 PoolWithFunc.Invoke + WaitGroup", Start: startAntsFunc},
		{Name: "ants-generic", Idiom: "ants/v2 PoolWithFuncGeneric[func()].Invoke + WaitGroup", Start: startAntsGeneric},
		{Name: "pond", Idiom: "pond/v2 Pool.Go + WaitGroup", Start: startPond},
		{Name: "workerpool", Idiom: "gammazero/workerpool Submit + WaitGroup", Start: startWorkerpool},
		{Name: "conc", Idiom: "conc pool.New().WithMaxGoroutines + Wait (a pool per batch)", Start: startConc},
		{Name: "errgroup", Idiom: "x/sync errgroup.Group.SetLimit + Go + Wait", Start: startErrgroup},
		{Name: "gopool", Idiom: "bytedance gopool.NewPool(...).Go + WaitGroup", Start: startGopool},
	}
}

// Find returns the contender called name, among All and Tuned.
func Find(name string) (Contender, bool) {
	all := append(All(), Tuned()...)
	i := slices.IndexFunc(all, func(c Contender) bool { return c.Name == name })
	if i < 0 {
		return Contender{}, false
	}
	return all[i], true
}

// Names returns the names of every contender, the baseline first.
func Names() []string {
	var names []string
	for _, c := range All() {
		names = append(names, c.Name)
	}
	return names
}

// must panics on a setup or submission error: the suite cannot measure a
// contender that refused its work.
func must(err error) {
	if err != nil {
		panic(err)
	}
}
