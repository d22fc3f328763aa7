package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress follows the jobs of a run.
type progress interface {
	start(total int)
	step(desc string)
	finish()
}

// newProgress returns a bar drawn on stderr when both stdout and stderr are
// terminals, and nothing otherwise, so that piped or logged output holds
// only the tables.
func newProgress(stdout, stderr io.Writer) progress {
	if isTerminal(stdout) && isTerminal(stderr) {
		return &bar{w: stderr}
	}
	return quiet{}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// quiet is the progress of a run that is not watched.
type quiet struct{}

func (quiet) start(int)   {}
func (quiet) step(string) {}
func (quiet) finish()     {}

// bar is a progress bar on a terminal.
type bar struct {
	w  io.Writer
	pb *progressbar.ProgressBar
	n  int // steps begun
}

func (b *bar) start(total int) {
	b.pb = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionShowCount(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowDescriptionAtLineEnd(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionClearOnFinish(),
	)
}

// step marks the previous job done and names the one starting.
func (b *bar) step(desc string) {
	if b.n > 0 {
		_ = b.pb.Add(1)
	}
	b.n++
	b.pb.Describe(desc)
}

func (b *bar) finish() {
	_ = b.pb.Finish()
	_ = b.pb.Clear()
}
