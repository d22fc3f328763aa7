package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/tidego/tide/bench/contender"
	"github.com/tidego/tide/bench/workload"
)

// childEnv, when set, makes the binary a child: it runs the one job its
// value describes and prints the result as JSON instead of being the command.
const childEnv = "TIDEBENCH_CHILD"

// childSpec is what a child is told to run.
type childSpec struct {
	Job   job
	Sizes workload.Sizes
}

// childOutput is what a child prints: its result and its own peak RSS.
type childOutput struct {
	Result  json.RawMessage
	PeakRSS uint64 // bytes; 0 where the child cannot read it
}

// inChild runs j in a fresh copy of this binary, decodes its result into
// out and stores the child's peak RSS in bytes into rss. The child reads
// its own high-water mark (Linux: VmHWM), because the getrusage maxrss of a
// child also counts the parent's resident set, inherited across exec; that
// is the fallback elsewhere.
func inChild(j job, s workload.Sizes, out any, rss *uint64) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	spec, err := json.Marshal(childSpec{Job: j, Sizes: s})
	if err != nil {
		return err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), childEnv+"="+string(spec))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("child process: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	var co childOutput
	if err := json.Unmarshal(stdout.Bytes(), &co); err != nil {
		return fmt.Errorf("child output: %w", err)
	}
	*rss = co.PeakRSS
	if *rss == 0 {
		*rss = peakRSS(cmd.ProcessState)
	}
	return json.Unmarshal(co.Result, out)
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

// runInChild measures the memory-sensitive workloads.
func runInChild(cs childSpec) (any, error) {
	c, ok := contender.Find(cs.Job.Contender)
	if !ok {
		return nil, fmt.Errorf("unknown contender %q", cs.Job.Contender)
	}
	s := cs.Sizes
	switch cs.Job.Workload {
	case wSleepy:
		return workload.Sleepy(c, cs.Job.Cap, s.SleepyTasks, s.SleepyFor), nil
	case wBurst:
		return workload.Burst(c, cs.Job.Cap, s.BurstTasks, s.BurstFor, s.BurstAt), nil
	}
	return nil, fmt.Errorf("workload %q does not run in a child", cs.Job.Workload)
}
