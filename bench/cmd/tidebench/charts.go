package main

import (
	"fmt"
	"time"

	"github.com/tidego/tide/bench/report"
	"github.com/tidego/tide/bench/workload"
)

// chart is an SVG to write, under a file name.
type chart struct {
	file string
	draw interface{ WriteSVG(w writer) error }
}

// names are the contenders' names, in table order.
func names(cfg config) []string {
	var ns []string
	for _, c := range cfg.contenders {
		ns = append(ns, c.Name)
	}
	return ns
}

// charts returns the charts of the workloads that ran.
func charts(cfg config, res *results) []chart {
	var out []chart
	for _, w := range cfg.workloads {
		switch w {
		case wTiny:
			out = append(out, chart{"tiny.svg", tinyChart(cfg, res)})
		case wSleepy:
			out = append(out, chart{"sleepy-rss.svg", sleepyChart(cfg, res)})
		case wBurst:
			out = append(out, chart{"burst.svg", burstChart(cfg, res)})
		case wLatency:
			s := cfg.sizes
			title := fmt.Sprintf("latency: due-to-start and submit-to-start at %s tasks/s, cap %s (median)", count(int(s.LatencyRate)), count(s.LatencyCap))
			out = append(out, chart{"latency.svg", quantileChart(cfg, res.Latency, s.LatencyCap, title)})
		case wServer:
			s := cfg.sizes
			title := fmt.Sprintf("server: due-to-start and submit-to-start, %s tasks/s from %d submitters, cap %s (median)",
				count(int(s.ServerRate)), s.ServerSubmitters, count(s.ServerCap))
			out = append(out, chart{"server.svg", quantileChart(cfg, res.Server, s.ServerCap, title)})
		case wDownstream:
			out = append(out, chart{"downstream.svg", downstreamChart(cfg, res)})
		}
	}
	return out
}

// tinyChart: ns/task by contender, a bar per capacity.
func tinyChart(cfg config, res *results) report.Bars {
	c := report.Bars{Title: fmt.Sprintf("tiny: ns per ~%v task (median)", workload.TinyWork), YLabel: "ns/task", Categories: names(cfg)}
	for _, capacity := range cfg.sizes.TinyCaps {
		s := report.Series{Name: fmt.Sprintf("cap=%d", capacity)}
		for _, n := range c.Categories {
			s.Values = append(s.Values, summarize(res.Tiny[key(n, capacity)], func(r costRun) float64 { return r.NsPerTask }).Median)
		}
		c.Series = append(c.Series, s)
	}
	return c
}

// sleepyChart: peak RSS by contender.
func sleepyChart(cfg config, res *results) report.Bars {
	s := cfg.sizes
	c := report.Bars{
		Title:  fmt.Sprintf("sleepy: peak RSS, %s × Sleep(%v) at cap %s (median)", count(s.SleepyTasks), s.SleepyFor, count(s.SleepyCap)),
		YLabel: "MiB", Categories: names(cfg),
	}
	series := report.Series{Name: "peak RSS"}
	for _, n := range c.Categories {
		series.Values = append(series.Values, summarize(res.Sleepy[key(n, s.SleepyCap)], func(r sleepyRun) float64 { return mib(float64(r.PeakRSS)) }).Median)
	}
	c.Series = []report.Series{series}
	return c
}

// burstChart: the reclamation curve, goroutines over time per contender.
func burstChart(cfg config, res *results) report.Lines {
	s := cfg.sizes
	c := report.Lines{
		Title:  fmt.Sprintf("burst then idle: live goroutines after %s × Sleep(%v) at cap %s", count(s.BurstTasks), s.BurstFor, count(s.BurstCap)),
		XLabel: "seconds since the burst ended", YLabel: "goroutines",
	}
	for _, at := range s.BurstAt {
		c.X = append(c.X, at.Seconds())
	}
	for _, n := range names(cfg) {
		series := report.Series{Name: n}
		for i := range s.BurstAt {
			series.Values = append(series.Values, burstAt(res.Burst[key(n, s.BurstCap)], i, func(x workload.Sample) float64 { return float64(x.Goroutines) }))
		}
		c.Series = append(c.Series, series)
	}
	return c
}

// quantileChart: p50 and p99 latency by contender, from the due time and
// from Submit.
func quantileChart(cfg config, runs map[string][]latencyRun, capacity int, title string) report.Bars {
	c := report.Bars{Title: title, YLabel: "µs", Categories: names(cfg)}
	series := []struct {
		name string
		f    func(latencyRun) time.Duration
	}{
		{"p50 due-to-start", fromDue.p50},
		{"p99 due-to-start", fromDue.p99},
		{"p50 submit-to-start", fromSubmit.p50},
		{"p99 submit-to-start", fromSubmit.p99},
	}
	for _, q := range series {
		s := report.Series{Name: q.name}
		for _, n := range c.Categories {
			s.Values = append(s.Values, summarize(runs[key(n, capacity)], func(r latencyRun) float64 { return float64(q.f(r)) / 1e3 }).Median)
		}
		c.Series = append(c.Series, s)
	}
	return c
}
