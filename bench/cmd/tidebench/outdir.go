package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// benchModule is the path of the bench module, whose results folder
// -publish writes.
const benchModule = "github.com/tidego/tide/bench"

// outDir returns the directory a run's files go to, made if need be: -out
// as given; with -publish, the results folder of the bench module around
// the working directory; otherwise a fresh temporary directory, so that a
// run leaves the checkout as it was.
func outDir(cfg config) (string, error) {
	switch {
	case cfg.out != "":
		return cfg.out, os.MkdirAll(cfg.out, 0o755)
	case cfg.publish:
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		root, err := moduleRoot(wd)
		if err != nil {
			return "", err
		}
		dir := filepath.Join(root, "results")
		return dir, os.MkdirAll(dir, 0o755)
	default:
		return os.MkdirTemp("", "tidebench-")
	}
}

// errNoBenchModule reports that -publish was run outside the bench module.
var errNoBenchModule = errors.New("-publish: run it inside the bench module (go -C bench run ./cmd/tidebench -publish)")

// moduleRoot returns the nearest directory at or above dir whose go.mod
// declares the bench module.
func moduleRoot(dir string) (string, error) {
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && modulePath(string(b)) == benchModule {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errNoBenchModule
		}
		dir = parent
	}
}

// modulePath returns the path on the module line of a go.mod file, or "".
func modulePath(gomod string) string {
	for line := range strings.Lines(gomod) {
		line, _, _ = strings.Cut(line, "//")
		fields := strings.Fields(line)
		if len(fields) == 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`)
		}
	}
	return ""
}
