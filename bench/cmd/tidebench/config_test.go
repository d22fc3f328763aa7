package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tidego/tide/bench/contender"
	"github.com/tidego/tide/bench/workload"
)

func TestOnlyPicksWorkloadsAndContendersAndKeepsTheBaseline(t *testing.T) {
	cfg, err := parseFlags([]string{"-only", "latency, tiny,ants"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []string{wTiny, wLatency}, cfg.workloads, "in table order")
	assert.Equal(t, []string{contender.Baseline, "ants"}, names(cfg))
}

func TestOnlyPicksTheNewWorkloads(t *testing.T) {
	cfg, err := parseFlags([]string{"-only", "idle,server,latency,tide"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []string{wLatency, wServer, wIdle}, cfg.workloads, "in table order")
	for _, j := range plan(cfg) {
		switch j.Workload {
		case wServer:
			assert.Equal(t, cfg.sizes.ServerCap, j.Cap)
		case wIdle:
			assert.Equal(t, cfg.sizes.IdleCap, j.Cap)
		}
	}
}

func TestOutputGoesToATemporaryDirectoryUnlessAsked(t *testing.T) {
	def, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Empty(t, def.out)
	assert.False(t, def.publish)
	out, err := parseFlags([]string{"-out", "somewhere"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "somewhere", out.out)
	pub, err := parseFlags([]string{"-publish"}, io.Discard)
	require.NoError(t, err)
	assert.True(t, pub.publish)
}

func TestPublishFindsTheBenchModulesResults(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("module github.com/tidego/tide/bench // the bench\n\ngo 1.26.0\n"), 0o644))
	deep := filepath.Join(root, "cmd", "tidebench")
	require.NoError(t, os.MkdirAll(deep, 0o755))
	got, err := moduleRoot(deep)
	require.NoError(t, err)
	assert.Equal(t, root, got)

	t.Chdir(deep)
	dir, err := outDir(config{publish: true})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(root, "results"), dir)
	assert.DirExists(t, dir)
}

func TestPublishRefusesOutsideTheBenchModule(t *testing.T) {
	other := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(other, "go.mod"), []byte("module github.com/tidego/tide\n"), 0o644))
	_, err := moduleRoot(other)
	assert.ErrorIs(t, err, errNoBenchModule)
}

func TestModulePathReadsTheModuleLine(t *testing.T) {
	assert.Equal(t, "github.com/tidego/tide/bench", modulePath("// comment\nmodule github.com/tidego/tide/bench\n"))
	assert.Equal(t, "example.com/q", modulePath(`module "example.com/q"`))
	assert.Empty(t, modulePath("go 1.26\n"))
}

func TestOnlyWithJustContendersRunsEveryWorkload(t *testing.T) {
	cfg, err := parseFlags([]string{"-only", "tide"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, workloadNames, cfg.workloads)
	assert.Equal(t, []string{contender.Baseline, "tide"}, names(cfg))
}

func TestBadFlagsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"-only", "nonsense"}, {"-size", "0"}, {"-runs", "-1"}, {"stray"}, {"-nope"}, {"-publish", "-out", "x"}} {
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
	assert.Equal(t, 1, quick.runs[wIdle])
	assert.Equal(t, 3, quick.runs[wTiny])
	assert.Equal(t, 3, quick.runs[wServer])
	assert.Equal(t, 3, full.runs[wIdle])
	assert.Equal(t, 5, full.runs[wServer])
	assert.Equal(t, 200_000, full.sizes.ServerTasks)
	assert.Equal(t, 50_000, quick.sizes.ServerTasks)
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

func TestCPUCellsGiveMicrosecondsAndTheRatio(t *testing.T) {
	cpu := func(r costRun) float64 { return r.CPUPerTask }
	runs := []costRun{{Cost: workload.Cost{CPUPerTask: 1500}}, {Cost: workload.Cost{CPUPerTask: 2500}}}
	base := []costRun{{Cost: workload.Cost{CPUPerTask: 1000}}}
	assert.Equal(t, []string{"2.00", "2.00×"}, cpuCells(runs, base, cpu))
	assert.Equal(t, []string{"2.00", "—"}, cpuCells(runs, nil, cpu), "no baseline, no ratio")
}

func TestHammeringPlansOnlyTheContendersWithANonblockingMode(t *testing.T) {
	cfg, err := parseFlags([]string{"-only", "hammering,tide,ants,workerpool,conc", "-runs", "2"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []string{wHammering}, cfg.workloads)
	got := map[string]int{}
	for _, j := range plan(cfg) {
		assert.Equal(t, cfg.sizes.HammerCap, j.Cap)
		got[j.Contender]++
	}
	assert.Equal(t, map[string]int{"tide": 2, "ants": 2}, got, "raw, workerpool and conc have no nonblocking mode")
	assert.Equal(t, 2, cfg.sizes.HammerCap)
	assert.Equal(t, 16, cfg.sizes.HammerSubmitters)
}
