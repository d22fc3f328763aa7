package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"

	"github.com/tidego/tide/bench/contender"
	"github.com/tidego/tide/bench/workload"
)

// childEnv, when set, makes the binary a child: it runs the one job its
// value describes and prints the result as JSON instead of being the command.
const childEnv = "TIDEBENCH_CHILD"

// childSpec is what a child is told to run.
type childSpec struct {
	Job    job
	Sizes  workload.Sizes
	Rounds int    // Spin rounds of the tiny task, calibrated once by the parent
	Seed   uint64 // the server workload's arrival times
}

// childOutput is what a child prints: its result and its own peak RSS.
type childOutput struct {
	Result  json.RawMessage
	PeakRSS uint64 // bytes; 0 where the child cannot read it
}

// inChild runs the job in spec in a fresh copy of this binary, decodes its
// result into out and returns the child's peak RSS and CPU time. Every job
// runs so, so that no job's heap, goroutines or CPU time mix with another's.
// The child reads its own high-water mark (Linux: VmHWM), because the
// getrusage maxrss of a child also counts the parent's resident set,
// inherited across exec; that is the fallback elsewhere.
func inChild(spec childSpec, out any) (proc, error) {
	exe, err := os.Executable()
	if err != nil {
		return proc{}, err
	}
	env, err := json.Marshal(spec)
	if err != nil {
		return proc{}, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), childEnv+"="+string(env))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return proc{}, fmt.Errorf("child process: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	var co childOutput
	if err := json.Unmarshal(stdout.Bytes(), &co); err != nil {
		return proc{}, fmt.Errorf("child output: %w", err)
	}
	p := proc{PeakRSS: co.PeakRSS, ChildCPU: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if p.PeakRSS == 0 {
		p.PeakRSS = peakRSS(cmd.ProcessState)
	}
	return p, json.Unmarshal(co.Result, out)
}

// childMain is the whole life of a child: run the job in spec, print its
// result. It returns the process's exit code.
func childMain(spec string, stdout, stderr io.Writer) int {
	var cs childSpec
	if err := json.Unmarshal([]byte(spec), &cs); err != nil {
		fmt.Fprintln(stderr, "tidebench child:", err)
		return 2
	}
	result, err := runInChild(cs)
	var raw []byte
	if err == nil {
		raw, err = json.Marshal(result)
	}
	if err == nil {
		err = json.NewEncoder(stdout).Encode(childOutput{Result: raw, PeakRSS: selfPeakRSS()})
	}
	if err != nil {
		fmt.Fprintln(stderr, "tidebench child:", err)
		return 1
	}
	return 0
}

// runInChild measures the job: this is where every workload runs.
func runInChild(cs childSpec) (any, error) {
	c, ok := contender.Find(cs.Job.Contender)
	if !ok {
		return nil, fmt.Errorf("unknown contender %q", cs.Job.Contender)
	}
	s, capacity := cs.Sizes, cs.Job.Cap
	task := workload.CPUTask(cs.Rounds)
	switch cs.Job.Workload {
	case wTiny:
		return workload.MeasureTiny(c, capacity, s.TinyTasks, task), nil
	case wParallel:
		return workload.MeasureParallel(c, capacity, s.ParallelTasks, runtime.GOMAXPROCS(0)), nil
	case wSleepy:
		return workload.Sleepy(c, capacity, s.SleepyTasks, s.SleepyFor), nil
	case wBurst:
		return workload.Burst(c, capacity, s.BurstTasks, s.BurstFor, s.BurstAt), nil
	case wLatency:
		return workload.Latency(c, capacity, s.LatencyTasks, s.LatencyRate, task), nil
	case wServer:
		return workload.Server(c, capacity, s.ServerTasks, s.ServerSubmitters, s.ServerRate, cs.Seed, task), nil
	case wIdle:
		return workload.Idle(c, capacity, s.IdleTasks, s.IdleFor), nil
	case wHammering:
		nb := contender.NonblockingOf(c.Name)
		if nb.Start == nil {
			return nil, fmt.Errorf("%s has no nonblocking mode: %s", c.Name, nb.Skip)
		}
		return workload.Hammering(nb, capacity, s.HammerSubmitters, s.HammerFor), nil
	case wDownstream:
		return workload.Downstream(c, capacity, s.DownstreamFor), nil
	}
	return nil, fmt.Errorf("unknown workload %q", cs.Job.Workload)
}
