package main

import (
	"bytes"
	"io"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide/bench/contender"
)

func TestOnlyPicksWorkloadsAndContendersAndKeepsTheBaseline(t *testing.T) {
	cfg, err := parseFlags([]string{"-only", "latency, tiny,ants"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []string{wTiny, wLatency}, cfg.workloads, "in table order")
	assert.Equal(t, []string{contender.Baseline, "ants"}, names(cfg))
}

func TestOnlyWithJustContendersRunsEveryWorkload(t *testing.T) {
	cfg, err := parseFlags([]string{"-only", "tide"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, workloadNames, cfg.workloads)
	assert.Equal(t, []string{contender.Baseline, "tide"}, names(cfg))
}

func TestBadFlagsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"-only", "nonsense"}, {"-size", "0"}, {"-runs", "-1"}, {"stray"}, {"-nope"}} {
		var stderr bytes.Buffer
		assert.Equal(t, 2, run(args, io.Discard, &stderr), args)
		assert.NotEmpty(t, stderr.String(), args)
	}
	assert.Equal(t, 0, run([]string{"-h"}, io.Discard, io.Discard))
}

func TestProfilesSetRunsAndSizes(t *testing.T) {
	quick, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	full, err := parseFlags([]string{"-full"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "quick", quick.profile)
	assert.Equal(t, 1, quick.runs[wBurst])
	assert.Equal(t, 3, quick.runs[wTiny])
	assert.Equal(t, 1_000_000, full.sizes.SleepyTasks)
	assert.Equal(t, 5, full.runs[wLatency])
	forced, err := parseFlags([]string{"-runs", "2"}, io.Discard)
	require.NoError(t, err)
	for _, w := range workloadNames {
		assert.Equal(t, 2, forced.runs[w], w)
	}
}

func TestPlanShufflesEveryRunAndCoversEveryPair(t *testing.T) {
	cfg, err := parseFlags([]string{"-seed", "7"}, io.Discard)
	require.NoError(t, err)
	jobs := plan(cfg)
	perRun := map[int][]string{}
	counts := map[job]int{}
	for _, j := range jobs {
		if j.Workload == wTiny {
			perRun[j.Run] = append(perRun[j.Run], j.key())
		}
		counts[job{Workload: j.Workload, Contender: j.Contender, Cap: j.Cap}]++
	}
	require.Len(t, perRun, 3)
	assert.Len(t, perRun[0], 2*len(cfg.contenders))
	assert.False(t, slices.Equal(perRun[0], perRun[1]), "each run has its own order")
	for j, n := range counts {
		assert.Equal(t, cfg.runs[j.Workload], n, j)
	}
	again, _ := parseFlags([]string{"-seed", "7"}, io.Discard)
	assert.Equal(t, jobs, plan(again), "a seed repeats its order")
}

func TestFormatting(t *testing.T) {
	assert.Equal(t, "100,000", count(100_000))
	assert.Equal(t, "999", count(999))
	assert.Equal(t, "-1,000", count(-1000))
	assert.Equal(t, "850 ns", duration(850))
	assert.Equal(t, "12.3 µs", duration(12_345))
	assert.Equal(t, "1.50 ms", duration(1_500_000))
	assert.Equal(t, "2.00 s", duration(2e9))
	assert.Equal(t, "1 run", medianOf(1))
	assert.Equal(t, "median of 3 runs", medianOf(3))
}
