package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/tidego/tide/bench/contender"
	"github.com/tidego/tide/bench/workload"
)

// Workload names, in the order their tables are printed.
const (
	wTiny      = "tiny"
	wParallel  = "parallel"
	wSleepy    = "sleepy"
	wBurst     = "burst"
	wLatency   = "latency"
	wServer    = "server"
	wIdle      = "idle"
	wHammering = "hammering"
)

// wDownstream compares capacities, not libraries: see downstream.go.
const wDownstream = "downstream"

var workloadNames = []string{wTiny, wParallel, wSleepy, wBurst, wLatency, wServer, wIdle, wHammering, wDownstream}

// errHelp reports that -h was asked for and answered.
var errHelp = errors.New("help shown")

// config is what the flags ask for, resolved.
type config struct {
	args       []string
	profile    string // "quick" or "full"
	size       float64
	sizes      workload.Sizes
	workloads  []string
	contenders []contender.Contender
	runs       map[string]int // runs per workload
	out        string         // -out; "" for the default, a fresh temporary directory
	publish    bool           // -publish: write to bench/results
	seed       int64
}

// parseFlags reads args into a config.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("tidebench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	full := fs.Bool("full", false, "run the full sizes of issue 3 (about 17 minutes on 2 cores) instead of the quick profile")
	only := fs.String("only", "", "comma-separated workloads ("+strings.Join(workloadNames, ",")+
		") and/or contenders ("+strings.Join(contender.Names(), ",")+") to run; raw always runs as the baseline")
	runs := fs.Int("runs", 0, "runs of every workload (default: quick 3, burst and idle 1; full 5, sleepy, burst and idle 3)")
	size := fs.Float64("size", 1, "scale every task count by this factor (e.g. 0.01 for a smoke run; below 1 it also shortens the burst's idle sampling)")
	out := fs.String("out", "", "directory for the Markdown tables, SVG charts and raw JSON (default: a fresh temporary directory, printed at the end)")
	publish := fs.Bool("publish", false, "write to bench/results, the committed results, instead of a temporary directory")
	seed := fs.Int64("seed", 0, "seed of the shuffled order (default: the clock)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, errHelp
		}
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *size <= 0 || *runs < 0 {
		return config{}, errors.New("-size must be above 0 and -runs at least 0")
	}
	if *publish && *out != "" {
		return config{}, errors.New("-publish writes to bench/results: it takes no -out")
	}
	cfg := config{args: args, size: *size, out: *out, publish: *publish, seed: *seed}
	cfg.profile, cfg.sizes = profile(*full)
	cfg.sizes = cfg.sizes.Scale(*size)
	cfg.runs = runsPerWorkload(*full, *runs)
	if cfg.seed == 0 {
		cfg.seed = time.Now().UnixNano()
	}
	var err error
	cfg.workloads, cfg.contenders, err = selection(*only)
	return cfg, err
}

// profile returns the name and sizes of the quick or full profile.
func profile(full bool) (string, workload.Sizes) {
	if full {
		return "full", workload.Full()
	}
	return "quick", workload.Quick()
}

// runsPerWorkload applies -runs, or the profile's defaults.
func runsPerWorkload(full bool, runs int) map[string]int {
	m := map[string]int{}
	for _, w := range workloadNames {
		switch {
		case runs > 0:
			m[w] = runs
		case full && (w == wSleepy || w == wBurst || w == wIdle):
			m[w] = 3
		case full:
			m[w] = 5
		case w == wBurst || w == wIdle:
			m[w] = 1
		default:
			m[w] = 3
		}
	}
	return m
}

// selection resolves -only into workloads and contenders; an empty list of
// either means all of them. The baseline is always among the contenders.
func selection(only string) ([]string, []contender.Contender, error) {
	var ws, cs []string
	for item := range strings.SplitSeq(only, ",") {
		item = strings.TrimSpace(item)
		switch {
		case item == "":
		case slices.Contains(workloadNames, item):
			ws = append(ws, item)
		case slices.Contains(contender.Names(), item):
			cs = append(cs, item)
		default:
			return nil, nil, fmt.Errorf("-only: %q is neither a workload (%s) nor a contender (%s)",
				item, strings.Join(workloadNames, ","), strings.Join(contender.Names(), ","))
		}
	}
	var workloads []string
	for _, w := range workloadNames {
		if len(ws) == 0 || slices.Contains(ws, w) {
			workloads = append(workloads, w)
		}
	}
	var contenders []contender.Contender
	for _, c := range contender.All() {
		if len(cs) == 0 || c.Name == contender.Baseline || slices.Contains(cs, c.Name) {
			contenders = append(contenders, c)
		}
	}
	return workloads, contenders, nil
}
