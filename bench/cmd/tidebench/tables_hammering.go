package main

import (
	"fmt"
	"strings"

	"github.com/tidego/tide/bench/contender"
	"github.com/tidego/tide/bench/report"
)

// hammeringTable: tasks completed per second and the blocking submitter's
// worst wait, for the contenders that have a nonblocking mode; the others
// are named in a note with the reason.
func hammeringTable(cfg config, res *results) report.Table {
	s := cfg.sizes
	t := report.Table{
		Title: fmt.Sprintf("hammering: %d goroutines loop on a nonblocking Submit, cap %d, no queue, beside one blocking submitter, for %s (%s)",
			s.HammerSubmitters, s.HammerCap, seconds(s.HammerFor), medianOf(cfg.runs[wHammering])),
		Header: []string{"contender", "tasks/s completed", "min–max", "accepted/s", "refused/s", "blocking submits", "worst blocking wait", "min–max"},
	}
	var idioms, skipped []string
	for _, c := range cfg.contenders {
		nb := contender.NonblockingOf(c.Name)
		if nb.Start == nil {
			skipped = append(skipped, fmt.Sprintf("%s (%s)", c.Name, nb.Skip))
			continue
		}
		idioms = append(idioms, fmt.Sprintf("%s: %s", c.Name, nb.Idiom))
		rs := res.Hammering[key(c.Name, s.HammerCap)]
		rate := summarize(rs, func(r hammerRun) float64 { return r.PerSecond })
		worst := summarize(rs, func(r hammerRun) float64 { return float64(r.BlockingWorst) })
		t.Rows = append(t.Rows, []string{c.Name,
			count(int(rate.Median)), rate.Range(func(x float64) string { return count(int(x)) }),
			count(int(summarize(rs, func(r hammerRun) float64 { return float64(r.Accepted) / r.Window.Seconds() }).Median)),
			count(int(summarize(rs, func(r hammerRun) float64 { return float64(r.Refused) / r.Window.Seconds() }).Median)),
			count(int(summarize(rs, func(r hammerRun) float64 { return float64(r.Blocking) }).Median)),
			duration(worst.Median), worst.Range(duration),
		})
	}
	t.Notes = append(t.Notes, fmt.Sprintf("Every task is empty. The %d looping submitters call the nonblocking Submit without pause; "+
		"the pool refuses while both workers are busy (refusals are expected and counted; accepted/s and refused/s are theirs). One more submitter loops on a Submit that "+
		"waits for room and records its longest wait. Tasks completed counts those that finished within the window. A pool that makes "+
		"progress runs up to %d tasks at a time however hard it is hammered, and lets the waiting submitter in.",
		s.HammerSubmitters, s.HammerCap))
	if len(idioms) > 0 {
		t.Notes = append(t.Notes, "Nonblocking modes: "+strings.Join(idioms, "; ")+".")
	}
	if len(skipped) > 0 {
		t.Notes = append(t.Notes, "Not run, having no nonblocking mode: "+strings.Join(skipped, "; ")+".")
	}
	return t
}
