package main

import (
	"os/exec"
	"strings"
)

// tideRevision names the tide commit being measured, from git: the short
// hash, marked when the library (the repository outside bench/) has
// uncommitted changes; "unknown" outside a git checkout.
func tideRevision() string {
	hash, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	rev := strings.TrimSpace(string(hash))
	dirty, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no",
		"--", ":(top)", ":(top,exclude)bench").Output()
	if err == nil && len(strings.TrimSpace(string(dirty))) > 0 {
		rev += " with uncommitted changes"
	}
	return rev
}
