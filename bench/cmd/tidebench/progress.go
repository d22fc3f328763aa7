package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress follows the jobs of a run.
type progress interface {
	// start announces total jobs, whose files will go to dir.
	start(total int, dir string)
	// step marks the previous job done and names the one starting.
	step(desc string)
	// finish ends the progress; failed says the job last begun failed.
	finish(failed bool)
}

// newProgress returns a bar drawn on stderr when both stdout and stderr are
// terminals, and plain lines on stderr otherwise (a job per line), so that
// a run piped or logged says what it is doing while stdout holds only the
// tables.
func newProgress(stdout, stderr io.Writer) progress {
	if isTerminal(stdout) && isTerminal(stderr) {
		return &bar{w: stderr}
	}
	return &lines{w: stderr, now: time.Now}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// lines is the progress of a run that is not on a terminal: a line where
// the files will go, a line per job as it starts with the time since the
// run began, and a line at the end.
type lines struct {
	w     io.Writer
	now   func() time.Time
	began time.Time
	total int
	n     int // steps begun
}

func (l *lines) start(total int, dir string) {
	l.began, l.total, l.n = l.now(), total, 0
	fmt.Fprintf(l.w, "tidebench: %d jobs, each in a child process; files go to %s\n", total, dir)
}

func (l *lines) step(desc string) {
	l.n++
	fmt.Fprintf(l.w, "tidebench: [%*d/%d %s] %s\n", len(fmt.Sprint(l.total)), l.n, l.total, l.elapsed(), desc)
}

func (l *lines) finish(failed bool) {
	if failed {
		fmt.Fprintf(l.w, "tidebench: job %d of %d failed after %s\n", l.n, l.total, l.elapsed())
		return
	}
	fmt.Fprintf(l.w, "tidebench: %d jobs done in %s\n", l.n, l.elapsed())
}

// elapsed is the time since start, to the second: "1m05s".
func (l *lines) elapsed() string {
	d := l.now().Sub(l.began).Round(time.Second)
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

// bar is a progress bar on a terminal, where stdout names the output
// directory at the end.
type bar struct {
	w  io.Writer
	pb *progressbar.ProgressBar
	n  int // steps begun
}

func (b *bar) start(total int, _ string) {
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

func (b *bar) step(desc string) {
	if b.n > 0 {
		_ = b.pb.Add(1)
	}
	b.n++
	b.pb.Describe(desc)
}

func (b *bar) finish(bool) {
	_ = b.pb.Finish()
	_ = b.pb.Clear()
}
