// Command tidebench compares tide with raw goroutines and the other Go
// goroutine pools on eight workloads, prints Markdown tables and writes them
// with SVG charts to a fresh temporary directory, or with -publish to
// bench/results:
//
//	go -C bench run ./cmd/tidebench            # quick profile, a few minutes on 2 cores
//	go -C bench run ./cmd/tidebench -full      # the full sizes of issue 3
//	go -C bench run ./cmd/tidebench -only tiny,server,tide,ants -runs 5
//	go -C bench run ./cmd/tidebench -size 0.01 # a smoke run, as in CI
//	go -C bench run ./cmd/tidebench -publish   # rewrite the committed bench/results
//
// Contenders run interleaved, in a new shuffled order in each run. Every
// job runs in a fresh child process, the same binary started again, so that
// its peak RSS and CPU time belong to that contender alone.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	if spec, ok := os.LookupEnv(childEnv); ok {
		os.Exit(childMain(spec, os.Stdout, os.Stderr))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command with its arguments and outputs: 0 on success, 2 on a
// usage error, 1 on any other failure.
func run(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, errHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "tidebench:", err)
		return 2
	}
	dir, err := outDir(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "tidebench:", err)
		return 1
	}
	res, err := execute(cfg, dir, newProgress(stdout, stderr))
	if err != nil {
		fmt.Fprintln(stderr, "tidebench:", err)
		return 1
	}
	if err := publish(cfg, res, dir, stdout); err != nil {
		fmt.Fprintln(stderr, "tidebench:", err)
		return 1
	}
	return 0
}
